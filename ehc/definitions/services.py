"""The council's forms as versioned definitions (ARCHITECTURE.md 4): the platform's own, installed in
every council's schema, and the new versions a council publishes of its wording."""

from django.core.exceptions import ValidationError
from django.db import transaction

from core.formdefs import definition_from_dict
from core.models import FormDefinition, FormVersion
from core.services import audit_record
from ehc.definitions.shipped import CASE_FORM_KIND, CASE_FORMS, REQUEST_FORMS


def form_definitions_install(*, definition_model=FormDefinition, version_model=FormVersion) -> None:
    """Give this council the platform's request forms and case forms (kind "case_form": sent by the SEND
    team or started by a parent) as version 1 (idempotent). Run by migrations in every council's schema,
    so a new council has them from the start."""
    for kind, forms in (("request", REQUEST_FORMS), (CASE_FORM_KIND, CASE_FORMS)):
        for slug, schema in forms.items():
            definition, _ = definition_model.objects.get_or_create(
                slug=slug, defaults={"name": schema["name"], "kind": kind}
            )
            if not version_model.objects.filter(definition=definition).exists():
                version_model.objects.create(definition=definition, number=1, schema=schema)


def _questions(schema: dict | None) -> dict[str, dict]:
    return {
        question["key"]: {"hint": "", "required": False, **question}  # absent means these defaults
        for page in (schema or {}).get("pages", [])
        for question in page.get("questions", [])
    }


def form_schema_changes(*, old: dict | None, new: dict) -> dict:
    """What a new version changes, by question key and attribute: what the audit row names (never the
    wording itself)."""
    before, after = _questions(old), _questions(new)
    changed = {
        key: sorted(k for k in set(question) | set(before[key]) if question.get(k) != before[key].get(k))
        for key, question in after.items()
        if key in before and question != before[key]
    }
    return {
        "changed": changed,
        "added": [key for key in after if key not in before],
        "removed": [key for key in before if key not in after],
    }


def form_version_publish(*, definition: FormDefinition, schema: dict, by) -> FormVersion:
    """A council publishes new wording: a new version; every earlier one stays as it was."""
    try:
        definition_from_dict(schema)
    except (KeyError, TypeError) as error:
        raise ValidationError(f"The form definition is not valid: {error}") from error
    with transaction.atomic():
        latest = FormDefinition.objects.select_for_update().get(pk=definition.pk).versions.first()
        version = FormVersion.objects.create(
            definition=definition, number=(latest.number + 1) if latest else 1, schema=schema, published_by=by
        )
        audit_record(
            actor=by,
            action="form.published",
            target=version,
            detail={
                "number": version.number,
                "form": definition.slug,
                **form_schema_changes(old=latest.schema if latest else None, new=schema),
            },
        )
    return version
