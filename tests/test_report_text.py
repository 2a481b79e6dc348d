"""Text reporter: exact lines, order, summary wording, notifications, and colour only on request."""

from __future__ import annotations

import re
from pathlib import Path

from lpcheck.findings import Finding
from lpcheck.location import Location
from lpcheck.metadata import load_metadata
from lpcheck.report.text import render
from lpcheck.result import Notification, ScanResult

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def finding(rule_id: str, severity: str, message: str, path: str, line: int, col: int = 1) -> Finding:
    return Finding(rule_id=rule_id, severity=severity, message=message, loc=Location(path, line, col))


def sample() -> ScanResult:
    parse = Location("broken.json", 3, 7)
    return ScanResult(
        # Deliberately out of order: the reporter sorts.
        findings=[
            finding(
                "LP301", "warning", "Bucket Logs has SSE-S3 (AWS default), not SSE-KMS", "cfn/app.yaml", 12, 3
            ),
            finding("LP102", "error", "Statement allows * on *", "policies/admin.json", 4, 5),
            finding("LP104", "warning", "s3:GetObject could be scoped to ARNs", "cfn/app.yaml", 3, 9),
            finding("LP001", "error", "Expecting ',' delimiter", "broken.json", 3, 7),
            finding("LP405", "note", "Table Orders has no point-in-time recovery", "cfn/app.yaml", 40, 3),
        ],
        notifications=[
            Notification("error", "Expecting ',' delimiter", parse, "LP001"),
            Notification("error", "internal error: rule LP110 failed: KeyError: 'x'"),
            Notification("note", "empty file, nothing to check", Location("empty.tf", 1, 1)),
            Notification("warning", "file too large, skipped", Location("huge.json", 1, 1)),
        ],
        root=Path("/repo"),
        files_scanned=12,
    )


def test_one_line_per_finding_sorted_then_notifications_then_summary() -> None:
    assert render(sample(), load_metadata()).splitlines() == [
        "broken.json:3:7: LP001 error Expecting ',' delimiter",
        "cfn/app.yaml:3:9: LP104 warning s3:GetObject could be scoped to ARNs",
        "cfn/app.yaml:12:3: LP301 warning Bucket Logs has SSE-S3 (AWS default), not SSE-KMS",
        "cfn/app.yaml:40:3: LP405 note Table Orders has no point-in-time recovery",
        "policies/admin.json:4:5: LP102 error Statement allows * on *",
        "lpcheck: error: internal error: rule LP110 failed: KeyError: 'x'",
        "huge.json:1:1: warning: file too large, skipped",
        "",
        "Found 5 problems (2 errors, 2 warnings, 1 note) in 3 files; 12 files scanned",
    ]


def test_no_escape_codes_without_color() -> None:
    assert "\x1b" not in render(sample(), load_metadata(), color=False)


def test_color_adds_only_escape_codes() -> None:
    plain = render(sample(), load_metadata(), color=False)
    colored = render(sample(), load_metadata(), color=True)
    assert colored != plain
    assert "\x1b[1;31merror\x1b[0m" in colored  # errors in bold red
    assert "\x1b[33mwarning\x1b[0m" in colored
    assert ANSI.sub("", colored) == plain


def test_parse_error_notification_is_shown_when_its_finding_was_filtered_out() -> None:
    result = sample()
    result.findings = [f for f in result.findings if f.rule_id != "LP001"]
    lines = render(result, load_metadata()).splitlines()
    assert "broken.json:3:7: error: Expecting ',' delimiter" in lines
    assert not any("LP001" in line for line in lines)


def test_clean_scan_and_singular_wording() -> None:
    empty = ScanResult(root=Path("/repo"), files_scanned=3)
    assert render(empty, load_metadata()) == "No problems found; 3 files scanned\n"
    one = ScanResult(
        findings=[finding("LP204", "warning", "Access key for user ci", "main.tf", 7, 1)],
        root=Path("/repo"),
        files_scanned=1,
    )
    assert render(one, load_metadata()).splitlines()[-1] == (
        "Found 1 problem (1 warning) in 1 file; 1 file scanned"
    )
