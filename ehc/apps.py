from django.apps import AppConfig


class EhcConfig(AppConfig):
    name = "ehc"
    verbose_name = "EHC needs assessments and plans"

    def ready(self):
        from core.admission import invitation_link_register  # noqa: PLC0415
        from core.staff.services import staff_invitation_accepted  # noqa: PLC0415
        from ehc.invitations.services import invited_email_for_link  # noqa: PLC0415
        from ehc.schools.services import setting_place_from_invitation  # noqa: PLC0415
        from ehc.workflow import Stage  # noqa: PLC0415
        from tenants.configuration.models import stage_choices_register  # noqa: PLC0415

        # On an invitation-only council, the family's acceptance link lets its addressee register or join.
        invitation_link_register(url_name="invitation_accept_link", email_for_token=invited_email_for_link)
        # The stages a council describes for its families (tenants.configuration's StageDescription).
        stage_choices_register(choices=Stage.choices)
        # A setting manager's invitation gives its place in the setting once accepted (ehc.schools).
        staff_invitation_accepted.connect(setting_place_from_invitation, dispatch_uid="ehc_setting_place")
