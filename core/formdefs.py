"""Forms as data (ARCHITECTURE.md 4): a form definition is pages of typed questions; one validator
checks answers against it. Pure Python, no ORM: the definitions live in core.FormVersion rows.

Answers are kept as the person typed them (so a half-finished draft loses nothing) and validated
when they move on, and again in full before submitting:
  text, textarea, choice   -> str
  checkboxes               -> list[str]
  date                     -> {"day": str, "month": str, "year": str}
  table                    -> list of {column key: str} rows
  files                    -> handled by uploads (ehc.Attachment), not stored in answers
"""

import datetime
from dataclasses import dataclass, field

from core.inputs import whole_number

TEXT_LIMIT = 500
TEXTAREA_LIMIT = 20_000
MAX_TABLE_ROWS = 30


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    type: str = "text"  # text, textarea or date


@dataclass(frozen=True)
class Question:
    key: str
    type: str
    label: str
    hint: str = ""
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    columns: tuple[Column, ...] = ()
    error: str = ""  # what to say when a required answer is missing
    add_label: str = ""  # a table's button for one more row ("Add a new outcome")

    @property
    def missing_message(self) -> str:
        if self.error:
            return self.error
        if self.type in {"choice", "checkboxes"}:
            return f"Select {self.label[0].lower()}{self.label[1:]}".rstrip("?:")
        return f"Enter {self.label[0].lower()}{self.label[1:]}".rstrip("?:")


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    content: str = ""  # guidance shown above the questions
    questions: tuple[Question, ...] = ()


@dataclass(frozen=True)
class Definition:
    name: str
    pages: tuple[Page, ...] = field(default_factory=tuple)

    def page(self, key: str) -> Page:
        for page in self.pages:
            if page.key == key:
                return page
        raise KeyError(key)

    def neighbours(self, key: str) -> tuple[str | None, str | None]:
        keys = [p.key for p in self.pages]
        index = keys.index(key)
        return (keys[index - 1] if index else None, keys[index + 1] if index + 1 < len(keys) else None)


def _choices(q: dict, offered: dict) -> tuple[tuple[str, str], ...]:
    """The question's choices, with any offered to this person alone after the first one (Part 1's
    "Myself, each child already linked to the account, Someone else...")."""
    choices = [tuple(c) for c in q.get("choices", [])]
    extra = [tuple(c) for c in offered.get(q["key"], [])]
    return tuple(choices[:1] + extra + choices[1:]) if extra else tuple(choices)


def definition_from_dict(data: dict, *, offered: dict | None = None) -> Definition:
    """A definition from its stored form; ``offered`` adds choices for one person (see _choices)."""
    offered = offered or {}
    pages = []
    for page in data["pages"]:
        questions = []
        for q in page.get("questions", []):
            questions.append(
                Question(
                    key=q["key"],
                    type=q["type"],
                    label=q["label"],
                    hint=q.get("hint", ""),
                    required=q.get("required", False),
                    choices=_choices(q, offered),
                    columns=tuple(Column(**c) for c in q.get("columns", [])),
                    error=q.get("error", ""),
                    add_label=q.get("add_label", ""),
                )
            )
        pages.append(
            Page(
                key=page["key"],
                title=page["title"],
                content=page.get("content", ""),
                questions=tuple(questions),
            )
        )
    return Definition(name=data["name"], pages=tuple(pages))


# Reading what was posted -------------------------------------------------------------------------


def answers_from_post(page: Page, post) -> dict:
    """The page's answers exactly as typed, from a request's POST data."""
    answers = {}
    for q in page.questions:
        if q.type == "checkboxes":
            answers[q.key] = [v for v in post.getlist(q.key) if v in dict(q.choices)]
        elif q.type == "date":
            answers[q.key] = {
                part: post.get(f"{q.key}-{part}", "").strip() for part in ("day", "month", "year")
            }
        elif q.type == "table":
            rows = whole_number(post.get(f"{q.key}-rows", "1"))  # a hidden field: "1" if it is not a number
            count = min(1 if rows is None else rows, MAX_TABLE_ROWS)
            answers[q.key] = [
                {c.key: post.get(f"{q.key}-{i}-{c.key}", "").strip() for c in q.columns} for i in range(count)
            ]
        elif q.type in {"text", "textarea", "choice"}:
            answers[q.key] = post.get(q.key, "").strip()
    return answers


def table_rows_change(page: Page, answers: dict, action: str) -> None:
    """Add a row to a repeating table or remove one, from a button's value ``add_row:<key>`` or
    ``remove_row:<key>:<index>`` (works without JavaScript). Changes ``answers`` in place."""
    kind, _, target = action.partition(":")
    key, _, index = target.partition(":")
    number = whole_number(index)
    for q in page.questions:
        if q.type == "table" and q.key == key:
            rows = answers.get(key) or []
            if kind == "add_row" and len(rows) < MAX_TABLE_ROWS:
                rows.append({c.key: "" for c in q.columns})
            elif kind == "remove_row" and number is not None and number < len(rows) and len(rows) > 1:
                rows.pop(number)
            answers[key] = rows


def page_fields(page: Page, answers: dict, errors: dict) -> list[dict]:
    """Each question of a page with its answer (an empty row for an unanswered table) and its error,
    as the question templates take them."""
    fields = []
    for q in page.questions:
        value = answers.get(q.key)
        if q.type == "table" and not value:
            value = [{c.key: "" for c in q.columns}]
        fields.append({"q": q, "value": value, "error": errors.get(q.key, "")})
    return fields


def question_anchor(q: Question) -> str:
    """The id of a question's first input, which the error summary links to."""
    if q.type == "date":
        return f"{q.key}-day"
    if q.type == "table":
        return f"{q.key}-0-{q.columns[0].key}"
    return q.key


def page_problems(page: Page, errors: dict, *, title: str = "") -> dict[str, str]:
    """{input id: message} for the error summary, in the page's order; ``title`` goes before each
    message where one summary covers several pages."""
    return {
        question_anchor(q): f"{title}: {errors[q.key]}" if title else errors[q.key]
        for q in page.questions
        if errors.get(q.key)
    }


# Validating --------------------------------------------------------------------------------------


def parse_date(value: dict) -> datetime.date | None:
    try:
        return datetime.date(int(value["year"]), int(value["month"]), int(value["day"]))
    except (KeyError, TypeError, ValueError):
        return None


def _blank(value) -> bool:
    if isinstance(value, dict):
        return not any(value.values())
    if isinstance(value, list):
        return not any((row if isinstance(row, str) else any(row.values())) for row in value)
    return not value


def _question_error(q: Question, value) -> str:  # noqa: PLR0911 (one rule per type reads best flat)
    if _blank(value):
        return q.missing_message if q.required else ""
    if q.type == "text" and len(value) > TEXT_LIMIT:
        return f"{q.label} must be {TEXT_LIMIT} characters or fewer"
    if q.type == "textarea" and len(value) > TEXTAREA_LIMIT:
        return f"{q.label} must be {TEXTAREA_LIMIT:,} characters or fewer"
    if q.type == "choice" and value not in dict(q.choices):
        return q.missing_message
    if q.type == "date":
        parsed = parse_date(value)
        if parsed is None:
            return f"{q.label} must be a real date"
        if parsed > datetime.date.today() and "birth" in q.key:  # noqa: DTZ011 (a calendar date)
            return f"{q.label} must be in the past"
    if q.type == "table":
        for number, row in enumerate(value, start=1):
            for column in q.columns:
                cell = row.get(column.key) or ""
                if column.type == "date" and cell and _table_date(cell) is None:
                    return f"{column.label} in row {number} must be a real date, like 13-07-2021"
                limit = TEXTAREA_LIMIT if column.type == "textarea" else TEXT_LIMIT
                if len(cell) > limit:
                    return f"{column.label} in row {number} must be {limit:,} characters or fewer"
    return ""


def _table_date(text: str) -> datetime.date | None:
    for pattern in ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a calendar date)
        except ValueError:
            continue
    return None


def page_errors(page: Page, answers: dict) -> dict[str, str]:
    """{question key: message} for every question on the page that is not answered acceptably."""
    errors = {}
    for q in page.questions:
        message = _question_error(q, answers.get(q.key))
        if message:
            errors[q.key] = message
    return errors


def form_errors(definition: Definition, answers: dict) -> dict[str, dict[str, str]]:
    """{page key: {question key: message}} over the whole form (for check answers and submit)."""
    result = {}
    for page in definition.pages:
        errors = page_errors(page, answers)
        if errors:
            result[page.key] = errors
    return result


def display_value(q: Question, value) -> str | list:
    """How an answer reads on check-answers pages and in the PDF."""
    if _blank(value):
        return ""
    if q.type == "choice":
        return dict(q.choices).get(value, value)
    if q.type == "checkboxes":
        labels = dict(q.choices)
        return [labels.get(v, v) for v in value]
    if q.type == "date":
        parsed = parse_date(value)
        return f"{parsed.day} {parsed:%B %Y}" if parsed else "/".join(value.values())
    if q.type == "table":
        return [row for row in value if any(row.values())]
    return value


def summary_parts(definition: Definition, answers: dict, *, files: list | None = None) -> tuple[list, dict]:
    """What check-answers pages, read-only views and PDFs show: each page with its questions' answers
    as they read and their errors, and ``files`` on the pages that take files. Returns (parts, errors)."""
    errors = form_errors(definition, answers)
    parts = []
    for page in definition.pages:
        rows = [
            {
                "q": q,
                "value": display_value(q, answers.get(q.key)),
                "error": errors.get(page.key, {}).get(q.key),
            }
            for q in page.questions
            if q.type != "files"
        ]
        takes_files = any(q.type == "files" for q in page.questions)
        parts.append({"page": page, "rows": rows, "files": (files or []) if takes_files else None})
    return parts, errors
