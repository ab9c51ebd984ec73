import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import schema_context

from ehc.models import AssessmentRequest
from ehc.services import case_open_from_request
from ehc.workflow import Stage
from tests.ehc.test_requests import begin, fill, parent  # noqa: F401 (fixture)


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
