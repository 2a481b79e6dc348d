"""Evaluation of Terraform expressions into positioned nodes."""

from __future__ import annotations

from pathlib import Path

import pytest

from lpcheck.adapters.terraform.evaluate import Evaluator
from lpcheck.adapters.terraform.module import TerraformModule
from lpcheck.location import Location
from lpcheck.model.container import Model
from lpcheck.parsers.hcl import parse_hcl
from lpcheck.parsers.nodes import ChoiceNode, ListNode, MapNode, Node, ScalarNode, UnknownNode, to_python
from lpcheck.result import AdaptResult


def ev(expr: str, base_dir: Path | None = None) -> Node:
    """Evaluate ``x = <expr>`` written on line 1 of e.tf (no module references)."""
    body = parse_hcl(f"x = {expr}\n", "e.tf")
    evaluator = Evaluator(None, base_dir, lambda p: p.name if ".." not in p.parts else str(p))
    node = evaluator.eval(body.attrs["x"].expr)
    assert not evaluator.internal_errors
    return node


def module(tmp_path: Path, **files: str) -> TerraformModule:
    paths = []
    for name, text in files.items():
        path = tmp_path / name.replace("__", ".")
        path.write_text(text)
        paths.append(path)
    return TerraformModule(paths, lambda p: p.name, AdaptResult(Model()))


def attr(mod: TerraformModule, address: str, name: str) -> Node | None:
    return mod.body(mod.decls[address]).items.get(name)


# -- literals, strings, templates --------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "value"),
    [("42", 42), ("-3", -3), ("1.5", 1.5), ("true", True), ("false", False), ("null", None)],
)
def test_literals(expr: str, value: object) -> None:
    node = ev(expr)
    assert isinstance(node, ScalarNode) and node.value == value and type(node.value) is type(value)
    assert node.loc == Location("e.tf", 1, 5)


def test_string_escapes_and_escaped_interpolation() -> None:
    node = ev(r'"a\"b\\c\nd\u00e9 $${not} %%{nor}"')
    assert isinstance(node, ScalarNode)
    assert node.value == 'a"b\\c\ndé ${not} %{nor}'
    assert node.loc == Location("e.tf", 1, 5)


def test_template_of_known_parts_is_a_string() -> None:
    node = ev('"arn:${"aws"}:s3:::${upper("b")}-${1 + 1}-${true}"')
    assert isinstance(node, ScalarNode) and node.value == "arn:aws:s3:::B-2-true"


def test_lone_interpolation_keeps_the_type() -> None:
    node = ev('"${[1, 2]}"')
    assert isinstance(node, ListNode) and to_python(node) == [1, 2]


def test_template_with_an_unknown_part_is_unknown() -> None:
    node = ev('"${each.key}-x"')
    assert isinstance(node, UnknownNode)


def test_template_directives() -> None:
    assert ev('"%{ if true }yes%{ else }no%{ endif }"').value == "yes"
    assert ev('"%{ if 1 > 2 }yes%{ else }no%{ endif }"').value == "no"
    assert ev('"%{ for s in ["a", "b"] }${s};%{ endfor }"').value == "a;b;"
    assert ev('"a %{~ if true ~} b"').value == "ab"
    assert isinstance(ev('"%{ if each.value }x%{ endif }"'), UnknownNode)


def test_heredoc_is_located_at_its_first_body_line() -> None:
    text = 'a = 1\npolicy = <<EOF\n{\n  "Version": "2012-10-17"\n}\nEOF\n'
    node = Evaluator().eval(parse_hcl(text, "p.tf").attrs["policy"].expr)
    assert isinstance(node, ScalarNode)
    assert node.value == '{\n  "Version": "2012-10-17"\n}\n'
    assert node.loc == Location("p.tf", 3, 1)


def test_indented_heredoc_trims_the_common_indentation() -> None:
    text = "v = <<-EOT\n    line one\n      indented\n    EOT\n"
    node = Evaluator().eval(parse_hcl(text, "p.tf").attrs["v"].expr)
    assert node.value == "line one\n  indented\n"
    assert node.loc == Location("p.tf", 2, 1)


def test_heredoc_interpolation_and_empty_heredoc() -> None:
    text = 'v = <<EOT\nname=${upper("x")}\nEOT\ne = <<EOT\nEOT\n'
    body = parse_hcl(text, "p.tf")
    assert Evaluator().eval(body.attrs["v"].expr).value == "name=X\n"
    assert Evaluator().eval(body.attrs["e"].expr).value == ""


def test_heredoc_holding_only_a_document_keeps_its_positions() -> None:
    text = "p = <<EOT\n  ${jsonencode({\n    Statement = []\n  })}\nEOT\n"
    node = Evaluator().eval(parse_hcl(text, "p.tf").attrs["p"].expr)
    assert isinstance(node, MapNode) and node.key_locs["Statement"] == Location("p.tf", 3, 5)


def test_heredoc_json_with_unknown_parts_keeps_its_known_elements(tmp_path: Path) -> None:
    mod = module(
        tmp_path,
        main__tf="""resource "aws_s3_bucket" "b" {}
resource "aws_s3_bucket_policy" "p" {
  bucket = aws_s3_bucket.b.id
  policy = <<-POLICY
    {
      "Statement": [{
        "Effect": "Allow",
        "Action": "s3:*",
        "Resource": "${aws_s3_bucket.b.arn}/*",
        "Principal": ${jsonencode({ AWS = "*" })},
        "Sid": ${each.key}
      }]
    }
    POLICY
}
""",
    )
    policy = attr(mod, "aws_s3_bucket_policy.p", "policy")
    assert isinstance(policy, MapNode)
    assert policy.loc == Location("main.tf", 5, 5)
    (statement,) = policy.items["Statement"].items
    assert statement.loc == Location("main.tf", 6, 21)
    assert statement.items["Action"].value == "s3:*"
    assert statement.items["Action"].loc == Location("main.tf", 8, 19)
    resource = statement.items["Resource"]
    assert isinstance(resource, UnknownNode) and resource.ref == "aws_s3_bucket.b"
    assert resource.loc.line == 9
    assert to_python(statement.items["Principal"]) == {"AWS": "*"}
    assert isinstance(statement.items["Sid"], UnknownNode)


def test_quoted_json_with_unknown_parts_is_read_on_its_line() -> None:
    node = ev('"{\\"Statement\\": [{\\"Action\\": \\"*\\", \\"Resource\\": \\"${each.value}\\"}]}"')
    assert isinstance(node, MapNode) and node.loc.line == 1
    (statement,) = node.items["Statement"].items
    assert statement.items["Action"].value == "*"
    assert isinstance(statement.items["Resource"], UnknownNode)
    assert isinstance(ev('"plain ${each.value} text"'), UnknownNode)


# -- collections -------------------------------------------------------------------------------


def test_object_keys_quoted_unquoted_and_computed() -> None:
    node = ev('{ Name = "n", "with space" = 1, ("k${1}") = 2, (each.key) = 3, for = 4 }')
    assert isinstance(node, MapNode)
    assert list(node.items) == ["Name", "with space", "k1", "for"]
    assert node.key_locs["Name"] == Location("e.tf", 1, 7)
    assert node.key_locs["with space"] == Location("e.tf", 1, 19)
    assert node.items["with space"].loc == Location("e.tf", 1, 34)


def test_tuple_items_keep_their_positions() -> None:
    node = ev('["a",\n  "b"]')
    assert isinstance(node, ListNode)
    assert [item.loc for item in node.items] == [Location("e.tf", 1, 6), Location("e.tf", 2, 3)]


def test_for_expressions() -> None:
    assert to_python(ev('[for s in ["a", "b", ""] : upper(s) if s != ""]')) == ["A", "B"]
    assert to_python(ev("{for k, v in {b = 2, a = 1} : v => k}")) == {"1": "a", "2": "b"}
    assert to_python(ev('{for s in ["x", "y", "x"] : s => s...}')) == {"x": ["x", "x"], "y": ["y"]}
    assert to_python(ev("[for i, v in [10, 20] : i + v]")) == [10, 21]
    assert isinstance(ev("[for s in each.value : s]"), UnknownNode)


# -- operators and conditionals ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "value"),
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("7 % 4", 3),
        ("6 / 4", 1.5),
        ("-(2)", -2),
        ('"a" == "a"', True),
        ('1 == "1"', False),
        ("2 >= 3", False),
        ("true && !false", True),
        ("false && each.value", False),
        ("true || each.value", True),
        ("null == null", True),
    ],
)
def test_operators(expr: str, value: object) -> None:
    node = ev(expr)
    assert isinstance(node, ScalarNode) and node.value == value


def test_operators_on_unknown_values_are_unknown() -> None:
    assert isinstance(ev("each.value + 1"), UnknownNode)
    assert isinstance(ev("each.value == 1"), UnknownNode)
    assert isinstance(ev("true && each.value"), UnknownNode)


def test_conditional_with_known_predicate_takes_the_branch() -> None:
    node = ev('2 > 1 ? "yes" : "no"')
    assert node.value == "yes" and node.loc == Location("e.tf", 1, 13)


def test_conditional_with_unknown_predicate_is_a_choice() -> None:
    node = ev('each.value.enabled ? "aws:kms" : null')
    assert isinstance(node, ChoiceNode)
    (l1, yes), (l2, no) = node.options
    assert l1 == "each.value.enabled is true" and yes.value == "aws:kms"
    assert l2 == "each.value.enabled is false" and no is None


# -- functions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "value"),
    [
        ("merge({a = 1, b = 1}, null, {b = 2})", {"a": 1, "b": 2}),
        ("concat([1], [2, 3])", [1, 2, 3]),
        ("flatten([[1, [2]], 3])", [1, 2, 3]),
        ('lower("AbC")', "abc"),
        ('upper("abc")', "ABC"),
        ('trimspace("  x ")', "x"),
        ('format("%s-%d-%v%%", "a", 7, true)', "a-7-true%"),
        ('format("%q", "x")', '"x"'),
        ('join(",", ["a", "b"], ["c"])', "a,b,c"),
        ('split(",", "a,b")', ["a", "b"]),
        ('coalesce(null, "", "x", "y")', "x"),
        ('try(["a"][3], "fallback")', "fallback"),
        ("can([1][5])", False),
        ("can([1][0])", True),
        ('lookup({a = 1}, "b", 9)', 9),
        ('lookup({a = 1}, "a")', 1),
        ('element(["a", "b"], 3)', "b"),
        ("length([1, 2, 3])", 3),
        ('length("abcd")', 4),
        ("length({a = 1})", 1),
        ('contains(["a"], "a")', True),
        ('compact(["a", "", null, "b"])', ["a", "b"]),
        ("distinct([1, 2, 1])", [1, 2]),
        ("toset([2, 2, 1])", [2, 1]),
        ('replace("a-b-c", "-", "_")', "a_b_c"),
        ('replace("abc123", "/[0-9]+/", "#")', "abc#"),
        ('startswith("arn:aws", "arn:")', True),
        ('endswith("x.json", ".yaml")', False),
        ("min(3, 1, 2)", 1),
        ("max([4, 9]...)", 9),
        ('tolist(["a"])', ["a"]),
        ("tomap({a = 1})", {"a": 1}),
        ("tostring(5)", "5"),
        ('tonumber("12")', 12),
        ('tobool("true")', True),
        ("keys({b = 1, a = 2})", ["a", "b"]),
        ("values({b = 1, a = 2})", [2, 1]),
        ('zipmap(["a", "b"], [1, 2])', {"a": 1, "b": 2}),
        ('jsonencode("s")', '"s"'),
        ('jsondecode("{\\"a\\": [1, true]}")', {"a": [1, True]}),
        ("sum([1, 2])", 3),
        ('substr("hello", 1, 3)', "ell"),
        ("range(3)", [0, 1, 2]),
        ('one(["x"])', "x"),
        ('trimprefix("arn:aws", "arn:")', "aws"),
        ('sensitive("p")', "p"),
        ('index(["a", "b"], "b")', 1),
        ('alltrue([true, "true"])', True),
        ("slice([1, 2, 3], 1, 3)", [2, 3]),
    ],
)
def test_functions(expr: str, value: object) -> None:
    node = ev(expr)
    assert not isinstance(node, UnknownNode), node
    assert to_python(node) == value


def test_jsonencode_returns_its_argument_with_positions() -> None:
    node = ev('jsonencode({\n  Statement = [{ Action = "*" }]\n})')
    assert isinstance(node, MapNode)
    (statement,) = node.items["Statement"].items
    assert statement.loc == Location("e.tf", 2, 16)
    assert node.key_locs["Statement"] == Location("e.tf", 2, 3)


def test_jsondecode_positions_follow_the_string() -> None:
    text = 'x = jsondecode(<<EOF\n{\n  "a": 1\n}\nEOF\n)\n'
    node = Evaluator().eval(parse_hcl(text, "d.tf").attrs["x"].expr)
    assert isinstance(node, MapNode)
    assert node.loc == Location("d.tf", 2, 1)
    assert node.items["a"].loc == Location("d.tf", 3, 8)


@pytest.mark.parametrize(
    "expr",
    [
        "unknownfn(1)",
        'provider::aws::arn_parse("x")',
        "[1][each.key]",
        '"x"[0]',
        "timestamp()",
        "base64encode(each.value)",
        "merge(each.value, {a = 1})",
        "a.*.b",
        "var.x[*].id",
        "self.id",
        "count.index",
        "1 / 0",
        '{a = 1}["missing"]',
        "max()",
        'format("%d", "x")',
    ],
)
def test_strange_expressions_are_unknown_never_errors(expr: str) -> None:
    assert isinstance(ev(expr), UnknownNode)


def test_splat_over_a_known_list() -> None:
    assert to_python(ev("[{id = 1}, {id = 2}][*].id")) == [1, 2]


# -- files -------------------------------------------------------------------------------------


def test_file_of_a_json_document_is_positioned_in_that_file(tmp_path: Path) -> None:
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "p.json").write_text('{\n  "Statement": [\n    {"Action": "*"}\n  ]\n}\n')
    node = ev('file("${path.module}/policies/p.json")'.replace("${path.module}", "."), tmp_path)
    assert isinstance(node, MapNode)
    (statement,) = node.items["Statement"].items
    assert statement.loc == Location("p.json", 3, 5)


def test_file_of_text_is_a_string_at_its_first_line(tmp_path: Path) -> None:
    (tmp_path / "user_data.sh").write_text("#!/bin/sh\necho hi\n")
    node = ev('file("user_data.sh")', tmp_path)
    assert node.value == "#!/bin/sh\necho hi\n" and node.loc == Location("user_data.sh", 1, 1)


def test_file_outside_relative_paths_is_unknown(tmp_path: Path) -> None:
    assert isinstance(ev('file("/etc/passwd")', tmp_path), UnknownNode)
    assert isinstance(ev('file("missing.json")', tmp_path), UnknownNode)
    assert isinstance(ev('file("x.json")', None), UnknownNode)


def test_file_reads_near_the_module_only(tmp_path: Path) -> None:
    module_dir = tmp_path / "a" / "b" / "c" / "d" / "module"
    module_dir.mkdir(parents=True)
    (tmp_path / "a" / "b" / "c" / "shared.txt").write_text("near")
    (tmp_path / "far.txt").write_text("far")
    near = ev('file("../../shared.txt")', module_dir)
    assert near.value == "near" and near.loc == Location("shared.txt", 1, 1)
    assert isinstance(ev('file("../../../../../far.txt")', module_dir), UnknownNode)


def test_templatefile_renders_with_its_variables(tmp_path: Path) -> None:
    (tmp_path / "policy.json.tpl").write_text(
        '{\n  "Statement": [\n%{ for a in actions ~}\n    {"Action": "${a}", "Resource": "${arn}"},\n'
        '%{ endfor ~}\n    {"Action": "none", "Resource": "*"}\n  ]\n}\n'
    )
    node = ev('templatefile("policy.json.tpl", { actions = ["s3:*"], arn = each.value })', tmp_path)
    assert isinstance(node, MapNode)
    first, second = node.items["Statement"].items
    assert first.items["Action"].value == "s3:*"
    assert isinstance(first.items["Resource"], UnknownNode)
    assert second.loc.path == "policy.json.tpl"
    known = ev('templatefile("policy.json.tpl", { actions = ["a", "b"], arn = "x" })', tmp_path)
    assert isinstance(known, ScalarNode) and known.value.count('"Action"') == 3
    assert known.loc == Location("policy.json.tpl", 1, 1)


# -- per-instance choices, null comparisons, partial templates ---------------------------------------


def ev_scope(expr: str, **names: object) -> tuple[Node, Evaluator]:
    """Evaluate ``x = <expr>`` with names bound (nodes as given)."""
    from lpcheck.adapters.terraform.evaluate import Scope

    body = parse_hcl(f"x = {expr}\n", "e.tf")
    evaluator = Evaluator(None, None, lambda p: p.name)
    evaluator.partials = {}
    node = evaluator.eval(body.attrs["x"].expr, Scope(dict(names)))  # type: ignore[arg-type]
    assert not evaluator.internal_errors
    return node, evaluator


def instances(*values: object, label: str = "each.key") -> ChoiceNode:
    at = Location("e.tf", 1, 1)
    return ChoiceNode(loc=at, options=[(f'{label} = "{v}"', ScalarNode(loc=at, value=v)) for v in values])


@pytest.mark.parametrize(
    ("expr", "values"),
    [
        ('"role-${each.key}"', ["role-a", "role-b"]),
        ("upper(each.key)", ["A", "B"]),
        ('each.key == "a" ? "first" : "other"', ["first", "other"]),
        ("{ a = 1, b = 2 }[each.key]", [1, 2]),
        ('lookup({ a = "x" }, each.key, "none")', ["x", "none"]),
        ('[for s in each.key == "a" ? ["x"] : ["y", "z"] : upper(s)]', [["X"], ["Y", "Z"]]),
    ],
)
def test_values_computed_from_an_instance_choice_are_per_instance(expr: str, values: list) -> None:
    each = MapNode(loc=Location("e.tf", 1, 1), items={"key": instances("a", "b")})
    node, _ = ev_scope(expr, each=each)
    assert isinstance(node, ChoiceNode)
    assert [label for label, _ in node.options] == ['each.key = "a"', 'each.key = "b"']
    assert [to_python(n) for _, n in node.options] == values


def test_a_conditional_choice_is_not_spread_over_functions() -> None:
    node, _ = ev_scope('upper(var.x ? "a" : "b")')
    assert isinstance(node, UnknownNode)


@pytest.mark.parametrize(
    ("expr", "value"),
    [
        ("{ a = var.unknown } != null", True),
        ("{ a = var.unknown } == null", False),
        ("null == [var.unknown]", False),
        ('"x" != null', True),
    ],
)
def test_a_value_with_unknown_parts_is_still_not_null(expr: str, value: bool) -> None:
    node = ev(expr)
    assert isinstance(node, ScalarNode) and node.value is value


def test_templates_with_unknown_parts_are_recorded_as_written() -> None:
    node, evaluator = ev_scope('"AKIA${var.a}-key"')
    assert isinstance(node, UnknownNode)
    assert evaluator.partials == {Location("e.tf", 1, 5): ("AKIA${var.a}-key", "", ())}
    _, known_only = ev_scope('"all ${"known"}"')
    assert known_only.partials == {}  # a fully literal string is recorded as a literal elsewhere


def test_heredoc_with_unknown_parts_is_recorded_from_its_first_body_line() -> None:
    body = parse_hcl("x = <<-EOT\n    echo ${var.a}\n    export KEY=AKIA\nEOT\n", "e.tf")
    evaluator = Evaluator(None, None, lambda p: p.name)
    evaluator.partials = {}
    evaluator.context = ("aws_instance.web", ("user_data",))
    assert isinstance(evaluator.eval(body.attrs["x"].expr), UnknownNode)
    ((loc, (text, owner, path)),) = evaluator.partials.items()
    assert loc == Location("e.tf", 2, 1)
    assert text == "    echo ${var.a}\n    export KEY=AKIA\n"  # indentation kept: columns are real
    assert (owner, path) == ("aws_instance.web", ("user_data",))


def test_object_keys_are_the_context_of_partial_templates() -> None:
    _, evaluator = ev_scope('{ env = { TOKEN = "ghp_${var.a}" } }')
    ((text, _owner, path),) = evaluator.partials.values()
    assert path == ("env", "TOKEN") and text == "ghp_${var.a}"
