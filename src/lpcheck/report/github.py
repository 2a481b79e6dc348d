"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request diff.

``::error file=F,line=L,col=C,title=LP101 admin-access-attached::message`` (``warning``/``notice`` for
the other severities). Values are escaped per GitHub's workflow-command rules: ``%``, CR and LF in
the message; additionally ``:`` and ``,`` in property values. Paths are made relative to the scan
root, which in a workflow is the checkout (GITHUB_WORKSPACE), so annotations land on the right file.
"""

from __future__ import annotations

from lpcheck.metadata import RuleMeta
from lpcheck.report import (
    SHOWN_NOTIFICATION_LEVELS,
    display_path,
    extra_notifications,
    sorted_findings,
    summary_line,
)
from lpcheck.result import ScanResult

_COMMAND = {"error": "error", "warning": "warning", "note": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(level: str, message: str, props: list[tuple[str, str]]) -> str:
    head = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{_COMMAND.get(level, 'warning')}{' ' + head if head else ''}::{escape_data(message)}"


def render(result: ScanResult, meta: dict[str, RuleMeta], *, color: bool = False) -> str:
    """One workflow command per finding and per notification that is not a finding, then the summary
    as a plain log line."""
    lines = []
    for f in sorted_findings(result):
        name = meta[f.rule_id].name if f.rule_id in meta else ""
        title = f"{f.rule_id} {name}".strip()
        props = [
            ("file", display_path(f.loc.path, result.root)),
            ("line", str(max(1, f.loc.line))),
            ("col", str(max(1, f.loc.column))),
            ("title", title),
        ]
        lines.append(_command(f.severity, f.message, props))
    for n in extra_notifications(result):
        if n.level not in SHOWN_NOTIFICATION_LEVELS:
            continue  # notes about the scan (an empty file) would clutter the pull request
        props = []
        if n.loc is not None:
            props = [
                ("file", display_path(n.loc.path, result.root)),
                ("line", str(max(1, n.loc.line))),
                ("col", str(max(1, n.loc.column))),
            ]
        props.append(("title", f"lpcheck {n.rule_id}" if n.rule_id else "lpcheck"))
        lines.append(_command(n.level, n.message, props))
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"
