"""The scan pipeline's own promises: units, precedence, de-duplication, child modules."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lpcheck import engine
from lpcheck.engine import apply_precedence, scan
from lpcheck.findings import Finding
from lpcheck.location import Location

CALLER = """module "db" {
  source     = "./modules/db"
  multi_az   = false
  create_key = true
}
"""
CHILD = """variable "multi_az" {
  default = true
}
resource "aws_db_instance" "this" {
  engine   = "postgres"
  multi_az = var.multi_az
}
"""
CHILD_KEY = """variable "create_key" {
  default = false
}
resource "aws_iam_access_key" "k" {
  count = var.create_key ? 1 : 0
  user  = "bob"
}
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(engine, "_STANDALONE", {})
    Path("modules/db").mkdir(parents=True)
    Path("main.tf").write_text(CALLER)
    Path("modules/db/main.tf").write_text(CHILD)
    Path("modules/db/key.tf").write_text(CHILD_KEY)
    return tmp_path


def _where(result) -> set[tuple[str, str, int]]:
    return {(f.rule_id, f.loc.path, f.loc.line) for f in result.findings}


def test_child_module_findings_are_reported_once_and_arguments_at_the_caller(repo: Path) -> None:
    found = _where(scan(["."], jobs=1))
    # the caller's argument causes LP401, located at the argument
    assert ("LP401", "main.tf", 3) in found
    # the child's own unencrypted storage: once, by the child's directory, not again per caller
    assert [k for k in found if k[0] == "LP302"] == [("LP302", os.path.join("modules", "db", "main.tf"), 4)]
    # a resource only the caller's argument switches on is the caller's finding
    assert ("LP204", os.path.join("modules", "db", "key.tf"), 4) in found


def test_precommit_run_on_the_caller_reports_only_what_it_causes(repo: Path) -> None:
    found = _where(scan(["main.tf"], jobs=1))
    assert ("LP401", "main.tf", 3) in found
    assert not [k for k in found if k[0] == "LP302"]


def test_parallel_and_serial_scans_agree(repo: Path) -> None:
    for i in range(30):  # enough units to use the worker pool
        Path(f"p{i}.json").write_text(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'
        )
    serial = [(f.rule_id, f.loc, f.message) for f in scan(["."], jobs=1).findings]
    parallel = [(f.rule_id, f.loc, f.message) for f in scan(["."], jobs=2).findings]
    assert serial == parallel and len(serial) >= 30


def _f(rule: str, subject: object) -> Finding:
    return Finding(
        rule_id=rule, severity="error", message=rule, loc=Location("p.json", 1, 1), subject=subject
    )


def test_precedence_one_finding_per_cause() -> None:
    s1, s2 = Location("p.json", 3, 5), Location("p.json", 9, 5)
    kept = apply_precedence(
        [_f("LP102", s1), _f("LP103", s1), _f("LP104", s1), _f("LP110", s1), _f("LP104", s2), _f("LP106", s2)]
    )
    assert sorted((f.rule_id, f.subject.line) for f in kept) == [("LP102", 3), ("LP106", 9)]


def test_child_module_outside_the_scan_is_reported_by_its_caller(tmp_path: Path, monkeypatch) -> None:
    """``lpcheck check envs/prod`` with ``source = "../../modules/db"``: nobody else scans the child."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(engine, "_STANDALONE", {})
    Path("modules/db").mkdir(parents=True)
    Path("envs/prod").mkdir(parents=True)
    Path("modules/db/main.tf").write_text(CHILD)
    Path("modules/db/key.tf").write_text(CHILD_KEY)
    Path("envs/prod/main.tf").write_text(CALLER.replace("./modules/db", "../../modules/db"))
    found = _where(scan(["envs/prod"], jobs=1))
    assert ("LP401", os.path.join("envs", "prod", "main.tf"), 3) in found
    assert ("LP302", os.path.join("modules", "db", "main.tf"), 4) in found
    assert ("LP204", os.path.join("modules", "db", "key.tf"), 4) in found
