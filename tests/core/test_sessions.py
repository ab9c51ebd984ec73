"""What the session holds and how long: flash messages in the session (never a cookie), and expired
sessions deleted on a schedule."""

import datetime

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tenants.utils import schema_context

from core.models import Profile
from core.roles import Role
from tests.conftest import host_client, sign_in
from tests.factories import MembershipFactory, UserFactory


def test_flash_messages_are_kept_in_the_session_not_in_a_cookie(oxfordshire):
    user = UserFactory(email="flash.parent@example.com")
    with schema_context(oxfordshire.schema_name):
        MembershipFactory(user=user, role=Role.PARENT)
        Profile.objects.create(user=user, street="Cowley Road", town="Oxford", postcode="OX4 1HP")
    client = sign_in(host_client("oxfordshire"), user, oxfordshire)
    details = {"forename": "Flash", "surname": "Parent", "street": "Iffley Road", "town": "Oxford"}
    saved = client.post("/account/update/", {**details, "postcode": "OX4 1EU"})
    assert saved.status_code == 302
    assert "messages" not in saved.cookies
    assert "messages" not in client.cookies
    assert "Your details have been updated." in client.get(saved["Location"]).content.decode()


def test_expired_sessions_are_cleared_on_a_schedule(db):
    from core.tasks import sessions_clear

    assert settings.CELERY_BEAT_SCHEDULE["sessions-clear"]["task"] == "core.tasks.sessions_clear"
    expired, live = SessionStore(), SessionStore()
    expired["registration_details"] = {"saved_at": 0, "details": {"forename": "Gone"}}
    live["registration_details"] = {"saved_at": 0, "details": {"forename": "Kept"}}
    expired.create()
    live.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(minutes=1)
    )
    sessions_clear.delay()
    assert not Session.objects.filter(session_key=expired.session_key).exists()
    assert Session.objects.filter(session_key=live.session_key).exists()
