"""The Django forms of the case's statutory return (SEN2) page, one per section: what each field accepts
and the message when it does not. The rules they share with every caller (a placement's identifiers)
are the service's (ehc.records.services.placement_problems)."""

import re

from django import forms
from django.core.exceptions import ValidationError

from core.accounts.forms import PostcodeField
from ehc.models import Attendance, Ethnicity, NeedCode, PersonalBudget, SettingType, Sex
from ehc.records import services

UPN = re.compile(r"^[A-Z][0-9]{12}$")
# DfE's check letters: the weighted sum of characters 2-13 modulo 23, with I, O and S left out.
UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn_check_letter(digits: str) -> str:
    """The check letter of a permanent UPN from its 12 digits (character n is weighted n)."""
    return UPN_CHECK_LETTERS[sum(int(d) * weight for weight, d in enumerate(digits, 2)) % 23]


def _compact(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


class DateInput(forms.DateInput):
    input_type = "date"


def _date_field(label: str, *, required: bool, message: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput,
        input_formats=["%Y-%m-%d"],
        error_messages={"required": message, "invalid": message},
    )


class PersonForm(forms.Form):
    sex = forms.ChoiceField(
        label="Sex",
        choices=Sex.choices,
        required=False,
        error_messages={"invalid_choice": "Select female, male or not known"},
    )
    ethnicity = forms.ChoiceField(
        label="Ethnicity",
        choices=[("", "Not recorded"), *Ethnicity.choices],
        required=False,
        error_messages={"invalid_choice": "Select an ethnicity from the list"},
    )
    postcode = PostcodeField(
        label="Postcode",
        max_length=10,
        required=False,
        error_messages={"max_length": "Enter a real postcode, like OX1 1ND"},
    )
    upn = forms.CharField(
        label="Unique pupil number (UPN)",
        required=False,
        help_text="13 characters: a letter then 12 digits, like B801200005001",
    )
    uln = forms.CharField(label="Unique learner number (ULN)", required=False, help_text="10 digits")

    def clean_upn(self) -> str:
        upn = _compact(self.cleaned_data["upn"])
        if not upn:
            return ""
        if not UPN.match(upn):
            raise ValidationError("Enter a UPN of a letter then 12 digits, like B801200005001", code="format")
        if upn[0] != upn_check_letter(upn[1:]):
            raise ValidationError(
                "Enter a real UPN: the first letter does not match the digits", code="check"
            )
        return upn

    def clean_uln(self) -> str:
        uln = _compact(self.cleaned_data["uln"])
        if uln and not re.fullmatch(r"[0-9]{10}", uln):
            raise ValidationError("Enter a ULN of 10 digits, like 1234567890", code="format")
        return uln


class PlanForm(forms.Form):
    mediation = forms.BooleanField(label="Mediation took place", required=False)
    tribunal = forms.BooleanField(label="Appeal to the tribunal", required=False)
    moved_out_before_assessment = forms.BooleanField(
        label="Moved out before the assessment finished", required=False
    )
    residential = forms.BooleanField(label="Residential placement", required=False)
    work_based_learning = forms.BooleanField(label="Work-based learning", required=False)
    personal_budget = forms.ChoiceField(
        label="Personal budget",
        choices=PersonalBudget.choices,
        required=False,
        error_messages={"invalid_choice": "Select a personal budget from the list"},
    )


class NeedAddForm(forms.Form):
    code = forms.ChoiceField(
        label="Need",
        error_messages={"required": "Select a need", "invalid_choice": "Select a need from the list"},
    )

    def __init__(self, *args, used: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [("", "Select a need")] + [
            (value, label) for value, label in NeedCode.choices if value not in used
        ]


class PlacementAddForm(forms.Form):
    setting_name = forms.CharField(
        label="Setting name",
        max_length=200,
        error_messages={
            "required": "Enter the setting's name",
            "max_length": "Setting name must be 200 characters or fewer",
        },
    )
    urn = forms.RegexField(
        label="URN",
        regex=r"^[0-9]{6}$",
        required=False,
        help_text=(
            "6 digits, for a school. Give the URN or the UKPRN unless the setting is elective home"
            " education, not in education, or other"
        ),
        error_messages={"invalid": "Enter a URN of 6 digits, like 123456"},
    )
    ukprn = forms.RegexField(
        label="UKPRN",
        regex=r"^[0-9]{8}$",
        required=False,
        help_text="8 digits, for a college or training provider",
        error_messages={"invalid": "Enter a UKPRN of 8 digits, like 10012345"},
    )
    setting_type = forms.ChoiceField(
        label="Type of setting",
        choices=[("", "Select a type"), *SettingType.choices],
        error_messages={
            "required": "Select the type of setting",
            "invalid_choice": "Select the type of setting",
        },
    )
    entry_date = _date_field(
        "Entry date", required=False, message="Enter the entry date as a real date, like 2026-09-01"
    )
    attendance = forms.ChoiceField(
        label="Attendance",
        choices=Attendance.choices,
        initial=Attendance.FULL_TIME,
        error_messages={
            "required": "Select full time or part time",
            "invalid_choice": "Select full time or part time",
        },
    )

    def clean(self):
        data = super().clean()
        if "setting_type" in data and "urn" in data and "ukprn" in data:
            for field, message in services.placement_problems(
                setting_type=data["setting_type"], urn=data["urn"], ukprn=data["ukprn"]
            ).items():
                self.add_error(field, message)
        return data


class PlacementEndForm(forms.Form):
    leaving_date = _date_field(
        "Leaving date", required=True, message="Enter the leaving date as a real date, like 2027-07-20"
    )
