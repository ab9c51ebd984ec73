"""Timeliness of final plans: the pure figures (with fixed dates) and the managers' page."""

import datetime
import itertools
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import resolve, reverse
from django.utils import timezone
from django_tenants.utils import schema_context

from core.roles import Role
from ehc import clock
from ehc.cases.services import case_due_refresh, case_transition
from ehc.models import Case, CaseException, ExceptionKind
from ehc.timeliness.report import NO_PLANS, LatePlan, Measure, timeliness_for_year
from ehc.timeliness.views import case_timeliness
from ehc.workflow import Action
from tests.conftest import host_client, sign_in
from tests.factories import MembershipFactory, UserFactory, council_person

D = datetime.date
NUMBERS = itertools.count()


# --- The pure figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FakeCase:
    reference: str
    child_name: str
    received_on: datetime.date


def with_dues(reference, received, *, issued=None, exceptions=()):
    """A case and its clock dates, as ehc.cases.selectors.case_due_dates gives them from recorded events."""
    events = clock.CaseEvents(
        received=received,
        decided_to_assess=received + datetime.timedelta(days=30),
        draft_served=issued - datetime.timedelta(days=20) if issued else None,
        final_issued=issued,
    )
    dues = clock.case_due_dates(events=events, exceptions=exceptions)
    return FakeCase(reference, f"Child {reference}", received), dues


PERSONAL = clock.ClockException(
    kind=clock.ExceptionKind.PERSONAL_CIRCUMSTANCES,
    start=D(2021, 3, 1),
    end=D(2021, 3, 14),
    reason="Child in hospital",
)

SEEDED = [
    # received 1 January 2021: the 20-week date is 20 May 2021 (STATUTORY.md "Counting")
    with_dues("ON-THE-DAY", D(2021, 1, 1), issued=D(2021, 5, 20)),
    with_dues("DAY-LATE", D(2021, 1, 1), issued=D(2021, 5, 21)),
    # received 1 February 2021: due 20 June 2021, moved 14 days to 4 July 2021 by the exception
    with_dues("EXCEPTION", D(2021, 2, 1), issued=D(2021, 6, 30), exceptions=[PERSONAL]),
    with_dues("EARLY", D(2021, 1, 4), issued=D(2021, 4, 1)),
    with_dues("LAST-YEAR", D(2020, 6, 1), issued=D(2020, 10, 1)),
    with_dues("NOT-YET", D(2021, 3, 1)),
]


def test_the_20_week_date_and_the_exception_are_the_clocks():
    final = {case.reference: next(d for d in dues if d.key == "final_plan") for case, dues in SEEDED}
    assert final["ON-THE-DAY"].statutory_due == D(2021, 5, 20)
    assert final["EXCEPTION"].statutory_due == D(2021, 6, 20)
    assert final["EXCEPTION"].applies is False
    assert final["EXCEPTION"].due == D(2021, 7, 4)
    assert final["DAY-LATE"].applies is True


def test_figures_for_a_year_with_and_without_exceptions():
    figures = timeliness_for_year(year=2021, cases_with_dues=SEEDED)
    # including: on the day, a day late, the exception, early (not last year's, not the one not issued)
    assert figures.including_exceptions == Measure(issued=4, on_time=2)
    assert figures.including_exceptions.percentage == Decimal("50.0")
    assert figures.including_exceptions.shown == "50.0%"
    # excluding: the exception case is left out
    assert figures.excluding_exceptions == Measure(issued=3, on_time=2)
    assert figures.excluding_exceptions.shown == "66.7%"
    assert [plan.reference for plan in figures.late] == ["DAY-LATE", "EXCEPTION"]


def test_a_plan_issued_on_the_20_week_day_is_on_time_and_the_day_after_is_late():
    on_the_day = timeliness_for_year(year=2021, cases_with_dues=[SEEDED[0]])
    assert on_the_day.including_exceptions == Measure(issued=1, on_time=1)
    assert on_the_day.late == ()
    day_late = timeliness_for_year(year=2021, cases_with_dues=[SEEDED[1]])
    assert day_late.including_exceptions == Measure(issued=1, on_time=0)
    assert day_late.including_exceptions.shown == "0.0%"
    assert day_late.late == (
        LatePlan(
            reference="DAY-LATE",
            child_name="Child DAY-LATE",
            received=D(2021, 1, 1),
            final_due=D(2021, 5, 20),
            issued=D(2021, 5, 21),
            exception=False,
        ),
    )
    assert day_late.late[0].days_taken == 141
    assert day_late.late[0].weeks_taken == "20 weeks and 1 day"


def test_a_late_plan_with_an_exception_says_so_and_when_the_date_moved_to():
    figures = timeliness_for_year(year=2021, cases_with_dues=[SEEDED[2]])
    assert figures.including_exceptions == Measure(issued=1, on_time=0)
    assert figures.excluding_exceptions == Measure(issued=0, on_time=0)
    assert figures.excluding_exceptions.shown == NO_PLANS
    (plan,) = figures.late
    assert plan.exception is True
    assert plan.because == ("Child in hospital",)
    assert plan.final_due == D(2021, 6, 20)
    assert plan.moved_due == D(2021, 7, 4)
    assert plan.issued_by_moved_date is True
    assert plan.weeks_taken == "21 weeks and 3 days"


def test_a_plan_issued_in_the_previous_year_is_not_counted():
    figures = timeliness_for_year(year=2021, cases_with_dues=[SEEDED[4], SEEDED[5]])
    assert figures.including_exceptions == Measure(issued=0, on_time=0)
    assert figures.including_exceptions.percentage is None
    assert figures.including_exceptions.shown == "no plans issued"
    assert figures.late == ()
    # ... and counts in its own year
    assert timeliness_for_year(year=2020, cases_with_dues=SEEDED).including_exceptions == Measure(1, 1)


@pytest.mark.parametrize(
    ("issued", "on_time", "shown"),
    [(3, 2, "66.7%"), (16, 1, "6.3%"), (8, 1, "12.5%"), (1, 1, "100.0%"), (0, 0, "no plans issued")],
)
def test_the_percentage_has_one_decimal_place_with_halves_rounded_up(issued, on_time, shown):
    assert Measure(issued=issued, on_time=on_time).shown == shown


def test_weeks_taken_counts_the_day_received_as_day_one():
    plan = LatePlan("R", "N", D(2021, 1, 1), D(2021, 5, 20), D(2021, 5, 27), exception=False)
    assert plan.weeks_taken == "21 weeks"


# --- The page -----------------------------------------------------------------------------------------

URL = "/cases/timeliness/"


def issued_case(received, *, issued=None, name="Oxonchild") -> Case:
    """A case moved through the workflow with fixed dates, as the SEND team would record it."""
    i = next(NUMBERS)
    case = Case.objects.create(
        reference=f"CASE-TL{i:06d}", child_first_name=f"Child{i}", child_last_name=name, received_on=received
    )
    case = case_transition(
        case=case,
        action=Action.DECIDE_TO_ASSESS,
        by=None,
        happened_on=received + datetime.timedelta(days=30),
    )
    if issued:
        case = case_transition(
            case=case, action=Action.ISSUE_DRAFT, by=None, happened_on=issued - datetime.timedelta(days=20)
        )
        case = case_transition(case=case, action=Action.ISSUE_FINAL, by=None, happened_on=issued)
    return case


def staff_client(council, email):
    cache.clear()
    return sign_in(host_client(council.schema_name), council_person(email), council)


@pytest.fixture
def manager(oxfordshire):
    return staff_client(oxfordshire, "manager@oxfordshire.example")


@pytest.fixture
def seeded(oxfordshire, worcestershire):
    """Oxfordshire: the unit tests' cases, recorded through the workflow; Worcestershire: two late ones."""
    with schema_context(oxfordshire.schema_name):
        cases = {
            "on_the_day": issued_case(D(2021, 1, 1), issued=D(2021, 5, 20)),
            "day_late": issued_case(D(2021, 1, 1), issued=D(2021, 5, 21)),
            "exception": issued_case(D(2021, 2, 1), issued=D(2021, 6, 30)),
            "early": issued_case(D(2021, 1, 4), issued=D(2021, 4, 1)),
            "last_year": issued_case(D(2020, 6, 1), issued=D(2020, 10, 1)),
            "not_yet": issued_case(D(2021, 3, 1)),
        }
        CaseException.objects.create(
            case=cases["exception"],
            kind=ExceptionKind.PERSONAL,
            start=D(2021, 3, 1),
            end=D(2021, 3, 14),
            reason="Child in hospital",
        )
        case_due_refresh(case=cases["exception"])
    with schema_context(worcestershire.schema_name):
        cases["worcs"] = [issued_case(D(2021, 1, 1), issued=D(2021, 8, 1), name="Worcs") for _ in range(2)]
    return cases


def test_the_url_comes_before_the_case_page():
    assert reverse("case_timeliness") == URL
    assert resolve(URL).func is case_timeliness


def test_the_managers_figures_for_a_year(manager, seeded):
    response = manager.get(URL, {"year": "2021"})
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.year == 2021
    assert figures.including_exceptions == Measure(issued=4, on_time=2)
    assert figures.excluding_exceptions == Measure(issued=3, on_time=2)
    assert [plan.reference for plan in figures.late] == [
        seeded["day_late"].reference,
        seeded["exception"].reference,
    ]
    html = response.content.decode()
    assert "50.0%" in html
    assert "66.7%" in html
    late_table = html.split("Issued after 20 weeks")[1]
    assert f'href="/cases/{seeded["day_late"].reference}/"' in late_table
    assert f'href="/cases/{seeded["exception"].reference}/"' in late_table
    assert "20 May 2021" in late_table  # the 20-week date of the day-late plan
    assert "21 May 2021" in late_table
    assert "20 weeks and 1 day" in late_table
    assert "Yes: Child in hospital" in late_table
    assert "Date moved to 4 Jul 2021; issued by it" in late_table
    for on_time in ("on_the_day", "early", "last_year", "not_yet"):
        assert seeded[on_time].reference not in html
    # the definitions are on the page
    assert "counts only the plans where no exception applied" in html
    # Worcestershire's late plans are not Oxfordshire's
    assert "Worcs" not in html


def test_the_year_before(manager, seeded):
    figures = manager.get(URL, {"year": "2020"}).context["figures"]
    assert figures.including_exceptions == Measure(issued=1, on_time=1)
    assert figures.late == ()


def test_this_year_by_default_and_the_years_offered(manager, seeded):
    this_year = timezone.localdate().year
    response = manager.get(URL)
    assert response.status_code == 200
    assert response.context["figures"].year == this_year
    years = response.context["years"]
    assert years[0] == this_year
    assert years == sorted(years, reverse=True)
    assert {2021, 2020} <= set(years)
    assert 2019 not in years
    html = response.content.decode()
    assert f'<option value="{this_year}" selected>' in html
    assert '<option value="2021">' in html


def test_a_year_with_no_plans_says_so(manager, oxfordshire):
    with schema_context(oxfordshire.schema_name):
        Case.objects.all().delete()  # the demo cases include a recent final plan
    response = manager.get(URL)
    assert response.context["years"] == [timezone.localdate().year]
    html = response.content.decode()
    assert "No plans issued" in html
    assert "Issued after 20 weeks" not in html


@pytest.mark.parametrize("junk", ["abc", "1999", "2021.0", "-2021", "20210"])
def test_junk_years_are_refused_with_the_error_summary(manager, seeded, junk):
    response = manager.get(URL, {"year": junk})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#year">Select a year from the list</a>' in html
    assert 'id="year-error"' in html
    assert response.context["figures"] is None
    assert "<title>Error:" in html


def test_worcestershires_manager_sees_only_worcestershires_plans(worcestershire, seeded):
    worcs = staff_client(worcestershire, "manager@worcestershire.example")
    response = worcs.get(URL, {"year": "2021"})
    figures = response.context["figures"]
    assert figures.including_exceptions == Measure(issued=2, on_time=0)
    assert figures.excluding_exceptions == Measure(issued=2, on_time=0)
    assert {plan.reference for plan in figures.late} == {case.reference for case in seeded["worcs"]}
    html = response.content.decode()
    assert "0.0%" in html
    assert seeded["day_late"].reference not in html
    assert "Oxonchild" not in html
    # 2020 was only Oxfordshire's
    assert 2020 not in response.context["years"]


def test_a_council_admin_may_see_the_figures(oxfordshire, seeded):
    admin = staff_client(oxfordshire, "admin@oxfordshire.example")
    assert admin.get(URL, {"year": "2021"}).context["figures"].including_exceptions.issued == 4


def test_caseworkers_and_parents_get_403_and_the_signed_out_sign_in(oxfordshire):
    caseworker = staff_client(oxfordshire, "caseworker@oxfordshire.example")
    assert caseworker.get(URL).status_code == 403
    parent = UserFactory(email="timeliness.parent@example.com")
    with schema_context(oxfordshire.schema_name):
        MembershipFactory(user=parent, role=Role.PARENT)
    assert sign_in(host_client("oxfordshire"), parent, oxfordshire).get(URL).status_code == 403
    response = host_client("oxfordshire").get(URL, {"year": "2021"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/cases/timeliness/%3Fyear%3D2021"


def test_query_count_is_the_same_for_1_and_60_cases(manager, oxfordshire, assert_queries):
    with schema_context(oxfordshire.schema_name):
        issued_case(D(2022, 1, 3), issued=D(2022, 7, 1))
    manager.get(URL, {"year": "2022"})
    # routing (domain), session, configuration, identity, staff check (role), years with final plans,
    # the year's cases, their events, their exceptions, the audit rows for the late plans listed (one
    # insert)
    with assert_queries(10):
        assert manager.get(URL, {"year": "2022"}).context["figures"].including_exceptions.issued == 1
    with schema_context(oxfordshire.schema_name):
        for day in range(59):
            case = issued_case(D(2022, 1, 3), issued=D(2022, 3, 1) + datetime.timedelta(days=day))
            if day % 3 == 0:
                CaseException.objects.create(
                    case=case,
                    kind=ExceptionKind.PERSONAL,
                    start=D(2022, 2, 1),
                    end=D(2022, 2, 10),
                    reason="Family illness",
                )
    with assert_queries(10):
        response = manager.get(URL, {"year": "2022"})
    assert response.context["figures"].including_exceptions.issued == 60
    assert response.context["figures"].excluding_exceptions.issued == 40
