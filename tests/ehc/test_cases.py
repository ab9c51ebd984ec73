import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import schema_context

from ehc.cases.services import case_open_from_request
from ehc.models import AssessmentRequest
from ehc.workflow import Stage
from tests.ehc.test_requests import begin, fill, parent  # noqa: F401 (fixture)
from tests.factories import council_person


def test_a_submitted_request_becomes_a_case_once(parent, oxfordshire):  # noqa: F811
    client, user = parent
    draft = begin(client)
    fill(client, draft)
    with (
        schema_context(oxfordshire.schema_name),
        pytest.raises(ValidationError, match="Only a submitted request"),
    ):
        case_open_from_request(request=draft, by=user)
    client.post(f"/forms/{draft.pk}/check-answers/", {"confirm": "yes"})
    with schema_context(oxfordshire.schema_name):
        submitted = AssessmentRequest.objects.get(pk=draft.pk)
        case = case_open_from_request(request=submitted, by=user)
        assert case.child_name == "Poppy Field"
        assert case.child_date_of_birth == datetime.date(2018, 3, 3)
        assert case.stage == Stage.REQUEST_RECEIVED
        assert case.received_on == timezone.localdate(submitted.submitted_at)
        assert case.requestor == "Parent/Young Person"
        assert case.reference.startswith("CASE-")
        with pytest.raises(ValidationError, match="already a case"):
            case_open_from_request(request=submitted, by=user)


def test_a_request_for_a_child_the_council_knows_shows_their_cases_before_a_new_one(
    parent,  # noqa: F811
    oxfordshire,
):

    from ehc.models import Case  # noqa: PLC0415
    from tests.conftest import host_client, sign_in  # noqa: PLC0415

    client, _ = parent
    with schema_context(oxfordshire.schema_name):  # Poppy Field, born 3 March 2018, already has a case
        known = Case.objects.create(
            reference="CASE-KNOWN0001",
            child_first_name="poppy",
            child_last_name="FIELD",
            child_date_of_birth=datetime.date(2018, 3, 3),
            received_on=datetime.date(2025, 1, 6),
            stage=Stage.NOT_ASSESSED,
        )
    draft = begin(client)
    fill(client, draft)
    client.post(f"/forms/{draft.pk}/check-answers/", {"confirm": "yes"})
    staff = sign_in(
        host_client("oxfordshire"),
        council_person("caseworker@oxfordshire.example"),
        oxfordshire,
    )
    page = staff.get(f"/forms/{draft.pk}/view/").content.decode()
    assert "The council may already know this child" in page
    assert f'href="/cases/{known.reference}/"' in page
    from core.models import AuditEvent  # noqa: PLC0415

    with schema_context(oxfordshire.schema_name):  # showing the known case is a read of its record
        shown = AuditEvent.objects.get(action="record.listed", subject=known.reference)
        assert shown.detail["page"] == "request_view"
        assert shown.actor.email == "caseworker@oxfordshire.example"
    refused = staff.post(f"/requests/{draft.pk}/open-case/")
    assert refused.status_code == 400
    assert "Go to the child&#x27;s case, or confirm" in refused.content.decode()
    with schema_context(oxfordshire.schema_name):
        assert not Case.objects.filter(request_id=draft.pk).exists()
    opened = staff.post(f"/requests/{draft.pk}/open-case/", {"different_child": "yes"})
    assert opened.status_code == 302
    with schema_context(oxfordshire.schema_name):
        assert Case.objects.get(request_id=draft.pk).reference != known.reference
