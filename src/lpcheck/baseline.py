"""Baselines: accept the findings of an earlier report and fail CI only on new ones.

A baseline is any earlier lpcheck report in JSON (``findings[].fingerprint``) or SARIF
(``results[].partialFingerprints``). Fingerprints ignore line numbers, so findings that merely moved
stay accepted, and each occurrence is counted, so a second copy of an accepted problem is new.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from lpcheck.result import ScanResult


class BaselineError(Exception):
    """The baseline file cannot be used (the CLI turns this into a usage error)."""


def load_fingerprints(path: str) -> Counter[str]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise BaselineError(f"baseline {path} is not JSON: {exc}") from None
    prints: Counter[str] = Counter()
    if isinstance(data, dict) and isinstance(data.get("findings"), list):
        for f in data["findings"]:
            if isinstance(f, dict) and isinstance(f.get("fingerprint"), str):
                prints[f["fingerprint"]] += 1
        return prints
    if isinstance(data, dict) and isinstance(data.get("runs"), list):
        for run in data["runs"]:
            for r in run.get("results", []) if isinstance(run, dict) else []:
                fp = (r.get("partialFingerprints") or {}) if isinstance(r, dict) else {}
                for value in fp.values():
                    if isinstance(value, str):
                        prints[value] += 1
                        break
        return prints
    raise BaselineError(f"baseline {path} is neither an lpcheck JSON report nor a SARIF log")


def apply_baseline(result: ScanResult, accepted: Counter[str]) -> int:
    """Drop accepted findings from ``result``; returns how many were dropped."""
    from lpcheck.report import fingerprints

    prints = fingerprints(result.findings, result.root)
    budget = Counter(accepted)
    kept = []
    for f in result.findings:
        fp = prints[id(f)]
        if budget[fp] > 0:
            budget[fp] -= 1
        else:
            kept.append(f)
    dropped = len(result.findings) - len(kept)
    result.findings = kept
    return dropped
