"""GOV.UK page furniture as template tags."""

from django import template

from core.errors import summary_items

register = template.Library()


@register.inclusion_tag("core/includes/error_summary.html")
def error_summary(source, field="", description=""):
    """The page's one GOV.UK error summary, or nothing when there is no error. ``source``: a bound form,
    a ValidationError, an ordered mapping {input id: message}, one message (linked to ``field``), or
    (href, message) pairs; see ``core.errors.summary_items``."""
    return {"items": summary_items(source, field=field), "description": description}
