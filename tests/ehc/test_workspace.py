"""The SEND team's workspace: due-soon and overdue counts by stage, for me and for the team."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone
from django_tenants.utils import schema_context

from core.roles import Role
from ehc.workspace.selectors import workspace_counts
from tests.conftest import host_client, sign_in
from tests.factories import CaseFactory, MembershipFactory, UserFactory, council_person

User = get_user_model()
# CaseFactory(days_ago=n): a case received n days ago, its 6-week decision due 41 days after receipt.


@pytest.fixture
def caseworker():
    return council_person("caseworker@oxfordshire.example")


def test_counts_split_mine_from_the_teams_and_soon_from_overdue(oxfordshire, caseworker):
    today = timezone.localdate()
    with schema_context(oxfordshire.schema_name):
        before = workspace_counts(user=caseworker, today=today)["totals"]
        CaseFactory(days_ago=50, caseworker=caseworker)  # decision due 9 days ago: overdue, mine
        CaseFactory(days_ago=35, caseworker=caseworker)  # due in 6 days: soon, mine
        CaseFactory(days_ago=30)  # due in 11 days: soon, the team's
        CaseFactory(days_ago=60)  # overdue, the team's
        CaseFactory(days_ago=5, caseworker=caseworker)  # due in 36 days: neither
        after = workspace_counts(user=caseworker, today=today)
    delta = {key: after["totals"][key] - before[key] for key in before}
    assert delta == {
        "open": 5,
        "mine_open": 3,
        "mine_soon": 1,
        "mine_overdue": 1,
        "team_soon": 2,
        "team_overdue": 2,
    }
    received = next(row for row in after["rows"] if row["stage"] == "request_received")
    assert received["mine_overdue"] >= 1


def test_the_page_links_each_count_to_the_filtered_list_in_constant_queries(
    oxfordshire, caseworker, assert_queries
):
    cache.clear()
    staff = sign_in(host_client("oxfordshire"), caseworker, oxfordshire)
    with schema_context(oxfordshire.schema_name):
        CaseFactory(days_ago=50, caseworker=caseworker)
    staff.get("/workspace/")
    # routing, session, configuration, identity, roles, counts by stage, new requests, consultations
    # overdue
    with assert_queries(8):
        html = staff.get("/workspace/").content.decode()
    assert "SEND team workspace" in html
    assert 'href="/cases/?caseworker=me&amp;due=overdue"' in html
    assert 'href="/cases/?stage=request_received&amp;caseworker=me&amp;due=overdue"' in html
    assert "Timeliness" not in html  # for managers
    with schema_context(oxfordshire.schema_name):
        for _ in range(30):
            CaseFactory(days_ago=35, caseworker=caseworker)
    with assert_queries(8):
        staff.get("/workspace/")
    listed = staff.get("/cases/?caseworker=me&due=soon").content.decode()
    assert "Due soon" in listed
    assert "Overdue</strong>" not in listed
    manager = sign_in(host_client("oxfordshire"), council_person("manager@oxfordshire.example"), oxfordshire)
    assert "Timeliness" in manager.get("/workspace/").content.decode()


def test_parents_and_other_councils_see_no_workspace(oxfordshire, worcestershire, caseworker):
    worcs_worker = council_person("caseworker@worcestershire.example")
    with schema_context(worcestershire.schema_name):
        worcs_before = workspace_counts(user=worcs_worker, today=timezone.localdate())["totals"]
    with schema_context(oxfordshire.schema_name):
        CaseFactory(days_ago=50, caseworker=caseworker)
        CaseFactory(days_ago=35)
    with schema_context(worcestershire.schema_name):
        assert workspace_counts(user=worcs_worker, today=timezone.localdate())["totals"] == worcs_before
    parent = UserFactory(email="workspace.parent@example.com")
    with schema_context(oxfordshire.schema_name):
        MembershipFactory(user=parent, role=Role.PARENT)
    assert sign_in(host_client("oxfordshire"), parent, oxfordshire).get("/workspace/").status_code == 403
    stranger = host_client("oxfordshire").get("/workspace/")
    assert stranger.status_code == 302
    assert "/accounts/login/" in stranger["Location"]
