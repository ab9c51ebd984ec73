"""The one GOV.UK error summary ({% error_summary %}): from a bound form, from an ordered mapping of
input ids to messages, from a service's ValidationError, from one message, and nothing without errors."""

from django import forms
from django.core.exceptions import ValidationError
from django.template import Context, Template

from core.errors import errors_by_field

SUMMARY_START = (
    '<div class="govuk-error-summary" data-module="govuk-error-summary">\n'
    '  <div role="alert">\n'
    '    <h2 class="govuk-error-summary__title">There is a problem</h2>\n'
    '    <div class="govuk-error-summary__body">'
)


def render(source, **options) -> str:
    arguments = " ".join(f'{key}="{value}"' for key, value in options.items())
    template = Template("{% load govuk %}{% error_summary source " + arguments + " %}")
    return template.render(Context({"source": source})).strip()


def lines(html: str) -> list[str]:
    body = html.split('<ul class="govuk-list govuk-error-summary__list">')[1].split("</ul>", maxsplit=1)[0]
    return [line.strip() for line in body.strip().splitlines()]


class NameForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    first_name = forms.CharField(error_messages={"required": "Enter your first name"})
    last_name = forms.CharField(error_messages={"required": "Enter your last name"})

    def clean(self):
        raise ValidationError("Those names cannot be used")


def test_a_bound_form_links_each_error_to_its_input_and_the_forms_own_to_the_first_field():
    form = NameForm({"token": "", "first_name": "", "last_name": "Oak"})
    html = render(form)
    assert html.startswith(SUMMARY_START)
    assert lines(html) == [
        '<li><a href="#id_first_name">Those names cannot be used</a></li>',
        "<li>This field is required.</li>",  # a hidden field has no input to link to
        '<li><a href="#id_first_name">Enter your first name</a></li>',
    ]


def test_a_mapping_is_listed_in_its_own_order_linked_by_input_id():
    html = render({"message_type": "Select a message type", "body": "Enter a message"})
    assert html.startswith(SUMMARY_START)
    assert lines(html) == [
        '<li><a href="#message_type">Select a message type</a></li>',
        '<li><a href="#body">Enter a message</a></li>',
    ]
    assert html.endswith("</ul>\n    </div>\n  </div>\n</div>")


def test_a_validation_error_and_one_message_and_links_already_made():
    error = ValidationError({"body": "Enter a message", "subject": ["Too long", "Not allowed"]})
    assert errors_by_field(error, order=["subject", "body"]) == {
        "subject": "Too long Not allowed",
        "body": "Enter a message",
    }
    assert lines(render(error)) == [
        '<li><a href="#body">Enter a message</a></li>',
        '<li><a href="#subject">Too long Not allowed</a></li>',
    ]
    assert lines(render(ValidationError("Only a submitted request can become a case"), field="open")) == [
        '<li><a href="#open">Only a submitted request can become a case</a></li>'
    ]
    assert lines(render("Confirm that you want to submit the form", field="confirm")) == [
        '<li><a href="#confirm">Confirm that you want to submit the form</a></li>'
    ]
    html = render([("/forms/1/part2/", "Part 2: Enter a name")], description="Some parts are not complete.")
    assert "<p>Some parts are not complete.</p>" in html
    assert lines(html) == ['<li><a href="/forms/1/part2/">Part 2: Enter a name</a></li>']


def test_messages_are_escaped_and_nothing_is_rendered_without_errors():
    assert lines(render({"name": "<b>Enter a name</b>"})) == [
        '<li><a href="#name">&lt;b&gt;Enter a name&lt;/b&gt;</a></li>'
    ]
    assert render({}) == ""
    assert render("") == ""
    assert render(None) == ""
    assert render(NameForm()) == ""  # unbound: no errors
    assert render(forms.Form({})) == ""
