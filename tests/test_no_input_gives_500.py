"""No input gives a 500: every URL in a council's URL table (and the platform's), found from the table
itself, is visited by the kind of person it is for, with its parameters filled with real objects made
in North East Lincolnshire (a family's child and a child whose advice a health team is writing) and with
malformed ones (non-numeric and huge numbers, unicode, NUL
bytes, very long strings), and then sent hypothesis-generated values, by GET (a query string) and by
POST, under the field names its own page uses (read from the page's rendered form) and random ones,
with lists where one value is expected. Every answer is one of ANSWERS; an exception fails the test
(the test client raises what a view raised).

Bounded for CI: a few derandomized examples per URL, no example database.

What it found on the code before issue #12 (each fixed, with a test of its own in tests/core/
test_inputs.py): a NUL byte in a case reference in the address answered 500 on every page under
cases/<reference>/ and children/<reference>/ (PostgreSQL refuses NUL in text): one middleware now
answers 400 to a NUL byte anywhere in a request. Probing the kinds of mistake it shows found more:
"²" (``str.isdigit`` says yes, ``int`` says no) and non-numbers in hidden row counts, remove_file and
remove_row buttons, date parts, the case list's caseworker filter, the records page, invitations and
the hub's team filter; and a time-limit exception ending in year 9999."""

import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, get_resolver
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ehc.case_forms.services import case_form_send
from ehc.models import AccessStatus, AssessmentRequest, CaseAccess, CaseDocument, Message
from ehc.requests.services import request_start
from ehc.workflow import Stage
from hub.advice.services import advice_allocate
from hub.models import AdviceAttachment, AdviceRequest
from tests.conftest import host_client, sign_in
from tests.factories import (
    CaseAccessFactory,
    CaseDocumentFactory,
    HealthTeamFactory,
    HealthTeamMemberFactory,
    MessageFactory,
    PlanInformationFactory,
    PlanProvisionFactory,
    PlanVersionFactory,
    advice_asked,
    case_at,
    council_person,
)
from tests.test_staff_pages_guarded import staff_patterns

ANSWERS = {200, 302, 400, 403, 404, 405}
COUNCIL = "nelincs"
DOMAIN = "nelincs.example"
CASE = "CASE-FAMILY01"  # the parent's child, with a draft plan, a document, a message and a form to fill
HEALTH_CASE = "CASE-HEALTH01"  # in its assessment, advice allocated to the therapist
EXAMPLES = 3

# URLs that cannot be filled from a template, or that only end the session the sweep is using.
SKIPPED = re.compile(r"[\^$(]|^admin/r/|logout/$")


def routes(urlconf: str) -> list[tuple[str, str]]:
    if urlconf == "config.urls_tenant":
        return [(name or route, route) for name, route in staff_patterns(("",)) if not SKIPPED.search(route)]
    found = []

    def walk(patterns, prefix=""):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLPattern):
                if not SKIPPED.search(route):
                    found.append((entry.name or route, route))
            elif not route.startswith("admin/"):  # the operator's admin: not a form a person fills
                walk(entry.url_patterns, route)

    walk(get_resolver(urlconf).url_patterns)
    return found


TENANT = routes("config.urls_tenant")
PLATFORM = routes("config.urls_public")


def test_the_tables_were_read():
    names = {name for name, _ in TENANT}
    assert {"case_page", "request_page", "recover_form", "hub_advice_write", "family_message_reply"} <= names
    assert "configuration_councilconfiguration_change" in names
    assert len(TENANT) >= 90
    assert {"update_account", "register_details", "hub_everywhere"} <= {name for name, _ in PLATFORM}


# Who visits ----------------------------------------------------------------------------------------

FAMILY = ("children/", "forms/", "account/", "ehc-needs-assessment/", "invitations/")
STAFF = ("cases/", "requests/", "workspace/")
ADMIN = ("admin/", "staff/", "council/forms/")
SIGNED_IN_ACCOUNTS = (
    "accounts/email/",
    "accounts/password/change/",
    "accounts/password/set/",
    "accounts/2fa/",
)
MANAGER = ("hub_advice_allocate", "hub_team_cases", "hub_advice_request")


def visitor(name: str, route: str) -> str:
    if route.startswith(ADMIN):
        return "admin"
    if route.startswith(STAFF):
        return "caseworker"
    if route.startswith("health/dco/"):
        return "clinical-officer"
    if route.startswith("health/"):
        return "manager" if name in MANAGER else "therapist"
    if route.startswith(FAMILY + SIGNED_IN_ACCOUNTS):
        return "parent"
    return "anonymous"


# Real objects ---------------------------------------------------------------------------------------


def demo_objects(people) -> dict:
    """Real values for each URL parameter, from the people's cases (and a draft the parent starts)."""
    parent = people["parent"]
    advice = AdviceRequest.objects.filter(
        case__reference=HEALTH_CASE, contributions__professional=people["therapist"]
    ).first()
    draft = request_start(owner=parent, slug="parent")
    submitted = AssessmentRequest.objects.exclude(pk=draft.pk).filter(owner=parent).first()
    return {
        "advice": advice,
        "draft": draft,
        "submitted": submitted,
        "document": CaseDocument.objects.filter(case__reference=CASE).first(),
        "message": Message.objects.filter(case__reference=CASE).first(),
        "access": CaseAccess.objects.filter(case__reference=CASE, status=AccessStatus.ACTIVE).first(),
        "advice_file": AdviceAttachment.objects.filter(advice_request=advice).first(),
    }


def real_arguments(name: str, route: str, objects: dict) -> dict[str, str]:
    def pk_of(key):
        found = objects.get(key)
        return str(found.pk) if found is not None else "1"

    values = {"reference": HEALTH_CASE if "advice" in name else CASE, "slug": "parent", "token": "x" * 20}
    values["page"] = "part1"
    values["object_id"] = "1"
    values["section"] = "F"  # provision: the section whose rows choose an outcome
    values["number"] = "1"
    values["file_id"] = pk_of("advice_file") if "advice" in name else "1"
    if name.startswith("hub_") or "advice" in name:
        values["pk"] = pk_of("advice")
        values["other_pk"] = pk_of("advice")
    elif name.startswith("request_"):
        values["pk"] = pk_of("submitted" if name in {"request_view", "request_pdf"} else "draft")
    elif name == "case_open":
        values["pk"] = pk_of("submitted")
    elif "document" in name:
        values["pk"] = pk_of("document")
    elif "message" in name:
        values["pk"] = pk_of("message")
    elif "access" in name:
        values["pk"] = pk_of("access")
    else:
        values["pk"] = "1"
    if route.startswith("admin/"):
        values["object_id"] = "1"
    return values


MALFORMED = ["9" * 30, "\u00b2", "\x00", "\u202e" + "a" * 300]


def path_of(route: str, arguments: dict[str, str]) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: quote(arguments[m.group(1)], safe=""), route)


# What is sent ---------------------------------------------------------------------------------------


class FormFields(HTMLParser):
    """The names a page's forms send, with the values the page itself offers (options, buttons)."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, set[str]] = {}
        self.files: set[str] = set()
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"input", "textarea", "select", "button"} and attrs.get("name"):
            values = self.fields.setdefault(attrs["name"], set())
            if attrs.get("value") is not None:
                values.add(attrs["value"])
            if attrs.get("type") == "file":
                self.files.add(attrs["name"])
            self._select = attrs["name"] if tag == "select" else None
        elif tag == "option" and self._select and attrs.get("value") is not None:
            self.fields[self._select].add(attrs["value"])


NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "0",
    "-1",
    "9" * 30,
    "99999999999",
    "\u00b2",
    "\u0661\u0662",
    "1.5",
    "1e999",
    "NaN",
    "2026-02-30",
    "9999-12-31",
    "0001-01-01",
    "31",
    "13",
    "0000",
    "99999",
    "<script>alert(1)</script>",
    "a" * 5000,
    "\u202e\U0001f600",
    "remove_file:\u00b2",
    "remove_file:99999999999999999999",
    "remove_row:x:\u00b2",
    "add_row:nothing",
    "upload",
    "submit",
    "save",
]
nasty = st.sampled_from(NASTY) | st.text(max_size=40) | st.integers(-(2**70), 2**70).map(str)


def form_data(fields: dict[str, set[str]], files: set[str]):
    """Every field of the page, each with one of the values the page offers or a nasty one (sometimes
    several), and sometimes a name it does not have; or a few random names. A file input sometimes gets
    a small file with an odd name."""
    known = sorted(fields)

    def value_for(name):
        own = sorted(fields.get(name, ()))
        single = (st.sampled_from(own) | nasty) if own else nasty
        choice = single | st.lists(single, min_size=2, max_size=3)
        if name in files:
            choice = choice | st.binary(max_size=64).map(lambda b: SimpleUploadedFile("x\x00\u202e.pdf", b))
        return choice

    page_fields = st.fixed_dictionaries(
        {name: value_for(name) for name in known}, optional={"zz-not-on-the-page": nasty}
    )
    return page_fields | st.dictionaries(st.text(min_size=1, max_size=8), nasty, max_size=3)


def query(data: dict) -> dict:
    return {
        k: v
        for k, v in data.items()
        if not isinstance(v, SimpleUploadedFile)
        and not (isinstance(v, list) and any(isinstance(x, SimpleUploadedFile) for x in v))
    }


def answered(response, what) -> int:
    assert response.status_code in ANSWERS, (what, response.status_code)
    return response.status_code


def sweep(client, path: str) -> None:
    """GET the page, read its form's field names, and send it generated values by POST and GET."""
    page = client.get(path)
    answered(page, ("GET", path))
    parser = FormFields()
    if page.status_code == 200 and "html" in page.get("Content-Type", ""):
        parser.feed(page.content.decode())

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(form_data(parser.fields, parser.files))
    def posted(data):
        answered(client.post(path, data), ("POST", path, data))
        answered(client.get(path, query(data)), ("GET", path, data))

    posted()


# The sweeps -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker):
    """The council's people, and the cases they work on, made as the council would make them: the
    parent's child at the draft plan with a document, a message and the parental response to fill in;
    another child in the assessment whose advice the health team's manager gave to the therapist.
    Made once for the module, in a transaction rolled back at its end; each test's own writes go with
    its savepoint within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        people = {
            who: council_person(f"{who}@{DOMAIN}") for who in ("parent", "caseworker", "admin", "therapist")
        }
        people["manager"] = council_person(f"health-manager@{DOMAIN}")
        people["clinical-officer"] = council_person(f"clinical-officer@{DOMAIN}")
        caseworker, parent = people["caseworker"], people["parent"]
        with schema_context(COUNCIL):
            family = case_at(Stage.DRAFT_PLAN, reference=CASE, caseworker=caseworker, by=caseworker)
            CaseAccessFactory(case=family, user=parent)
            CaseDocumentFactory(case=family, published_by=caseworker)
            MessageFactory(case=family, sender=caseworker, recipient=parent)
            plan = PlanVersionFactory(case=family, number=1)  # being written: its section pages have rows
            PlanProvisionFactory(version=plan)
            PlanInformationFactory(version=plan)
            case_form_send(
                case=family, slug="parental_response", recipient=parent, due_on=None, by=caseworker, link="/"
            )
            health = case_at(Stage.ASSESSMENT, reference=HEALTH_CASE, caseworker=caseworker, by=caseworker)
            team = HealthTeamFactory()
            HealthTeamMemberFactory(team=team, user=people["manager"], manager=True)
            HealthTeamMemberFactory(team=team, user=people["therapist"])
            advice = advice_asked(case=health, team=team, by=caseworker)
            advice_allocate(advice=advice, member=people["therapist"], by=people["manager"])
        yield people
        transaction.set_rollback(True)


@pytest.fixture
def people(_world, councils):
    cache.clear()
    return {"council": councils[COUNCIL], **_world}


def client_as(people, who: str):
    client = host_client(COUNCIL)
    return client if who == "anonymous" else sign_in(client, people[who], people["council"])


@pytest.mark.parametrize(("name", "route"), TENANT, ids=[name for name, _ in TENANT])
def test_no_input_to_a_council_page_gives_a_500(name, route, people):
    who = visitor(name, route)
    with schema_context(COUNCIL):
        objects = demo_objects(people)
    arguments = real_arguments(name, route, objects)
    client = client_as(people, who)
    for parameter in re.findall(r"<(?:\w+:)?(\w+)>", route):
        for bad in MALFORMED:
            path = path_of(route, {**arguments, parameter: bad})
            answered(client.get(path), ("GET", path))
        answered(client.post(path, {"action": "submit"}), ("POST", path))
    sweep(client, path_of(route, arguments))


# /account/update/ on the platform host reads a council's table (issue #12, fixed on another branch).
PLATFORM_CASES = list(PLATFORM)


@pytest.mark.parametrize(("name", "route"), PLATFORM_CASES, ids=[name for name, _ in PLATFORM])
def test_no_input_to_a_platform_page_gives_a_500(name, route, people):
    client = host_client("public")
    sweep(client, path_of(route, {}))
    signed_in = host_client("public")
    signed_in.force_login(people["parent"], backend="django.contrib.auth.backends.ModelBackend")
    sweep(signed_in, path_of(route, {}))
