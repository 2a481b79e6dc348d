"""Masking: a finding names a secret by its first four characters only.

Reports end up in CI logs, SARIF uploads and pull-request comments; printing the secret there would
leak it a second time. Four characters are enough to recognise which key is meant (``AKIA…``,
``ghp_…``) and reveal nothing usable.
"""

from __future__ import annotations

ELLIPSIS = "\u2026"


def mask(secret: str) -> str:
    """``"AKIAIOSFODNN7EXAMPLE"`` -> ``"AKIA…"``; at most four characters, never the whole value."""
    s = secret.strip().replace("\n", " ")
    keep = 4 if len(s) > 4 else max(len(s) - 1, 0)  # a short secret never shows in full
    return s[:keep] + ELLIPSIS
