"""GOV.UK date inputs (day, month and year boxes) as typed on a page: the date they make, or the GOV.UK
pattern's error message and the boxes to highlight, and the error summary that links to each."""

import datetime
from dataclasses import dataclass

from core.inputs import whole_number

PARTS = ("day", "month", "year")


@dataclass(frozen=True)
class DateAnswer:
    """A GOV.UK date input as typed: the three parts, the date if they make one, and what is wrong."""

    key: str
    typed: dict
    value: datetime.date | None = None
    error: str = ""
    bad: tuple[str, ...] = ()  # the parts to highlight; all three when the date as a whole is wrong

    @property
    def anchor(self) -> str:
        return f"{self.key}-{self.bad[0] if self.bad else 'day'}"


def _date_answer(post, key: str, label: str, missing: str | None) -> DateAnswer:
    """Read day, month and year, with the GOV.UK date input's error messages."""
    typed = {part: post.get(f"{key}-{part}", "").strip() for part in PARTS}
    blank = tuple(part for part in PARTS if not typed[part])
    if len(blank) == len(PARTS):
        return DateAnswer(key, typed, error=missing or "", bad=PARTS if missing else ())
    if blank:
        return DateAnswer(key, typed, error=f"{label} must include a {' and '.join(blank)}", bad=blank)
    limits = {"day": 31, "month": 12, "year": 9999}
    wrong = tuple(part for part in PARTS if not 1 <= (whole_number(typed[part]) or 0) <= limits[part])
    if wrong:
        return DateAnswer(key, typed, error=f"{label} must be a real date", bad=wrong)
    if len(typed["year"]) != 4:  # noqa: PLR2004 (a year has 4 numbers)
        return DateAnswer(key, typed, error=f"{label} must include a year with 4 numbers", bad=("year",))
    try:
        value = datetime.date(int(typed["year"]), int(typed["month"]), int(typed["day"]))
    except ValueError:
        return DateAnswer(key, typed, error=f"{label} must be a real date", bad=PARTS)
    return DateAnswer(key, typed, value=value)


def dates_posted(post, names: dict) -> dict[str, DateAnswer]:
    """The GOV.UK day/month/year answers for ``names`` (key -> (label, message when missing)), as typed:
    for the pages that ask for dates (the SEND team's case entry, publishing a document)."""
    if post is None:
        return {key: DateAnswer(key, dict.fromkeys(PARTS, "")) for key in names}
    return {key: _date_answer(post, key, label, missing) for key, (label, missing) in names.items()}


def problems_in_page_order(
    order: list[str], errors: dict[str, str], dates: dict[str, DateAnswer]
) -> dict[str, str]:
    """The error summary: each message linked to its field (a date's first highlighted part), in the
    order the fields are on the page."""
    anchors = {key: answer.anchor for key, answer in dates.items()}
    return {anchors.get(key, key): errors[key] for key in order if key in errors}
