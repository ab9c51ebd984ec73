from django.apps import AppConfig

from ehc.hooks import PortalAdvice, case_dues_refreshed, portal_advice_register


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = "Health hub"

    def ready(self):
        from core.councils import health_answer  # noqa: PLC0415
        from core.staff.services import staff_invitation_accepted  # noqa: PLC0415
        from hub.advice.services import advice_due_dates_follow, advice_request_send_chosen  # noqa: PLC0415
        from hub.everywhere.selectors import health_councils_of  # noqa: PLC0415
        from hub.reading.selectors import advice_for_plan, advice_requests_prefetch, advice_written_for_family  # noqa: PLC0415
        from hub.teams.selectors import TEAM_CHOICE, health_places_of, health_team_choices  # noqa: PLC0415
        from hub.teams.services import team_place_from_invitation  # noqa: PLC0415

        staff_invitation_accepted.connect(team_place_from_invitation, dispatch_uid="hub_team_place")
        # Who may sign in on the platform's host, and the account menu's team links (core/councils.py).
        health_answer(platform_councils_of=health_councils_of, team_places_of=health_places_of)
        case_dues_refreshed.connect(advice_due_dates_follow, dispatch_uid="hub_advice_due_dates")
        # ehc sits below hub (docs/ARCHITECTURE.md): its case page and the family's involvements show the
        # advice asked of health teams through the hook ehc defines.
        portal_advice_register(
            PortalAdvice(
                prefix=TEAM_CHOICE,
                choices_label="Health teams on the portal (they are emailed and answer here)",
                choices=health_team_choices,
                ask=advice_request_send_chosen,
                prefetch=advice_requests_prefetch,
                link_template="hub/advice/_case_page_link.html",
                section_template="hub/advice/_case_page_section.html",
                written=advice_written_for_family,
                for_plan=advice_for_plan,
            )
        )
