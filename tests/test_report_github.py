"""GitHub Actions annotations: exact workflow commands, levels, escaping, root-relative paths."""

from __future__ import annotations

from pathlib import Path

from lpcheck.findings import Finding
from lpcheck.location import Location
from lpcheck.metadata import load_metadata
from lpcheck.report.github import escape_data, escape_property, render
from lpcheck.result import Notification, ScanResult


def finding(rule_id: str, severity: str, message: str, path: str, line: int, col: int = 1) -> Finding:
    return Finding(rule_id=rule_id, severity=severity, message=message, loc=Location(path, line, col))


def test_one_command_per_finding_with_level_title_and_position() -> None:
    result = ScanResult(
        findings=[
            finding("LP405", "note", "Table Orders has no point-in-time recovery", "cfn/app.yaml", 30, 3),
            finding("LP101", "error", "AdministratorAccess attached to role App", "cfn/app.yaml", 12, 11),
            finding("LP404", "warning", "Queue Orders has no dead-letter queue", "/repo/tf/sqs.tf", 1, 1),
        ],
        notifications=[
            Notification("error", "internal error: rule LP110 failed", None),
            Notification("note", "empty file, nothing to check", Location("empty.tf", 1, 1)),
        ],
        root=Path("/repo"),
        files_scanned=4,
    )
    assert render(result, load_metadata()).splitlines() == [
        # An absolute path under the root is made relative to it (the checkout in a workflow).
        "::warning file=tf/sqs.tf,line=1,col=1,title=LP404 queue-without-dlq::"
        "Queue Orders has no dead-letter queue",
        "::error file=cfn/app.yaml,line=12,col=11,title=LP101 admin-access-attached::"
        "AdministratorAccess attached to role App",
        "::notice file=cfn/app.yaml,line=30,col=3,title=LP405 backups-disabled::"
        "Table Orders has no point-in-time recovery",
        "::error title=lpcheck::internal error: rule LP110 failed",
        "Found 3 problems (1 error, 1 warning, 1 note) in 2 files; 4 files scanned",
    ]


def test_escaping_follows_the_workflow_command_rules() -> None:
    assert escape_data("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b"
    assert escape_property("dir:x,y/a%.tf") == "dir%3Ax%2Cy/a%25.tf"
    result = ScanResult(
        findings=[
            finding("LP203", "error", "Variable DB_PASSWORD: literal\nvalue 100%", "odd:dir,x/main.tf", 5, 7)
        ],
        root=Path("/repo"),
        files_scanned=1,
    )
    assert render(result, load_metadata()).splitlines()[0] == (
        "::error file=odd%3Adir%2Cx/main.tf,line=5,col=7,title=LP203 secret-in-environment::"
        "Variable DB_PASSWORD: literal%0Avalue 100%25"
    )


def test_parse_error_is_annotated_once() -> None:
    loc = Location("broken.json", 3, 7)
    result = ScanResult(
        findings=[Finding(rule_id="LP001", severity="error", message="Expecting ',' delimiter", loc=loc)],
        notifications=[Notification("error", "Expecting ',' delimiter", loc, "LP001")],
        root=Path("/repo"),
        files_scanned=1,
    )
    lines = render(result, load_metadata()).splitlines()
    assert lines == [
        "::error file=broken.json,line=3,col=7,title=LP001 parse-error::Expecting ',' delimiter",
        "Found 1 problem (1 error) in 1 file; 1 file scanned",
    ]
