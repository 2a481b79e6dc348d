"""Every rule has a bad and a good fixture in every format its metadata says it covers.

The format of a case is decided the way a scan decides it (by content), so a ``.json`` file counts
as IAM JSON, CloudFormation or a plan according to what it holds; a directory is a Terraform module.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES
from lpcheck import discovery
from lpcheck.metadata import load_metadata

FORMAT_OF_KIND = {
    discovery.IAM_JSON: "iam-json",
    discovery.CFN_JSON: "cloudformation",
    discovery.CFN_YAML: "cloudformation",
    discovery.TF: "terraform",
    discovery.TF_JSON: "terraform",
    discovery.PLAN_JSON: "terraform-plan",
}


def _format(case: Path) -> str | None:
    if case.is_dir():
        return "terraform"
    found = discovery.discover([str(case)])
    if found.files:
        return FORMAT_OF_KIND.get(found.files[0].kind)
    if found.rejected:  # LP001 cases: the extension says what the file was meant to be
        name = case.name.lower()
        if name.endswith((".tf", ".tf.json")):
            return "terraform"
        if name.endswith(".plan.json"):
            return "terraform-plan"
        if name.endswith((".yaml", ".yml", ".template")):
            return "cloudformation"
        if name.endswith(".json"):
            return "cloudformation" if "Resources" in case.read_text(errors="replace") else "iam-json"
    return None


def _coverage(rule_id: str) -> dict[str, set[str]]:
    cover: dict[str, set[str]] = {}
    for expect in (FIXTURES / rule_id).glob("*.expect"):
        case = expect.with_suffix("")
        if not case.exists():
            continue
        lines = [
            ln for ln in expect.read_text().splitlines() if ln.strip() and not ln.strip().startswith("#")
        ]
        cover.setdefault(_format(case) or "?", set()).add("bad" if lines else "good")
    return cover


@pytest.mark.parametrize("rule_id", sorted(load_metadata()))
def test_bad_and_good_fixture_per_declared_format(rule_id: str) -> None:
    meta = load_metadata()[rule_id]
    cover = _coverage(rule_id)
    missing = [
        f"{fmt} {kind}" for fmt in meta.formats for kind in ("bad", "good") if kind not in cover.get(fmt, ())
    ]
    assert not missing, f"{rule_id} lacks fixtures: {', '.join(missing)}"
