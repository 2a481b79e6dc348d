"""Rule metadata: complete, valid, true to the catalog, and the generated docs never drift from it."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lpcheck.explain import explain_text, rule_markdown, rules_table
from lpcheck.metadata import (
    COMPILED,
    RuleMeta,
    compile_metadata,
    load_metadata,
    metadata_from,
    read_yaml,
    rules_dir,
    validate_metadata,
)

REPO = Path(__file__).resolve().parent.parent
CATALOG = REPO.parent / "shared" / "spec" / "rules.md"
SEVERITY_RANGES = {"error": (7.0, 10.0), "warning": (4.0, 6.9), "note": (0.1, 3.9)}


def _catalog() -> dict[str, tuple[str, str]]:
    """ID -> (name, severity) parsed from the catalog's tables (the contract, read independently)."""
    if not CATALOG.is_file():
        pytest.skip(f"rule catalog not found at {CATALOG} (../shared is absent)")
    rows = re.findall(r"^\| (LP\d{3}) \| ([a-z0-9-]+) \| (error|warning|note) \|", CATALOG.read_text(), re.M)
    return {rule_id: (name, severity) for rule_id, name, severity in rows}


def _load_script():
    spec = importlib.util.spec_from_file_location("gen_rule_docs", REPO / "scripts" / "gen_rule_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_catalog_rule_has_metadata_with_its_exact_name_and_severity() -> None:
    catalog = _catalog()
    meta = load_metadata()
    assert len(catalog) == 30
    assert set(meta) == set(catalog)
    for rule_id, (name, severity) in catalog.items():
        assert (meta[rule_id].name, meta[rule_id].severity) == (name, severity), rule_id


def test_rules_dir_mentions_no_id_outside_the_catalog() -> None:
    """The same check as the project's before-stop hook, so it fails here first."""
    catalog = _catalog()
    mentioned = set()
    for path in rules_dir().iterdir():
        mentioned |= set(re.findall(r"\bLP\d{3}\b", path.read_text(encoding="utf-8")))
    assert mentioned - set(catalog) == set()


def test_all_files_validate_against_the_schema_and_conventions() -> None:
    assert validate_metadata() == []


def test_validation_catches_a_broken_file(tmp_path: Path) -> None:
    shutil.copy(rules_dir() / "_schema.json", tmp_path / "_schema.json")
    data = read_yaml(rules_dir())["LP301"]
    data = {**data, "severity": "critical", "help_uri": data["help_uri"].replace("lp301", "lp999")}
    data["examples"] = [e for e in data["examples"] if e["kind"] == "bad"]
    (tmp_path / "LP301.yaml").write_text(json.dumps(data))  # JSON is YAML
    (tmp_path / "LP302.yaml").write_text(json.dumps({**read_yaml(rules_dir())["LP302"], "id": "LP303"}))
    problems = "\n".join(validate_metadata(tmp_path))
    assert "LP301.yaml: severity: 'critical' is not one of" in problems
    assert "LP301.yaml: help_uri should be" in problems
    assert "LP301.yaml: examples:" in problems  # no good example left
    assert "LP302.yaml: id 'LP303' does not match the file name" in problems


def test_examples_show_bad_and_good_in_two_formats_where_the_rule_has_two() -> None:
    for m in load_metadata().values():
        kinds = {e.kind for e in m.examples}
        assert kinds == {"bad", "good"}, m.id
        shown = {e.format for e in m.examples}
        assert shown <= set(m.formats), m.id
        if len(m.formats) >= 2:
            assert len(shown) >= 2, f"{m.id}: examples in only {shown}"


def test_formats_follow_what_each_concept_can_express() -> None:
    meta = load_metadata()
    everywhere = {"iam-json", "cloudformation", "terraform", "terraform-plan"}
    for rule_id in ("LP001", "LP101", "LP102", "LP107", "LP109", "LP111", "LP201"):
        assert set(meta[rule_id].formats) == everywhere, rule_id
    # Resource settings cannot be written in a standalone IAM policy document.
    for rule_id in ("LP202", "LP301", "LP302", "LP401", "LP501"):
        assert "iam-json" not in meta[rule_id].formats, rule_id


def test_security_severity_matches_the_default_severity() -> None:
    for m in load_metadata().values():
        low, high = SEVERITY_RANGES[m.severity]
        assert low <= float(m.security_severity) <= high, m.id


def test_github_security_rules_are_tagged_security() -> None:
    meta = load_metadata()
    for m in meta.values():
        if m.id[:3] in ("LP1", "LP2", "LP3"):
            assert "security" in m.tags, m.id
    assert "external/cwe/cwe-798" in meta["LP201"].tags


def test_loaded_metadata_carries_the_documented_choices() -> None:
    lp301 = load_metadata()["LP301"]
    assert isinstance(lp301, RuleMeta)
    assert (
        lp301.help_uri
        == "https://github.com/lpcheck/lpcheck/blob/main/docs/rules.md#lp301-bucket-without-kms"
    )
    assert any("January 2023" in n and "says what the bucket has instead" in n for n in lp301.notes)
    assert any("declared" in n for n in load_metadata()["LP303"].notes)
    assert "(note)" not in load_metadata()["LP405"].title
    assert any("severity note" in n for n in load_metadata()["LP405"].notes)


def test_every_registered_rule_has_metadata() -> None:
    from lpcheck.rules import load_all

    assert set(load_all()) <= set(load_metadata())


def test_compiled_json_equals_the_yaml() -> None:
    committed = (rules_dir() / COMPILED).read_text(encoding="utf-8")
    assert committed == compile_metadata(), "run: python scripts/gen_rule_docs.py"
    assert metadata_from(json.loads(committed)) == metadata_from(read_yaml(rules_dir()))


def test_committed_docs_match_the_generator() -> None:
    script = _load_script()
    expected = script.render_docs(metadata_from(read_yaml(rules_dir())))
    assert (REPO / "docs" / "rules.md").read_text(encoding="utf-8") == expected, (
        "docs/rules.md is stale: run python scripts/gen_rule_docs.py"
    )
    assert script.main(["--check"]) == 0


def test_docs_have_an_anchor_for_every_help_uri() -> None:
    docs = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    headings = re.findall(r"^#+ (LP\d{3}): ([a-z0-9-]+)$", docs, re.M)
    anchors = {f"{rule_id.lower()}-{name}" for rule_id, name in headings}
    for m in load_metadata().values():
        assert m.help_uri.rsplit("#", 1)[1] in anchors, m.id


def test_loading_is_fast_without_importing_yaml() -> None:
    """A fresh process reads the compiled JSON: PyYAML (about 12 ms to import) stays unloaded, and the
    cost on top of the standard modules every scan imports anyway stays well under 30 ms (~5 ms)."""
    code = (
        "import sys, time, dataclasses, functools, json, pathlib, typing\n"
        "t = time.perf_counter()\n"
        "from lpcheck.metadata import load_metadata; m = load_metadata()\n"
        "print(len(m), 'yaml' in sys.modules, (time.perf_counter() - t) * 1000)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(REPO / "src")},
    ).stdout.split()
    assert out[:2] == ["30", "False"]
    assert float(out[2]) < 30.0


def test_an_installed_wheel_reads_the_force_included_rules(tmp_path: Path) -> None:
    """pyproject force-includes rules/ as lpcheck/_rules in wheels; the loader must find it there."""
    package = tmp_path / "site" / "lpcheck"
    shutil.copytree(REPO / "src" / "lpcheck", package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(rules_dir(), package / "_rules")
    code = "from lpcheck.metadata import load_metadata, rules_dir; print(rules_dir(), len(load_metadata()))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(tmp_path / "site")},
        cwd=tmp_path,
    ).stdout.split()
    assert out == [str(package / "_rules"), "30"]


def test_a_yaml_edit_newer_than_the_compiled_file_is_not_ignored(tmp_path: Path) -> None:
    from lpcheck import metadata as md

    for path in rules_dir().iterdir():
        shutil.copy(path, tmp_path / path.name)
    edited = (tmp_path / "LP001.yaml").read_text().replace("severity: error", "severity: warning")
    (tmp_path / "LP001.yaml").write_text(edited)
    import os

    stamp = (tmp_path / COMPILED).stat().st_mtime_ns
    os.utime(tmp_path / "LP001.yaml", ns=(stamp + 10**9, stamp + 10**9))
    assert md._read_fast(tmp_path)["LP001"]["severity"] == "warning"


EXAMPLE_FILE = {
    "iam-json": "policy.json",
    "cloudformation": "template.yaml",
    "terraform": "main.tf",
    "terraform-plan": "plan.plan.json",
}
TEMPLATE_TOP = ("Resources:", "Transform:", "AWSTemplateFormatVersion:")


def test_every_example_does_what_it_says(tmp_path: Path) -> None:
    """The docs never lie: each bad example, scanned alone, gets a finding of its rule; each good one
    gets none. A CloudFormation example written as resources alone is scanned under ``Resources:``."""
    import textwrap

    from lpcheck.engine import Options, scan

    wrong = []
    for m in load_metadata().values():
        for i, example in enumerate(m.examples):
            code = example.code
            if example.format == "cloudformation" and not code.startswith(TEMPLATE_TOP):
                code = "Resources:\n" + textwrap.indent(code, "  ")
            folder = tmp_path / f"{m.id}-{i}"
            folder.mkdir()
            path = folder / EXAMPLE_FILE[example.format]
            path.write_text(code, encoding="utf-8")
            fired = {f.rule_id for f in scan([str(path)], Options(), jobs=1).findings}
            if (m.id in fired) != (example.kind == "bad"):
                wrong.append(
                    f"{m.id} example {i} ({example.kind}, {example.format}): rules fired {sorted(fired)}"
                )
    assert wrong == []


def test_explain_text_has_the_ruff_style_sections() -> None:
    m = load_metadata()["LP106"]
    text = explain_text(m)
    assert text.startswith('LP106 passrole-any-resource (error)\niam:PassRole is allowed on Resource "*"\n')
    for section in (
        "Why is this bad?",
        "Use instead",
        "Bad (IAM policy JSON):",
        "Good (Terraform):",
        "Notes",
    ):
        assert f"\n{section}\n" in text or f"\n{section}" in text, section
    assert '"Action": "iam:PassRole"' in text
    assert text.rstrip().endswith(m.help_uri)
    assert "\x1b[" not in text


def test_rule_markdown_escapes_titles_and_fences_examples() -> None:
    md = rule_markdown(load_metadata()["LP103"], heading_level=3)
    assert md.startswith("### LP103: service-wildcard-on-all-resources\n")
    assert r"(such as s3:\* or iam:\*)" in md
    assert "```json\n{" in md and "```hcl\nresource" in md and "```yaml\n" in md
    assert "#### Why is this bad?" in md


def test_rules_table_lists_every_rule_aligned() -> None:
    table = rules_table(load_metadata()).splitlines()
    assert len(table) == 31
    assert table[0].split() == ["ID", "Name", "Severity", "Formats", "Title"]
    assert re.match(r"^LP301 +bucket-without-kms +warning +cfn tf plan +An S3 bucket's default", table[19])
    # Columns line up: every title starts at the same offset.
    offsets = {line.index(m.title) for line, m in zip(table[1:], load_metadata().values(), strict=True)}
    assert len(offsets) == 1
