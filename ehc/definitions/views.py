"""Council admins word their own forms: change labels and hints, make questions mandatory or not, add
optional questions, and publish the result as a new version (ARCHITECTURE.md 3 and 4). Questions keep
their keys, so answers always line up with the version they were given on; nothing is deleted."""

import copy
import secrets

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from core.decorators import role_required
from core.formdefs import definition_from_dict
from core.models import FormDefinition
from core.roles import Role
from ehc.definitions.services import form_version_publish

LABEL_LIMIT = 300
HINT_LIMIT = 1000
NEW_TYPES = {"text": "Short answer", "textarea": "Long answer"}


@role_required(Role.COUNCIL_ADMIN)
@require_http_methods(["GET"])
def forms_list(request):
    definitions = FormDefinition.objects.prefetch_related("versions").order_by("slug")
    enabled = set(request.council_config.request_form_variants)
    rows = [
        {"definition": d, "latest": d.versions.all()[0], "enabled": d.slug in enabled} for d in definitions
    ]
    return render(request, "ehc/form_admin/list.html", {"rows": rows})


def _edited_schema(schema: dict, post) -> tuple[dict, dict[str, str]]:
    """The next version's schema from what the admin posted, and {field id: error}."""
    new = copy.deepcopy(schema)
    errors = {}
    for page in new["pages"]:
        for question in page.get("questions", []):
            if question["type"] == "files":
                continue
            key = question["key"]
            label = post.get(f"q-{key}-label", question["label"]).strip()
            hint = post.get(f"q-{key}-hint", question.get("hint", "")).strip()
            if not label:
                errors[f"q-{key}-label"] = "Enter the question's wording"
            elif len(label) > LABEL_LIMIT:
                errors[f"q-{key}-label"] = f"The question's wording must be {LABEL_LIMIT} characters or fewer"
            if len(hint) > HINT_LIMIT:
                errors[f"q-{key}-hint"] = f"The help text must be {HINT_LIMIT} characters or fewer"
            question.update(label=label, hint=hint, required=post.get(f"q-{key}-required") == "on")
    new_label = post.get("new_label", "").strip()
    if new_label:
        page_key = post.get("new_page", "")
        pages = {p["key"]: p for p in new["pages"]}
        if page_key not in pages:
            errors["new_page"] = "Select the part the new question goes in"
        if post.get("new_type") not in NEW_TYPES:
            errors["new_type"] = "Select the kind of answer"
        if len(new_label) > LABEL_LIMIT:
            errors["new_label"] = f"The question's wording must be {LABEL_LIMIT} characters or fewer"
        if not errors:
            pages[page_key].setdefault("questions", []).append(
                {
                    "key": f"extra_{secrets.token_hex(4)}",
                    "type": post["new_type"],
                    "label": new_label,
                    "hint": post.get("new_hint", "").strip()[:HINT_LIMIT],
                    "required": False,  # starts optional: earlier forms could not have answered it
                }
            )
    return new, errors


@role_required(Role.COUNCIL_ADMIN)
@require_http_methods(["GET", "POST"])
def form_edit(request, slug):
    definition = get_object_or_404(FormDefinition, slug=slug)
    latest = definition.versions.first()
    schema, errors = latest.schema, {}
    if request.method == "POST":
        schema, errors = _edited_schema(latest.schema, request.POST)
        if not errors:
            version = form_version_publish(definition=definition, schema=schema, by=request.user)
            messages.success(request, f"Version {version.number} of {definition.name} is published.")
            return redirect("forms_admin")
    context = {
        "definition": definition,
        "latest": latest,
        "parsed": definition_from_dict(schema),
        "errors": errors,
        "new": {k: request.POST.get(f"new_{k}", "") for k in ("label", "hint", "page", "type")},
        "new_types": NEW_TYPES,
    }
    return render(request, "ehc/form_admin/edit.html", context, status=400 if errors else 200)
