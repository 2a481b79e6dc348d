"""Local child modules: a caller's arguments evaluated into the child's resources, which reach the
caller's model under ``module.x.`` addresses, with caller-passed values pointing at the caller."""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

import pytest

from lpcheck.adapters import registry
from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.terraform import adapt_module, source
from lpcheck.adapters.terraform.module import TerraformModule
from lpcheck.adapters.view import ResourceView
from lpcheck.engine import scan
from lpcheck.location import Location
from lpcheck.model.container import Model
from lpcheck.model.iam import PolicyDocument
from lpcheck.model.resources import StringLiteral
from lpcheck.parsers.nodes import ChoiceNode, MapNode, ScalarNode, UnknownNode, to_python
from lpcheck.result import AdaptResult

DB_MODULE = {
    "modules/db/variables.tf": """\
variable "multi_az" {
  default = true
}
variable "encrypted" {
  default = true
}
variable "engine" {
  default = "postgres"
}
variable "create" {
  default = true
}
""",
    "modules/db/main.tf": """\
resource "aws_db_instance" "this" {
  count             = var.create ? 1 : 0
  engine            = var.engine
  multi_az          = var.multi_az
  storage_encrypted = var.encrypted
}

output "engine" {
  value = aws_db_instance.this[0].engine
}
output "fixed" {
  value = "fixed-value"
}
output "arn" {
  value = aws_db_instance.this[0].arn
}
""",
}


def write(tmp_path: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def root_files(tmp_path: Path, directory: str = ".") -> list[Path]:
    base = tmp_path / directory
    return sorted(p for p in base.iterdir() if p.is_file() and p.name.endswith((".tf", ".tfvars")))


def shown(tmp_path: Path):
    return lambda p: os.path.relpath(p, tmp_path)


@pytest.fixture
def views(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[ResourceView]]:
    """Every view a handler receives, and every view of the unit (under "*" keys), by type."""
    seen: dict[str, list[ResourceView]] = defaultdict(list)
    registry.load_handlers()

    def record(view: ResourceView, ctx: AdaptContext) -> None:
        seen[view.type].append(view)
        seen["*ctx"] = list(ctx.resources.values())

    for key in ("aws_db_instance", "aws_sqs_queue", "aws_iam_role_policy_attachment", "module"):
        monkeypatch.setitem(registry.TF, key, [*registry.TF.get(key, []), record])
    return seen


def adapt(tmp_path: Path, directory: str = ".") -> AdaptResult:
    result = adapt_module(root_files(tmp_path, directory), shown(tmp_path))
    assert not result.problems, result.problems
    return result


# -- arguments, addresses, locations ---------------------------------------------------------------


def test_child_resources_get_module_addresses_and_caller_values(
    tmp_path: Path, views: dict[str, list[ResourceView]]
) -> None:
    write(
        tmp_path,
        {
            **DB_MODULE,
            "main.tf": """\
module "db" {
  source   = "./modules/db"
  multi_az = false
  engine   = "mysql"
}
""",
        },
    )
    adapt(tmp_path)
    db = {v.address: v for v in views["aws_db_instance"]}["module.db.aws_db_instance.this"]
    assert db.loc == Location("modules/db/main.tf", 1, 1)  # the block is the child's
    multi_az = db.node("multi_az")
    assert isinstance(multi_az, ScalarNode) and multi_az.value is False
    assert multi_az.loc == Location("main.tf", 3, 14)  # the caller's literal
    assert db.key_loc("multi_az") == Location("main.tf", 3, 14)  # settings point at the caller
    assert multi_az.origin == (
        "argument multi_az of module.db, used by module.db.aws_db_instance.this (modules/db/main.tf:4)"
    )
    # a value the child takes from its own default keeps the child's place
    encrypted = db.node("storage_encrypted")
    assert encrypted.value is True and encrypted.loc.path == "modules/db/main.tf"
    assert db.key_loc("storage_encrypted") == Location("modules/db/main.tf", 5, 3)
    assert db.value("engine").raw == "mysql"


def test_a_finding_caused_by_an_argument_points_at_the_caller(tmp_path: Path, monkeypatch) -> None:
    write(
        tmp_path,
        {
            **DB_MODULE,
            "examples/complete/main.tf": """\
module "db" {
  source   = "../../modules/db"
  multi_az = false
}
module "ok" {
  source = "../../modules/db"
}
""",
        },
    )
    monkeypatch.chdir(tmp_path)
    result = scan(["examples/complete/main.tf"])
    found = [(f.rule_id, str(f.loc.path), f.loc.line, f.message) for f in result.findings]
    (lp401,) = [f for f in found if f[0] == "LP401"]
    assert lp401[1:3] == ("examples/complete/main.tf", 3)
    assert "module.db.aws_db_instance.this" in lp401[3]
    assert "argument multi_az of module.db, used by module.db.aws_db_instance.this" in lp401[3]
    assert "(../../modules/db/main.tf:4)" in lp401[3]


def test_nested_modules_keep_the_outermost_caller_place(tmp_path: Path, views) -> None:
    write(
        tmp_path,
        {
            **DB_MODULE,
            "wrapper/main.tf": """\
variable "multi_az" {
  default = true
}
module "inner" {
  source   = "../modules/db"
  multi_az = var.multi_az
}
output "engine" {
  value = module.inner.engine
}
""",
            "main.tf": """\
module "outer" {
  source   = "./wrapper"
  multi_az = false
}
""",
        },
    )
    adapt(tmp_path)
    (db,) = views["aws_db_instance"]
    assert db.address == "module.outer.module.inner.aws_db_instance.this"
    node = db.node("multi_az")
    assert node.value is False and node.loc == Location("main.tf", 3, 14)
    assert node.origin == (
        "argument multi_az of module.outer, used by "
        "module.outer.module.inner.aws_db_instance.this (modules/db/main.tf:4)"
    )


def test_tfvars_apply_to_the_root_only_and_flow_through_arguments(tmp_path: Path, views) -> None:
    write(
        tmp_path,
        {
            **DB_MODULE,
            "modules/db/terraform.tfvars": 'multi_az = false\nengine = "oracle"\n',
            "variables.tf": 'variable "engine" {\n  default = "postgres"\n}\n',
            "terraform.tfvars": 'engine = "mariadb"\n',
            "main.tf": 'module "db" {\n  source = "./modules/db"\n  engine = var.engine\n}\n',
        },
    )
    adapt(tmp_path)
    (db,) = views["aws_db_instance"]
    assert db.value("multi_az").raw is True  # the child's own tfvars are not read
    engine = db.node("engine")
    assert engine.value == "mariadb" and engine.loc == Location("main.tf", 3, 12)
    assert engine.origin.startswith("terraform.tfvars:1, argument engine of module.db, used by ")


def test_module_outputs_resolve_when_literal(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            **DB_MODULE,
            "main.tf": """\
module "db" {
  source = "./modules/db"
  engine = "mysql"
}
module "remote" {
  source = "terraform-aws-modules/rds/aws"
}
resource "aws_sqs_queue" "q" {
  name   = module.db.engine
  tags   = { F = module.db.fixed, R = module.remote.id }
  policy = module.db.arn
}
""",
        },
    )
    result = AdaptResult(Model())
    mod = TerraformModule(root_files(tmp_path), shown(tmp_path), result)
    body = mod.body(mod.decls["aws_sqs_queue.q"])
    name = body.items["name"]
    assert name.value == "mysql" and name.loc == Location("main.tf", 9, 12)  # the caller's literal
    fixed = body.items["tags"].items["F"]
    assert fixed.value == "fixed-value" and fixed.loc == Location("main.tf", 10, 18)
    assert fixed.origin == "output fixed of module.db (modules/db/main.tf:12)"
    assert isinstance(body.items["tags"].items["R"], UnknownNode)  # registry sources are not read
    policy = body.items["policy"]
    assert isinstance(policy, UnknownNode) and policy.ref == "module.db.aws_db_instance.this"


def test_count_zero_module_calls_are_not_expanded(tmp_path: Path, views) -> None:
    write(
        tmp_path,
        {
            **DB_MODULE,
            "terraform.tfvars": "enabled = false\n",
            "main.tf": """\
variable "enabled" {
  default = true
}
module "off" {
  source   = "./modules/db"
  count    = var.enabled ? 1 : 0
  multi_az = false
}
module "disabled_inside" {
  source = "./modules/db"
  create = false
}
module "two" {
  source   = "./modules/db"
  count    = 2
}
""",
        },
    )
    adapt(tmp_path)
    assert [v.address for v in views["aws_db_instance"]] == ["module.two.aws_db_instance.this"]
    assert views["aws_db_instance"][0].count == 2
    everything = {v.address: v for v in views["*ctx"]}
    assert everything["module.off"].type == "module" and everything["module.off"].count == 0
    assert not any(a.startswith("module.off.") for a in everything)
    # a block the child never creates is there for its neighbours, with count 0
    assert everything["module.disabled_inside.aws_db_instance.this"].count == 0


def test_module_calls_are_views_of_type_module(tmp_path: Path, views) -> None:
    write(
        tmp_path,
        {
            "main.tf": """\
resource "aws_sqs_queue" "dlq" {
  name = "dlq"
}
module "consumer" {
  source                 = "terraform-aws-modules/lambda/aws"
  version                = "7.0.0"
  dead_letter_target_arn = aws_sqs_queue.dlq.arn
  timeout                = 30
}
"""
        },
    )
    adapt(tmp_path)
    (call,) = views["module"]
    assert call.address == "module.consumer" and call.loc == Location("main.tf", 4, 1)
    assert set(call.body.items) == {"dead_letter_target_arn", "timeout"}
    target = call.node("dead_letter_target_arn")
    assert isinstance(target, UnknownNode) and target.ref == "aws_sqs_queue.dlq"


def test_module_cycles_and_depth_are_bounded(tmp_path: Path) -> None:
    files = {
        "main.tf": 'module "a" {\n  source = "./a"\n}\n',
        "a/main.tf": 'module "b" {\n  source = "../b"\n}\nresource "aws_sqs_queue" "qa" {}\n',
        "b/main.tf": 'module "a" {\n  source = "../a"\n}\nmodule "self" {\n  source = "./"\n}\n'
        'resource "aws_sqs_queue" "qb" {}\n',
    }
    chain = "".join(f'module "m" {{\n  source = "../d{i + 1}"\n}}\n' for i in range(1))
    for i in range(8):
        files[f"d{i}/main.tf"] = (
            f'module "m" {{\n  source = "../d{i + 1}"\n}}\nresource "aws_sqs_queue" "q{i}" {{}}\n'
        )
    files["deep.tf"] = chain.replace("../d1", "./d0")
    write(tmp_path, files)
    result = AdaptResult(Model())
    mod = TerraformModule(root_files(tmp_path), shown(tmp_path), result)
    addresses = [f"{i.prefix}{a}" for i in mod.instances() for a in i.decls]
    assert "module.a.aws_sqs_queue.qa" in addresses
    assert "module.a.module.b.aws_sqs_queue.qb" in addresses
    assert not any(".module.a.module.b." in a for a in addresses)  # a -> b -> a stops
    deepest = max(a.count("module.") for a in addresses)
    assert deepest == 5  # MAX_DEPTH levels of calls


def test_a_module_directory_is_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(
        tmp_path,
        {
            **DB_MODULE,
            "one/main.tf": 'module "a" {\n  source = "../modules/db"\n}\n'
            'module "b" {\n  source = "../modules/db"\n}\n',
            "two/main.tf": 'module "c" {\n  source = "../modules/db"\n}\n',
        },
    )
    parsed: list[str] = []
    original = source.ModuleSource._load

    def counting(self, path: Path, kind: str, override: bool = False) -> None:
        parsed.append(path.name if "modules" not in path.parts else f"modules/{path.name}")
        original(self, path, kind, override)

    monkeypatch.setattr(source.ModuleSource, "_load", counting)
    source._CACHE.clear()
    adapt(tmp_path, "one")
    adapt(tmp_path, "two")
    assert sorted(parsed) == ["main.tf", "main.tf", "modules/main.tf", "modules/variables.tf"]


# -- IAM through modules ------------------------------------------------------------------------------

ROLE_MODULE = {
    "modules/role/variables.tf": """\
variable "policies" {
  type    = map(string)
  default = {}
}
variable "statements" {
  type = map(object({
    sid       = optional(string)
    actions   = optional(list(string))
    not_actions = optional(list(string))
    effect    = optional(string, "Allow")
    resources = optional(list(string))
  }))
  default = {}
}
""",
    "modules/role/main.tf": """\
resource "aws_iam_role" "this" {
  name               = "r"
  assume_role_policy = "{}"
}
resource "aws_iam_role_policy_attachment" "this" {
  for_each   = var.policies
  role       = aws_iam_role.this.name
  policy_arn = each.value
}
data "aws_iam_policy_document" "inline" {
  dynamic "statement" {
    for_each = var.statements
    content {
      sid         = try(coalesce(statement.value.sid, statement.key))
      effect      = statement.value.effect
      actions     = statement.value.actions
      not_actions = statement.value.not_actions
      resources   = statement.value.resources
    }
  }
}
resource "aws_iam_role_policy" "inline" {
  role   = aws_iam_role.this.name
  policy = data.aws_iam_policy_document.inline.json
}
""",
}


def test_statements_built_from_caller_maps_point_at_the_caller(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            **ROLE_MODULE,
            "main.tf": """\
module "role" {
  source = "./modules/role"
  statements = {
    Admin = {
      actions   = ["*"]
      resources = ["*"]
    }
    Read = {
      effect    = "Allow"
      actions   = ["s3:GetObject"]
      resources = ["arn:aws:s3:::b/*"]
    }
  }
}
""",
        },
    )
    result = adapt(tmp_path)
    docs = [d for d in result.model.of(PolicyDocument) if "module.role" in d.owner]
    statements = [s for d in docs for s in d.statements]
    assert [(s.loc.path, s.loc.line) for s in statements] == [("main.tf", 4), ("main.tf", 8)]
    admin = statements[0]
    assert admin.not_actions is None  # optional() attributes left out are null, not unknown
    assert [a.raw for a in admin.actions] == ["*"] and admin.sid.raw == "Admin"
    assert admin.effect.raw == "Allow"


def test_managed_policies_per_module_instance(tmp_path: Path, monkeypatch) -> None:
    write(
        tmp_path,
        {
            **ROLE_MODULE,
            "main.tf": """\
module "roles" {
  source   = "./modules/role"
  for_each = {
    admin    = { Admin = "arn:aws:iam::aws:policy/AdministratorAccess" }
    readonly = { Read = "arn:aws:iam::aws:policy/ReadOnlyAccess" }
  }
  policies = each.value
}
""",
        },
    )
    monkeypatch.chdir(tmp_path)
    result = scan(["main.tf"])
    (lp101,) = [f for f in result.findings if f.rule_id == "LP101"]
    assert (lp101.loc.path, lp101.loc.line) == ("main.tf", 4)
    assert 'each.key = "admin" in module.roles' in lp101.message


def test_caller_strings_are_recorded_once_and_child_literals_not_at_all(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "modules/app/main.tf": """\
variable "token" {}
resource "aws_ssm_parameter" "p" {
  name  = "child-literal"
  value = var.token
}
""",
            "main.tf": 'module "app" {\n  source = "./modules/app"\n  token  = "caller-literal"\n}\n',
        },
    )
    result = adapt(tmp_path)
    strings = [(s.value, str(s.loc)) for s in result.model.of(StringLiteral)]
    assert strings.count(("caller-literal", "main.tf:3:12")) == 1
    assert not any(v == "child-literal" for v, _ in strings)


# -- instances --------------------------------------------------------------------------------------


def test_each_and_count_are_choices_per_instance(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """\
locals {
  arns = toset(["arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess"])
}
resource "aws_iam_role_policy_attachment" "a" {
  for_each   = local.arns
  role       = "r"
  policy_arn = each.value
}
resource "aws_sqs_queue" "q" {
  count = 2
  name  = "q-${count.index}"
  delay_seconds = [10, 20][count.index]
}
resource "aws_sqs_queue" "one" {
  for_each = { solo = 5 }
  delay_seconds = each.value
}
"""
        },
    )
    result = AdaptResult(Model())
    mod = TerraformModule(root_files(tmp_path), shown(tmp_path), result)
    arn = mod.body(mod.decls["aws_iam_role_policy_attachment.a"]).items["policy_arn"]
    assert isinstance(arn, ChoiceNode)
    assert [label for label, _ in arn.options] == [
        'each.key = "arn:aws:iam::aws:policy/AdministratorAccess"',
        'each.key = "arn:aws:iam::aws:policy/ReadOnlyAccess"',
    ]
    q = mod.body(mod.decls["aws_sqs_queue.q"])
    assert [(label, n.value) for label, n in q.items["name"].options] == [
        ("count.index = 0", "q-0"),
        ("count.index = 1", "q-1"),
    ]
    assert [n.value for _, n in q.items["delay_seconds"].options] == [10, 20]
    one = mod.body(mod.decls["aws_sqs_queue.one"])
    assert one.items["delay_seconds"].value == 5  # a single instance is not a choice
    assert mod.count(mod.decls["aws_iam_role_policy_attachment.a"]) == 2


def test_each_value_admin_is_reported_once_naming_the_instance(tmp_path: Path, monkeypatch) -> None:
    write(
        tmp_path,
        {
            "main.tf": """\
resource "aws_iam_role_policy_attachment" "a" {
  for_each = toset([
    "arn:aws:iam::aws:policy/AdministratorAccess",
    "arn:aws:iam::aws:policy/ReadOnlyAccess",
  ])
  role       = "r"
  policy_arn = each.value
}
"""
        },
    )
    monkeypatch.chdir(tmp_path)
    (lp101,) = [f for f in scan(["main.tf"]).findings if f.rule_id == "LP101"]
    assert lp101.loc.line == 3
    assert 'each.key = "arn:aws:iam::aws:policy/AdministratorAccess"' in lp101.message


def test_count_zero_blocks_are_neighbours_not_dispatched(tmp_path: Path, views) -> None:
    write(
        tmp_path,
        {
            "terraform.tfvars": "create_dlq = false\n",
            "main.tf": """\
variable "create_dlq" {
  default = true
}
resource "aws_sqs_queue" "dlq" {
  count = var.create_dlq ? 1 : 0
  name  = "dlq"
}
resource "aws_sqs_queue" "main" {
  name = "main"
}
""",
        },
    )
    adapt(tmp_path)
    assert [v.address for v in views["aws_sqs_queue"]] == ["aws_sqs_queue.main"]
    everything = {v.address: v for v in views["*ctx"]}
    dlq = everything["aws_sqs_queue.dlq"]
    assert dlq.count == 0 and dlq.value("name").raw == "dlq"


# -- partitions ---------------------------------------------------------------------------------------


def test_aws_partition_resolves_to_the_aws_partition(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """\
data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}
locals {
  admin = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AdministratorAccess"
}
resource "aws_sqs_queue" "q" {
  name = local.admin
  tags = {
    dns   = "s3.${data.aws_partition.current.dns_suffix}"
    acct  = data.aws_caller_identity.current.account_id
  }
}
"""
        },
    )
    result = AdaptResult(Model())
    mod = TerraformModule(root_files(tmp_path), shown(tmp_path), result)
    body = mod.body(mod.decls["aws_sqs_queue.q"])
    assert body.items["name"].value == "arn:aws:iam::aws:policy/AdministratorAccess"
    assert to_python(body.items["tags"])["dns"] == "s3.amazonaws.com"
    assert isinstance(body.items["tags"].items["acct"], UnknownNode)


def test_view_bodies_are_maps(tmp_path: Path, views) -> None:
    write(tmp_path, {**DB_MODULE, "main.tf": 'module "db" {\n  source = "./modules/db"\n}\n'})
    adapt(tmp_path)
    assert all(isinstance(v.body, MapNode) for v in views["*ctx"])


def test_module_sources_far_above_the_scanned_module_are_not_read(tmp_path: Path) -> None:
    deep = "a/b/c/d/e/f"
    write(
        tmp_path,
        {
            **DB_MODULE,
            f"{deep}/main.tf": 'module "far" {\n  source = "../../../../../../modules/db"\n}\n'
            'module "near" {\n  source = "../../../../modules/db"\n}\n',
            "a/b/modules/db/main.tf": 'resource "aws_sqs_queue" "near" {}\n',
        },
    )
    result = AdaptResult(Model())
    mod = TerraformModule(root_files(tmp_path, deep), shown(tmp_path), result)
    assert [i.prefix for i in mod.instances()] == ["", "module.near."]


def test_registry_modules_already_installed_by_terraform_init_are_read(tmp_path: Path, views) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'module "db" {\n  source   = "terraform-aws-modules/rds/aws"\n  version  = "6.0.0"\n'
            "  multi_az = false\n}\n"
            'module "missing" {\n  source = "git::https://example.com/x.git"\n}\n',
            ".terraform/modules/modules.json": '{"Modules": [{"Key": "", "Source": "", "Dir": "."}, '
            '{"Key": "db", "Source": "registry.terraform.io/terraform-aws-modules/rds/aws", '
            '"Version": "6.0.0", "Dir": ".terraform/modules/db"}]}',
            ".terraform/modules/db/main.tf": DB_MODULE["modules/db/main.tf"],
            ".terraform/modules/db/variables.tf": DB_MODULE["modules/db/variables.tf"],
        },
    )
    adapt(tmp_path)
    (db,) = views["aws_db_instance"]
    assert db.address == "module.db.aws_db_instance.this"
    assert db.node("multi_az").loc == Location("main.tf", 4, 14)


def test_module_fan_out_is_bounded(tmp_path: Path) -> None:
    """Ten calls per level, five levels deep: 100,000 instances if nothing stopped it."""
    files = {"main.tf": "".join(f'module "m{i}" {{\n  source = "./l1"\n}}\n' for i in range(10))}
    for level in range(1, 6):
        files[f"{'/'.join(f'l{j}' for j in range(1, level + 1))}/main.tf"] = (
            "".join(f'module "m{i}" {{\n  source = "./l{level + 1}"\n}}\n' for i in range(10))
            + 'resource "aws_sqs_queue" "q" {}\n'
        )
    write(tmp_path, files)
    result = AdaptResult(Model())
    mod = TerraformModule(root_files(tmp_path), shown(tmp_path), result)
    assert len(mod.instances()) == 1 + 200  # the scanned module and MAX_MODULES children
