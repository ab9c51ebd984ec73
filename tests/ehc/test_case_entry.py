"""Cases entered by the SEND team: a request received on paper or by email, and an existing EHC plan
moving onto the portal; the known-child check; who may add a case."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from django_tenants.utils import schema_context

from core.models import AuditEvent
from core.roles import Role
from ehc.cases.selectors import case_due_dates
from ehc.models import Case, CaseEvent, CaseOrigin
from ehc.workflow import Action, Stage
from tests.conftest import host_client, sign_in
from tests.factories import CaseFactory, MembershipFactory, UserFactory, council_person

PAPER = "/cases/new/paper/"
EXISTING = "/cases/new/existing-plan/"
ENTERED = {"entered": "existing_plan"}


def _date(key: str, day: datetime.date | None) -> dict:
    if day is None:
        return {f"{key}-day": "", f"{key}-month": "", f"{key}-year": ""}
    return {f"{key}-day": str(day.day), f"{key}-month": str(day.month), f"{key}-year": str(day.year)}


def paper_form(**changes) -> dict:
    data = {
        "first_name": "Amara",
        "last_name": "Okafor",
        **_date("date_of_birth", datetime.date(2016, 5, 14)),
        **_date("received_on", datetime.date(2026, 10, 5)),
        "requestor": "parent",
        "note": "Posted to the SEND team by her mother",
    }
    return {**data, **changes}


def existing_form(**changes) -> dict:
    data = {
        "first_name": "Jonah",
        "last_name": "Pemberton",
        **_date("date_of_birth", datetime.date(2014, 2, 3)),
        **_date("received_on", datetime.date(2024, 9, 2)),
        **_date("decided_on", datetime.date(2024, 10, 7)),
        **_date("final_issued_on", datetime.date(2025, 1, 20)),
        **_date("last_review_on", datetime.date(2025, 12, 15)),
        "caseworker": "",
    }
    return {**data, **changes}


def cases_in(council) -> int:
    with schema_context(council.schema_name):
        return Case.objects.count()


@pytest.fixture
def caseworker(oxfordshire):
    return council_person("caseworker@oxfordshire.example")


@pytest.fixture
def staff(oxfordshire, caseworker):
    cache.clear()
    return sign_in(host_client("oxfordshire"), caseworker, oxfordshire)


# Choosing what the case starts from --------------------------------------------------------------


def test_add_a_case_offers_both_kinds_and_needs_a_choice(staff):
    html = staff.get("/cases/new/").content.decode()
    assert '<h1 class="govuk-fieldset__heading">Add a case</h1>' in html
    assert "A request received on paper or by email" in html
    assert "An existing EHC plan (moving onto the portal)" in html
    assert staff.post("/cases/new/", {"kind": "paper"})["Location"] == PAPER
    assert staff.post("/cases/new/", {"kind": "existing"})["Location"] == EXISTING
    bad = staff.post("/cases/new/", {"kind": "online"})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "There is a problem" in html
    assert '<a href="#kind">Select what the case starts from</a>' in html


def test_the_new_paths_are_not_taken_for_case_references(staff):
    # cases/<str:reference>/ would take "new" as a reference if it came first in the URLconf.
    assert staff.get("/cases/new/").status_code == 200
    assert staff.get(PAPER).status_code == 200
    assert staff.get(EXISTING).status_code == 200


# A request received on paper ---------------------------------------------------------------------


def test_a_paper_request_becomes_a_case_at_request_received_with_its_clock(staff, oxfordshire, caseworker):
    before = cases_in(oxfordshire)
    response = staff.post(PAPER, paper_form())
    assert response.status_code == 302
    with schema_context(oxfordshire.schema_name):
        case = Case.objects.get(child_first_name="Amara", child_last_name="Okafor")
        assert response["Location"] == f"/cases/{case.reference}/"
        assert case.reference.startswith("CASE-")
        assert len(case.reference) == len("CASE-") + 8
        assert case.origin == CaseOrigin.PAPER
        assert case.stage == Stage.REQUEST_RECEIVED
        assert case.child_date_of_birth == datetime.date(2016, 5, 14)
        assert case.received_on == datetime.date(2026, 10, 5)
        assert case.requestor == "Parent or carer"
        assert case.request is None
        assert case.caseworker is None
        assert not case.events.exists()
        # The 6-week decision: day one is the day received, so 5 Oct + 41 days.
        assert case.next_due_on == datetime.date(2026, 11, 15)
        assert case.next_due_label == next(d.label for d in case_due_dates(case=case) if d.key == "decision")
        audit = AuditEvent.objects.get(action="case.entered", target_id=str(case.pk))
        assert audit.actor == caseworker
        assert audit.detail == {
            "origin": "paper",
            "requestor": "parent",
            "note": "Posted to the SEND team by her mother",
        }
    assert cases_in(oxfordshire) == before + 1
    html = staff.get(response["Location"]).content.decode()
    assert "Amara Okafor" in html
    assert "Parent or carer" in html


@pytest.mark.parametrize(
    ("changes", "anchor", "message"),
    [
        ({"first_name": "  "}, "first_name", "Enter the child&#x27;s first name"),
        ({"last_name": ""}, "last_name", "Enter the child&#x27;s last name"),
        ({"last_name": "x" * 151}, "last_name", "Last name must be 150 characters or fewer"),
        (_date("date_of_birth", None), "date_of_birth-day", "Enter the child&#x27;s date of birth"),
        ({"date_of_birth-month": ""}, "date_of_birth-month", "Date of birth must include a month"),
        (
            {"date_of_birth-day": "", "date_of_birth-month": ""},
            "date_of_birth-day",
            "Date of birth must include a day and month",
        ),
        ({"date_of_birth-month": "13"}, "date_of_birth-month", "Date of birth must be a real date"),
        ({"date_of_birth-day": "x"}, "date_of_birth-day", "Date of birth must be a real date"),
        (
            {"date_of_birth-day": "30", "date_of_birth-month": "2"},
            "date_of_birth-day",
            "Date of birth must be a real date",
        ),
        (
            {"date_of_birth-year": "16"},
            "date_of_birth-year",
            "Date of birth must include a year with 4 numbers",
        ),
        (
            _date("received_on", None),
            "received_on-day",
            "Enter the date the council received the request",
        ),
        (
            _date("received_on", datetime.date(2016, 5, 13)),
            "received_on-day",
            "Date the council received the request must be the same as or after 14 May 2016, "
            "the date of birth",
        ),
        ({"requestor": ""}, "requestor", "Select who made the request"),
        ({"requestor": "solicitor"}, "requestor", "Select who made the request"),
        ({"note": "n" * 2001}, "note", "The note must be 2,000 characters or fewer"),
    ],
)
def test_paper_errors_are_shown_with_what_was_typed_and_nothing_is_created(
    staff, oxfordshire, changes, anchor, message
):
    before = cases_in(oxfordshire)
    response = staff.post(PAPER, paper_form(**changes))
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error: " in html
    assert "There is a problem" in html
    assert f'<a href="#{anchor}">{message}</a>' in html  # the summary links to the field
    assert f'id="{anchor.split("-")[0]}-error"' in html  # and the message is by the field
    typed = paper_form(**changes)
    assert f'value="{typed["first_name"]}"' in html
    assert (
        f'name="received_on-year" type="text" inputmode="numeric" value="{typed["received_on-year"]}"' in html
    )
    assert cases_in(oxfordshire) == before


def test_paper_dates_in_the_future_are_refused(staff, oxfordshire):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    before = cases_in(oxfordshire)
    response = staff.post(
        PAPER, paper_form(**_date("date_of_birth", tomorrow), **_date("received_on", tomorrow))
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#date_of_birth-day">Date of birth must be in the past</a>' in html
    assert (
        '<a href="#received_on-day">Date the council received the request must be today or in the past</a>'
        in html
    )
    assert cases_in(oxfordshire) == before


def test_only_the_wrong_part_of_a_date_is_highlighted(staff):
    html = staff.post(PAPER, paper_form(**{"date_of_birth-month": ""})).content.decode()
    assert 'govuk-input--width-2 govuk-input--error" id="date_of_birth-month"' in html
    assert 'govuk-input--width-2" id="date_of_birth-day"' in html
    assert 'govuk-input--width-4" id="date_of_birth-year"' in html


def test_the_summary_lists_every_error_in_page_order(staff):
    html = staff.post(
        PAPER, paper_form(first_name="", requestor="", **_date("received_on", None))
    ).content.decode()
    summary = html.split("govuk-error-summary__list")[1].split("</ul>")[0]
    assert summary.index("#first_name") < summary.index("#received_on-day") < summary.index("#requestor")


# The child the council already knows -------------------------------------------------------------


def test_a_known_child_is_shown_and_the_case_is_added_only_once_confirmed(staff, oxfordshire):
    with schema_context(oxfordshire.schema_name):
        known = CaseFactory(
            child_first_name="AMARA", child_last_name="okafor", child_date_of_birth=datetime.date(2016, 5, 14)
        )
        CaseFactory(
            child_first_name="Amara", child_last_name="Okafor", child_date_of_birth=datetime.date(2016, 5, 15)
        )  # another child
    before = cases_in(oxfordshire)

    warned = staff.post(PAPER, paper_form())
    assert warned.status_code == 200
    html = warned.content.decode()
    assert "This child may already have a case" in html
    assert f'href="/cases/{known.reference}/"' in html
    assert html.count('name="seen"') == 1
    assert f'name="seen" value="{known.reference}"' in html
    assert 'value="Amara"' in html  # what was typed is kept
    assert cases_in(oxfordshire) == before
    with schema_context(oxfordshire.schema_name):  # showing the known case is a read of its record
        shown = AuditEvent.objects.get(action="record.listed", subject=known.reference)
    assert shown.actor.email == "caseworker@oxfordshire.example"
    assert shown.detail["page"] == "case_new_paper"
    assert "Amara" not in str(shown.detail)

    again = staff.post(PAPER, paper_form(seen=known.reference))
    assert again.status_code == 400
    assert (
        '<a href="#different_child">Select &#x27;This is a different child&#x27;, or go to the child&#x27;s '
        "case</a>" in again.content.decode()
    )
    assert cases_in(oxfordshire) == before

    added = staff.post(PAPER, paper_form(seen=known.reference, different_child="yes"))
    assert added.status_code == 302
    assert cases_in(oxfordshire) == before + 1


def test_a_confirmation_covers_only_the_cases_that_were_shown(staff, oxfordshire):
    with schema_context(oxfordshire.schema_name):
        first = CaseFactory(
            child_first_name="Amara", child_last_name="Okafor", child_date_of_birth=datetime.date(2016, 5, 14)
        )
    assert f'value="{first.reference}"' in staff.post(PAPER, paper_form()).content.decode()  # shown
    with schema_context(oxfordshire.schema_name):
        second = CaseFactory(
            child_first_name="Amara", child_last_name="Okafor", child_date_of_birth=datetime.date(2016, 5, 14)
        )
    before = cases_in(oxfordshire)
    # Ticked for the first only: a case added since is shown, not passed over.
    response = staff.post(PAPER, paper_form(seen=first.reference, different_child="yes"))
    assert response.status_code == 200
    assert f'href="/cases/{second.reference}/"' in response.content.decode()
    assert cases_in(oxfordshire) == before


def test_the_known_child_check_applies_to_existing_plans_too(staff, oxfordshire):
    with schema_context(oxfordshire.schema_name):
        known = CaseFactory(
            child_first_name="jonah",
            child_last_name="PEMBERTON",
            child_date_of_birth=datetime.date(2014, 2, 3),
        )
    before = cases_in(oxfordshire)
    warned = staff.post(EXISTING, existing_form())
    assert warned.status_code == 200
    assert f'href="/cases/{known.reference}/"' in warned.content.decode()
    assert cases_in(oxfordshire) == before
    assert staff.post(EXISTING, existing_form(seen=known.reference)).status_code == 400
    assert cases_in(oxfordshire) == before
    added = staff.post(EXISTING, existing_form(seen=known.reference, different_child="yes"))
    assert added.status_code == 302
    assert cases_in(oxfordshire) == before + 1


def test_the_warning_takes_the_same_queries_for_1_and_6_known_cases(staff, oxfordshire, assert_queries):
    born = datetime.date(2016, 5, 14)
    with schema_context(oxfordshire.schema_name):
        CaseFactory(child_first_name="Amara", child_last_name="Okafor", child_date_of_birth=born)
    staff.post(PAPER, paper_form())
    # routing, session, configuration, identity, staff check, then the service's transaction (a savepoint
    # inside the test's own: 3 statements) around one query for the cases of a child with these details,
    # and the audit rows for the cases shown (one insert)
    with assert_queries(10):
        assert staff.post(PAPER, paper_form()).content.decode().count('name="seen"') == 1
    with schema_context(oxfordshire.schema_name):
        CaseFactory.create_batch(
            5, child_first_name="Amara", child_last_name="Okafor", child_date_of_birth=born
        )
    with assert_queries(10):
        assert staff.post(PAPER, paper_form()).content.decode().count('name="seen"') == 6


# An existing plan --------------------------------------------------------------------------------


def test_an_existing_plan_is_entered_with_its_history_and_the_clock_reads_it(staff, oxfordshire, caseworker):
    before = cases_in(oxfordshire)
    response = staff.post(EXISTING, existing_form(caseworker=str(caseworker.pk)))
    assert response.status_code == 302
    with schema_context(oxfordshire.schema_name):
        case = Case.objects.get(child_first_name="Jonah", child_last_name="Pemberton")
        assert response["Location"] == f"/cases/{case.reference}/"
        assert case.reference.startswith("CASE-")
        assert case.origin == CaseOrigin.EXISTING
        assert case.stage == Stage.PLAN_IN_PLACE
        assert case.received_on == datetime.date(2024, 9, 2)
        assert case.child_date_of_birth == datetime.date(2014, 2, 3)
        assert case.caseworker == caseworker
        assert case.caseworker_since == timezone.localdate()
        events = [
            (e.action, e.stage_from, e.stage_to, e.happened_on, e.by_id, e.detail) for e in case.events.all()
        ]
        assert events == [
            (
                Action.DECIDE_TO_ASSESS,
                Stage.REQUEST_RECEIVED,
                Stage.ASSESSMENT,
                datetime.date(2024, 10, 7),
                caseworker.pk,
                ENTERED,
            ),
            (
                Action.ISSUE_FINAL,
                Stage.DRAFT_PLAN,
                Stage.FINAL_PLAN,
                datetime.date(2025, 1, 20),
                caseworker.pk,
                ENTERED,
            ),
            (
                Action.RECORD_REVIEW,
                Stage.FINAL_PLAN,
                Stage.PLAN_IN_PLACE,
                datetime.date(2025, 12, 15),
                caseworker.pk,
                ENTERED,
            ),
        ]
        dues = {d.key: d for d in case_due_dates(case=case)}
        assert dues["annual_review:1"].done == datetime.date(2025, 12, 15)
        # 12 months from the last review meeting: the day before 15 December 2026.
        assert dues["annual_review:2"].due == datetime.date(2026, 12, 14)
        assert dues["annual_review:2"].done is None
        assert dues["decision"].done == datetime.date(2024, 10, 7)
        assert dues["final_plan"].done == datetime.date(2025, 1, 20)
        # The entered review's report and decision happened before the portal: not duties now, so the
        # council's next duty on the case is the next annual review.
        assert "review_report" not in dues
        assert "review_decision" not in dues
        assert case.next_due_on == datetime.date(2026, 12, 14)
        assert AuditEvent.objects.get(action="case.entered", target_id=str(case.pk)).actor == caseworker
    assert cases_in(oxfordshire) == before + 1
    html = staff.get(response["Location"]).content.decode()
    assert "Jonah Pemberton" in html
    assert "14 Dec 2026" in html  # the next annual review, on the case page


def test_an_existing_plan_without_a_review_is_due_a_review_12_months_after_the_final_plan(staff, oxfordshire):
    response = staff.post(
        EXISTING, existing_form(**_date("decided_on", None), **_date("last_review_on", None))
    )
    assert response.status_code == 302
    with schema_context(oxfordshire.schema_name):
        case = Case.objects.get(child_first_name="Jonah", child_last_name="Pemberton")
        assert case.stage == Stage.FINAL_PLAN
        assert case.caseworker is None
        assert case.caseworker_since is None
        assert [(e.action, e.stage_from, e.stage_to, e.detail) for e in case.events.all()] == [
            (Action.ISSUE_FINAL, Stage.DRAFT_PLAN, Stage.FINAL_PLAN, ENTERED)
        ]
        dues = {d.key: d for d in case_due_dates(case=case)}
        assert dues["annual_review:1"].due == datetime.date(2026, 1, 19)
        assert "annual_review:2" not in dues
        # With no decision date entered, the 6-week decision is history, not a duty shown as overdue.
        assert "decision" not in dues
        assert case.next_due_on == dues["annual_review:1"].due == datetime.date(2026, 1, 19)
        assert CaseEvent.objects.filter(case=case).count() == 1


def test_an_existing_plan_reviewed_and_decided_knows_only_the_annual_review_is_next(staff, oxfordshire):
    response = staff.post(EXISTING, existing_form(**_date("last_review_on", None)))
    with schema_context(oxfordshire.schema_name):
        case = Case.objects.get(reference=response["Location"].split("/")[2])
        assert case.stage == Stage.FINAL_PLAN
        assert [e.action for e in case.events.all()] == [Action.DECIDE_TO_ASSESS, Action.ISSUE_FINAL]
        # With the decision and the final plan recorded, the next duty is the first annual review.
        assert case.next_due_on == datetime.date(2026, 1, 19)
        assert case.next_due_label == "Annual review"


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            _date("decided_on", datetime.date(2024, 9, 1)),
            {
                "decided_on-day": "Date the decision to assess was made must be the same as or after "
                "2 September 2024, the date the original request was received"
            },
        ),
        (
            _date("final_issued_on", datetime.date(2024, 10, 6)),
            {
                "final_issued_on-day": "Date the final plan was issued must be the same as or after "
                "7 October 2024, the date the decision to assess was made"
            },
        ),
        (
            {**_date("decided_on", None), **_date("final_issued_on", datetime.date(2024, 9, 1))},
            {
                "final_issued_on-day": "Date the final plan was issued must be the same as or after 2 "
                "September 2024, the date the original request was received"
            },
        ),
        (
            _date("last_review_on", datetime.date(2025, 1, 19)),
            {
                "last_review_on-day": "Date of the last annual review meeting must be the same as or after "
                "20 January 2025, the date the final plan was issued"
            },
        ),
        (
            _date("received_on", datetime.date(2014, 2, 2)),
            {
                "received_on-day": "Date the original request was received must be the same as or after 3 "
                "February 2014, the date of birth"
            },
        ),
        (
            {
                **_date("decided_on", datetime.date(2024, 9, 1)),
                **_date("last_review_on", datetime.date(2025, 1, 1)),
            },
            {
                "decided_on-day": "Date the decision to assess was made must be the same as or after "
                "2 September 2024, the date the original request was received",
                "last_review_on-day": "Date of the last annual review meeting must be the same as or after "
                "20 January 2025, the date the final plan was issued",
            },
        ),
        (
            _date("final_issued_on", None),
            {"final_issued_on-day": "Enter the date the final plan was issued"},
        ),
        (
            _date("received_on", None),
            {"received_on-day": "Enter the date the original request was received"},
        ),
        (
            {"last_review_on-year": ""},
            {"last_review_on-year": "Date of the last annual review meeting must include a year"},
        ),
        (
            {"first_name": "", "decided_on-month": "14"},
            {
                "first_name": "Enter the child&#x27;s first name",
                "decided_on-month": "Date the decision to assess was made must be a real date",
            },
        ),
    ],
)
def test_existing_plan_errors_are_each_on_their_own_field_and_nothing_is_created(
    staff, oxfordshire, changes, errors
):
    before = cases_in(oxfordshire)
    events_before = _events_in(oxfordshire)
    response = staff.post(EXISTING, existing_form(**changes))
    assert response.status_code == 400
    html = response.content.decode()
    summary = html.split("govuk-error-summary__list")[1].split("</ul>")[0]
    assert summary.count("<li>") == len(errors)
    for anchor, message in errors.items():
        assert f'<a href="#{anchor}">{message}</a>' in summary
        assert f'<p id="{anchor.split("-")[0]}-error" class="govuk-error-message">' in html
    typed = existing_form(**changes)
    assert (
        f'name="final_issued_on-day" type="text" inputmode="numeric" value="{typed["final_issued_on-day"]}"'
        in html
    )
    assert cases_in(oxfordshire) == before
    assert _events_in(oxfordshire) == events_before


def test_an_existing_review_in_the_future_is_refused(staff, oxfordshire):
    before = cases_in(oxfordshire)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = staff.post(EXISTING, existing_form(**_date("last_review_on", tomorrow)))
    assert response.status_code == 400
    assert (
        '<a href="#last_review_on-day">Date of the last annual review meeting must be today or in the '
        "past</a>" in response.content.decode()
    )
    assert cases_in(oxfordshire) == before


def _events_in(council) -> int:
    with schema_context(council.schema_name):
        return CaseEvent.objects.count()


# Query counts ------------------------------------------------------------------------------------


def test_the_get_pages_take_the_same_queries_however_many_cases_and_caseworkers(
    staff, oxfordshire, assert_queries
):
    with schema_context(oxfordshire.schema_name):
        CaseFactory()
    staff.get("/cases/new/")
    # routing, session, configuration, identity, staff check
    with assert_queries(5):
        assert staff.get("/cases/new/").status_code == 200
    with assert_queries(5):
        assert staff.get(PAPER).status_code == 200
    # ... and the council's caseworkers for the select
    with assert_queries(6):
        html = staff.get(EXISTING).content.decode()
    options = html.count("<option")
    with schema_context(oxfordshire.schema_name):
        CaseFactory.create_batch(40)
        for n in range(3):
            MembershipFactory(
                user=UserFactory(email=f"entry.cw{n}@oxfordshire.example"), role=Role.CASEWORKER
            )
    with assert_queries(5):
        assert staff.get("/cases/new/").status_code == 200
    with assert_queries(5):
        assert staff.get(PAPER).status_code == 200
    with assert_queries(6):
        html = staff.get(EXISTING).content.decode()
    assert html.count("<option") == options + 3


# Who may add a case ------------------------------------------------------------------------------


def test_another_councils_staff_add_cases_only_to_their_own_council(oxfordshire, worcestershire, caseworker):
    with schema_context(oxfordshire.schema_name):
        oxon_child = CaseFactory(
            child_first_name="Amara", child_last_name="Okafor", child_date_of_birth=datetime.date(2016, 5, 14)
        )
    worcs_user = council_person("caseworker@worcestershire.example")
    worcs = sign_in(host_client("worcestershire"), worcs_user, worcestershire)
    oxon_before, worcs_before = cases_in(oxfordshire), cases_in(worcestershire)

    # An Oxfordshire caseworker cannot be given a Worcestershire case.
    refused = worcs.post(EXISTING, existing_form(caseworker=str(caseworker.pk)))
    assert refused.status_code == 400
    assert '<a href="#caseworker">Select a caseworker of this council</a>' in refused.content.decode()
    assert (cases_in(oxfordshire), cases_in(worcestershire)) == (oxon_before, worcs_before)

    # Oxfordshire's children are not Worcestershire's: no warning, and the case is Worcestershire's.
    added = worcs.post(PAPER, paper_form())
    assert added.status_code == 302
    assert (cases_in(oxfordshire), cases_in(worcestershire)) == (oxon_before, worcs_before + 1)
    assert worcs.get(f"/cases/{oxon_child.reference}/").status_code == 404
    oxon_staff = sign_in(host_client("oxfordshire"), caseworker, oxfordshire)
    assert oxon_staff.get(added["Location"]).status_code == 404

    # A Worcestershire sign-in does not carry to Oxfordshire's site.
    worcs.defaults["HTTP_HOST"] = host_client("oxfordshire").defaults["HTTP_HOST"]
    crossed = worcs.post(PAPER, paper_form())
    assert crossed.status_code == 302
    assert crossed["Location"].startswith("/accounts/login/")
    assert cases_in(oxfordshire) == oxon_before


@pytest.mark.parametrize(
    ("url", "data"), [("/cases/new/", {"kind": "paper"}), (PAPER, None), (EXISTING, None)]
)
def test_parents_get_403_and_the_signed_out_are_sent_to_sign_in(oxfordshire, url, data):
    data = data or (paper_form() if url == PAPER else existing_form())
    parent = UserFactory(email="entry.parent@example.com")
    with schema_context(oxfordshire.schema_name):
        MembershipFactory(user=parent, role=Role.PARENT)
    before = cases_in(oxfordshire)
    parent_client = sign_in(host_client("oxfordshire"), parent, oxfordshire)
    assert parent_client.get(url).status_code == 403
    assert parent_client.post(url, data).status_code == 403
    signed_out = host_client("oxfordshire")
    for response in (signed_out.get(url), signed_out.post(url, data)):
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"
    assert cases_in(oxfordshire) == before
