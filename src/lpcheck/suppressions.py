"""Inline suppressions: ``# lpcheck:ignore`` comments in YAML and Terraform.

A comment on the finding's own line, or alone on the line right above it, silences that finding:
``# lpcheck:ignore`` for every rule, ``# lpcheck:ignore LP301,LP404`` for the listed ones (``//``
comments work in HCL too). A finding on a missing setting points at the resource's first line, so
the comment goes above the resource. JSON has no comments: use ``--baseline`` or ``--ignore`` there.
LP001 (a file that cannot be parsed) is never silenced.
"""

from __future__ import annotations

import re
from pathlib import Path

from lpcheck.findings import Finding

_DIRECTIVE = re.compile(r"(?:#|//)\s*lpcheck:\s*ignore\b(?P<rules>[\sA-Za-z0-9,]*)", re.IGNORECASE)
_RULE = re.compile(r"LP\d{3}", re.IGNORECASE)


def _rules(line: str) -> frozenset[str] | None:
    """None: no directive; empty set: every rule; else the listed rule ids."""
    m = _DIRECTIVE.search(line)
    if m is None:
        return None
    return frozenset(r.upper() for r in _RULE.findall(m["rules"] or ""))


def _silences(line: str, rule_id: str) -> bool:
    rules = _rules(line)
    return rules is not None and (not rules or rule_id in rules)


def apply_suppressions(findings: list[Finding]) -> list[Finding]:
    cache: dict[str, list[str] | None] = {}
    kept = []
    for f in findings:
        if f.rule_id == "LP001":
            kept.append(f)
            continue
        if f.loc.path not in cache:
            try:
                text = Path(f.loc.path).read_text(encoding="utf-8-sig", errors="replace")
            except OSError:
                text = None
            cache[f.loc.path] = text.splitlines() if text is not None and "lpcheck" in text else None
        lines = cache[f.loc.path]
        if lines is not None and 0 < f.loc.line <= len(lines):
            here = lines[f.loc.line - 1]
            above = lines[f.loc.line - 2] if f.loc.line > 1 else ""
            if _silences(here, f.rule_id) or (
                above.lstrip().startswith(("#", "//")) and _silences(above, f.rule_id)
            ):
                continue
        kept.append(f)
    return kept
