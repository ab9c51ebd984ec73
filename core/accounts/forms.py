import re
import secrets

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.db import transaction

from core.models import Profile

# The UK postcode format (BS 7666): outward code, a space, inward code; GIR 0AA is the one exception.
POSTCODE = re.compile(
    r"^(GIR ?0AA|(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) ?[0-9][ABD-HJLNP-UW-Z]{2})$"
)


def normalise_postcode(value: str) -> str:
    compact = re.sub(r"\s+", "", value).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


class PostcodeField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        postcode = normalise_postcode(value)
        if not POSTCODE.match(postcode):
            raise forms.ValidationError("Enter a real postcode, like OX1 1ND", code="postcode")
        return postcode


class RegistrationDetailsForm(forms.ModelForm):
    """Register a new account - step 1: who you are and where you live."""

    forename = forms.CharField(
        label="Forename", max_length=150, error_messages={"required": "Enter your forename"}
    )
    surname = forms.CharField(
        label="Surname", max_length=150, error_messages={"required": "Enter your surname"}
    )
    postcode = PostcodeField(label="Postcode", error_messages={"required": "Enter your postcode"})

    field_order = ["forename", "surname", "is_professional", "professional_role", "organisation"]

    class Meta:
        model = Profile
        fields = [
            "is_professional",
            "professional_role",
            "organisation",
            "property_name",
            "house_number",
            "street",
            "area",
            "town",
            "county",
            "postcode",
        ]
        error_messages = {
            "street": {"required": "Enter your street"},
            "town": {"required": "Enter your town or city"},
        }

    def clean(self):
        data = super().clean()
        if data.get("is_professional"):
            if not data.get("professional_role"):
                self.add_error("professional_role", "Enter your role")
            if not data.get("organisation"):
                self.add_error("organisation", "Enter your organisation")
        else:
            data["professional_role"] = data["organisation"] = ""
        return data


class UpdateAccountForm(RegistrationDetailsForm):
    """Update account: the same details, for someone already registered."""

    mobile_phone = forms.CharField(label="Mobile number", max_length=20, required=False)

    class Meta(RegistrationDetailsForm.Meta):
        fields = [*RegistrationDetailsForm.Meta.fields, "mobile_phone", "notify_by_text"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("notify_by_text") and not cleaned.get("mobile_phone", "").strip():
            self.add_error("mobile_phone", "Enter your mobile number to be told by text message")
        return cleaned


class SignupForm(AllauthSignupForm):
    """Register a new account - step 2: email address and password, the council's rules shown first."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].error_messages["required"] = "Enter your email address"
        self.fields["password1"].label = "Password"
        self.fields["password1"].error_messages["required"] = "Enter a password"
        self.fields["password2"].label = "Confirm password"
        self.fields["password2"].error_messages["required"] = "Confirm your password"
        self.fields["password1"].help_text = ""  # the rules are listed above the fields instead

    def try_save(self, request):
        if self.account_already_exists:
            self._rehearse_sign_up(request)
        return super().try_save(request)

    def _rehearse_sign_up(self, request) -> None:
        """An address already registered costs what a new one does, so the time taken does not tell
        whether it is registered: the same sign-up runs (the password hashed; the identity, its email
        address, password history, profile, membership and audit rows written, as for a new address)
        under a stand-in address, and is rolled back. allauth then emails the owner, as it emails a new
        address its code."""
        email = self.cleaned_data["email"]
        self.cleaned_data["email"] = f"{secrets.token_hex(16)}@rehearsal.invalid"
        self.account_already_exists = False
        try:
            with transaction.atomic():
                self.save(request)
                raise _Rehearsed
        except _Rehearsed:
            pass
        finally:
            self.cleaned_data["email"] = email
            self.account_already_exists = True


class _Rehearsed(Exception):
    """Undoes a rehearsed sign-up (SignupForm._rehearse_sign_up)."""


class SignInCodeForm(forms.Form):
    code = forms.CharField(
        label="Code", max_length=12, error_messages={"required": "Enter the code we sent you"}
    )
