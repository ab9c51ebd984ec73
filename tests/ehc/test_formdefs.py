"""The forms engine: one validator over definitions-as-data."""

import datetime

import pytest
from django.http import QueryDict

from core.formdefs import answers_from_post, definition_from_dict, display_value, form_errors, page_errors
from ehc.definitions.shipped import REQUEST_FORMS

PARENT = definition_from_dict(REQUEST_FORMS["parent"])
PART1 = PARENT.page("part1")


def post(data: str) -> QueryDict:
    return QueryDict(data)


def test_every_shipped_form_has_the_guides_parts():
    for slug, schema in REQUEST_FORMS.items():
        keys = [p.key for p in definition_from_dict(schema).pages]
        assert keys == [
            "application",
            "contents",
            "part1",
            "part2",
            "part3",
            "part4",
            "part5",
            "part6",
            "part10",
        ], slug


def test_school_variants_carry_the_evidence_list():
    primary = definition_from_dict(REQUEST_FORMS["primary"])
    labels = [q.label for q in primary.page("part3").questions]
    assert any(label.startswith("School report") for label in labels)
    assert any("Pupil Profile" in label and "3 dated reviews" in label for label in labels)
    assert "Medical Diagnosis" in labels
    assert not any("Pupil Profile" in q.label for q in PARENT.page("part3").questions)


def test_required_questions_are_named_in_their_own_words():
    errors = page_errors(PART1, answers_from_post(PART1, post("")))
    assert errors["on_behalf_of"] == "Select who you are completing this form on behalf of"
    assert errors["first_name"] == "Enter their first name"
    assert errors["date_of_birth"] == "Enter their date of birth"
    assert "parent1_phone" not in errors  # optional


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("31", "2", "2019", "Date of birth must be a real date"),
        ("1", "1", "2999", "Date of birth must be in the past"),
    ],
)
def test_dates_must_be_real(day, month, year, message):
    answers = answers_from_post(
        PART1, post(f"date_of_birth-day={day}&date_of_birth-month={month}&date_of_birth-year={year}")
    )
    assert page_errors(PART1, answers)["date_of_birth"] == message


def test_a_choice_outside_the_list_is_refused():
    answers = answers_from_post(PART1, post("on_behalf_of=hacker"))
    assert "on_behalf_of" in page_errors(PART1, answers)


def test_tables_keep_their_rows_and_check_dates():
    part3 = PARENT.page("part3")
    answers = answers_from_post(
        part3,
        post(
            "needs-rows=2&needs-0-information=Speech&needs-0-date=13-07-2021&needs-1-information=Sleep&needs-1-date=31-02-2021"
        ),
    )
    assert answers["needs"][1]["information"] == "Sleep"
    assert page_errors(part3, answers)["needs"] == "Date in row 2 must be a real date, like 13-07-2021"
    answers["needs"][1]["date"] = "01-03-2021"
    assert page_errors(part3, answers) == {}


def test_display_values_read_as_a_person_would():
    q = PART1.questions[0]
    assert display_value(q, "someone_else") == "Someone else"
    dob = next(q for q in PART1.questions if q.key == "date_of_birth")
    assert display_value(dob, {"day": "3", "month": "3", "year": "2020"}) == "3 March 2020"


def test_whole_form_errors_are_grouped_by_part():
    errors = form_errors(PARENT, {})
    assert set(errors) == {"application", "part1", "part2", "part3", "part6"}


def test_today_is_not_in_the_future():
    today = datetime.date.today()  # noqa: DTZ011
    answers = {"date_of_birth": {"day": str(today.day), "month": str(today.month), "year": str(today.year)}}
    assert "date_of_birth" not in page_errors(PART1, answers)
