"""Reading values typed into a URL or a form that the code, not a person, puts there (ids in buttons
and links): anything else is simply not one, never a crash.

``str.isdigit`` is not enough: it is true for "²" and "①", which ``int`` refuses, and an id longer than
PostgreSQL's bigint makes the database refuse the query.
"""

BIGINT_MAX = 2**63 - 1


def whole_number(value) -> int | None:
    """``value`` as a non-negative int that fits a bigint column, or None: ASCII digits only."""
    if not isinstance(value, str) or not value or len(value) > len(str(BIGINT_MAX)):
        return None
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if number <= BIGINT_MAX else None
