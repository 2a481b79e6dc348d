"""Machine-readable report with a small, stable structure (``version`` changes on any breaking change).

```
{
  "version": 1,
  "tool": {"name": "lpcheck", "version": "0.1.0"},
  "root": "/abs/scan/root",
  "findings": [
    {"rule_id": "LP102", "name": "full-admin-statement", "severity": "error",
     "message": "...", "path": "policies/admin.json", "line": 4, "column": 5,
     "resource": "policies/admin.json", "fingerprint": "<32 hex>",
     "help_uri": "https://github.com/lpcheck/lpcheck/blob/main/docs/rules.md#lp102-full-admin-statement"}
  ],
  "summary": {"files_scanned": 12, "files_with_findings": 4, "findings": 7,
              "by_severity": {"error": 3, "warning": 4, "note": 0},
              "by_rule": {"LP102": 1, ...}, "files_skipped": 0},
  "notifications": [{"level": "error", "message": "...", "rule_id": "LP001",
                     "path": "broken.json", "line": 3, "column": 7}],
  "skipped": [{"path": "...", "reason": "..."}]
}
```

``path`` is the path as the scan saw it (relative to ``root`` when under it); ``line``/``column`` are
1-based; ``fingerprint`` is the same line-independent identity as SARIF's ``lpcheck/v1`` partial
fingerprint, so two reports can be diffed by it. ``notifications`` holds what is not a finding
(internal errors, empty files, a parse error whose LP001 finding was filtered out); parse errors are
findings of rule LP001. Findings are sorted by path, line, column and rule.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from lpcheck import __version__
from lpcheck.metadata import RuleMeta
from lpcheck.report import TOOL_NAME, extra_notifications, fingerprints, sorted_findings
from lpcheck.result import ScanResult

FORMAT_VERSION = 1


def build(result: ScanResult, meta: dict[str, RuleMeta]) -> dict[str, Any]:
    """The report as plain data (for callers that post-process it without re-parsing)."""
    findings = sorted_findings(result)
    prints = fingerprints(findings, result.root)
    by_severity = Counter(f.severity for f in findings)
    return {
        "version": FORMAT_VERSION,
        "tool": {"name": TOOL_NAME, "version": __version__},
        "root": str(result.root),
        "findings": [
            {
                "rule_id": f.rule_id,
                "name": meta[f.rule_id].name if f.rule_id in meta else "",
                "severity": f.severity,
                "message": f.message,
                "path": f.loc.path,
                "line": f.loc.line,
                "column": f.loc.column,
                "resource": f.resource,
                "fingerprint": prints[id(f)],
                "help_uri": meta[f.rule_id].help_uri if f.rule_id in meta else "",
            }
            for f in findings
        ],
        "summary": {
            "files_scanned": result.files_scanned,
            "files_with_findings": len({f.loc.path for f in findings}),
            "findings": len(findings),
            "by_severity": {sev: by_severity.get(sev, 0) for sev in ("error", "warning", "note")},
            "by_rule": dict(sorted(Counter(f.rule_id for f in findings).items())),
            "files_skipped": len(result.skipped),
        },
        "notifications": [
            {
                "level": n.level,
                "message": n.message,
                "rule_id": n.rule_id,
                "path": n.loc.path if n.loc else None,
                "line": n.loc.line if n.loc else None,
                "column": n.loc.column if n.loc else None,
            }
            for n in extra_notifications(result)
        ],
        "skipped": [{"path": path, "reason": reason} for path, reason in result.skipped],
    }


def render(result: ScanResult, meta: dict[str, RuleMeta], *, color: bool = False) -> str:
    """Pretty-printed JSON (never coloured: it is for machines)."""
    return json.dumps(build(result, meta), indent=2, ensure_ascii=False) + "\n"
