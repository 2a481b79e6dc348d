"""Terraform values that keep what links them and what they say when they cannot be resolved:
partly known templates (their text), instances of count/for_each resources, base64 functions,
where a template's value came from, ``lifecycle`` and the layout of indented heredocs."""

from __future__ import annotations

from pathlib import Path

from lpcheck.adapters.terraform.evaluate import UNK, Evaluator, InstanceNode, known
from lpcheck.adapters.terraform.module import TerraformModule
from lpcheck.location import Location
from lpcheck.model.container import Model
from lpcheck.model.resources import StringLiteral
from lpcheck.parsers.hcl import parse_hcl
from lpcheck.parsers.nodes import (
    ChoiceNode,
    ListNode,
    MapNode,
    Node,
    PartialText,
    ScalarNode,
    TextNode,
    UnknownNode,
    to_python,
)
from lpcheck.result import AdaptResult
from lpcheck.secrets.layout import TextLayout, locate


def ev(expr: str) -> Node:
    """Evaluate ``x = <expr>`` written on line 1 of e.tf (no module references)."""
    body = parse_hcl(f"x = {expr}\n", "e.tf")
    evaluator = Evaluator(None, None, lambda p: p.name)
    node = evaluator.eval(body.attrs["x"].expr)
    assert not evaluator.internal_errors
    return node


def load(tmp_path: Path, **files: str) -> TerraformModule:
    paths = []
    for name, text in files.items():
        path = tmp_path / name.replace("__", ".")
        path.write_text(text)
        paths.append(path)
    return TerraformModule(paths, lambda p: p.name, AdaptResult(Model()))


def attr(mod: TerraformModule, address: str, name: str) -> Node | None:
    return mod.body(mod.decls[address]).items.get(name)


# -- templates with unknown parts keep their text -------------------------------------------------


def test_partial_template_keeps_its_text_and_reference(tmp_path: Path) -> None:
    mod = load(
        tmp_path,
        main__tf='data "aws_caller_identity" "me" {}\n'
        'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'
        'resource "aws_x" "x" {\n'
        '  private = "${aws_s3_bucket.b.arn}/private/*"\n'
        '  public  = "${aws_s3_bucket.b.arn}/public/*"\n'
        '  queue   = "arn:aws:sqs:us-east-1:${data.aws_caller_identity.me.account_id}:dlq"\n'
        "}\n",
    )
    private, public = attr(mod, "aws_x.x", "private"), attr(mod, "aws_x.x", "public")
    assert isinstance(private, PartialText) and isinstance(public, PartialText)
    assert private.text == "${aws_s3_bucket.b.arn}/private/*"
    assert public.text == "${aws_s3_bucket.b.arn}/public/*"
    assert private.ref == public.ref == "aws_s3_bucket.b"
    assert private.loc == Location("main.tf", 6, 13)
    queue = attr(mod, "aws_x.x", "queue")
    assert isinstance(queue, PartialText)
    assert queue.text == "arn:aws:sqs:us-east-1:${data.aws_caller_identity.me.account_id}:dlq"


def test_partial_text_survives_locals_attributes_and_json_documents(tmp_path: Path) -> None:
    mod = load(
        tmp_path,
        main__tf='variable "env" {}\n'
        'locals {\n  name = "${var.env}-queue"\n}\n'
        'resource "aws_sqs_queue" "q" {\n  name = local.name\n}\n'
        'resource "aws_x" "x" {\n'
        "  from_local = local.name\n"
        "  from_attr  = aws_sqs_queue.q.name\n"
        "  doc = <<EOF\n"
        '{"Resource": "arn:aws:s3:::${var.env}-data/*", "Whole": "${var.env}"}\n'
        "EOF\n"
        "}\n",
    )
    from_local = attr(mod, "aws_x.x", "from_local")
    assert isinstance(from_local, PartialText) and from_local.text == "${var.env}-queue"
    assert from_local.loc == Location("main.tf", 9, 16)  # where it is used
    from_attr = attr(mod, "aws_x.x", "from_attr")
    assert isinstance(from_attr, PartialText) and from_attr.text == "${var.env}-queue"
    assert from_attr.ref == "aws_sqs_queue.q"
    doc = attr(mod, "aws_x.x", "doc")
    assert isinstance(doc, MapNode)
    resource, whole = doc.items["Resource"], doc.items["Whole"]
    assert isinstance(resource, PartialText) and resource.text == "arn:aws:s3:::${var.env}-data/*"
    assert resource.loc.line == 12
    assert isinstance(whole, UnknownNode) and not isinstance(whole, PartialText)


def test_partial_template_per_instance_keeps_the_written_expression(tmp_path: Path) -> None:
    mod = load(
        tmp_path,
        main__tf='variable "suffix" {}\n'
        'resource "aws_x" "x" {\n  count = 2\n  name = "n-${count.index}-${var.suffix}"\n}\n',
    )
    name = attr(mod, "aws_x.x", "name")
    assert isinstance(name, ChoiceNode)
    texts = [o.text for _, o in name.options if isinstance(o, PartialText)]
    assert texts == ["n-0-${var.suffix}", "n-1-${var.suffix}"]


# -- instances of count / for_each resources ------------------------------------------------------

_USERS = (
    'resource "aws_iam_user" "ops" {\n  count = 2\n  name  = "ops-${count.index}"\n}\n'
    'resource "aws_iam_user" "dev" {\n  for_each = toset(["alice", "bob"])\n  name = each.key\n}\n'
)


def test_splat_index_and_key_of_counted_resources(tmp_path: Path) -> None:
    mod = load(
        tmp_path,
        main__tf=_USERS + 'resource "aws_x" "x" {\n'
        "  splat  = aws_iam_user.ops[*].name\n"
        "  first  = aws_iam_user.ops[1].name\n"
        '  keyed  = aws_iam_user.dev["bob"].name\n'
        "  listed = [for u in aws_iam_user.dev : u.name]\n"
        "  vals   = values(aws_iam_user.dev)[*].name\n"
        "  arns   = aws_iam_user.ops[*].arn\n"
        "}\n",
    )
    assert to_python(attr(mod, "aws_x.x", "splat")) == ["ops-0", "ops-1"]
    assert to_python(attr(mod, "aws_x.x", "first")) == "ops-1"
    assert to_python(attr(mod, "aws_x.x", "keyed")) == "bob"
    assert to_python(attr(mod, "aws_x.x", "listed")) == ["alice", "bob"]
    assert to_python(attr(mod, "aws_x.x", "vals")) == ["alice", "bob"]
    arns = attr(mod, "aws_x.x", "arns")
    assert isinstance(arns, ListNode) and len(arns.items) == 2
    assert all(isinstance(a, UnknownNode) and a.ref == "aws_iam_user.ops" for a in arns.items)


def test_an_instance_is_never_fully_known_and_its_computed_attributes_name_it(tmp_path: Path) -> None:
    mod = load(tmp_path, main__tf=_USERS + 'resource "aws_x" "x" {\n  all = aws_iam_user.dev\n}\n')
    whole = attr(mod, "aws_x.x", "all")
    assert isinstance(whole, MapNode) and set(whole.items) == {"alice", "bob"}
    bob = whole.items["bob"]
    assert isinstance(bob, InstanceNode) and bob.address == "aws_iam_user.dev"
    assert known(bob) is UNK
    assert to_python(bob.items["name"]) == "bob"


def test_for_each_over_another_resource_links_each_value_to_it(tmp_path: Path) -> None:
    mod = load(
        tmp_path,
        main__tf='resource "aws_s3_bucket" "b" {\n  for_each = toset(["a", "c"])\n'
        '  bucket = "x-${each.key}"\n}\n'
        'resource "aws_s3_bucket_versioning" "v" {\n'
        "  for_each = aws_s3_bucket.b\n"
        "  bucket   = each.value.id\n"
        "  name     = each.value.bucket\n"
        "}\n",
    )
    assert mod.count(mod.decls["aws_s3_bucket_versioning.v"]) == 2
    bucket = attr(mod, "aws_s3_bucket_versioning.v", "bucket")
    assert isinstance(bucket, ChoiceNode)
    assert all(isinstance(o, UnknownNode) and o.ref == "aws_s3_bucket.b" for _, o in bucket.options)
    assert all(o is not None and o.loc == Location("main.tf", 7, 14) for _, o in bucket.options)
    name = attr(mod, "aws_s3_bucket_versioning.v", "name")
    assert [to_python(o) for _, o in name.options] == ["x-a", "x-c"]  # type: ignore[union-attr]


def test_for_each_over_an_unknown_collection_of_a_resource_still_refers_to_it(tmp_path: Path) -> None:
    mod = load(
        tmp_path,
        main__tf='variable "names" {}\n'
        'resource "aws_secretsmanager_secret" "s" {\n  for_each = var.names\n  name = each.key\n}\n'
        'resource "aws_secretsmanager_secret_rotation" "r" {\n'
        "  for_each  = { for k, v in aws_secretsmanager_secret.s : k => v }\n"
        "  secret_id = each.value.id\n"
        "  key       = each.key\n"
        "}\n",
    )
    secret_id = attr(mod, "aws_secretsmanager_secret_rotation.r", "secret_id")
    assert isinstance(secret_id, UnknownNode) and secret_id.ref == "aws_secretsmanager_secret.s"
    assert secret_id.loc == Location("main.tf", 8, 15)  # where each.value is used
    key = attr(mod, "aws_secretsmanager_secret_rotation.r", "key")
    assert isinstance(key, UnknownNode) and key.ref is None


def test_for_each_over_a_variable_stays_unlinked(tmp_path: Path) -> None:
    mod = load(
        tmp_path,
        main__tf='variable "buckets" {}\n'
        'resource "aws_s3_bucket_versioning" "v" {\n  for_each = var.buckets\n  bucket = each.value.id\n}\n',
    )
    bucket = attr(mod, "aws_s3_bucket_versioning.v", "bucket")
    assert isinstance(bucket, UnknownNode) and bucket.ref is None


# -- base64 ------------------------------------------------------------------------------------


def test_base64encode_is_the_text_as_written() -> None:
    node = ev('base64encode("export TOKEN=abc")')
    assert isinstance(node, ScalarNode) and node.value == "export TOKEN=abc"
    assert node.loc == Location("e.tf", 1, 18)  # the literal, not the call
    assert to_python(ev('textencodebase64("x", "UTF-16LE")')) == "x"
    assert to_python(ev("base64encode(12)")) == "12"


def test_base64decode_of_a_literal_is_decoded_at_the_literal() -> None:
    node = ev('base64decode("aGVsbG8gd29ybGQ=")')
    assert isinstance(node, ScalarNode) and node.value == "hello world"
    assert node.loc == Location("e.tf", 1, 18)
    bad = ev('base64decode("not base64!")')
    assert isinstance(bad, UnknownNode) and bad.reason.startswith("error:")
    assert to_python(ev('try(base64decode("%%%"), "fallback")')) == "fallback"


def test_filebase64_reads_a_nearby_file(tmp_path: Path) -> None:
    (tmp_path / "init.sh").write_text("#!/bin/sh\necho hi\n")
    mod = load(
        tmp_path, main__tf='resource "aws_instance" "i" {\n  user_data_base64 = filebase64("init.sh")\n}\n'
    )
    node = attr(mod, "aws_instance.i", "user_data_base64")
    assert isinstance(node, ScalarNode) and node.value == "#!/bin/sh\necho hi\n"
    assert node.loc == Location("init.sh", 1, 1)


# -- where a template's value came from ------------------------------------------------------------


def test_template_names_the_variable_default_or_tfvars_entry(tmp_path: Path) -> None:
    mod = load(
        tmp_path,
        main__tf='variable "policy" {\n  default = "AdministratorAccess"\n}\n'
        'variable "account" {}\n'
        'locals {\n  prefix = "arn:aws:iam::aws:policy"\n}\n'
        'resource "aws_x" "x" {\n'
        '  from_default = "arn:aws:iam::aws:policy/${var.policy}"\n'
        '  from_tfvars  = "arn:aws:iam::${var.account}:root"\n'
        '  from_local   = "${local.prefix}/ReadOnlyAccess"\n'
        '  formatted    = format("arn:aws:iam::%s:root", var.account)\n'
        '  document     = <<EOF\n{"Resource": "arn:aws:iam::${var.account}:root", "Note": "x"}\nEOF\n'
        "}\n",
        terraform__tfvars='account = "123456789012"\n',
    )
    default = attr(mod, "aws_x.x", "from_default")
    assert isinstance(default, ScalarNode) and default.value == "arn:aws:iam::aws:policy/AdministratorAccess"
    assert default.origin == "default of variable policy (main.tf:2)"
    assert default.loc == Location("main.tf", 9, 18)
    tfvars = attr(mod, "aws_x.x", "from_tfvars")
    assert isinstance(tfvars, ScalarNode) and tfvars.origin == "terraform.tfvars:1"
    formatted = attr(mod, "aws_x.x", "formatted")
    assert isinstance(formatted, ScalarNode) and formatted.value == "arn:aws:iam::123456789012:root"
    assert formatted.origin == "terraform.tfvars:1"
    local = attr(mod, "aws_x.x", "from_local")
    # code of this module is not an input: the local's reference names it, not its parts
    assert isinstance(local, ScalarNode) and local.origin is None
    document = attr(mod, "aws_x.x", "document")
    # a document's own literals are written here: it does not come from the variable
    assert isinstance(document, ScalarNode) and "123456789012" in str(document.value)
    assert document.origin is None


# -- lifecycle -----------------------------------------------------------------------------------


def test_lifecycle_is_a_nested_block_with_the_names_written(tmp_path: Path) -> None:
    mod = load(
        tmp_path,
        main__tf='resource "aws_db_instance" "db" {\n  password = "x"\n'
        '  lifecycle {\n    ignore_changes = [password, tags["team"], "engine_version"]\n'
        "    prevent_destroy = true\n    replace_triggered_by = [aws_x.y]\n  }\n}\n"
        'resource "aws_db_instance" "all" {\n  lifecycle {\n    ignore_changes = all\n  }\n}\n',
        x__tf__json='{"resource": {"aws_db_instance": {"j": '
        '{"lifecycle": {"ignore_changes": ["password"]}}}}}',
    )
    life = attr(mod, "aws_db_instance.db", "lifecycle")
    assert isinstance(life, ListNode)
    assert to_python(life) == [
        {"ignore_changes": ["password", 'tags["team"]', "engine_version"], "prevent_destroy": True}
    ]
    names = life.items[0].items["ignore_changes"]  # type: ignore[attr-defined]
    assert names.items[0].loc == Location("main.tf", 4, 23)
    assert to_python(attr(mod, "aws_db_instance.all", "lifecycle")) == [{"ignore_changes": "all"}]
    assert to_python(attr(mod, "aws_db_instance.j", "lifecycle")) == [{"ignore_changes": ["password"]}]


# -- <<- heredocs --------------------------------------------------------------------------------


def test_indented_heredoc_text_is_laid_out_where_written(tmp_path: Path) -> None:
    mod = load(
        tmp_path,
        main__tf='resource "aws_instance" "i" {\n  user_data = <<-EOT\n\n      line one\n'
        "        export KEY=value\n  EOT\n}\n",
    )
    node = attr(mod, "aws_instance.i", "user_data")
    assert isinstance(node, TextNode) and node.value == "\nline one\n  export KEY=value\n"
    offset = node.value.index("KEY")
    assert locate(node.loc, node.value, offset, node.spans) == Location("main.tf", 5, 16)
    mod.adapt()
    model = mod.result.model
    literal = next(s for s in model.of(StringLiteral) if s.owner == "aws_instance.i")
    layout = next(t for t in model.of(TextLayout) if t.loc == literal.loc)
    assert layout.value == literal.value
    assert locate(literal.loc, literal.value, offset, layout.spans) == Location("main.tf", 5, 16)
