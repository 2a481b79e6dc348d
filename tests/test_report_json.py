"""JSON reporter: the documented structure, exact fields, and fingerprints that survive line shifts."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

from lpcheck.findings import Finding
from lpcheck.location import Location
from lpcheck.metadata import load_metadata
from lpcheck.report import fingerprints
from lpcheck.report.json_report import render
from lpcheck.result import Notification, ScanResult

ROOT = Path("/repo")


def finding(
    rule_id: str, severity: str, path: str, line: int, *, resource: str = "", key: str = "", col: int = 1
):
    return Finding(
        rule_id=rule_id,
        severity=severity,
        message=f"{rule_id} message for {resource or path}",
        loc=Location(path, line, col),
        resource=resource,
        key=key,
    )


def sample() -> ScanResult:
    return ScanResult(
        findings=[
            finding("LP302", "error", "tf/db.tf", 20, resource="aws_db_instance.main", col=3),
            finding("LP110", "error", "policies/ci.json", 5, resource="policies/ci.json", key="stmt:0"),
            finding("LP001", "error", "bad.yaml", 2, col=4),
        ],
        notifications=[
            Notification("error", "mapping values are not allowed here", Location("bad.yaml", 2, 4), "LP001"),
            Notification("note", "empty file, nothing to check", Location("empty.tf", 1, 1)),
        ],
        root=ROOT,
        files_scanned=7,
        skipped=[("node_modules/x.json", "not IaC")],
    )


def test_structure_and_exact_fields() -> None:
    data = json.loads(render(sample(), load_metadata()))
    assert data["version"] == 1
    assert data["tool"] == {"name": "lpcheck", "version": "0.1.0"}
    assert data["root"] == "/repo"
    assert [f["rule_id"] for f in data["findings"]] == ["LP001", "LP110", "LP302"]  # sorted by path
    lp302 = data["findings"][2]
    fingerprint = lp302.pop("fingerprint")
    assert re.fullmatch(r"[0-9a-f]{32}", fingerprint)
    assert lp302 == {
        "rule_id": "LP302",
        "name": "database-unencrypted",
        "severity": "error",
        "message": "LP302 message for aws_db_instance.main",
        "path": "tf/db.tf",
        "line": 20,
        "column": 3,
        "resource": "aws_db_instance.main",
        "help_uri": "https://github.com/lpcheck/lpcheck/blob/main/docs/rules.md#lp302-database-unencrypted",
    }
    assert data["summary"] == {
        "files_scanned": 7,
        "files_with_findings": 3,
        "findings": 3,
        "by_severity": {"error": 3, "warning": 0, "note": 0},
        "by_rule": {"LP001": 1, "LP110": 1, "LP302": 1},
        "files_skipped": 1,
    }
    # The parse error is a finding; its duplicate notification is not repeated.
    assert data["notifications"] == [
        {
            "level": "note",
            "message": "empty file, nothing to check",
            "rule_id": None,
            "path": "empty.tf",
            "line": 1,
            "column": 1,
        },
    ]
    assert data["skipped"] == [{"path": "node_modules/x.json", "reason": "not IaC"}]


def test_output_is_deterministic() -> None:
    assert render(sample(), load_metadata()) == render(sample(), load_metadata())


def _shift(result: ScanResult, lines: int) -> ScanResult:
    moved = [
        dataclasses.replace(f, loc=Location(f.loc.path, f.loc.line + lines, f.loc.column))
        for f in result.findings
    ]
    return dataclasses.replace(result, findings=moved)


def test_fingerprints_survive_a_line_shift() -> None:
    before = {
        f["rule_id"]: f["fingerprint"] for f in json.loads(render(sample(), load_metadata()))["findings"]
    }
    after = {
        f["rule_id"]: f["fingerprint"]
        for f in json.loads(render(_shift(sample(), 9), load_metadata()))["findings"]
    }
    assert before == after


def test_fingerprints_tell_apart_what_differs() -> None:
    base = finding("LP104", "warning", "a.json", 3, resource="a.json", key="s3:GetObject")
    variants = [
        base,
        dataclasses.replace(base, key="s3:PutObject"),
        dataclasses.replace(base, rule_id="LP103"),
        dataclasses.replace(base, loc=Location("b.json", 3, 1)),
        dataclasses.replace(base, resource="other"),
    ]
    prints = fingerprints(variants, ROOT)
    assert len(set(prints.values())) == len(variants)


def test_identical_keys_get_distinct_fingerprints_by_occurrence_in_line_order() -> None:
    first = finding("LP111", "warning", "p.json", 4, resource="p.json", key="s3:GetObjcet")
    second = dataclasses.replace(first, loc=Location("p.json", 9, 1))
    prints = fingerprints([second, first], ROOT)
    assert prints[id(first)] != prints[id(second)]
    # Shifting both keeps each one's fingerprint (occurrence order is unchanged).
    moved_first = dataclasses.replace(first, loc=Location("p.json", 14, 1))
    moved_second = dataclasses.replace(second, loc=Location("p.json", 19, 1))
    moved = fingerprints([moved_first, moved_second], ROOT)
    assert (moved[id(moved_first)], moved[id(moved_second)]) == (prints[id(first)], prints[id(second)])


def test_fingerprint_uses_the_path_relative_to_the_root() -> None:
    rel = finding("LP204", "warning", "tf/main.tf", 2, resource="aws_iam_access_key.ci")
    absolute = dataclasses.replace(rel, loc=Location("/repo/tf/main.tf", 2, 1))
    assert fingerprints([rel], ROOT)[id(rel)] == fingerprints([absolute], ROOT)[id(absolute)]
