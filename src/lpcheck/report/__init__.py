"""Reporters: turn a ScanResult into text, JSON, SARIF or GitHub workflow commands.

Every reporter module exposes ``render(result, meta, *, color=False) -> str``. They see only findings,
notifications and rule metadata, never a file format. What they share lives here: which notifications
are already findings, the URI of a path relative to the scan root, and the stable fingerprints that
let SARIF consumers (GitHub code scanning) and JSON users track one finding across commits.

Conventions (the engine's side of the contract):
- A parse error is both an LP001 ``Finding`` and a ``Notification`` with ``rule_id="LP001"`` at the
  same location; reporters print it once, as a finding. An LP001 notification without a finding (the
  user ignored LP001) is still shown as a notification.
- A relative ``Location.path`` is relative to ``ScanResult.root``; an absolute one may lie anywhere.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from lpcheck.findings import Finding
from lpcheck.result import Notification, ScanResult

PARSE_ERROR = "LP001"
FINGERPRINT_KEY = "lpcheck/v1"
TOOL_NAME = "lpcheck"
INFORMATION_URI = "https://github.com/lpcheck/lpcheck"
# Text and GitHub output show error and warning notifications; notes about the scan itself (an empty
# file) would only clutter a terminal or a pull request, so only JSON and SARIF carry them.
SHOWN_NOTIFICATION_LEVELS = ("error", "warning")


def sorted_findings(result: ScanResult) -> list[Finding]:
    """Findings in reading order: path, line, column, rule."""
    return sorted(result.findings, key=Finding.sort_key)


def extra_notifications(result: ScanResult) -> list[Notification]:
    """Notifications not already shown as a finding (internal errors, skipped or empty files, and a
    parse error whose LP001 finding was filtered out by ``--ignore``/``--select``)."""
    shown = {(f.loc.path, f.loc.line, f.loc.column) for f in result.findings if f.rule_id == PARSE_ERROR}
    out = []
    for n in result.notifications:
        if n.rule_id == PARSE_ERROR and n.loc is not None and (n.loc.path, n.loc.line, n.loc.column) in shown:
            continue
        out.append(n)
    return out


def relative_path(path: str, root: Path) -> str | None:
    """``path`` relative to ``root`` in POSIX form, or None when it lies outside the root."""
    p = Path(path)
    if not p.is_absolute():
        rel = PurePosixPath(Path(os.path.normpath(p)).as_posix())
        return None if rel.parts[:1] == ("..",) else str(rel)
    root_abs = Path(os.path.abspath(root))
    for candidate, base in ((Path(os.path.normpath(p)), root_abs), (p.resolve(), root_abs.resolve())):
        try:
            return candidate.relative_to(base).as_posix()
        except ValueError:
            continue
    return None


def artifact_uri(path: str, root: Path) -> tuple[str, bool]:
    """(uri, relative_to_root): a percent-encoded relative reference under the root (for
    ``%SRCROOT%``), else an absolute ``file://`` URI."""
    from urllib.parse import quote

    rel = relative_path(path, root)
    if rel is not None:
        return quote(rel, safe="/"), True
    return Path(os.path.abspath(Path(root) / path)).as_uri(), False  # an absolute path ignores root


def display_path(path: str, root: Path) -> str:
    """The path users and CI annotate with: relative to the root when possible."""
    rel = relative_path(path, root)
    return rel if rel is not None else path


def fingerprints(findings: Iterable[Finding], root: Path) -> dict[int, str]:
    """A stable fingerprint per finding (keyed by ``id(finding)``).

    Hash of rule id, path relative to the root, resource, the finding's line-independent ``key`` and
    the occurrence index among findings that share all of those (counted in line order). Lines are
    deliberately left out: an edit above the finding moves it but keeps its fingerprint, so code
    scanning keeps the same alert open instead of closing one and opening another."""
    import hashlib

    groups: dict[tuple[str, str, str, str], list[Finding]] = {}
    for f in findings:
        rel = relative_path(f.loc.path, root) or f.loc.path
        identity = (f.rule_id, rel, f.resource, f.key or f.message)
        groups.setdefault(identity, []).append(f)
    out: dict[int, str] = {}
    for identity, members in groups.items():
        members.sort(key=lambda f: (f.loc.line, f.loc.column))
        for index, f in enumerate(members):
            text = "\x1f".join((*identity, str(index)))
            out[id(f)] = hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
    return out


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def summary_line(result: ScanResult, findings: list[Finding] | None = None) -> str:
    """E.g. ``Found 7 problems (3 errors, 4 warnings) in 4 files; 12 files scanned``."""
    findings = result.findings if findings is None else findings
    scanned = plural(result.files_scanned, "file") + " scanned"
    if not findings:
        return f"No problems found; {scanned}"
    counts = {sev: 0 for sev in ("error", "warning", "note")}
    for f in findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    parts = ", ".join(plural(n, sev) for sev, n in counts.items() if n)
    files = len({f.loc.path for f in findings})
    return f"Found {plural(len(findings), 'problem')} ({parts}) in {plural(files, 'file')}; {scanned}"
