"""lpcheck's SARIF passes Microsoft's SARIF Multitool with the rules GitHub code scanning applies.

``Sarif.Multitool validate --rule-kind "Sarif;Gh"`` checks SARIF structure plus GitHub's ingestion
rules (the ones that make an upload fail or lose data). The tool is installed with npm into a cache
directory outside the repository (``$LPCHECK_TEST_TOOLS``, default ``~/.cache/lpcheck-test-tools``) on
first use; the test is skipped, saying why, when npm or the install is unavailable.

SARIF2006 (help URIs reachable over HTTP) is disabled: it needs the network, and the help URIs point at
docs/rules.md on GitHub, whose anchors tests/test_metadata.py checks offline.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from lpcheck.findings import Finding
from lpcheck.location import Location
from lpcheck.metadata import load_metadata
from lpcheck.report.sarif import render
from lpcheck.result import Notification, ScanResult

PACKAGE = "@microsoft/sarif-multitool-linux"
CONFIG = """<?xml version="1.0" encoding="utf-8"?>
<Properties>
  <Properties Key="SARIF2006.UrisShouldBeReachable.Options">
    <Property Key="RuleEnabled" Value="Disabled" />
  </Properties>
</Properties>
"""


@pytest.fixture(scope="module")
def multitool() -> Path:
    cache = Path(os.environ.get("LPCHECK_TEST_TOOLS", Path.home() / ".cache" / "lpcheck-test-tools"))
    binary = cache / "node_modules" / "@microsoft" / "sarif-multitool-linux" / "Sarif.Multitool"
    if not binary.is_file():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm is not installed: cannot fetch the SARIF Multitool")
        cache.mkdir(parents=True, exist_ok=True)
        try:
            done = subprocess.run(
                [npm, "install", "--no-audit", "--no-fund", "--prefix", str(cache), PACKAGE],
                capture_output=True,
                text=True,
                timeout=600,
            )
        except subprocess.TimeoutExpired:
            pytest.skip(f"npm install {PACKAGE} timed out")
        if done.returncode != 0 or not binary.is_file():
            pytest.skip(f"npm install {PACKAGE} failed: {done.stderr.strip()[-500:]}")
    if not os.access(binary, os.X_OK):  # npm may skip the package's chmod postinstall script
        binary.chmod(binary.stat().st_mode | stat.S_IXUSR)
    return binary


def _findings() -> list[Finding]:
    def f(
        rule_id: str, severity: str, message: str, path: str, line: int, col: int, resource: str = ""
    ) -> Finding:
        return Finding(
            rule_id=rule_id,
            severity=severity,
            message=message,
            loc=Location(path, line, col),
            resource=resource,
            key=message,
        )

    return [
        f(
            "LP102",
            "error",
            "Statement allows every action (*) on every resource (*)",
            "policies/admin.json",
            4,
            5,
        ),
        f(
            "LP109",
            "warning",
            "Policy has no Version: policy variables are not evaluated",
            "tf/iam.tf",
            8,
            12,
        ),
        f(
            "LP301",
            "warning",
            "Bucket Logs has SSE-S3 by default, not SSE-KMS",
            "cfn/my stack.yaml",
            10,
            3,
            "Logs",
        ),
        f(
            "LP405",
            "note",
            "Table Orders has no point-in-time recovery",
            "cfn/my stack.yaml",
            40,
            3,
            "Orders",
        ),
        f(
            "LP202",
            "error",
            "MasterUserPassword is a literal (from parameter default DbPassword)",
            "cfn/db.yaml",
            22,
            7,
        ),
        f("LP111", "warning", "Unknown action s3:GetObjcet", "policies/ünïcode.json", 6, 20),
        f("LP001", "error", "Expecting ',' delimiter", "broken.json", 3, 7),
    ]


def _validate(binary: Path, log: str, work: Path) -> list[dict]:
    source = work / "in.sarif"
    out = work / "out.sarif"
    config = work / "config.xml"
    source.write_text(log, encoding="utf-8")
    config.write_text(CONFIG, encoding="utf-8")
    done = subprocess.run(
        [str(binary), "validate", "--rule-kind", "Sarif;Gh", "-c", str(config), "-o", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DOTNET_CLI_TELEMETRY_OPTOUT": "1"},
    )
    assert out.is_file(), f"Multitool wrote no output (exit {done.returncode}): {done.stdout}{done.stderr}"
    results = json.loads(out.read_text(encoding="utf-8-sig"))["runs"][0].get("results", [])
    return [r for r in results if r.get("level", "warning") in ("error", "warning")]


def test_full_report_has_no_multitool_errors_or_warnings(multitool: Path, tmp_path: Path) -> None:
    result = ScanResult(
        findings=_findings(),
        notifications=[
            Notification("error", "Expecting ',' delimiter", Location("broken.json", 3, 7), "LP001"),
            Notification("note", "empty file, nothing to check", Location("empty.tf", 1, 1)),
            Notification("error", "internal error: rule LP110 failed: KeyError: 'x'"),
        ],
        root=tmp_path / "repo",
        files_scanned=9,
    )
    problems = _validate(multitool, render(result, load_metadata()), tmp_path)
    assert problems == []


def test_clean_report_has_no_multitool_errors_or_warnings(multitool: Path, tmp_path: Path) -> None:
    result = ScanResult(root=tmp_path / "repo", files_scanned=3)
    assert _validate(multitool, render(result, load_metadata()), tmp_path) == []


def test_the_multitool_does_catch_problems(multitool: Path, tmp_path: Path) -> None:
    """Guard against a vacuous pass: a log GitHub would reject is reported."""
    result = ScanResult(findings=_findings()[:1], root=tmp_path / "repo", files_scanned=1)
    log = json.loads(render(result, load_metadata()))
    del log["runs"][0]["tool"]["driver"]["rules"]  # results then name rules that are not described
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = (
        "C:\\bad path"
    )
    assert _validate(multitool, json.dumps(log), tmp_path) != []
