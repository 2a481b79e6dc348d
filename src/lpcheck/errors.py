"""Errors that describe the user's input (never a traceback for them)."""

from __future__ import annotations

from lpcheck.location import Location


class ParseFailure(Exception):
    """A file looks like IaC or a policy but cannot be parsed: becomes an LP001 finding."""

    def __init__(self, loc: Location, message: str) -> None:
        super().__init__(f"{loc}: {message}")
        self.loc = loc
        self.message = message
