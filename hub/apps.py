from django.apps import AppConfig

from ehc.hooks import PortalAdvice, case_dues_refreshed, portal_advice_register


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = "Health hub"

    def ready(self):
        from core.councils import health_answer  # noqa: PLC0415
        from core.staff.services import staff_invitation_accepted  # noqa: PLC0415
        from hub.advice import selectors, services  # noqa: PLC0415

        staff_invitation_accepted.connect(services.team_place_from_invitation, dispatch_uid="hub_team_place")
        # Who may sign in on the platform's host, and the account menu's team links (core/councils.py).
        health_answer(
            platform_councils_of=selectors.health_councils_of, team_places_of=selectors.health_places_of
        )
        case_dues_refreshed.connect(services.advice_due_dates_follow, dispatch_uid="hub_advice_due_dates")
        # ehc sits below hub (docs/ARCHITECTURE.md): its case page and the family's involvements show the
        # advice asked of health teams through the hook ehc defines.
        portal_advice_register(
            PortalAdvice(
                prefix=selectors.TEAM_CHOICE,
                choices_label="Health teams on the portal (they are emailed and answer here)",
                choices=selectors.health_team_choices,
                ask=services.advice_request_send_chosen,
                prefetch=selectors.advice_requests_prefetch,
                link_template="hub/advice/_case_page_link.html",
                section_template="hub/advice/_case_page_section.html",
                written=selectors.advice_written_for_family,
            )
        )
