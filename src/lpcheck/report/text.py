"""Human-readable report: one ``path:line:col: LPxxx severity message`` line per finding.

The ``path:line:col:`` prefix is the format editors and terminals turn into a link, so it comes first
and stays plain. Colour is only added when the caller asks (the CLI decides: a TTY and no NO_COLOR).
"""

from __future__ import annotations

from lpcheck.metadata import RuleMeta
from lpcheck.report import SHOWN_NOTIFICATION_LEVELS, extra_notifications, sorted_findings, summary_line
from lpcheck.result import Notification, ScanResult

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_SEVERITY_STYLE = {"error": "\x1b[1;31m", "warning": "\x1b[33m", "note": "\x1b[36m"}


def _style(text: str, code: str, color: bool) -> str:
    return f"{code}{text}{_RESET}" if color and code else text


def _notification_line(n: Notification, color: bool) -> str:
    where = f"{n.loc}" if n.loc is not None else "lpcheck"
    level = _style(n.level, _SEVERITY_STYLE.get(n.level, ""), color)
    return f"{_style(where + ':', _BOLD, color)} {level}: {n.message}"


def render(result: ScanResult, meta: dict[str, RuleMeta], *, color: bool = False) -> str:
    """Findings sorted by path and line, then notifications that are not findings, then a summary."""
    findings = sorted_findings(result)
    lines = [
        f"{_style(str(f.loc) + ':', _BOLD, color)} {_style(f.rule_id, _BOLD, color)} "
        f"{_style(f.severity, _SEVERITY_STYLE.get(f.severity, ''), color)} {f.message}"
        for f in findings
    ]
    lines += [
        _notification_line(n, color)
        for n in extra_notifications(result)
        if n.level in SHOWN_NOTIFICATION_LEVELS
    ]
    if lines:
        lines.append("")
    lines.append(_style(summary_line(result, findings), _BOLD, color))
    return "\n".join(lines) + "\n"
