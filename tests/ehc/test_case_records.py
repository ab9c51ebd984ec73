"""The case's statutory return (SEN2) records page: each section saves and shows, bad input is refused
with everything typed kept, ranks stay 1..n, the page's queries do not grow, and only the council's
staff see it."""

import datetime
import json

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from core.models import AuditEvent
from core.roles import Role
from ehc.models import Case, Need, NeedCode, Placement, SettingType
from ehc.records.forms import upn_check_letter
from ehc.records.services import case_need_add
from tests.conftest import host_client, sign_in
from tests.factories import CaseFactory, MembershipFactory, UserFactory, council_person


@pytest.fixture
def staff(oxfordshire):
    cache.clear()
    user = council_person("caseworker@oxfordshire.example")
    return sign_in(host_client("oxfordshire"), user, oxfordshire)


@pytest.fixture
def case(oxfordshire):
    with schema_context(oxfordshire.schema_name):
        return CaseFactory(child_last_name="Greenhat")


def url(case: Case) -> str:
    return f"/cases/{case.reference}/records/"


def audits(council, case: Case) -> list[AuditEvent]:
    with schema_context(council.schema_name):
        return list(
            AuditEvent.objects.filter(
                target_type="ehc.case", target_id=str(case.pk), action__startswith="case.records_"
            )
            .select_related("actor")
            .order_by("id")
        )


def needs_of(council, case: Case) -> list[tuple[int, str]]:
    with schema_context(council.schema_name):
        return list(Need.objects.filter(case=case).order_by("rank").values_list("rank", "code"))


def test_upn_check_letter_matches_dfes_worked_examples():
    assert upn_check_letter("801200005001") == "B"  # python-stdnum's valid example, B801200005001
    # 2x2 + 7x4 + 1x9 + 6x10 + 4x12 + 9x13 = 266, 266 mod 23 = 13, and the 14th letter without I, O and
    # S is P. (A census-error help page gives Q for these digits, but its own sum is one too many.)
    assert upn_check_letter("207000016049") == "P"
    assert upn_check_letter("000000000000") == "A"
    assert upn_check_letter("000000000009") == "C"  # 9x13 = 117, 117 mod 23 = 2


def test_the_page_shows_the_case_and_links_back(staff, case):
    response = staff.get(url(case))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Statutory return details</h1>' in html
    assert f'<span class="govuk-caption-l">{case.reference}</span>' in html
    assert f'href="/cases/{case.reference}/" class="govuk-back-link"' in html
    assert "No needs recorded yet." in html
    assert "No placements recorded yet." in html


def test_the_person_saves_and_shows(staff, case, oxfordshire):
    response = staff.post(
        url(case),
        {
            "form": "person",
            "person-sex": "F",
            "person-ethnicity": "WBRI",
            "person-postcode": "ox1 1nd",
            "person-upn": "b801200005001",
            "person-uln": " 1234567890 ",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url(case)
    with schema_context(oxfordshire.schema_name):
        case.refresh_from_db()
    assert (case.sex, case.ethnicity, case.postcode, case.upn, case.uln) == (
        "F",
        "WBRI",
        "OX1 1ND",
        "B801200005001",
        "1234567890",
    )
    html = staff.get(url(case)).content.decode()
    assert "Person details saved." in html
    assert 'value="F" checked' in html
    assert '<option value="WBRI" selected>' in html
    assert 'value="OX1 1ND"' in html
    assert 'value="B801200005001"' in html
    [audit] = audits(oxfordshire, case)
    assert audit.action == "case.records_person"
    assert audit.actor.email == "caseworker@oxfordshire.example"
    assert audit.detail == {"changed": ["sex", "ethnicity", "postcode", "upn", "uln"]}
    # Saving the same again changes nothing and writes no audit row.
    again = staff.post(
        url(case),
        {
            "form": "person",
            "person-sex": "F",
            "person-ethnicity": "WBRI",
            "person-postcode": "OX1 1ND",
            "person-upn": "B801200005001",
            "person-uln": "1234567890",
        },
        follow=True,
    )
    assert "Nothing had changed." in again.content.decode()
    assert len(audits(oxfordshire, case)) == 1


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("postcode", "OX1 NOT", "Enter a real postcode, like OX1 1ND"),
        ("upn", "B80120000500", "Enter a UPN of a letter then 12 digits, like B801200005001"),
        ("upn", "1801200005001", "Enter a UPN of a letter then 12 digits, like B801200005001"),
        ("upn", "A801200005001", "Enter a real UPN: the first letter does not match the digits"),
        ("uln", "123456789", "Enter a ULN of 10 digits, like 1234567890"),
        ("uln", "12345678AB", "Enter a ULN of 10 digits, like 1234567890"),
        ("ethnicity", "XXXX", "Select an ethnicity from the list"),
    ],
)
def test_person_errors_are_shown_and_nothing_is_saved(staff, case, oxfordshire, field, typed, message):
    posted = {
        "form": "person",
        "person-sex": "M",
        "person-ethnicity": "AIND",
        "person-postcode": "WR1 2AB",
        "person-upn": "B801200005001",
        "person-uln": "1234567890",
        f"person-{field}": typed,
    }
    response = staff.post(url(case), posted)
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert f'<a href="#id_person-{field}">{message}</a>' in html  # the summary links to the field
    assert f'id="id_person-{field}-error"' in html  # and the message is by the field
    assert "<title>Error: " in html
    for name in ("postcode", "upn", "uln"):
        assert f'value="{posted[f"person-{name}"]}"' in html
    assert 'value="M" checked' in html
    if field != "ethnicity":
        assert '<option value="AIND" selected>' in html
    with schema_context(oxfordshire.schema_name):
        case.refresh_from_db()
    assert (case.sex, case.postcode, case.upn) == ("", "", "")
    assert audits(oxfordshire, case) == []


def test_the_request_and_plan_save_and_show(staff, case, oxfordshire):
    response = staff.post(
        url(case),
        {"form": "plan", "plan-mediation": "on", "plan-tribunal": "on", "plan-personal_budget": "direct"},
    )
    assert response.status_code == 302
    with schema_context(oxfordshire.schema_name):
        case.refresh_from_db()
    assert (case.mediation, case.tribunal, case.residential, case.personal_budget) == (
        True,
        True,
        False,
        "direct",
    )
    html = staff.get(url(case)).content.decode()
    assert "Request and plan saved." in html
    assert 'id="id_plan-mediation" name="plan-mediation" type="checkbox" value="on" checked' in html
    assert 'id="id_plan-residential" name="plan-residential" type="checkbox" value="on">' in html
    assert 'value="direct" checked' in html
    # Unticking everything and choosing no personal budget clears them.
    staff.post(url(case), {"form": "plan", "plan-residential": "on", "plan-personal_budget": ""})
    with schema_context(oxfordshire.schema_name):
        case.refresh_from_db()
    assert (case.mediation, case.tribunal, case.residential, case.personal_budget) == (False, False, True, "")
    assert [a.detail for a in audits(oxfordshire, case)] == [
        {"changed": ["mediation", "tribunal", "personal_budget"]},
        {"changed": ["mediation", "tribunal", "residential", "personal_budget"]},
    ]
    assert {a.action for a in audits(oxfordshire, case)} == {"case.records_plan"}


def test_a_plan_error_keeps_the_ticks(staff, case, oxfordshire):
    response = staff.post(
        url(case), {"form": "plan", "plan-work_based_learning": "on", "plan-personal_budget": "cash"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_plan-personal_budget">Select a personal budget from the list</a>' in html
    assert 'name="plan-work_based_learning" type="checkbox" value="on" checked' in html
    with schema_context(oxfordshire.schema_name):
        case.refresh_from_db()
    assert case.work_based_learning is False
    assert audits(oxfordshire, case) == []


def test_needs_are_added_in_rank_order_and_shown(staff, case, oxfordshire):
    for code in ("ASD", "SLCN", "SEMH"):
        assert staff.post(url(case), {"form": "need_add", "need-code": code}).status_code == 302
    assert needs_of(oxfordshire, case) == [(1, "ASD"), (2, "SLCN"), (3, "SEMH")]
    html = staff.get(url(case)).content.decode()
    assert "Need added: Social, emotional and mental health." in html
    table = html.split('id="needs"')[1].split("</table>")[0]
    assert (
        table.index("Autistic spectrum disorder") < table.index("Speech, language") < table.index("Social,")
    )
    add_form = html.split('name="form" value="need_add"')[1].split("</form>")[0]
    assert 'value="ASD"' not in add_form  # a code already recorded is not offered again
    assert 'value="MLD"' in add_form


def test_need_errors(staff, case, oxfordshire):
    staff.post(url(case), {"form": "need_add", "need-code": "ASD"})
    for code, message in (
        ("", "Select a need"),
        ("ASD", "Select a need from the list"),
        ("XX", "Select a need from the list"),
    ):
        response = staff.post(url(case), {"form": "need_add", "need-code": code})
        assert response.status_code == 400
        assert f'<a href="#id_need-code">{message}</a>' in response.content.decode()
    assert needs_of(oxfordshire, case) == [(1, "ASD")]
    # Two people adding the same need at once: the service, under the lock, refuses the second.
    with schema_context(oxfordshire.schema_name), pytest.raises(ValidationError, match="already recorded"):
        case_need_add(case=case, by=None, code="ASD")


def test_remove_and_move_up_keep_ranks_1_to_n(staff, case, oxfordshire):
    for code in ("ASD", "SLCN", "SEMH", "HI"):
        staff.post(url(case), {"form": "need_add", "need-code": code})
    with schema_context(oxfordshire.schema_name):
        ids = dict(Need.objects.filter(case=case).values_list("code", "pk"))
    response = staff.post(url(case), {"form": "need_up", "need": ids["SEMH"]}, follow=True)
    assert "Need moved up: Social, emotional and mental health." in response.content.decode()
    assert needs_of(oxfordshire, case) == [(1, "ASD"), (2, "SEMH"), (3, "SLCN"), (4, "HI")]
    staff.post(url(case), {"form": "need_up", "need": ids["SEMH"]})
    assert needs_of(oxfordshire, case) == [(1, "SEMH"), (2, "ASD"), (3, "SLCN"), (4, "HI")]
    response = staff.post(url(case), {"form": "need_remove", "need": ids["ASD"]}, follow=True)
    assert "Need removed: Autistic spectrum disorder." in response.content.decode()
    assert needs_of(oxfordshire, case) == [(1, "SEMH"), (2, "SLCN"), (3, "HI")]
    staff.post(url(case), {"form": "need_remove", "need": ids["HI"]})
    staff.post(url(case), {"form": "need_up", "need": ids["SLCN"]})
    assert needs_of(oxfordshire, case) == [(1, "SLCN"), (2, "SEMH")]
    # Refusals: the primary need cannot move up; a need already removed (or another case's) is not found.
    first = staff.post(url(case), {"form": "need_up", "need": ids["SLCN"]})
    assert first.status_code == 400
    assert '<a href="#needs">That need is already the primary need</a>' in first.content.decode()
    with schema_context(oxfordshire.schema_name):
        other = CaseFactory(child_last_name="Greenhat")
        others = Need.objects.create(case=other, code="MLD", rank=1)
    for need_id in (ids["ASD"], others.pk, "x"):
        gone = staff.post(url(case), {"form": "need_remove", "need": need_id})
        assert gone.status_code == 400
        assert "That need is no longer recorded" in gone.content.decode()
    assert needs_of(oxfordshire, case) == [(1, "SLCN"), (2, "SEMH")]
    assert needs_of(oxfordshire, other) == [(1, "MLD")]
    actions = [a.action for a in audits(oxfordshire, case)]
    assert actions.count("case.records_need_moved") == 3
    assert actions.count("case.records_need_removed") == 2


def placements_of(council, case: Case) -> list[tuple]:
    with schema_context(council.schema_name):
        return list(
            Placement.objects.filter(case=case)
            .order_by("id")
            .values_list("setting_name", "urn", "ukprn", "setting_type", "rank", "entry_date", "leaving_date")
        )


def test_placements_are_added_shown_and_ended(staff, case, oxfordshire):
    school = {
        "form": "placement_add",
        "placement-setting_name": "Cherwell School",
        "placement-urn": "123456",
        "placement-ukprn": "",
        "placement-setting_type": "mainstream",
        "placement-entry_date": "2026-09-03",
        "placement-attendance": "full_time",
    }
    assert staff.post(url(case), school).status_code == 302
    college = {
        **school,
        "placement-setting_name": "Abingdon College",
        "placement-urn": "",
        "placement-ukprn": "10012345",
        "placement-setting_type": "further_education",
        "placement-entry_date": "",
        "placement-attendance": "part_time",
    }
    assert staff.post(url(case), college).status_code == 302
    home = {
        **school,
        "placement-setting_name": "At home",
        "placement-urn": "",
        "placement-setting_type": "home",
    }
    assert staff.post(url(case), home).status_code == 302
    assert placements_of(oxfordshire, case) == [
        ("Cherwell School", "123456", "", "mainstream", 1, datetime.date(2026, 9, 3), None),
        ("Abingdon College", "", "10012345", "further_education", 2, None, None),
        ("At home", "", "", "home", 3, datetime.date(2026, 9, 3), None),
    ]
    html = staff.get(url(case)).content.decode()
    assert "Placement added: At home." in html
    table = html.split('id="placements"')[1].split("</table>")[0]
    for text in (
        "Cherwell School",
        "URN 123456",
        "UKPRN 10012345",
        "Further education college",
        "3 Sep 2026",
        "Part time",
    ):
        assert text in table
    with schema_context(oxfordshire.schema_name):
        ids = dict(Placement.objects.filter(case=case).values_list("setting_name", "pk"))

    # Ending the main placement: the ones still open are ranked 1..n again; the ended one keeps its rank.
    response = staff.post(
        url(case),
        {
            "form": "placement_end",
            "placement": ids["Cherwell School"],
            f"end-{ids['Cherwell School']}-leaving_date": "2027-07-20",
        },
        follow=True,
    )
    assert "Placement ended: Cherwell School." in response.content.decode()
    assert [(p[0], p[4], p[6]) for p in placements_of(oxfordshire, case)] == [
        ("Cherwell School", 1, datetime.date(2027, 7, 20)),
        ("Abingdon College", 1, None),
        ("At home", 2, None),
    ]
    html = response.content.decode()
    table = html.split('id="placements"')[1].split("</table>")[0]
    assert table.index("Abingdon College") < table.index("At home") < table.index("Cherwell School")
    assert "20 Jul 2027" in table
    assert f'name="placement" value="{ids["Cherwell School"]}"' not in html  # no End form once ended
    assert [a.action for a in audits(oxfordshire, case)] == [
        "case.records_placement_added",
        "case.records_placement_added",
        "case.records_placement_added",
        "case.records_placement_ended",
    ]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"placement-setting_name": ""}, "setting_name", "Enter the setting&#x27;s name"),
        ({"placement-setting_type": ""}, "setting_type", "Select the type of setting"),
        ({"placement-setting_type": "castle"}, "setting_type", "Select the type of setting"),
        ({"placement-urn": "12345"}, "urn", "Enter a URN of 6 digits, like 123456"),
        (
            {"placement-urn": "", "placement-ukprn": "1001234X"},
            "ukprn",
            "Enter a UKPRN of 8 digits, like 10012345",
        ),
        ({"placement-urn": "", "placement-ukprn": ""}, "urn", "Enter the setting&#x27;s URN or UKPRN"),
        (
            {"placement-entry_date": "2026-02-30"},
            "entry_date",
            "Enter the entry date as a real date, like 2026-09-01",
        ),
        ({"placement-attendance": "sometimes"}, "attendance", "Select full time or part time"),
    ],
)
def test_placement_errors_keep_what_was_typed(staff, case, oxfordshire, changes, field, message):
    posted = {
        "form": "placement_add",
        "placement-setting_name": "Cherwell School",
        "placement-urn": "123456",
        "placement-ukprn": "",
        "placement-setting_type": "special",
        "placement-entry_date": "2026-09-03",
        "placement-attendance": "part_time",
        **changes,
    }
    response = staff.post(url(case), posted)
    html = response.content.decode()
    assert response.status_code == 400
    assert f'<a href="#id_placement-{field}">{message}</a>' in html
    assert f'id="id_placement-{field}-error"' in html
    for name in ("setting_name", "urn", "ukprn", "entry_date"):
        if posted[f"placement-{name}"]:
            assert f'value="{posted[f"placement-{name}"]}"' in html
    if field != "setting_type":
        assert '<option value="special" selected>' in html
    if field != "attendance":
        assert 'value="part_time" checked' in html
    assert placements_of(oxfordshire, case) == []
    assert audits(oxfordshire, case) == []


def test_ending_a_placement_is_checked(staff, case, oxfordshire):
    with schema_context(oxfordshire.schema_name):
        placement = Placement.objects.create(
            case=case,
            setting_name="Cherwell School",
            urn="123456",
            setting_type=SettingType.MAINSTREAM,
            entry_date=datetime.date(2026, 9, 3),
        )
    field = f"end-{placement.pk}-leaving_date"
    for typed, message in (
        ("", "Enter the leaving date as a real date, like 2027-07-20"),
        ("20/07/2027", "Enter the leaving date as a real date, like 2027-07-20"),
        ("2026-09-02", "The leaving date cannot be before the entry date"),
    ):
        response = staff.post(url(case), {"form": "placement_end", "placement": placement.pk, field: typed})
        html = response.content.decode()
        assert response.status_code == 400
        assert f'<a href="#id_{field}">{message}</a>' in html
        assert f'id="id_{field}-error"' in html
        assert f'value="{typed}"' in html
    assert placements_of(oxfordshire, case)[0][6] is None
    # The same day as the entry date is allowed; ending it again is refused.
    assert (
        staff.post(
            url(case), {"form": "placement_end", "placement": placement.pk, field: "2026-09-03"}
        ).status_code
        == 302
    )
    again = staff.post(url(case), {"form": "placement_end", "placement": placement.pk, field: "2026-09-04"})
    assert again.status_code == 400
    assert '<a href="#placements">That placement has already ended</a>' in again.content.decode()
    assert placements_of(oxfordshire, case)[0][6] == datetime.date(2026, 9, 3)
    assert [a.action for a in audits(oxfordshire, case)] == ["case.records_placement_ended"]


def test_an_unknown_form_is_a_bad_request(staff, case):
    assert staff.post(url(case), {"form": "ceasing"}).status_code == 400


def test_query_count_is_the_same_with_1_and_with_many_needs_and_placements(
    staff, oxfordshire, assert_queries
):
    # SEN2 has 13 need codes and a code appears once a case, so "many" needs is all 13.
    with schema_context(oxfordshire.schema_name):
        few, many = CaseFactory(child_last_name="Greenhat"), CaseFactory(child_last_name="Greenhat")
        Need.objects.create(case=few, code="ASD", rank=1)
        Placement.objects.create(case=few, setting_name="Setting 0", urn="100000", setting_type="mainstream")
        Need.objects.bulk_create(
            Need(case=many, code=code, rank=i) for i, code in enumerate(NeedCode.values, 1)
        )
        Placement.objects.bulk_create(
            Placement(
                case=many,
                setting_name=f"Setting {i}",
                urn=f"{100000 + i}",
                setting_type="mainstream",
                rank=i,
                leaving_date=datetime.date(2026, 9, 1) if i % 2 else None,
            )
            for i in range(1, 31)
        )
    staff.get(url(few))
    # routing, session, configuration, identity, staff check, the case, the audit row for reading it, its
    # needs, its placements
    with assert_queries(9):
        assert staff.get(url(few)).status_code == 200
    with assert_queries(9):
        html = staff.get(url(many)).content.decode()
    assert html.count('name="form" value="need_remove"') == 13
    assert html.count('name="form" value="placement_end"') == 15
    assert "Setting 30" in html
    assert "Every SEN2 need code is recorded." in html


def test_other_councils_staff_parents_and_signed_out_visitors_get_nothing(case, oxfordshire, worcestershire):
    worcs = sign_in(
        host_client("worcestershire"),
        council_person("caseworker@worcestershire.example"),
        worcestershire,
    )
    assert worcs.get(url(case)).status_code == 404
    assert worcs.post(url(case), {"form": "plan", "plan-mediation": "on"}).status_code == 404
    parent = UserFactory(email="records.parent@example.com")
    with schema_context(oxfordshire.schema_name):
        MembershipFactory(user=parent, role=Role.PARENT)
    parent_client = sign_in(host_client("oxfordshire"), parent, oxfordshire)
    assert parent_client.get(url(case)).status_code == 403
    assert parent_client.post(url(case), {"form": "plan", "plan-mediation": "on"}).status_code == 403
    signed_out = host_client("oxfordshire").get(url(case))
    assert signed_out.status_code == 302
    assert signed_out["Location"] == f"/accounts/login/?next={url(case)}"
    with schema_context(oxfordshire.schema_name):
        case.refresh_from_db()
    assert case.mediation is False
    assert audits(oxfordshire, case) == []


def test_audit_rows_name_fields_never_values(staff, case, oxfordshire):
    typed = {
        "form": "person",
        "person-sex": "M",
        "person-ethnicity": "BAFR",
        "person-postcode": "OX4 1AA",
        "person-upn": "B801200005001",
        "person-uln": "9876543210",
    }
    staff.post(url(case), typed)
    staff.post(url(case), {"form": "plan", "plan-tribunal": "on", "plan-personal_budget": "organised"})
    staff.post(url(case), {"form": "need_add", "need-code": "PMLD"})
    staff.post(url(case), {"form": "need_add", "need-code": "VI"})
    with schema_context(oxfordshire.schema_name):
        vi = Need.objects.get(case=case, code="VI")
    staff.post(url(case), {"form": "need_up", "need": vi.pk})
    staff.post(url(case), {"form": "need_remove", "need": vi.pk})
    staff.post(
        url(case),
        {
            "form": "placement_add",
            "placement-setting_name": "Bishopswood School",
            "placement-urn": "123321",
            "placement-setting_type": "special",
            "placement-entry_date": "2026-09-03",
            "placement-attendance": "full_time",
        },
    )
    with schema_context(oxfordshire.schema_name):
        placement = Placement.objects.get(case=case)
    staff.post(
        url(case),
        {
            "form": "placement_end",
            "placement": placement.pk,
            f"end-{placement.pk}-leaving_date": "2027-07-20",
        },
    )
    rows = audits(oxfordshire, case)
    assert [row.action for row in rows] == [
        "case.records_person",
        "case.records_plan",
        "case.records_need_added",
        "case.records_need_added",
        "case.records_need_moved",
        "case.records_need_removed",
        "case.records_placement_added",
        "case.records_placement_ended",
    ]
    assert all(row.actor.email == "caseworker@oxfordshire.example" for row in rows)
    assert all(set(row.detail) == {"changed"} for row in rows)
    assert rows[6].detail == {
        "changed": ["setting_name", "setting_type", "attendance", "rank", "urn", "entry_date"]
    }
    written = json.dumps([row.detail for row in rows])
    for value in (
        "OX4 1AA",
        "B801200005001",
        "9876543210",
        "BAFR",
        "organised",
        "PMLD",
        "VI",
        "Bishopswood",
        "123321",
        "2026-09-03",
        "2027",
    ):
        assert value not in written
