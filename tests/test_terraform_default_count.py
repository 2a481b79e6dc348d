"""A ``count``/``for_each`` that is zero only by the scanned module's own variable default
(sadcloud's ``count = var.enable_rds ? 1 : 0``, ``enable_rds`` defaulting to false) leaves the
block "may be created": it is judged. A literal zero, a tfvars value, a caller's argument or a
value that does not come from a default still switch it off."""

from __future__ import annotations

from pathlib import Path

import pytest

from lpcheck.adapters.terraform import adapt_module
from lpcheck.engine import Options, run_rules
from lpcheck.model.iam import PolicyDocument

RDS = """\
variable "enable_rds" {
  description = "Enable the vulnerable RDS instance"
  default     = false
}

resource "aws_db_instance" "x" {
  count          = var.enable_rds ? 1 : 0
  engine         = "mysql"
  instance_class = "db.t3.micro"
  username       = "admin"
  password       = "foobarbaz"
}
"""
EXPECTED = {"LP202", "LP302", "LP401"}


def rules_on(tmp_path: Path, files: dict[str, str], root: str = ".") -> dict[str, list[str]]:
    """Rule id -> resources it reports, for the module in ``root`` (its children evaluated)."""
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    base = tmp_path / root
    paths = sorted(p for p in base.iterdir() if p.is_file() and p.name.endswith((".tf", ".tfvars")))
    result = adapt_module(paths, lambda p: p.name)
    assert not result.problems, result.problems
    found: dict[str, list[str]] = {}
    for f in run_rules(result.model, Options(), {}, []):
        if f.rule_id in EXPECTED:
            found.setdefault(f.rule_id, []).append(f.resource or "")
    return found


def test_off_by_own_default_is_judged(tmp_path: Path) -> None:
    found = rules_on(tmp_path, {"main.tf": RDS})
    assert set(found) == EXPECTED
    assert found["LP202"] == ["aws_db_instance.x"]


def test_for_each_empty_by_default_is_judged(tmp_path: Path) -> None:
    text = RDS.replace("default     = false", "default     = {}").replace(
        "count          = var.enable_rds ? 1 : 0", "for_each       = var.enable_rds"
    )
    assert set(rules_on(tmp_path, {"main.tf": text})) == EXPECTED


def test_default_through_a_local_is_judged(tmp_path: Path) -> None:
    text = RDS.replace("var.enable_rds ? 1 : 0", "local.on ? 1 : 0") + "locals {\n  on = var.enable_rds\n}\n"
    assert set(rules_on(tmp_path, {"main.tf": text})) == EXPECTED


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({"main.tf": RDS.replace("var.enable_rds ? 1 : 0", "0")}, id="literal-zero"),
        pytest.param({"main.tf": RDS, "terraform.tfvars": "enable_rds = false\n"}, id="tfvars-false"),
        pytest.param({"main.tf": RDS, "off.auto.tfvars": "enable_rds = false\n"}, id="auto-tfvars-false"),
        pytest.param(
            {"main.tf": RDS.replace("var.enable_rds ? 1 : 0", "var.enable_rds && false ? 1 : 0")},
            id="zero-whatever-the-default",
        ),
        pytest.param(
            {
                "main.tf": RDS.replace("var.enable_rds ? 1 : 0", "var.enable_rds && local.off ? 1 : 0")
                + "locals {\n  off = false\n}\n"
            },
            id="zero-by-a-literal-local",
        ),
    ],
)
def test_switched_off_otherwise_stays_silent(tmp_path: Path, files: dict[str, str]) -> None:
    assert rules_on(tmp_path, files) == {}


def test_tfvars_true_is_judged(tmp_path: Path) -> None:
    found = rules_on(tmp_path, {"main.tf": RDS, "terraform.tfvars": "enable_rds = true\n"})
    assert set(found) == EXPECTED


CALLER = """\
module "rds" {
  source     = "../rds"
  enable_rds = %s
}
"""


@pytest.mark.parametrize(("value", "expected"), [("true", EXPECTED), ("false", set())])
def test_a_caller_argument_decides(tmp_path: Path, value: str, expected: set[str]) -> None:
    files = {"rds/main.tf": RDS, "root/main.tf": CALLER % value}
    found = rules_on(tmp_path, files, root="root")
    assert set(found) == expected
    assert all(r == "module.rds.aws_db_instance.x" for rs in found.values() for r in rs)


def test_a_child_default_the_caller_leaves_alone_still_switches_off(tmp_path: Path) -> None:
    files = {"rds/main.tf": RDS, "root/main.tf": 'module "rds" {\n  source = "../rds"\n}\n'}
    assert rules_on(tmp_path, files, root="root") == {}


def test_a_module_call_off_by_default_is_expanded(tmp_path: Path) -> None:
    files = {
        "rds/main.tf": RDS.replace("var.enable_rds ? 1 : 0", "1"),
        "root/main.tf": 'variable "with_db" {\n  default = false\n}\n'
        'module "rds" {\n  source = "../rds"\n  count  = var.with_db ? 1 : 0\n}\n',
    }
    assert set(rules_on(tmp_path, files, root="root")) == EXPECTED


def test_an_unset_null_resource_in_an_optional_document_is_no_grammar_error(tmp_path: Path) -> None:
    # terraform-aws-modules/lambda: the dead-letter policy exists only with a target ARN set
    text = """\
variable "attach_dead_letter_policy" {
  default = false
}
variable "dead_letter_target_arn" {
  default = null
}
data "aws_iam_policy_document" "dead_letter" {
  count = var.attach_dead_letter_policy ? 1 : 0
  statement {
    actions   = ["sqs:SendMessage"]
    resources = [var.dead_letter_target_arn]
  }
}
resource "aws_iam_role_policy" "dead_letter" {
  count  = var.attach_dead_letter_policy ? 1 : 0
  role   = "lambda"
  policy = data.aws_iam_policy_document.dead_letter[0].json
}
"""
    (tmp_path / "main.tf").write_text(text)
    result = adapt_module([tmp_path / "main.tf"], lambda p: p.name)
    findings = run_rules(result.model, Options(), {}, [])
    assert not [f for f in findings if f.rule_id == "LP109"]
    assert result.model.of(PolicyDocument)  # the document is judged, not skipped
