"""A council admin words the council's forms without code and publishes a new version."""

import pytest
from django.core.cache import cache
from django_tenants.utils import schema_context

from core.models import AuditEvent, FormDefinition
from tests.conftest import host_client, sign_in
from tests.ehc.test_requests import begin, fill
from tests.factories import council_person


@pytest.fixture
def admin(oxfordshire):
    cache.clear()
    user = council_person("admin@oxfordshire.example")
    return sign_in(host_client("oxfordshire"), user, oxfordshire)


def current_form(client, slug="parent") -> dict:
    """What the edit page posts back unchanged: every question's wording, help and mandatory flag."""
    with schema_context("oxfordshire"):
        schema = FormDefinition.objects.get(slug=slug).versions.first().schema
    data = {}
    for page in schema["pages"]:
        for q in page.get("questions", []):
            if q["type"] == "files":
                continue
            data[f"q-{q['key']}-label"] = q["label"]
            data[f"q-{q['key']}-hint"] = q.get("hint", "")
            if q.get("required"):
                data[f"q-{q['key']}-required"] = "on"
    return data


def test_only_council_admins_word_forms(oxfordshire):
    caseworker = council_person("caseworker@oxfordshire.example")
    client = sign_in(host_client("oxfordshire"), caseworker, oxfordshire)
    assert client.get("/council/forms/").status_code == 403
    assert client.post("/council/forms/parent/", {}).status_code == 403


def test_list_shows_versions_and_what_is_offered(admin):
    html = admin.get("/council/forms/").content.decode()
    assert "Parents/Young Person EHCNA Application Form" in html
    assert "Change wording" in html


def test_publishing_new_wording_leaves_earlier_forms_as_they_were(admin, oxfordshire):
    parent_user = council_person("manager@oxfordshire.example")
    parent = sign_in(host_client("oxfordshire"), parent_user, oxfordshire)
    before = begin(parent)
    fill(parent, before)
    parent.post(f"/forms/{before.pk}/check-answers/", {"confirm": "yes"})

    data = current_form(admin)
    data["q-views_child-label"] = "What does your child enjoy, and what is hard for them?"
    data["q-views_family-required"] = "on"
    data.update(new_label="Which languages are spoken at home?", new_page="part1", new_type="text")
    response = admin.post("/council/forms/parent/", data)
    assert response["Location"] == "/council/forms/"

    after = begin(parent)
    part2 = parent.get(f"/forms/{after.pk}/part2/").content.decode()
    assert "What does your child enjoy, and what is hard for them?" in part2
    refused = parent.post(
        f"/forms/{after.pk}/part2/", {"views_child": "Drawing", "action": "next"}
    ).content.decode()
    assert "There is a problem" in refused  # the family's views are now mandatory
    assert "Which languages are spoken at home?" in parent.get(f"/forms/{after.pk}/part1/").content.decode()

    old = parent.get(f"/forms/{before.pk}/view/").content.decode()
    assert "Views of the child or young person" in old
    assert "Which languages are spoken at home?" not in old
    with schema_context(oxfordshire.schema_name):
        assert FormDefinition.objects.get(slug="parent").versions.first().number == 2
        published = AuditEvent.objects.filter(action="form.published").latest("id")
    # what changed, by question and attribute, never the wording itself
    assert published.detail["form"] == "parent"
    assert published.detail["changed"]["views_child"] == ["label"]
    assert published.detail["changed"]["views_family"] == ["required"]
    assert len(published.detail["added"]) == 1
    assert published.detail["added"][0].startswith("extra_")
    assert published.detail["removed"] == []
    assert "languages" not in str(published.detail)


def test_errors_are_named_and_keep_what_was_typed(admin, oxfordshire):
    data = current_form(admin)
    data["q-first_name-label"] = ""
    data["q-last_name-label"] = "Family name, as on the birth certificate"
    data.update(new_label="A new question", new_page="nowhere", new_type="text")
    response = admin.post("/council/forms/parent/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#q-first_name-label">Enter the question&#x27;s wording</a>' in html
    assert '<a href="#new_page">Select the part the new question goes in</a>' in html
    assert 'value="Family name, as on the birth certificate"' in html
    assert 'value="A new question"' in html
    with schema_context(oxfordshire.schema_name):
        assert FormDefinition.objects.get(slug="parent").versions.count() == 1  # nothing published
