"""What one scan produced: findings for reporters, notifications about files, and counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lpcheck.findings import Finding
from lpcheck.location import Location
from lpcheck.model.container import Model


@dataclass(slots=True)
class AdaptResult:
    """A front-end's output for one unit (template, module, policy file, plan)."""

    model: Model
    problems: list[Exception] = field(default_factory=list)  # ParseFailure for LP001


@dataclass(frozen=True, slots=True)
class Notification:
    """A message about the scan itself (unparseable file, skipped file, internal error)."""

    level: str  # "error", "warning", "note"
    message: str
    loc: Location | None = None
    rule_id: str | None = None  # "LP001" for parse errors


@dataclass(slots=True)
class ScanResult:
    findings: list[Finding] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)
    root: Path = field(default_factory=Path.cwd)  # SARIF %SRCROOT%: URIs are relative to it
    files_scanned: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
