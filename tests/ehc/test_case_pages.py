"""The SEND team's case pages: list, case, actions; other councils and parents see nothing."""

import datetime

import pytest
from django.core.cache import cache
from django_tenants.utils import schema_context

from core.roles import Role
from ehc.cases.services import case_transition
from ehc.models import Case
from ehc.workflow import Action, Stage
from tests.conftest import host_client, sign_in
from tests.factories import CaseFactory, MembershipFactory, UserFactory, case_at, council_person


def assessed(*, asked: int) -> Case:
    """A case received on 1 September 2026, assessed from the 20th, with ``asked`` services asked for
    advice (events on its timeline)."""
    return case_at(
        Stage.ASSESSMENT,
        received_on=datetime.date(2026, 9, 1),
        on={
            Action.DECIDE_TO_ASSESS: datetime.date(2026, 9, 20),
            Action.REQUEST_ADVICE: datetime.date(2026, 9, 21),
        },
        advice=tuple(f"S{n}" for n in range(asked)),
    )


@pytest.fixture
def staff(oxfordshire):
    cache.clear()
    user = council_person("caseworker@oxfordshire.example")
    return sign_in(host_client("oxfordshire"), user, oxfordshire)


def test_case_list_query_count_is_the_same_for_1_and_200_cases(staff, oxfordshire, assert_queries):
    with schema_context(oxfordshire.schema_name):
        assessed(asked=2)
    staff.get("/cases/")
    # routing, session, configuration, identity, staff check, count, caseworkers for the filter, cases
    # with their caseworker (the next due date is a column kept by case_due_refresh, not a query a row),
    # the audit rows for the children shown (one insert whatever their number)
    with assert_queries(9):
        assert "Bluehat" in staff.get("/cases/").content.decode()
    with schema_context(oxfordshire.schema_name):
        CaseFactory.create_batch(200)
        total = Case.objects.count()  # browser tests may have committed a case or two as well
    with assert_queries(9):
        html = staff.get("/cases/").content.decode()
    assert f"{total} cases" in html
    assert 'rel="next"' in html  # 25 to a page


def test_case_page_query_count_does_not_grow_with_events(staff, oxfordshire, assert_queries):
    with schema_context(oxfordshire.schema_name):
        few, many = assessed(asked=1), assessed(asked=200)
    staff.get(f"/cases/{few.reference}/")
    # routing, session, configuration, identity, staff check, case and request, events and who, exceptions,
    # family access with each person, documents with who published them, forms with their definitions,
    # messages with their people, advice requests to health teams with their team and member, the
    # health teams that can be asked, and the audit row for the read
    with assert_queries(15):
        staff.get(f"/cases/{few.reference}/")
    with assert_queries(15):
        html = staff.get(f"/cases/{many.reference}/").content.decode()
    assert html.count("Request advice") >= 200


def test_actions_move_the_case_and_errors_are_clear(staff, oxfordshire):
    with schema_context(oxfordshire.schema_name):
        case = CaseFactory()
    url = f"/cases/{case.reference}/"
    bad = staff.post(url, {"action": "issue_final", "happened_on": "2026-09-10"})
    assert bad.status_code == 400
    assert "Select what happened" in bad.content.decode()
    no_reason = staff.post(url, {"action": "decide_not_to_assess", "happened_on": "2026-09-10"})
    assert "Give the reason" in no_reason.content.decode()
    assert 'value="2026-09-10"' in no_reason.content.decode()
    done = staff.post(url, {"action": "decide_to_assess", "happened_on": "2026-10-06"})
    assert done.status_code == 302
    with schema_context(oxfordshire.schema_name):
        case.refresh_from_db()
        assert case.stage == Stage.ASSESSMENT
    html = staff.get(url).content.decode()
    assert "Decide to assess" in html
    assert "12 Oct 2026" in html  # the 6-week date, from the clock


def test_parents_and_other_councils_get_nothing(oxfordshire, worcestershire):
    with schema_context(oxfordshire.schema_name):
        case = CaseFactory()
    parent = UserFactory(email="case.parent@example.com")
    with schema_context(oxfordshire.schema_name):
        MembershipFactory(user=parent, role=Role.PARENT)
    parent_client = sign_in(host_client("oxfordshire"), parent, oxfordshire)
    assert parent_client.get("/cases/").status_code == 403
    assert parent_client.get(f"/cases/{case.reference}/").status_code == 403
    assert parent_client.post(f"/cases/{case.reference}/", {"action": "decide_to_assess"}).status_code == 403
    worcs = sign_in(
        host_client("worcestershire"),
        council_person("caseworker@worcestershire.example"),
        worcestershire,
    )
    assert worcs.get(f"/cases/{case.reference}/").status_code == 404
    assert case.reference not in worcs.get("/cases/").content.decode()


def test_the_next_due_date_is_the_councils_duty_not_the_familys_window(staff, oxfordshire):
    with schema_context(oxfordshire.schema_name):
        case = CaseFactory()
        for action, day in (
            (Action.DECIDE_TO_ASSESS, 20),
            (Action.ISSUE_DRAFT, 50),
            (Action.ISSUE_FINAL, 70),
        ):
            case = case_transition(
                case=case,
                action=action,
                by=None,
                happened_on=datetime.date(2026, 9, 1) + datetime.timedelta(days=day),
            )
    html = staff.get(f"/cases/?q={case.reference}").content.decode()
    assert "Annual review" in html  # not the family's appeal window
    assert "Appeal" not in html.split("<tbody")[1]
