"""SARIF reporter: schema-valid 2.1.0 with what GitHub code scanning reads (rules, levels, relative
URIs, line-independent fingerprints, parse errors as tool notifications)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from lpcheck.findings import Finding
from lpcheck.location import Location
from lpcheck.metadata import load_metadata
from lpcheck.report.sarif import render, to_data
from lpcheck.result import Notification, ScanResult

SCHEMA = Path(__file__).resolve().parent.parent.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"


def finding(rule_id: str, severity: str, message: str, path: str, line: int, col: int = 1, **kw) -> Finding:
    return Finding(rule_id=rule_id, severity=severity, message=message, loc=Location(path, line, col), **kw)


def sample(root: Path) -> ScanResult:
    return ScanResult(
        findings=[
            finding(
                "LP102",
                "error",
                "Statement allows * on *",
                "policies/admin.json",
                4,
                5,
                resource="policies/admin.json",
                key="stmt:0",
            ),
            finding(
                "LP109", "warning", "Policy has no Version", "tf/iam.tf", 8, 12, resource="aws_iam_policy.p"
            ),
            finding(
                "LP301",
                "warning",
                "Bucket Logs has SSE-S3 by default, not SSE-KMS",
                "cfn/my stack.yaml",
                10,
                3,
                resource="Logs",
            ),
            finding("LP001", "error", "Expecting ',' delimiter", "broken.json", 3, 7),
        ],
        notifications=[
            Notification("error", "Expecting ',' delimiter", Location("broken.json", 3, 7), "LP001"),
            Notification("note", "empty file, nothing to check", Location("empty.tf", 1, 1)),
        ],
        root=root,
        files_scanned=6,
    )


def sarif(result: ScanResult) -> dict:
    return json.loads(render(result, load_metadata()))


def test_valid_against_the_sarif_2_1_0_schema(tmp_path: Path) -> None:
    if not SCHEMA.is_file():
        pytest.skip(f"SARIF schema not found at {SCHEMA} (../shared is absent)")
    import jsonschema

    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    for result in (sample(tmp_path), ScanResult(root=tmp_path)):
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(sarif(result))]
        assert errors == []


def test_log_and_driver(tmp_path: Path) -> None:
    log = sarif(sample(tmp_path))
    assert list(log) == ["$schema", "version", "runs"]
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    driver = log["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["semanticVersion"]) == ("lpcheck", "0.1.0", "0.1.0")
    assert driver["informationUri"] == "https://github.com/lpcheck/lpcheck"
    assert [r["id"] for r in driver["rules"]] == sorted(load_metadata())


def test_rule_descriptors_come_from_the_metadata(tmp_path: Path) -> None:
    rules = {r["id"]: r for r in sarif(sample(tmp_path))["runs"][0]["tool"]["driver"]["rules"]}
    meta = load_metadata()["LP106"]
    lp106 = rules["LP106"]
    assert lp106["name"] == "PassroleAnyResource"  # PascalCase: what SARIF validators expect
    assert lp106["shortDescription"] == {"text": 'iam:PassRole is allowed on Resource "*".'}
    assert lp106["fullDescription"]["text"].startswith("`iam:PassRole` lets a principal hand a role")
    assert lp106["helpUri"] == meta.help_uri
    assert lp106["defaultConfiguration"] == {"level": "error"}
    assert lp106["properties"] == {
        "tags": list(meta.tags),
        "precision": "very-high",
        "security-severity": "8.5",
    }
    assert lp106["help"]["text"].startswith("LP106 passrole-any-resource (error)\n")
    markdown = lp106["help"]["markdown"]
    assert "### Why is this bad?" in markdown and "### Use instead" in markdown
    assert '```json\n{\n  "Version": "2012-10-17"' in markdown
    assert rules["LP405"]["defaultConfiguration"] == {"level": "warning"}


def test_results_point_at_rule_index_level_and_relative_uri(tmp_path: Path) -> None:
    run = sarif(sample(tmp_path))["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["LP001", "LP301", "LP102", "LP109"]  # sorted by path
    for r in results:
        assert rule_ids[r["ruleIndex"]] == r["ruleId"]
    lp301 = results[1]
    assert lp301["level"] == "warning"
    assert lp301["message"] == {"text": "Bucket Logs has SSE-S3 by default, not SSE-KMS."}
    assert lp301["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "cfn/my%20stack.yaml", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 10, "startColumn": 3},
            }
        }
    ]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": tmp_path.as_uri() + "/"}}


def test_a_severity_override_is_kept_not_inherited_from_the_rule(tmp_path: Path) -> None:
    # LP109 defaults to error; a missing Version is a warning and must stay one in SARIF.
    lp109 = next(r for r in sarif(sample(tmp_path))["runs"][0]["results"] if r["ruleId"] == "LP109")
    assert lp109["level"] == "warning"


def test_no_sarif_om_sentinel_defaults_leak_into_the_output(tmp_path: Path) -> None:
    text = render(sample(tmp_path), load_metadata())
    for sentinel in ('"byteOffset"', '"charOffset"', '"rank"', '"index": -1', '"ruleIndex": -1', "null"):
        assert sentinel not in text


def test_partial_fingerprints_survive_a_line_shift(tmp_path: Path) -> None:
    result = sample(tmp_path)
    shifted = dataclasses.replace(
        result,
        findings=[
            dataclasses.replace(f, loc=Location(f.loc.path, f.loc.line + 30, f.loc.column))
            for f in result.findings
        ],
    )
    before = [r["partialFingerprints"] for r in sarif(result)["runs"][0]["results"]]
    after = [r["partialFingerprints"] for r in sarif(shifted)["runs"][0]["results"]]
    assert before == after
    assert all(list(p) == ["lpcheck/v1"] for p in before)
    assert len({p["lpcheck/v1"] for p in before}) == len(before)


def test_parse_errors_are_results_and_tool_notifications(tmp_path: Path) -> None:
    run = sarif(sample(tmp_path))["runs"][0]
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is True  # bad input is not a tool failure
    notes = invocation["toolExecutionNotifications"]
    assert notes[0] == {
        "message": {"text": "Expecting ',' delimiter."},
        "level": "error",
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "broken.json", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 3, "startColumn": 7},
                }
            }
        ],
        "descriptor": {"id": "LP001"},
        "associatedRule": {"id": "LP001", "index": 0},
    }
    assert len([n for n in notes if n.get("descriptor") == {"id": "LP001"}]) == 1  # not duplicated
    assert notes[1]["level"] == "note" and "descriptor" not in notes[1]


def test_internal_error_marks_the_execution_unsuccessful(tmp_path: Path) -> None:
    result = sample(tmp_path)
    result.notifications.append(Notification("error", "internal error: rule LP110 failed: KeyError: 'x'"))
    invocation = sarif(result)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][-1] == {
        "message": {"text": "internal error: rule LP110 failed: KeyError: 'x'."},
        "level": "error",
    }


def test_files_outside_the_root_get_absolute_file_uris(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    outside = tmp_path / "elsewhere" / "p.json"
    result = ScanResult(
        findings=[finding("LP105", "warning", "Allow with NotAction", str(outside), 2)], root=root
    )
    inside = ScanResult(
        findings=[finding("LP105", "warning", "Allow with NotAction", str(root / "a" / "p.json"), 2)],
        root=root,
    )
    loc = sarif(result)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert loc == {"uri": outside.as_uri()}
    loc = sarif(inside)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert loc == {"uri": "a/p.json", "uriBaseId": "%SRCROOT%"}


def test_clean_scan_has_an_empty_results_array(tmp_path: Path) -> None:
    run = sarif(ScanResult(root=tmp_path, files_scanned=2))["runs"][0]
    assert run["results"] == []
    assert run["invocations"] == [{"executionSuccessful": True}]
    assert len(run["tool"]["driver"]["rules"]) == len(load_metadata())


def test_serialiser_uses_schema_names_and_drops_unset_fields() -> None:
    import sarif_om as om

    region = om.Region(start_line=3, start_column=1)
    assert to_data(region) == {"startLine": 3, "startColumn": 1}
    assert to_data(om.Result(message=om.Message(text="x"), level="warning", rule_index=0)) == {
        "message": {"text": "x"},
        "level": "warning",
        "ruleIndex": 0,
    }
