"""Writes for the settings' members: a setting manager adds someone (at once if they already are an
education professional here, else by a staff invitation), and an accepted invitation gives its place."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from core.models import StaffInvitation
from core.roles import Role
from core.services import audit_record
from core.staff.services import organisation_member_check, staff_invitation_send
from ehc.models import EducationSetting, SettingMember
from ehc.schools.selectors import setting_managed_by

# The key an invitation sent for a setting carries in its follow_up.
FOLLOW_UP_KEY = "education_setting"


def setting_member_add(
    *,
    setting: EducationSetting,
    first_name: str,
    last_name: str,
    email: str,
    by,
    base_url: str,
    is_manager: bool = False,
) -> tuple[object | None, StaffInvitation | None]:
    """A setting manager adds a member. Someone who already is an education professional here gets
    their place at once and is returned; anyone else is invited (an education professional's
    invitation, accepted as the owner of the address) and gets their place when they accept
    (``setting_place_from_invitation``). Returns (person, None) or (None, invitation). Refuses a bad
    address or missing names, by field, and anyone who is not a manager of the setting."""
    email, memberships = organisation_member_check(
        first_name=first_name, last_name=last_name, email=email, name_words=("first name", "last name")
    )
    with transaction.atomic():
        setting = EducationSetting.objects.select_for_update().get(pk=setting.pk)
        if not setting_managed_by(setting=setting, user=by):
            raise PermissionDenied
        professional = next(
            (m for m in memberships if m.is_active and m.role == Role.EDUCATION_PROFESSIONAL), None
        )
        if professional is not None:
            _place_add(setting=setting, user=professional.user, by=by, is_manager=is_manager)
            return professional.user, None
        invitation = staff_invitation_send(
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            role=Role.EDUCATION_PROFESSIONAL,
            by=by,
            base_url=base_url,
            follow_up={FOLLOW_UP_KEY: setting.pk, "setting_manager": bool(is_manager)},
        )
    return None, invitation


def _place_add(*, setting: EducationSetting, user, by, is_manager: bool = False) -> None:
    place, created = SettingMember.objects.get_or_create(
        setting=setting, user=user, defaults={"is_manager": is_manager}
    )
    if created:
        audit_record(
            actor=by,
            action="education_setting.member_added",
            target=setting,
            detail={"user": place.user_id, "manager": place.is_manager},
        )


def setting_place_from_invitation(*, invitation: StaffInvitation, user, **kwargs) -> None:
    """core's staff_invitation_accepted: an invitation sent for a setting gives its place in the setting."""
    setting = EducationSetting.objects.filter(pk=invitation.follow_up.get(FOLLOW_UP_KEY)).first()
    if setting is not None:
        _place_add(
            setting=setting, user=user, by=user, is_manager=bool(invitation.follow_up.get("setting_manager"))
        )
