"""Reads of the schools and settings: the places a person holds in them, whether someone manages one,
the settings the SEND team can consult, and a setting's members."""

from ehc.models import EducationSetting, SettingMember


def setting_places_of(*, user) -> list[SettingMember]:
    """The settings this person is a member of here, with whether they manage each (one query). A
    setting switched off is no longer consulted, but its members still answer what it was asked."""
    if not user.is_authenticated:
        return []
    return list(SettingMember.objects.filter(user=user).select_related("setting").order_by("setting__name"))


def setting_managed_by(*, setting: EducationSetting, user) -> bool:
    """Whether this person is a setting manager of the setting: the check before adding a member."""
    return SettingMember.objects.filter(setting=setting, user=user, is_manager=True).exists()


def settings_to_consult() -> list[EducationSetting]:
    """The settings the SEND team can consult on a draft plan, by name (one query)."""
    return list(EducationSetting.objects.filter(is_active=True).order_by("name"))


def setting_members(*, setting: EducationSetting) -> list[SettingMember]:
    """A setting's members with their identities, managers first, then by name (one query)."""
    return sorted(
        SettingMember.objects.filter(setting=setting).select_related("user"),
        key=lambda m: (not m.is_manager, m.user.last_name.lower(), m.user.first_name.lower(), m.user.email),
    )


def setting_of_submitter(*, user, named: str = "") -> EducationSetting | None:
    """The setting a professional's request comes from: their one setting; if they are a member of
    several, the one whose name they typed as the setting they represent, else the first by name. None
    for someone who is a member of no setting (one query)."""
    places = setting_places_of(user=user)
    if not places:
        return None
    typed = named.strip().lower()
    chosen = next((p for p in places if typed and p.setting.name.lower() == typed), places[0])
    return chosen.setting
