"""Inline ``# lpcheck:ignore`` comments silence exactly the findings they name, where they stand."""

from __future__ import annotations

from pathlib import Path

import pytest

from lpcheck.engine import scan

TF = """# lpcheck:ignore LP401
resource "aws_db_instance" "quiet" {
  engine            = "postgres"
  storage_encrypted = false # lpcheck:ignore
}

resource "aws_db_instance" "loud" {
  engine            = "postgres"
  storage_encrypted = false # lpcheck:ignore LP999
}
"""

YAML = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  # lpcheck:ignore LP301, LP404
  Quiet:
    Type: AWS::S3::Bucket
  Loud:
    Type: AWS::S3::Bucket
"""


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_terraform_comments(here: Path) -> None:
    Path("main.tf").write_text(TF)
    found = {(f.rule_id, f.loc.line) for f in scan(["main.tf"], jobs=1).findings}
    assert ("LP401", 2) not in found  # comment alone on the line above the resource
    assert ("LP302", 4) not in found  # comment on the finding's own line, every rule
    assert ("LP401", 7) in found  # the other resource is untouched
    assert ("LP302", 9) in found  # a comment naming another rule does not silence this one


def test_yaml_comments(here: Path) -> None:
    Path("t.yaml").write_text(YAML)
    found = {(f.rule_id, f.loc.line) for f in scan(["t.yaml"], jobs=1).findings}
    assert ("LP301", 4) not in found
    assert ("LP301", 6) in found


def test_parse_errors_are_never_silenced(here: Path) -> None:
    Path("bad.tf").write_text('# lpcheck:ignore\nresource "x" "y" {\n')
    assert [f.rule_id for f in scan(["bad.tf"], jobs=1).findings] == ["LP001"]
