"""Findings: what rules report and reporters print."""

from __future__ import annotations

from dataclasses import dataclass, field

from lpcheck.location import Location

SEVERITIES = ("error", "warning", "note")
SEVERITY_RANK = {"note": 1, "warning": 2, "error": 3}


@dataclass(frozen=True, slots=True, kw_only=True)
class Issue:
    """What a rule yields: the engine adds the rule id and default severity.

    ``subject`` identifies the element the issue is about (e.g. a statement's location) so the engine
    can apply the catalog's "one finding per cause" precedence across rules; ``key`` is a stable,
    line-independent identity used for SARIF partial fingerprints (defaults to the message)."""

    loc: Location
    message: str
    resource: str = ""
    subject: object = None
    key: str = ""
    severity: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    rule_id: str
    severity: str
    message: str
    loc: Location
    resource: str = ""
    key: str = ""
    subject: object = field(default=None, compare=False, hash=False, repr=False)

    def sort_key(self) -> tuple:
        return (self.loc.path, self.loc.line, self.loc.column, self.rule_id, self.message)
