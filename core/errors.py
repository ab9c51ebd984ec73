"""Errors as pages show them: services raise ``ValidationError({field: message})``, keyed by the id of
the input the message is about, and every page lists them in one GOV.UK error summary
(``{% error_summary %}``, core/templatetags/govuk.py) that links each message to its input."""

from collections.abc import Mapping, Sequence

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def errors_by_field(error: ValidationError, *, order: Sequence[str] = (), field: str = "") -> dict[str, str]:
    """{input id: message} from a service's ValidationError, the fields in ``order`` first (the page's
    order, which the summary follows) and any others after them as raised. An error without fields, or
    about the whole form, is put against ``field``: the input the page offers for it."""
    if not hasattr(error, "error_dict"):
        return {field: " ".join(error.messages)}
    found = {}
    for name, messages in error.message_dict.items():
        key = field if name == NON_FIELD_ERRORS else name
        found[key] = " ".join(filter(None, (found.get(key), *messages)))
    return {key: found[key] for key in [*order, *found] if key in found}


def summary_items(source, *, field: str = "") -> list[tuple[str, str]]:
    """(href, message) for each line of the error summary, in page order; an empty href is a line with
    no link. ``source`` is one of:
    - a bound Django form: its errors about the whole form against its first visible field, then each
      field's errors against its input (a hidden field's unlinked);
    - a ValidationError (``errors_by_field``), or a mapping {input id: message} in page order;
    - one message, against the input ``field``;
    - (href, message) pairs already made (a summary whose links go to other pages)."""
    if not source:
        return []
    if isinstance(source, forms.BaseForm):
        visible = source.visible_fields()
        first = f"#{visible[0].id_for_label}" if visible else ""
        items = [(first, str(message)) for message in source.non_field_errors()]
        for bound in source:
            link = "" if bound.is_hidden else f"#{bound.id_for_label}"
            items += [(link, str(message)) for message in bound.errors]
        return items
    if isinstance(source, ValidationError):
        source = errors_by_field(source, field=field)
    if isinstance(source, str):
        source = {field: source}
    if isinstance(source, Mapping):
        return [(f"#{key}" if key else "", str(message)) for key, message in source.items() if message]
    return [(href, str(message)) for href, message in source]
