"""Numbers in query strings, form fields and headers."""


def is_digits(value) -> bool:
    """Whether ``str(value)`` is one or more ASCII digits 0–9. ``str.isdigit`` alone also takes
    ² and other digits that ``int()`` refuses, and a bad parameter would become a server error."""
    s = str(value)
    return s.isascii() and s.isdigit()
