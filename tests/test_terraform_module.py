"""A whole Terraform module: variables and tfvars, locals, references, policy documents,
``.tf.json``, and the dispatch of resources to handlers."""

from __future__ import annotations

import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

from conftest import shared_path
from lpcheck.adapters import registry
from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.terraform import adapt_module
from lpcheck.adapters.terraform.module import TerraformModule
from lpcheck.adapters.view import ResourceView
from lpcheck.errors import ParseFailure
from lpcheck.location import Location
from lpcheck.model.container import Model
from lpcheck.model.resources import StringLiteral, TemplateParameter
from lpcheck.parsers.nodes import ChoiceNode, ListNode, MapNode, ScalarNode, UnknownNode, to_python
from lpcheck.result import AdaptResult


def write(tmp_path: Path, files: dict[str, str]) -> list[Path]:
    paths = []
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        paths.append(path)
    return paths


def load(tmp_path: Path, files: dict[str, str]) -> TerraformModule:
    result = AdaptResult(Model())
    mod = TerraformModule(write(tmp_path, files), lambda p: p.name, result)
    assert not result.problems, result.problems
    return mod


def body(mod: TerraformModule, address: str) -> MapNode:
    return mod.body(mod.decls[address])


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[ResourceView]]:
    """Handlers registered for the duration of a test: every view they receive, by type."""
    seen: dict[str, list[ResourceView]] = defaultdict(list)
    registry.load_handlers()

    def record(view: ResourceView, ctx: AdaptContext) -> None:
        assert set(ctx.resources) >= {view.address}
        seen[view.type].append(view)

    for key in ("aws_s3_bucket", "aws_db_instance", "data.aws_iam_policy_document", "aws_sqs_queue"):
        monkeypatch.setitem(registry.TF, key, [*registry.TF.get(key, []), record])
    return seen


# -- variables -----------------------------------------------------------------------------------

VARIABLES = 'variable "size" {\n  default = "small"\n}\n'
USE = 'resource "aws_db_instance" "d" {\n  instance_class = var.size\n}\n'


def test_variable_default_is_used_at_the_place_of_use_with_its_origin(tmp_path: Path) -> None:
    mod = load(tmp_path, {"variables.tf": VARIABLES, "main.tf": USE})
    node = body(mod, "aws_db_instance.d").items["instance_class"]
    assert isinstance(node, ScalarNode) and node.value == "small"
    assert node.loc == Location("main.tf", 2, 20)
    assert node.origin == "default of variable size (variables.tf:2)"


@pytest.mark.parametrize(
    ("tfvars", "value", "origin"),
    [
        ({"terraform.tfvars": 'size = "tfvars"\n'}, "tfvars", "terraform.tfvars:1"),
        ({"terraform.tfvars.json": '{\n  "size": "json"\n}\n'}, "json", "terraform.tfvars.json:2"),
        (
            {"terraform.tfvars": 'size = "tfvars"\n', "terraform.tfvars.json": '{"size": "json"}'},
            "json",
            "terraform.tfvars.json:1",
        ),
        (
            {
                "terraform.tfvars": 'size = "tfvars"\n',
                "terraform.tfvars.json": '{"size": "json"}',
                "a.auto.tfvars": '\nsize = "auto-a"\n',
            },
            "auto-a",
            "a.auto.tfvars:2",
        ),
        (
            {"b.auto.tfvars.json": '{"size": "auto-b"}', "a.auto.tfvars": 'size = "auto-a"\n'},
            "auto-b",
            "b.auto.tfvars.json:1",
        ),
        ({"prod.tfvars": 'size = "not-auto-loaded"\n'}, "small", "default of variable size (variables.tf:2)"),
    ],
)
def test_tfvars_precedence(tmp_path: Path, tfvars: dict[str, str], value: str, origin: str) -> None:
    mod = load(tmp_path, {"variables.tf": VARIABLES, "main.tf": USE, **tfvars})
    node = body(mod, "aws_db_instance.d").items["instance_class"]
    assert (node.value, node.origin, node.loc.path) == (value, origin, "main.tf")


def test_variable_without_value_is_unknown_and_null_default_is_unset(tmp_path: Path) -> None:
    mod = load(
        tmp_path,
        {
            "main.tf": 'variable "a" {}\nvariable "b" {\n  default = null\n}\n'
            'resource "aws_db_instance" "d" {\n  engine = var.a\n  kms_key_id = var.b\n}\n'
        },
    )
    items = body(mod, "aws_db_instance.d").items
    assert isinstance(items["engine"], UnknownNode)
    assert "kms_key_id" not in items


def test_map_variable_is_relocated_to_the_use_with_per_value_origins(tmp_path: Path) -> None:
    mod = load(
        tmp_path,
        {
            "main.tf": 'variable "env" {\n  default = {\n    TOKEN = "abc"\n  }\n}\n'
            'resource "aws_sqs_queue" "q" {\n  tags = var.env\n}\n'
        },
    )
    tags = body(mod, "aws_sqs_queue.q").items["tags"]
    assert isinstance(tags, MapNode)
    assert tags.items["TOKEN"].loc == Location("main.tf", 7, 10)
    assert tags.items["TOKEN"].origin == "default of variable env (main.tf:3)"


def test_variables_become_template_parameters(tmp_path: Path) -> None:
    files = {
        "main.tf": 'variable "db_password" {\n  default = "hunter2"\n  sensitive = true\n}\n'
        'variable "unused" {\n  default = "x"\n}\n'
        'resource "aws_db_instance" "d" {\n  password = var.db_password\n}\n'
    }
    result = adapt_module(write(tmp_path, files), lambda p: p.name)
    params = {p.name: p for p in result.model.of(TemplateParameter)}
    pw = params["db_password"]
    assert (pw.address, pw.type, pw.hidden, pw.used) == ("var.db_password", "variable", True, True)
    assert pw.default.raw == "hunter2" and pw.default.loc == Location("main.tf", 2, 13)
    assert pw.loc == Location("main.tf", 1, 1)
    assert params["unused"].used is False and params["unused"].hidden is False
    strings = {(s.owner, s.value, s.loc.line, s.origin) for s in result.model.of(StringLiteral)}
    # the used default is recorded where it is used; the unused one where it is written
    assert ("aws_db_instance.d", "hunter2", 9, "default of variable db_password (main.tf:2)") in strings
    assert ("var.unused", "x", 6, None) in strings
    assert not any(s[0] == "var.db_password" for s in strings)


# -- locals and references ----------------------------------------------------------------------


def test_locals_chain_and_cycles(tmp_path: Path) -> None:
    mod = load(
        tmp_path,
        {
            "main.tf": 'locals {\n  prefix = "app"\n  name = "${local.prefix}-logs"\n'
            "  a = local.b\n  b = local.a\n  self_ref = local.self_ref\n}\n"
            'resource "aws_s3_bucket" "b" {\n  bucket = local.name\n  acl = local.a\n'
            "  x = local.self_ref\n  y = local.missing\n}\n"
        },
    )
    items = body(mod, "aws_s3_bucket.b").items
    assert items["bucket"].value == "app-logs"
    assert items["bucket"].loc == Location("main.tf", 9, 12)
    assert items["bucket"].origin == "local.name (main.tf:3)"
    assert isinstance(items["acl"], UnknownNode)
    assert isinstance(items["x"], UnknownNode)
    assert isinstance(items["y"], UnknownNode)


def test_local_policy_document_keeps_its_own_positions(tmp_path: Path) -> None:
    mod = load(
        tmp_path,
        {
            "main.tf": 'locals {\n  doc = {\n    Statement = [{\n      Action = "*"\n    }]\n  }\n}\n'
            'resource "aws_iam_policy" "p" {\n  policy = jsonencode(local.doc)\n}\n'
        },
    )
    policy = body(mod, "aws_iam_policy.p").items["policy"]
    (statement,) = policy.items["Statement"].items
    assert statement.loc == Location("main.tf", 3, 18)


def test_references_between_resources(tmp_path: Path) -> None:
    mod = load(
        tmp_path,
        {
            "main.tf": """\
resource "aws_s3_bucket" "b" {
  bucket = "logs"
  versioning {
    enabled = true
  }
}
resource "aws_s3_bucket_policy" "p" {
  bucket = aws_s3_bucket.b.bucket
  id2 = aws_s3_bucket.b.id
  v = aws_s3_bucket.b.versioning[0].enabled
  d = data.aws_caller_identity.me.account_id
  m = module.vpc.id
  c = aws_s3_bucket.b[0].bucket
  s = aws_s3_bucket.b[*].arn
}
"""
        },
    )
    items = body(mod, "aws_s3_bucket_policy.p").items
    assert items["bucket"].value == "logs" and items["bucket"].loc == Location("main.tf", 8, 12)
    assert items["bucket"].origin == "aws_s3_bucket.b.bucket (main.tf:2)"
    assert isinstance(items["id2"], UnknownNode) and items["id2"].ref == "aws_s3_bucket.b"
    assert items["v"].value is True
    assert isinstance(items["d"], UnknownNode) and items["d"].ref == "data.aws_caller_identity.me"
    assert isinstance(items["m"], UnknownNode) and items["m"].ref is None
    assert items["c"].value == "logs"
    assert isinstance(items["s"], UnknownNode) and items["s"].ref == "aws_s3_bucket.b"


def test_mutually_referencing_resources_do_not_loop(tmp_path: Path) -> None:
    mod = load(
        tmp_path,
        {
            "main.tf": 'resource "aws_sqs_queue" "a" {\n  name = aws_sqs_queue.b.name\n}\n'
            'resource "aws_sqs_queue" "b" {\n  name = aws_sqs_queue.a.name\n}\n'
        },
    )
    assert isinstance(body(mod, "aws_sqs_queue.a").items["name"], UnknownNode)
    assert isinstance(body(mod, "aws_sqs_queue.b").items["name"], UnknownNode)


# -- blocks, count, dynamic ---------------------------------------------------------------------


def test_nested_blocks_are_lists_of_maps_located_at_the_block(tmp_path: Path) -> None:
    mod = load(
        tmp_path,
        {
            "main.tf": """\
resource "aws_s3_bucket" "b" {
  count = 1
  lifecycle {
    prevent_destroy = true
  }
  rule {
    id = 1
  }
  rule {
    id = 2
  }
}
"""
        },
    )
    b = body(mod, "aws_s3_bucket.b")
    assert set(b.items) == {"rule", "lifecycle"}
    assert to_python(b.items["lifecycle"]) == [{"prevent_destroy": True}]
    rules = b.items["rule"]
    assert isinstance(rules, ListNode) and [r.loc.line for r in rules.items] == [6, 9]
    assert b.key_locs["rule"] == Location("main.tf", 6, 3)


def test_dynamic_blocks(tmp_path: Path) -> None:
    mod = load(
        tmp_path,
        {
            "main.tf": """\
variable "ports" {
  default = [80, 443]
}
resource "aws_security_group" "g" {
  dynamic "ingress" {
    for_each = var.ports
    content {
      from_port = ingress.value
      cidr = "0.0.0.0/0"
    }
  }
  dynamic "egress" {
    for_each = var.unknown_list
    iterator = rule
    content {
      to_port = rule.value
      cidr = "10.0.0.0/8"
    }
  }
  dynamic "none" {
    for_each = []
    content {
      x = 1
    }
  }
}
"""
        },
    )
    b = body(mod, "aws_security_group.g")
    assert [to_python(i) for i in b.items["ingress"].items] == [
        {"from_port": 80, "cidr": "0.0.0.0/0"},
        {"from_port": 443, "cidr": "0.0.0.0/0"},
    ]
    assert b.items["ingress"].items[0].loc == Location("main.tf", 5, 3)
    (egress,) = b.items["egress"].items
    assert isinstance(egress.items["to_port"], UnknownNode)
    assert egress.items["cidr"].value == "10.0.0.0/8"
    assert b.items["none"].items == []
    assert mod.dynamic_unknown["aws_security_group.g"] == {"egress"}


def test_count_and_for_each(tmp_path: Path, captured: dict[str, list[ResourceView]]) -> None:
    files = {
        "main.tf": 'variable "create" {\n  default = false\n}\n'
        'resource "aws_s3_bucket" "off" {\n  count = 0\n}\n'
        'resource "aws_s3_bucket" "by_default" {\n  count = var.create ? 1 : 0\n}\n'
        'resource "aws_s3_bucket" "two" {\n  count = 2\n}\n'
        'resource "aws_s3_bucket" "each" {\n  for_each = toset(["a", "b", "a"])\n}\n'
        'resource "aws_s3_bucket" "unknown" {\n  count = length(data.x.y.ids)\n}\n'
        'resource "aws_s3_bucket" "empty" {\n  for_each = {}\n}\n'
        'resource "aws_s3_bucket" "plain" {}\n'
    }
    result = adapt_module(write(tmp_path, files), lambda p: p.name)
    assert not result.problems
    counts = {v.address: v.count for v in captured["aws_s3_bucket"]}
    assert counts == {
        "aws_s3_bucket.two": 2,
        "aws_s3_bucket.each": 2,
        "aws_s3_bucket.unknown": None,
        "aws_s3_bucket.plain": 1,
        # off only by the scanned module's own default: the deployer may switch it on
        "aws_s3_bucket.by_default": None,
    }


# -- aws_iam_policy_document --------------------------------------------------------------------

POLICY_DOCUMENT = """data "aws_iam_policy_document" "p" {
  statement {
    sid       = "Public"
    actions   = ["s3:GetObject"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = ["111122223333"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceVpc"
      values   = ["vpc-1"]
    }
  }

  statement {
    effect      = "Deny"
    not_actions = ["iam:*"]
    not_resources = ["arn:aws:s3:::b"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}

resource "aws_s3_bucket_policy" "b" {
  bucket = "b"
  policy = data.aws_iam_policy_document.p.json
}
"""


def test_policy_document_statements_are_located_at_their_blocks(tmp_path: Path) -> None:
    mod = load(tmp_path, {"main.tf": POLICY_DOCUMENT})
    doc = body(mod, "aws_s3_bucket_policy.b").items["policy"]
    assert isinstance(doc, MapNode)
    assert doc.items["Version"].value == "2012-10-17"
    first, second = doc.items["Statement"].items
    assert first.loc == Location("main.tf", 2, 3)
    assert second.loc == Location("main.tf", 28, 3)
    assert to_python(first) == {
        "Sid": "Public",
        "Effect": "Allow",
        "Action": ["s3:GetObject"],
        "Resource": ["*"],
        "Principal": {"AWS": ["*", "arn:aws:iam::111122223333:root"]},
        "Condition": {"StringEquals": {"aws:SourceAccount": ["111122223333"], "aws:SourceVpc": ["vpc-1"]}},
    }
    assert first.key_locs["Action"] == Location("main.tf", 4, 5)
    assert first.items["Action"].items[0].loc == Location("main.tf", 4, 18)
    assert first.items["Effect"].loc == first.loc  # the default: where the statement opens
    assert to_python(second) == {
        "Effect": "Deny",
        "NotAction": ["iam:*"],
        "NotResource": ["arn:aws:s3:::b"],
        "Principal": "*",
    }
    assert second.key_locs["Effect"] == Location("main.tf", 29, 5)


def test_policy_document_source_and_override_documents_merge_by_sid(tmp_path: Path) -> None:
    mod = load(
        tmp_path,
        {
            "main.tf": """\
data "aws_iam_policy_document" "base" {
  statement {
    sid = "A"
    actions = ["s3:Get*"]
  }
  statement {
    sid = "B"
    actions = ["s3:List*"]
  }
}
data "aws_iam_policy_document" "merged" {
  source_policy_documents = [data.aws_iam_policy_document.base.json]
  override_policy_documents = [jsonencode({ Statement = [{ Sid = "B", Action = "s3:*" }] }), data.x.y.json]
  statement {
    sid = "A"
    actions = ["ec2:*"]
  }
  statement {
    actions = ["sqs:*"]
  }
}
"""
        },
    )
    doc = mod.policy_document(mod.decls["data.aws_iam_policy_document.merged"])
    statements = doc.items["Statement"].items
    assert [to_python(s.items.get("Action")) for s in statements[:3]] == [["ec2:*"], "s3:*", ["sqs:*"]]
    assert statements[0].loc == Location("main.tf", 14, 3)
    assert isinstance(statements[3], UnknownNode)  # an unresolvable override: document incomplete


def test_dynamic_statements_in_policy_document(
    tmp_path: Path, captured: dict[str, list[ResourceView]]
) -> None:
    files = {
        "main.tf": 'data "aws_iam_policy_document" "d" {\n'
        '  dynamic "statement" {\n    for_each = ["s3:*", "sqs:*"]\n    content {\n'
        '      actions = [statement.value]\n      resources = ["*"]\n    }\n  }\n}\n'
    }
    result = adapt_module(write(tmp_path, files), lambda p: p.name)
    assert not result.problems
    (view,) = captured["data.aws_iam_policy_document"]
    assert view.address == "data.aws_iam_policy_document.d"
    doc = view.extra["policy_document"]
    assert [to_python(s.items["Action"]) for s in doc.items["Statement"].items] == [["s3:*"], ["sqs:*"]]
    assert all(s.loc == Location("main.tf", 2, 3) for s in doc.items["Statement"].items)


def test_policy_document_conditional_is_a_choice(tmp_path: Path) -> None:
    mod = load(
        tmp_path,
        {
            "main.tf": """\
resource "aws_iam_policy" "p" {
  policy = jsonencode({
    Statement = [{ Action = var.admin ? "*" : "s3:GetObject" }]
  })
}
"""
        },
    )
    (statement,) = body(mod, "aws_iam_policy.p").items["policy"].items["Statement"].items
    action = statement.items["Action"]
    assert isinstance(action, ChoiceNode)
    assert [label for label, _ in action.options] == ["var.admin is true", "var.admin is false"]


def test_override_files_merge_into_the_blocks_they_name(tmp_path: Path) -> None:
    mod = load(
        tmp_path,
        {
            "main.tf": """\
locals {
  acl = "public-read"
}
resource "aws_s3_bucket" "b" {
  acl = local.acl
  bucket = "b"
  versioning {
    enabled = true
  }
}
""",
            "main_override.tf": """\
resource "aws_s3_bucket" "b" {
  acl = "private"
  versioning {
    enabled = false
  }
}
""",
            "override.tf.json": '{"locals": {"acl": "authenticated-read"}}',
        },
    )
    b = body(mod, "aws_s3_bucket.b")
    assert b.items["acl"].value == "private" and b.items["acl"].loc == Location("main_override.tf", 2, 9)
    assert b.items["bucket"].value == "b"
    assert to_python(b.items["versioning"]) == [{"enabled": False}]
    assert mod.local("acl", Location("x", 1, 1)).value == "authenticated-read"


def test_nested_loops_over_large_collections_stop_early(tmp_path: Path) -> None:
    mod = load(
        tmp_path,
        {
            "main.tf": """\
resource "aws_sqs_queue" "q" {
  tags = [for a in range(1000) : [for b in range(1000) : a]]
}
"""
        },
    )
    start = time.process_time()
    tags = body(mod, "aws_sqs_queue.q").items["tags"]
    assert time.process_time() - start < 3
    assert any(isinstance(item, UnknownNode) for item in tags.items)


# -- .tf.json --------------------------------------------------------------------------------------


def test_tf_json_module(tmp_path: Path) -> None:
    text = """{
  "variable": {"engine": {"default": "postgres"}},
  "locals": {"prefix": "app"},
  "resource": {
    "aws_db_instance": {
      "d": {
        "engine": "${var.engine}",
        "identifier": "${local.prefix}-db",
        "count": 1,
        "tags": {"Name": "$${literal}"},
        "dynamic": {"setting": {"for_each": "${[1, 2]}", "content": {"v": "${setting.value}"}}}
      }
    }
  },
  "data": {"aws_iam_policy_document": {"p": {"statement": [{"actions": ["s3:*"], "resources": ["*"]}]}}},
  "provider": {"aws": [{"region": "us-east-1"}]},
  "terraform": {"backend": {"s3": {"bucket": "state"}}}
}
"""
    mod = load(tmp_path, {"main.tf.json": text})
    d = body(mod, "aws_db_instance.d")
    assert d.items["engine"].value == "postgres"
    assert d.items["engine"].loc == Location("main.tf.json", 7, 22)
    assert d.items["engine"].origin == "default of variable engine (main.tf.json:2)"
    assert d.items["identifier"].value == "app-db"
    assert d.items["tags"].items["Name"].value == "${literal}"
    assert [to_python(x) for x in d.items["setting"].items] == [{"v": 1}, {"v": 2}]
    assert "count" not in d.items and mod.decls["aws_db_instance.d"].loc == Location("main.tf.json", 6, 7)
    doc = mod.policy_document(mod.decls["data.aws_iam_policy_document.p"])
    (statement,) = doc.items["Statement"].items
    assert to_python(statement) == {"Effect": "Allow", "Action": ["s3:*"], "Resource": ["*"]}
    assert statement.loc == Location("main.tf.json", 15, 60)
    assert [b.labels for b in mod.providers] == [["aws"]]
    assert mod.terraform[0].body.blocks[0].labels == ["s3"]


# -- dispatch, strings, problems -----------------------------------------------------------------


def test_views_and_strings_reach_the_model(tmp_path: Path, captured: dict[str, list[ResourceView]]) -> None:
    files = {
        "main.tf": 'provider "aws" {\n  access_key = "AKIAEXAMPLEEXAMPLE12"\n}\n'
        'terraform {\n  backend "s3" {\n    secret_key = "s3cr3t"\n  }\n}\n'
        'module "db" {\n  source = "./db"\n  password = "modpass"\n}\n'
        'output "o" {\n  value = "outval"\n}\n'
        'resource "aws_s3_bucket" "b" {\n  bucket = "my-bucket"\n  name = "n"\n}\n'
        'data "aws_iam_policy_document" "p" {}\n'
    }
    result = adapt_module(write(tmp_path, files), lambda p: f"mod/{p.name}")
    assert not result.problems
    owners = {(s.owner, s.value, str(s.loc)) for s in result.model.of(StringLiteral)}
    assert ("provider.aws", "AKIAEXAMPLEEXAMPLE12", "mod/main.tf:2:16") in owners
    assert ("terraform.backend.s3", "s3cr3t", "mod/main.tf:6:18") in owners
    assert ("module.db", "modpass", "mod/main.tf:11:14") in owners
    assert ("output.o", "outval", "mod/main.tf:14:11") in owners
    assert ("aws_s3_bucket.b", "my-bucket", "mod/main.tf:17:12") in owners
    (bucket,) = captured["aws_s3_bucket"]
    assert bucket.address == "aws_s3_bucket.b" and bucket.type == "aws_s3_bucket"
    assert bucket.loc == Location("mod/main.tf", 16, 1)
    assert bucket.names == ("my-bucket", "n")
    assert bucket.condition is None and bucket.count == 1
    (doc,) = captured["data.aws_iam_policy_document"]
    assert doc.type == "data.aws_iam_policy_document"


def test_a_failing_handler_is_reported_and_others_still_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, captured: dict[str, list[ResourceView]]
) -> None:
    def broken(view: ResourceView, ctx: AdaptContext) -> None:
        raise ValueError("boom")

    monkeypatch.setitem(registry.TF, "aws_sqs_queue", [broken, *registry.TF["aws_sqs_queue"]])
    files = {"main.tf": 'resource "aws_sqs_queue" "q" {}\nresource "aws_s3_bucket" "b" {}\n'}
    result = adapt_module(write(tmp_path, files), lambda p: p.name)
    (problem,) = result.problems
    assert isinstance(problem, RuntimeError)
    assert "broken" in str(problem) and "aws_sqs_queue.q" in str(problem) and "boom" in str(problem)
    assert [v.address for v in captured["aws_sqs_queue"]] == ["aws_sqs_queue.q"]
    assert [v.address for v in captured["aws_s3_bucket"]] == ["aws_s3_bucket.b"]


def test_a_file_that_fails_to_parse_does_not_stop_the_module(
    tmp_path: Path, captured: dict[str, list[ResourceView]]
) -> None:
    files = {
        "bad.tf": 'resource "aws_s3_bucket" "x" {\n  bucket = "oops\n}\n',
        "binary.tf": "",
        "latin.tf": "",
        "good.tf": 'resource "aws_s3_bucket" "ok" {}\n',
        "broken.tf.json": '{"resource": ',
        "terraform.tfvars": "x = \n",
    }
    paths = write(tmp_path, files)
    (tmp_path / "binary.tf").write_bytes(b"\x00\x01\x02")
    (tmp_path / "latin.tf").write_bytes(b'a = 1\nb = "caf\xe9"\n')
    result = adapt_module(paths, lambda p: p.name)
    failures = {p.loc.path: p for p in result.problems}
    assert all(isinstance(p, ParseFailure) for p in result.problems)
    assert set(failures) == {"bad.tf", "binary.tf", "latin.tf", "broken.tf.json", "terraform.tfvars"}
    assert failures["bad.tf"].loc.line == 2 and "unterminated string" in failures["bad.tf"].message
    assert failures["latin.tf"].loc == Location("latin.tf", 2, 9)
    assert [v.address for v in captured["aws_s3_bucket"]] == ["aws_s3_bucket.ok"]


# -- performance and robustness ------------------------------------------------------------------


def test_one_file_adapts_quickly_after_the_parser_is_loaded(tmp_path: Path) -> None:
    text = POLICY_DOCUMENT + "".join(
        f'resource "aws_s3_bucket" "b{i}" {{\n  bucket = "b-{i}"\n  tags = {{ Name = "x" }}\n}}\n'
        for i in range(100)
    )
    paths = write(tmp_path, {"main.tf": text})
    adapt_module(paths, str)  # loads the parser and the handlers
    start = time.process_time()  # CPU time: other processes on the machine do not count
    result = adapt_module(paths, str)
    assert time.process_time() - start < 0.25
    assert not result.problems


def test_the_hcl_parser_is_imported_only_for_hcl(tmp_path: Path) -> None:
    """A ``.tf.json`` module (or a pipeline that never meets Terraform) does not pay for Lark."""
    paths = write(tmp_path, {"main.tf.json": '{"resource": {"aws_sqs_queue": {"q": {"name": "q"}}}}'})
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from lpcheck.adapters.terraform import adapt_module\n"
        "assert 'lark' not in sys.modules\n"
        f"adapt_module([Path({str(paths[0])!r})], str)\n"
        "print('lark' in sys.modules, 'hcl2' in sys.modules)\n"
    )
    src = str(Path(__file__).resolve().parents[1] / "src")
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={"PYTHONPATH": src}
    )
    assert out.stdout.split() == ["False", "False"], out.stderr


def test_every_corpus_module_adapts_without_internal_errors() -> None:
    """Every directory of Terraform files under ../shared/corpora: no exception, no internal error."""
    root = shared_path("corpora")
    modules: dict[Path, list[Path]] = defaultdict(list)
    for path in root.rglob("*"):
        name = path.name.lower()
        if path.is_file() and name.endswith((".tf", ".tf.json", ".tfvars", ".tfvars.json")):
            modules[path.parent].append(path)
    assert len(modules) > 100
    for directory, files in sorted(modules.items()):
        result = AdaptResult(Model())
        mod = TerraformModule(sorted(files), lambda p: str(p.relative_to(root)), result)
        mod.adapt()
        internal = [p for p in result.problems if not isinstance(p, ParseFailure)]
        assert not internal, (directory, internal)
        assert not result.problems, (directory, result.problems)
        assert not mod.ev.internal_errors and not mod.literal_ev.internal_errors, directory


# -- literals for the secret rules ------------------------------------------------------------------


def test_tfvars_values_no_expression_takes_are_recorded_where_written(tmp_path: Path) -> None:
    files = {
        "main.tf": 'variable "used" {}\nvariable "unused" {}\n'
        'resource "aws_sqs_queue" "q" {\n  name = var.used\n}\n',
        "terraform.tfvars": 'used = "q-name"\nunused = "declared-not-used"\n'
        'undeclared = "AKIAIOSFODNN7EXAMPLE"\nnested = { token = "inner" }\n',
    }
    result = adapt_module(write(tmp_path, files), lambda p: p.name)
    strings = {(s.owner, s.value, str(s.loc), s.path, s.origin) for s in result.model.of(StringLiteral)}
    assert ("aws_sqs_queue.q", "q-name", "main.tf:4:10", ("name",), "terraform.tfvars:1") in strings
    assert ("tfvars", "declared-not-used", "terraform.tfvars:2:10", ("tfvars", "unused"), None) in strings
    assert (
        "tfvars",
        "AKIAIOSFODNN7EXAMPLE",
        "terraform.tfvars:3:14",
        ("tfvars", "undeclared"),
        None,
    ) in strings
    assert ("tfvars", "inner", "terraform.tfvars:4:20", ("tfvars", "nested", "token"), None) in strings
    assert not any(s[0] == "tfvars" and s[1] == "q-name" for s in strings)  # taken where used


def test_templates_with_unknown_parts_are_recorded_as_written(tmp_path: Path) -> None:
    files = {
        "main.tf": """\
resource "aws_instance" "web" {
  user_data = <<-EOT
    #!/bin/bash
    export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
    echo ${var.suffix}
  EOT
  tags = {
    Name = "web-${var.suffix}"
    Both = "literal"
  }
}
locals {
  token = "ghp_${var.suffix}"
}
"""
    }
    result = adapt_module(write(tmp_path, files), lambda p: p.name)
    strings = {(s.value, str(s.loc), s.owner, s.path) for s in result.model.of(StringLiteral)}
    heredoc = "    #!/bin/bash\n    export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n    echo ${var.suffix}\n"
    assert (heredoc, "main.tf:3:1", "aws_instance.web", ("user_data",)) in strings
    assert ("web-${var.suffix}", "main.tf:8:12", "aws_instance.web", ("tags", "Name")) in strings
    assert ("literal", "main.tf:9:12", "aws_instance.web", ("tags", "Both")) in strings
    assert ("ghp_${var.suffix}", "main.tf:13:11", "local.token", ("token",)) in strings
    assert len([s for s in strings if s[0] == "literal"]) == 1


def test_a_key_beside_an_interpolation_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lpcheck.engine import scan

    write(
        tmp_path,
        {
            "main.tf": 'variable "suffix" {}\nresource "aws_s3_bucket" "b" {\n'
            '  tags = { K = "AKIAIOSFODNN7EXAMPLE-${var.suffix}" }\n}\n'
        },
    )
    monkeypatch.chdir(tmp_path)
    found = [(f.rule_id, f.loc.line, f.loc.column) for f in scan(["main.tf"]).findings]
    assert ("LP201", 3, 16) in found


# -- variable types, dynamic statements over unknown collections -------------------------------------


def test_optional_object_attributes_are_null_or_their_default(tmp_path: Path) -> None:
    mod = load(
        tmp_path,
        {
            "main.tf": """\
variable "rules" {
  type = map(object({
    name    = string
    port    = optional(number, 443)
    cidrs   = optional(list(string))
    nested  = optional(object({ flag = optional(bool, true) }), {})
  }))
  default = {
    web = { name = "web" }
    ssh = { name = "ssh", port = 22, cidrs = ["10.0.0.0/8"], nested = { flag = false } }
  }
}
resource "aws_sqs_queue" "q" {
  tags = var.rules
}
"""
        },
    )
    tags = to_python(body(mod, "aws_sqs_queue.q").items["tags"])
    assert tags == {
        "web": {"name": "web", "port": 443, "cidrs": None, "nested": {"flag": True}},
        "ssh": {"name": "ssh", "port": 22, "cidrs": ["10.0.0.0/8"], "nested": {"flag": False}},
    }


def test_statements_of_a_dynamic_block_over_an_unknown_collection_are_unknown(tmp_path: Path) -> None:
    mod = load(
        tmp_path,
        {
            "main.tf": """\
data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["*"]
    dynamic "principals" {
      for_each = var.principals
      content {
        type        = principals.value.type
        identifiers = principals.value.identifiers
      }
    }
    dynamic "not_principals" {
      for_each = var.not_principals
      content {
        type        = not_principals.value.type
        identifiers = not_principals.value.identifiers
      }
    }
  }
  dynamic "statement" {
    for_each = var.statements
    content {
      actions     = statement.value.actions
      not_actions = statement.value.not_actions
    }
  }
}
"""
        },
    )
    doc = mod.policy_document(mod.decls["data.aws_iam_policy_document.d"])
    first, second = doc.items["Statement"].items
    assert "NotPrincipal" not in first.items  # stand-ins of both kinds: one unknown Principal
    assert isinstance(first.items["Principal"], UnknownNode)
    assert isinstance(second, UnknownNode)  # not a statement with both Action and NotAction


def test_local_literals_are_recorded_at_their_use_or_where_written_when_unused(tmp_path: Path) -> None:
    files = {
        "main.tf": 'locals {\n  used = "at-use"\n  unused = "at-definition"\n}\n'
        'resource "aws_sqs_queue" "q" {\n  name = local.used\n}\n'
    }
    result = adapt_module(write(tmp_path, files), lambda p: p.name)
    strings = sorted((s.value, str(s.loc), s.owner) for s in result.model.of(StringLiteral))
    assert strings == [
        ("at-definition", "main.tf:3:12", "local.unused"),
        ("at-use", "main.tf:6:10", "aws_sqs_queue.q"),
    ]
