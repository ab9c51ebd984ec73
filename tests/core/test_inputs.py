"""Ids and numbers that code puts in buttons, links and hidden fields, changed by hand: never a 500.

``str.isdigit`` is true for "²", which ``int`` refuses; each page that read a number that way answered
500 to it. They read it with core.inputs.whole_number now. NUL bytes anywhere in a request are refused
once, with a 400 page (core.middleware.NulBytesRefusedMiddleware)."""

import datetime
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django_tenants.utils import schema_context

from core.inputs import BIGINT_MAX, whole_number
from core.roles import Role
from ehc.models import AccessStatus, Case, CaseAccess, Need
from tests.conftest import host_client, sign_in
from tests.ehc.test_requests import begin
from tests.factories import MembershipFactory, UserFactory, council_person

User = get_user_model()
SUPERSCRIPT_TWO = "\u00b2"


def test_whole_number_takes_ascii_digits_within_a_bigint_only():
    assert whole_number("0") == 0
    assert whole_number("42") == 42
    assert whole_number(str(BIGINT_MAX)) == BIGINT_MAX
    for wrong in ["", " 1", "1 ", "-1", "+1", "1.5", "1e3", SUPERSCRIPT_TWO, "\u0661", "\x00", "abc"]:
        assert whole_number(wrong) is None, wrong
    assert whole_number(str(BIGINT_MAX + 1)) is None
    assert whole_number("9" * 5000) is None  # past int()'s own limit on digits
    assert whole_number(None) is None
    assert whole_number(["1"]) is None


@pytest.fixture
def parent(oxfordshire):
    cache.clear()
    user = UserFactory(email=f"inputs-{uuid.uuid4().hex[:8]}@example.com")
    with schema_context(oxfordshire.schema_name):
        MembershipFactory(user=user, role=Role.PARENT)
    return sign_in(host_client("oxfordshire"), user, oxfordshire), user


@pytest.fixture
def caseworker(oxfordshire):
    cache.clear()
    user = council_person("caseworker@oxfordshire.example")
    return sign_in(host_client("oxfordshire"), user, oxfordshire)


@pytest.fixture
def case(oxfordshire):
    with schema_context(oxfordshire.schema_name):
        return Case.objects.create(
            reference=f"CASE-I{uuid.uuid4().hex[:7].upper()}",
            child_first_name="Ida",
            child_last_name="Inputs",
            received_on=datetime.date(2026, 9, 1),
        )


def test_a_request_page_with_changed_buttons_and_row_counts_answers_with_the_page(parent):
    client, _ = parent
    draft = begin(client)
    part3 = f"/forms/{draft.pk}/part3/"
    for data in (
        {"action": "upload", "needs-rows": "abc"},  # a hidden row count that is not a number
        {"action": "save", "needs-rows": "9" * 5000},
        {"action": f"remove_row:needs:{SUPERSCRIPT_TWO}", "needs-rows": "2"},
        {"action": f"remove_file:{SUPERSCRIPT_TWO}"},
    ):
        assert client.post(part3, data).status_code in {200, 302}, data
    kept = client.post(
        part3, {"action": "remove_row:needs:x", "needs-rows": "2", "needs-0-information": "First"}
    )
    assert 'value="First"' in kept.content.decode()  # a row number that is not one removes nothing


def test_a_date_typed_with_other_digits_is_a_date_error_not_a_500(caseworker):
    response = caseworker.post(
        "/cases/new/paper/",
        {
            "first_name": "Ida",
            "last_name": "Inputs",
            "received_on-day": SUPERSCRIPT_TWO,
            "received_on-month": "1",
            "received_on-year": "2026",
        },
    )
    assert response.status_code == 400
    assert "must be a real date" in response.content.decode()


def test_case_list_and_records_with_a_changed_id_answer_with_the_page(caseworker, case, oxfordshire):
    assert caseworker.get("/cases/", {"caseworker": SUPERSCRIPT_TWO}).status_code == 200
    with schema_context(oxfordshire.schema_name):
        Need.objects.create(case=case, code="SLCN", rank=1)
        Need.objects.create(case=case, code="ASD", rank=2)
    for form in ("need_remove", "need_up"):
        answer = caseworker.post(f"/cases/{case.reference}/records/", {"form": form, "need": SUPERSCRIPT_TWO})
        assert answer.status_code in {200, 302, 400}, form
    ended = caseworker.post(
        f"/cases/{case.reference}/records/", {"form": "placement_end", "placement": SUPERSCRIPT_TWO}
    )
    assert ended.status_code in {200, 302, 400}


def test_an_invitation_chosen_by_a_changed_number_is_not_chosen(parent, case, oxfordshire):
    client, user = parent
    with schema_context(oxfordshire.schema_name):
        CaseAccess.objects.create(case=case, user=user, email=user.email, status=AccessStatus.VERIFIED)
    answer = client.post("/invitations/", {"continue": "yes", "invitation": [SUPERSCRIPT_TWO]})
    assert answer.status_code == 400
    assert "Select the children whose records you want to see" in answer.content.decode()


def test_the_hub_lists_with_a_changed_team_filter_answer_with_the_page(councils):
    cache.clear()
    with schema_context("nelincs"):
        manager = council_person("therapist@nelincs.example")
    client = sign_in(host_client("nelincs"), manager, councils["nelincs"])
    for path in ("/health/", "/health/team/"):
        assert client.get(path, {"team": SUPERSCRIPT_TWO}).status_code in {200, 403}, path


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/cases/CASE-\x00/", {}),
        ("get", "/cases/", {"q": "a\x00b"}),
        ("post", "/account/recover-a-form/", {"delete": "\x00"}),
        ("post", "/cases/new/paper/", {"first_name\x00": "Ida"}),
    ],
)
def test_a_nul_byte_anywhere_in_a_request_answers_400_with_a_page(caseworker, method, path, data):
    response = getattr(caseworker, method)(path, data)
    assert response.status_code == 400
    assert "Sorry, there is a problem with the service" in response.content.decode()


@pytest.mark.parametrize("end", ["9999-12-31", "9999-11-01"])
def test_an_exception_ending_in_year_9999_is_refused_on_the_page_not_a_500(caseworker, case, end):
    response = caseworker.post(
        f"/cases/{case.reference}/exceptions/add/",
        {"kind": "closure", "start": "2026-09-02", "end": end, "reason": "School closed"},
    )
    assert response.status_code == 400
    assert "The end date must be no more than 2 years from today" in response.content.decode()
    with schema_context("oxfordshire"):
        assert not case.exceptions.exists()
