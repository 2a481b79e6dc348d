"""The command line as CI and people use it: exit codes, formats, colour, bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from lpcheck import cli, discovery
from lpcheck.cli import main

ADMIN = (
    '{\n  "Version": "2012-10-17",\n  "Statement": [\n'
    '    {"Effect": "Allow", "Action": "*", "Resource": "*"}\n  ]\n}\n'
)
SCOPED = (
    '{"Version": "2012-10-17", "Statement": '
    '[{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}'
)
UNSCOPED_READ = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}'
)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def invoke(runner: CliRunner, *args: str, env: dict[str, str] | None = None):
    return runner.invoke(main, list(args), env=env, catch_exceptions=False)


def test_exit_1_and_text_line_for_a_finding(runner: CliRunner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("admin.json").write_text(ADMIN)
    res = invoke(runner, "check", "admin.json")
    assert res.exit_code == 1
    assert re.search(r"^admin\.json:4:5: LP102 error .+", res.stdout, re.MULTILINE), res.stdout
    assert "\x1b[" not in res.stdout


def test_exit_0_when_clean(runner: CliRunner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("ok.json").write_text(SCOPED)
    res = invoke(runner, "check", "ok.json")
    assert res.exit_code == 0, res.stdout
    assert "LP1" not in res.stdout


def test_fail_on_threshold(runner: CliRunner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("read.json").write_text(UNSCOPED_READ)  # LP104 is a warning
    assert invoke(runner, "check", "read.json").exit_code == 1
    assert invoke(runner, "check", "--fail-on", "error", "read.json").exit_code == 0
    assert invoke(runner, "check", "--fail-on", "never", "read.json").exit_code == 0
    assert invoke(runner, "check", "--ignore", "LP104", "read.json").exit_code == 0
    assert invoke(runner, "check", "--select", "LP2", "read.json").exit_code == 0


def test_usage_errors_exit_2(runner: CliRunner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert invoke(runner, "check", "does-not-exist.json").exit_code == 2
    assert invoke(runner, "check", "--format", "xml", ".").exit_code == 2
    assert invoke(runner, "explain", "LP999").exit_code == 2


def test_output_file_and_json_format(runner: CliRunner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("admin.json").write_text(ADMIN)
    res = invoke(runner, "check", "--format", "json", "--output", "out.json", "admin.json")
    assert res.exit_code == 1
    data = json.loads(Path("out.json").read_text())
    assert any(f["rule_id"] == "LP102" and f["line"] == 4 for f in data["findings"]), data


def test_sarif_format_is_json_with_the_rule(runner: CliRunner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("admin.json").write_text(ADMIN)
    res = invoke(runner, "check", "--format", "sarif", "admin.json")
    sarif = json.loads(res.stdout)
    results = sarif["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["LP102"]
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "admin.json"


def test_colour_only_on_a_tty_and_never_with_no_color(monkeypatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(cli.sys.stdout, "isatty", lambda: True, raising=False)
    assert cli._use_color(None, False) is True
    assert cli._use_color("report.txt", False) is False
    assert cli._use_color(None, True) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert cli._use_color(None, False) is False
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setattr(cli.sys.stdout, "isatty", lambda: False, raising=False)
    assert cli._use_color(None, False) is False


def test_rules_and_explain(runner: CliRunner) -> None:
    res = invoke(runner, "rules")
    assert res.exit_code == 0
    for rule_id in ("LP001", "LP101", "LP111", "LP206", "LP306", "LP405", "LP501"):
        assert rule_id in res.stdout
    res = invoke(runner, "explain", "LP101")
    assert res.exit_code == 0
    assert "admin-access-attached" in res.stdout and "AdministratorAccess" in res.stdout
    assert invoke(runner, "explain", "admin-access-attached").exit_code == 0


BROKEN = {
    "truncated.json": '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",',
    "broken.yaml": "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n    Type: [AWS::S3::Bucket\n",
    "invalid.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = \n}\n',
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_files_give_lp001_and_the_scan_goes_on(
    runner: CliRunner, tmp_path: Path, monkeypatch, name: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path(name).write_text(BROKEN[name])
    Path("admin.json").write_text(ADMIN)
    res = invoke(runner, "check", ".")
    assert res.exit_code == 1
    assert re.search(rf"^{re.escape(name)}:\d+:\d+: LP001 error .+", res.stdout, re.MULTILINE), res.stdout
    assert "admin.json:4:5: LP102" in res.stdout
    assert "Traceback" not in res.stdout + res.stderr


def test_binary_non_utf8_and_huge_files(runner: CliRunner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("binary.tf").write_bytes(b"\x00\x01\x02resource")
    Path("latin1.tf").write_bytes(
        'resource "aws_s3_bucket" "b" {\n  bucket = "caf\xe9"\n}\n'.encode("latin-1")
    )
    Path("huge.tf").write_text("# x\n" * 30)
    monkeypatch.setattr(discovery, "MAX_BYTES", 60)
    res = invoke(runner, "check", ".")
    out = res.stdout
    assert "binary.tf:1:1: LP001 error binary content" in out, out
    assert "latin1.tf:1:1: LP001 error not valid UTF-8 (byte 0xe9 at line 2)" in out, out
    assert "huge.tf:1:1: LP001 error file too large" in out, out


def test_unrelated_files_skipped_silently_verbose_says_why(
    runner: CliRunner, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("package.json").write_text('{"name": "x", "version": "1.0.0"}')
    Path("deploy.yaml").write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n")
    res = invoke(runner, "check", ".")
    assert res.exit_code == 0 and "package.json" not in res.stdout and "deploy.yaml" not in res.stdout
    res = invoke(runner, "check", "-v", ".")
    assert "skipped package.json" in res.stderr and "skipped deploy.yaml" in res.stderr


def test_explicit_extensionless_policy_is_read(runner: CliRunner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("AdminPolicy").write_text('{"PolicyVersion": {"Document": ' + ADMIN + ', "VersionId": "v1"}}')
    res = invoke(runner, "check", "AdminPolicy")
    assert res.exit_code == 1 and "LP102" in res.stdout, res.stdout
    # ... but a directory walk does not pick extension-less files
    assert invoke(runner, "check", ".").exit_code == 0


def test_walk_skips_vendored_and_tool_directories(runner: CliRunner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    for d in (".terraform/modules/x", "node_modules/pkg", ".git/x", "venv"):
        Path(d).mkdir(parents=True, exist_ok=True)
        Path(d, "admin.json").write_text(ADMIN)
    Path("venv", "pyvenv.cfg").write_text("home = /usr\n")
    res = invoke(runner, "check", ".")
    assert res.exit_code == 0, res.stdout


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_baseline_accepts_old_findings_even_when_moved(
    runner: CliRunner, tmp_path: Path, monkeypatch, fmt: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("admin.json").write_text(ADMIN)
    invoke(runner, "check", "--format", fmt, "--output", "base.out", "admin.json")
    # The same problem, moved down by unrelated lines: still accepted.
    Path("admin.json").write_text("\n\n\n" + ADMIN)
    res = invoke(runner, "check", "--baseline", "base.out", "admin.json")
    assert res.exit_code == 0, res.stdout
    assert "accepted by the baseline" in res.stderr
    # A new problem in another file is not.
    Path("other.json").write_text(ADMIN)
    res = invoke(runner, "check", "--baseline", "base.out", ".")
    assert res.exit_code == 1
    assert "other.json:4:5: LP102" in res.stdout and "admin.json" not in res.stdout


def test_unusable_baseline_is_a_usage_error(runner: CliRunner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("admin.json").write_text(ADMIN)
    Path("junk.json").write_text("[1, 2]")
    assert invoke(runner, "check", "--baseline", "missing.json", "admin.json").exit_code == 2
    assert invoke(runner, "check", "--baseline", "junk.json", "admin.json").exit_code == 2
