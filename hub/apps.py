from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = "Health hub"

    def ready(self):
        from core.councils import health_answer  # noqa: PLC0415
        from core.staff.services import staff_invitation_accepted  # noqa: PLC0415
        from hub.selectors import health_councils_of, health_places_of  # noqa: PLC0415
        from hub.services import team_place_from_invitation  # noqa: PLC0415

        staff_invitation_accepted.connect(team_place_from_invitation, dispatch_uid="hub_team_place")
        # Who may sign in on the platform's host, and the account menu's team links (core/councils.py).
        health_answer(platform_councils_of=health_councils_of, team_places_of=health_places_of)
