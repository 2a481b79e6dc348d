"""Typed values that know whether they are literal, absent (AWS default) or unknown.

Borrowed idea (Trivy's typed values): a rule asks "is this definitely insecure?" and gets "no" on an
unknown value by construction, so the rules never have to remember the "no finding on the unknown"
principle. A value written under a condition (``Fn::If``) has ``options``: one variant per branch,
each naming its condition, so a rule can report the insecure branch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from lpcheck.location import Location

_TRUE = {"true", "yes", "on", "1", "enabled"}
_FALSE = {"false", "no", "off", "0", "disabled"}


class State(Enum):
    LITERAL = "literal"
    ABSENT = "absent"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True, kw_only=True)
class Value:
    state: State
    raw: Any = None
    loc: Location | None = None
    origin: str | None = None
    condition: str | None = None
    ref: str | None = None
    options: tuple[Value, ...] = ()

    # -- construction ---------------------------------------------------------------------------
    @staticmethod
    def literal(raw: Any, loc: Location | None, origin: str | None = None) -> Value:
        return Value(state=State.LITERAL, raw=raw, loc=loc, origin=origin)

    @staticmethod
    def absent(loc: Location | None) -> Value:
        return Value(state=State.ABSENT, loc=loc)

    @staticmethod
    def unknown(loc: Location | None, ref: str | None = None, reason: str = "") -> Value:
        return Value(state=State.UNKNOWN, loc=loc, ref=ref, raw=reason or None)

    @staticmethod
    def choice(options: list[Value], loc: Location | None) -> Value:
        if len(options) == 1:
            return options[0]
        return Value(state=State.UNKNOWN, loc=loc, options=tuple(options))

    # -- questions ------------------------------------------------------------------------------
    @property
    def is_literal(self) -> bool:
        return self.state is State.LITERAL and not self.options

    @property
    def is_absent(self) -> bool:
        return self.state is State.ABSENT and not self.options

    @property
    def is_unknown(self) -> bool:
        return self.state is State.UNKNOWN and not self.options

    def variants(self) -> Iterator[Value]:
        """Each concrete alternative (itself when unconditional)."""
        if self.options:
            for option in self.options:
                yield from option.variants()
        else:
            yield self

    def find(self, predicate: Callable[[Value], bool]) -> Value | None:
        """The first variant for which ``predicate`` holds: the witness a rule reports."""
        for variant in self.variants():
            if predicate(variant):
                return variant
        return None

    def as_bool(self) -> bool | None:
        """True/False for a literal boolean (also "true"/"false" strings); None otherwise."""
        if not self.is_literal:
            return None
        raw = self.raw
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str):
            low = raw.strip().lower()
            if low in _TRUE:
                return True
            if low in _FALSE:
                return False
        if isinstance(raw, int):
            return bool(raw)
        return None

    def as_int(self) -> int | None:
        if not self.is_literal or isinstance(self.raw, bool):
            return None
        if isinstance(self.raw, int):
            return self.raw
        if isinstance(self.raw, float) and self.raw.is_integer():
            return int(self.raw)
        if isinstance(self.raw, str):
            try:
                return int(self.raw.strip())
            except ValueError:
                try:
                    f = float(self.raw.strip())
                except ValueError:
                    return None
                return int(f) if f.is_integer() else None
        return None

    def as_str(self) -> str | None:
        if not self.is_literal or self.raw is None or isinstance(self.raw, (dict, list)):
            return None
        if isinstance(self.raw, bool):
            return "true" if self.raw else "false"
        return str(self.raw)

    def is_false_or_absent(self) -> bool:
        return self.is_absent or self.as_bool() is False

    def with_condition(self, condition: str | None) -> Value:
        return replace(self, condition=condition) if condition else self

    def at(self, fallback: Location) -> Location:
        """Where to report this value: its own location, else the fallback (e.g. the resource)."""
        return self.loc or fallback

    def describe_condition(self) -> str:
        return f" (when {self.condition})" if self.condition else ""
