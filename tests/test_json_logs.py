"""Production's log lines (config/logs.py's JsonFormatter): one JSON object each, carrying the request's
id (the proxy's, or one made here and echoed back), the council's schema and the user's id, and, as
every line, never a name, an email address or what a form held."""

import io
import json
import logging
import re

import pytest
from django.http import Http404
from django_tenants.utils import schema_context

from config.logs import JsonFormatter
from core.roles import Role
from tests.conftest import host_client, sign_in
from tests.factories import MembershipFactory, UserFactory

EMAIL = "worried.parent.5521@example.com"
SECRET_ANSWER = "Poppy has a diagnosis of autism"


@pytest.fixture
def json_lines():
    """The JSON lines a production handler would write while the test runs."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    root.removeHandler(handler)


def signed_in_parent(council):
    user = UserFactory(email=EMAIL)
    with schema_context(council.schema_name):
        MembershipFactory(user=user, role=Role.PARENT)
    return user, sign_in(host_client(council.schema_name), user, council)


def test_a_line_has_the_proxys_request_id_the_council_and_the_user_and_no_email(json_lines, oxfordshire):
    user, client = signed_in_parent(oxfordshire)
    response = client.get(
        f"/no-such-page/?q={SECRET_ANSWER}", HTTP_X_REQUEST_ID="0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    )

    assert response.status_code == 404
    assert response["X-Request-ID"] == "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    (line,) = [line for line in json_lines() if line["name"] == "django.request"]
    assert line["levelname"] == "WARNING"
    assert line["message"] == "Not Found: /no-such-page/"
    assert line["request_id"] == "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    assert line["schema"] == oxfordshire.schema_name
    assert line["user_id"] == user.pk
    assert "timestamp" in line
    text = json.dumps(json_lines())
    for personal in (EMAIL, "Poppy", "autism"):
        assert personal not in text


def test_a_request_id_that_is_not_an_id_is_replaced_by_one_of_ours(json_lines, oxfordshire):
    _, client = signed_in_parent(oxfordshire)
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID=EMAIL)

    ours = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", ours)
    (line,) = [line for line in json_lines() if line["name"] == "django.request"]
    assert line["request_id"] == ours
    assert EMAIL not in json.dumps(json_lines())


def test_an_exception_line_keeps_its_type_and_stack_not_its_message_or_extra(json_lines):
    logger = logging.getLogger("tests.json")
    try:
        raise Http404(f"No case for {EMAIL}")
    except Http404:
        logger.exception("Could not find %s", EMAIL, extra={"answers": SECRET_ANSWER})

    (line,) = json_lines()
    assert line["message"] == "Could not find [Filtered]"
    assert "django.http.response.Http404: [Filtered]" in line["exc_info"]
    assert "test_an_exception_line_keeps" in line["exc_info"]  # the stack's function
    assert "answers" not in line
    text = json.dumps(line)
    assert EMAIL not in text
    assert "Poppy" not in text
