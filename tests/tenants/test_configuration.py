import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from core.models import AuditEvent
from tenants.configuration.colour import contrast_ratio
from tenants.configuration.models import CouncilConfiguration, validate_brand_colour
from tests.conftest import sign_in
from tests.factories import council_person


@pytest.mark.parametrize(
    ("first", "second", "ratio"),
    [("#ffffff", "#000000", 21.0), ("#ffffff", "#ffffff", 1.0), ("#1d70b8", "#ffffff", 5.17)],
)
def test_contrast_ratio_matches_wcag(first, second, ratio):
    assert contrast_ratio(first, second) == pytest.approx(ratio, abs=0.01)


@pytest.mark.parametrize("colour", ["#00594f", "#4a2c6d", "#6b1f4f", "#005a8c", "#0b0c0c"])
def test_reference_colours_are_readable_under_white_text(colour):
    validate_brand_colour(colour)


@pytest.mark.parametrize(
    ("colour", "message"),
    [("#ffdd00", "contrast of 1.3:1"), ("#1d70b", "6 hexadecimal digits"), ("blue", "6 hexadecimal digits")],
)
def test_unreadable_or_malformed_colours_are_refused(colour, message):
    with pytest.raises(ValidationError, match=message):
        validate_brand_colour(colour)


def test_parents_who_can_start_must_be_able_to_reply():
    config = CouncilConfiguration(parents_can_start_messages=True, parents_can_reply=False)
    with pytest.raises(ValidationError) as error:
        config.clean()
    assert "parents_can_reply" in error.value.message_dict


@pytest.fixture
def oxon_admin_client(oxfordshire, oxon_client):
    admin = council_person("admin@oxfordshire.example")
    return sign_in(oxon_client, admin, oxfordshire)


def form_data(response) -> dict:
    """The admin change form's current values, as a browser would post them back."""
    data = {}

    def add(form, prefix=""):
        for name in form.fields:
            value = form[name].field.prepare_value(form[name].value())
            if name == "logo" or value is None or value is False:
                continue
            data[f"{prefix}{name}"] = "on" if value is True else value
            if form.fields[name].show_hidden_initial:  # fields with callable defaults post their initial too
                data[f"initial-{prefix}{name}"] = data[f"{prefix}{name}"]

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form, f"{formset.prefix}-")
        for index, form in enumerate(formset.forms):
            add(form, f"{formset.prefix}-{index}-")
    return data


def test_council_admin_changes_branding_and_it_is_audited(oxfordshire, oxon_admin_client):
    url = "/admin/configuration/councilconfiguration/1/change/"
    page = oxon_admin_client.get(url)
    assert page.status_code == 200
    data = form_data(page)
    data["brand_colour"] = "#5a2d82"
    response = oxon_admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert "--app-brand-colour: #5a2d82;" in oxon_admin_client.get("/").content.decode()
    with schema_context(oxfordshire.schema_name):
        event = AuditEvent.objects.filter(action="configuration.changed").latest("at")
        assert event.detail == {"fields": ["brand_colour"]}
        assert event.actor.email == "admin@oxfordshire.example"


def test_council_admin_gets_a_clear_error_and_keeps_what_was_typed(oxfordshire, oxon_admin_client):
    url = "/admin/configuration/councilconfiguration/1/change/"
    data = form_data(oxon_admin_client.get(url))
    data.update(brand_colour="#ffdd00", contact_phone="01865 000000")
    response = oxon_admin_client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "choose a darker colour" in html
    assert 'value="01865 000000"' in html
    with schema_context(oxfordshire.schema_name):
        assert CouncilConfiguration.objects.get().brand_colour == "#00594f"  # nothing half-saved
        assert not AuditEvent.objects.filter(action="configuration.changed").exists()


def test_a_change_to_a_stage_description_is_audited_naming_the_row_and_field_not_the_words(
    oxfordshire, oxon_admin_client
):
    url = "/admin/configuration/councilconfiguration/1/change/"
    page = oxon_admin_client.get(url)
    data = form_data(page)
    key = next(k for k in data if k.startswith("stage_descriptions-0-") and k.endswith("-what_happens"))
    row = data[key.replace("what_happens", "id")]
    data[key] = "We read every word of the request with the family. (new wording)"
    response = oxon_admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    with schema_context(oxfordshire.schema_name):
        event = AuditEvent.objects.filter(
            action="configuration.changed", detail__model="configuration.stagedescription"
        ).get()
        assert event.detail["changed"] == {str(row): ["what_happens"]}
        assert event.detail["added"] == []
        assert event.detail["removed"] == []
        assert "new wording" not in str(event.detail)
        assert event.actor.email == "admin@oxfordshire.example"
