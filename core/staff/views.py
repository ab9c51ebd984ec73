"""The council admin's staff pages (who works in this council's portal: invitations, changing a role,
removing and restoring access) and the invited person's pages (the invitation's link, and the question
asked while signing in)."""

from allauth.account.internal.decorators import login_stage_required
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from core.accounts.passwords import current_policy
from core.accounts.stages import CouncilMembershipStage
from core.decorators import role_required
from core.models import Membership, StaffInvitation
from core.roles import HEALTH_ROLES, STAFF_ROLES, Role
from core.staff import services
from core.staff.services import InvitationNotFound

INVITABLE_ROLES = [(role.value, role.label) for role in Role if role in STAFF_ROLES or role in HEALTH_ROLES]
INVITABLE = {value for value, _ in INVITABLE_ROLES}


class InviteForm(forms.Form):
    forename = forms.CharField(max_length=150, error_messages={"required": "Enter their forename"})
    surname = forms.CharField(max_length=150, error_messages={"required": "Enter their surname"})
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address like name@example.com",
        },
    )
    role = forms.ChoiceField(choices=INVITABLE_ROLES, error_messages={"required": "Select their role"})


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=INVITABLE_ROLES, error_messages={"required": "Select their new role"})


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput,
        error_messages={"required": "Enter a password"},
    )
    password2 = forms.CharField(
        label="Confirm password",
        strip=False,
        widget=forms.PasswordInput,
        error_messages={"required": "Enter the password again"},
    )

    def __init__(self, *args, invitation: StaffInvitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The passwords do not match")
        elif first:
            user_model = get_user_model()
            candidate = user_model.objects.filter(email__iexact=self.invitation.email).first() or user_model(
                email=self.invitation.email,
                first_name=self.invitation.first_name,
                last_name=self.invitation.last_name,
            )
            try:
                password_validation.validate_password(first, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


def _staff_membership(pk: int) -> Membership:
    """A staff or health membership of this council (404 for anything else)."""
    return get_object_or_404(Membership.objects.select_related("user"), pk=pk, role__in=INVITABLE)


@role_required(Role.COUNCIL_ADMIN)
@require_http_methods(["GET"])
def staff_list(request):
    members = list(
        Membership.objects.filter(role__in=INVITABLE)
        .select_related("user")
        .order_by(
            Case(When(is_active=True, then=Value(0)), default=Value(1), output_field=IntegerField()),
            "user__last_name",
            "user__email",
        )
    )
    return render(
        request,
        "core/staff/list.html",
        {
            "members": [m for m in members if m.is_active],
            "removed": [m for m in members if not m.is_active],
            "invitations": list(services.staff_invitations_open().filter(role__in=INVITABLE)),
        },
    )


@role_required(Role.COUNCIL_ADMIN)
@require_http_methods(["GET", "POST"])
def staff_invite_view(request):
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.staff_invitation_send(
                email=data["email"],
                first_name=data["forename"],
                last_name=data["surname"],
                role=data["role"],
                by=request.user,
                base_url=_base_url(request),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                f"We have sent an invitation to {data['email']}. They have the role once they accept it.",
            )
            return redirect("staff_list")
    return render(request, "core/staff/invite.html", {"form": form}, status=400 if form.errors else 200)


def _confirm(request, *, title: str, body: str, button: str, action, done: str):
    """A GOV.UK confirmation page: GET asks, POST does ``action()`` and goes back to the staff list."""
    if request.method == "POST":
        try:
            action()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, done)
        return redirect("staff_list")
    return render(request, "core/staff/confirm.html", {"title": title, "body": body, "button": button})


@role_required(Role.COUNCIL_ADMIN)
@require_http_methods(["GET", "POST"])
def staff_invitation_withdraw(request, pk):
    invitation = get_object_or_404(services.staff_invitations_open(), pk=pk)
    return _confirm(
        request,
        title="Withdraw this invitation?",
        body=(
            f"The invitation to {invitation.email} as {invitation.get_role_display().lower()} will stop "
            "working. You can invite them again later."
        ),
        button="Withdraw invitation",
        action=lambda: services.staff_invitation_withdraw(invitation=invitation, by=request.user),
        done="Invitation withdrawn.",
    )


@role_required(Role.COUNCIL_ADMIN)
@require_http_methods(["GET", "POST"])
def staff_member_remove(request, pk):
    membership = _staff_membership(pk)
    name = membership.user.get_full_name() or membership.user.email
    return _confirm(
        request,
        title=f"Remove {name}'s access?",
        body=(
            f"{name} will no longer be able to work in this portal as "
            f"{membership.get_role_display().lower()}. You can restore their access later."
        ),
        button="Remove access",
        action=lambda: services.membership_deactivate(membership=membership, by=request.user),
        done=f"{name}'s access has been removed.",
    )


@role_required(Role.COUNCIL_ADMIN)
@require_http_methods(["GET", "POST"])
def staff_member_restore(request, pk):
    membership = _staff_membership(pk)
    name = membership.user.get_full_name() or membership.user.email
    return _confirm(
        request,
        title=f"Restore {name}'s access?",
        body=f"{name} will be able to work in this portal again as {membership.get_role_display().lower()}.",
        button="Restore access",
        action=lambda: services.membership_reactivate(membership=membership, by=request.user),
        done=f"{name}'s access has been restored.",
    )


@role_required(Role.COUNCIL_ADMIN)
@require_http_methods(["GET", "POST"])
def staff_member_change_role(request, pk):
    membership = _staff_membership(pk)
    form = RoleForm(request.POST or None, initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_role_change(
                membership=membership, role=form.cleaned_data["role"], by=request.user
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field, errors)
            else:
                form.add_error("role", error.messages)
        else:
            messages.success(request, "Role changed.")
            return redirect("staff_list")
    return render(
        request,
        "core/staff/change_role.html",
        {"form": form, "membership": membership},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def staff_invitation_link(request, token):
    """The link in the invitation's email. Signed in as the invited address: "Accept the role X at
    <council>". Signed in as anyone else: refused. Signed out: a new identity (or one whose address was
    never proved) sets its password here, which accepts the role this page names; anyone else signs in
    first and comes back."""
    try:
        invitation = services.staff_invitation_for_token(token=token)
        if request.user.is_authenticated:
            return _accept_signed_in(request, invitation)
        return _accept_signed_out(request, invitation)
    except InvitationNotFound:
        return render(request, "core/staff/invitation_not_found.html", status=404)


def _accept_signed_in(request, invitation: StaffInvitation):
    context = {"invitation": invitation}
    if (request.user.email or "").lower() != invitation.email:
        return render(request, "core/staff/invitation_wrong_account.html", context, status=403)
    if request.method == "POST":
        services.staff_invitation_accept(invitation=invitation, user=request.user)
        role = invitation.get_role_display().lower()
        messages.success(request, f"You have accepted the role of {role}.")
        return redirect("my_account")
    return render(request, "core/staff/invitation_accept.html", context)


def _accept_signed_out(request, invitation: StaffInvitation):
    identity = get_user_model().objects.filter(email__iexact=invitation.email).first()
    if identity is not None and services.address_proved(identity):
        return redirect_to_login(request.get_full_path(), login_url=reverse("account_login"))
    form = SetPasswordForm(request.POST or None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        services.staff_invitation_accept_with_password(
            invitation=invitation, password=form.cleaned_data["password1"]
        )
        messages.success(request, "Your password is set and you have accepted the role. Sign in to continue.")
        return redirect("account_login")
    return render(
        request,
        "core/staff/invitation_set_password.html",
        {"invitation": invitation, "form": form, "password_rules": current_policy().rules()},
        status=400 if form.errors else 200,
    )


@login_stage_required(stage=CouncilMembershipStage.key, redirect_urlname="account_login")
@require_http_methods(["GET", "POST"])
def staff_invitation_answer(request):
    """While signing in: someone with no role here, invited to one, is asked before anything else
    whether they accept it (instead of being offered to join as a parent)."""
    stage = request._login_stage
    user = stage.login.user
    invitations = services.staff_invitations_open_for(email=user.email)
    if not invitations:
        return stage.abort()
    error = ""
    if request.method == "POST":
        answer = request.POST.get("accept")
        if answer == "yes":
            accepted = 0
            for invitation in invitations:
                try:
                    services.staff_invitation_accept(invitation=invitation, user=user)
                except InvitationNotFound:
                    continue  # withdrawn or expired in between: the others still stand
                accepted += 1
            if not accepted:
                return stage.abort()
            links = reverse("staff_invitation_link", kwargs={"token": "-"}).removesuffix("-/")
            if (stage.login.redirect_url or "").startswith(links):
                # They came from the invitation's link, now used: land on their account instead.
                stage.login.redirect_url = reverse("my_account")
            messages.success(request, "You have accepted the invitation.")
            return stage.exit()
        if answer == "no":
            return stage.abort()
        error = "Select yes if you accept the invitation"
    return render(request, "core/staff/invitation_answer.html", {"invitations": invitations, "error": error})
