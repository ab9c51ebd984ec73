"""The plan's URL pieces, for ehc/urls.py."""


class PlanSectionConverter:
    """A section of the plan as its URL names it: A to K, with H1 and H2 (never H). Anything else is not
    this URL, so other pages under /plan/ (the issued versions') are free to use their own words."""

    regex = "[A-GI-K]|H[12]"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)
