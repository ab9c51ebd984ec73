from django.apps import AppConfig

from ehc.hooks import case_dues_refreshed


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = "Health hub"

    def ready(self):
        from core.staff.services import staff_invitation_accepted  # noqa: PLC0415
        from hub.services import advice_due_dates_follow, team_place_from_invitation  # noqa: PLC0415

        staff_invitation_accepted.connect(team_place_from_invitation, dispatch_uid="hub_team_place")
        case_dues_refreshed.connect(advice_due_dates_follow, dispatch_uid="hub_advice_due_dates")
