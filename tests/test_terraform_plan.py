"""``terraform show -json`` plans: resources with positions, unknown-after-apply values, modules."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from conftest import FIXTURES
from lpcheck.adapters import registry
from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.terraform.plan import adapt_plan, with_unknowns
from lpcheck.adapters.view import ResourceView
from lpcheck.errors import ParseFailure
from lpcheck.location import Location
from lpcheck.model.resources import StringLiteral
from lpcheck.parsers.jsonpos import parse_json
from lpcheck.parsers.nodes import ListNode, MapNode, ScalarNode, UnknownNode, to_python

PLAN = FIXTURES / "terraform" / "modules.plan.json"
SHOWN = "plans/modules.plan.json"


@pytest.fixture
def views(monkeypatch: pytest.MonkeyPatch) -> dict[str, ResourceView]:
    """Adapt the fixture plan with a handler that records every view it is given."""
    seen: dict[str, ResourceView] = {}
    contexts: list[AdaptContext] = []
    registry.load_handlers()

    def record(view: ResourceView, ctx: AdaptContext) -> None:
        seen[view.address] = view
        contexts.append(ctx)

    types = (
        "aws_s3_bucket",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_sqs_queue",
        "data.aws_iam_policy",
    )
    for key in types:
        monkeypatch.setitem(registry.TF, key, [record])
    result = adapt_plan(PLAN, SHOWN, PLAN.read_text())
    assert not result.problems
    assert all(ctx.format == "terraform-plan" for ctx in contexts)
    assert set(contexts[0].resources) == set(seen)
    return seen


def test_resources_of_root_and_child_modules(views: dict[str, ResourceView]) -> None:
    assert set(views) == {
        "aws_s3_bucket.logs",
        "aws_s3_bucket_server_side_encryption_configuration.logs",
        "data.aws_iam_policy.admin",
        "module.queue.aws_sqs_queue.this[0]",
        "module.queue.module.dlq.aws_sqs_queue.dlq",
    }
    bucket = views["aws_s3_bucket.logs"]
    assert bucket.type == "aws_s3_bucket" and bucket.loc == Location(SHOWN, 7, 9)
    assert bucket.names == ("my-logs",) and bucket.count == 1
    assert views["data.aws_iam_policy.admin"].type == "data.aws_iam_policy"


def test_values_keep_positions_in_the_plan(views: dict[str, ResourceView]) -> None:
    sse = views["aws_s3_bucket_server_side_encryption_configuration.logs"]
    algorithm = sse.value("rule.apply_server_side_encryption_by_default.sse_algorithm")
    assert algorithm.raw == "AES256" and algorithm.loc == Location(SHOWN, 31, 38)
    assert sse.key_loc("rule") == Location(SHOWN, 26, 13)


def test_null_is_unset_and_after_apply_values_are_unknown(views: dict[str, ResourceView]) -> None:
    bucket = views["aws_s3_bucket.logs"].body
    assert "tags" not in bucket.items
    inline = bucket.items["server_side_encryption_configuration"]
    assert isinstance(inline, UnknownNode) and inline.ref is None
    assert inline.loc == Location(SHOWN, 15, 53)
    assert isinstance(bucket.items["arn"], UnknownNode)  # only in after_unknown: at the resource
    assert (
        "kms_master_key_id"
        not in to_python(views["aws_s3_bucket_server_side_encryption_configuration.logs"].body)["rule"][0][
            "apply_server_side_encryption_by_default"
        ][0]
    )


def test_unknown_values_name_the_resource_the_configuration_references(
    views: dict[str, ResourceView],
) -> None:
    target = views["aws_s3_bucket_server_side_encryption_configuration.logs"].body.items["bucket"]
    assert isinstance(target, UnknownNode) and target.ref == "aws_s3_bucket.logs"


def test_policy_strings_and_provider_credentials_are_recorded() -> None:
    result = adapt_plan(PLAN, SHOWN, PLAN.read_text())
    strings = {(s.owner, s.value): s.loc for s in result.model.of(StringLiteral)}
    assert strings[("provider.aws", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")] == Location(SHOWN, 126, 31)
    assert ("provider.aws", "us-east-1") in strings
    assert strings[("aws_s3_bucket.logs", "my-logs")] == Location(SHOWN, 13, 23)
    (policy_loc,) = [
        loc for (owner, value), loc in strings.items() if owner.endswith("this[0]") and "{" in value
    ]
    assert policy_loc == Location(SHOWN, 61, 27)


def test_with_unknowns_mirrors_nested_structures() -> None:
    values = parse_json('{"a": [{"b": null, "c": 1}], "d": {"e": "x"}}', "p.json")
    unknown = parse_json('{"a": [{"b": true}], "d": {"f": true}, "g": true}', "p.json")
    out = with_unknowns(values, unknown, Location("p.json", 1, 1))
    assert isinstance(out, MapNode)
    (item,) = out.items["a"].items
    assert isinstance(item.items["b"], UnknownNode) and item.items["c"].value == 1
    assert isinstance(out.items["d"].items["f"], UnknownNode) and out.items["d"].items["e"].value == "x"
    assert isinstance(out.items["g"], UnknownNode)
    assert isinstance(out.items["a"], ListNode) and isinstance(item.items["c"], ScalarNode)


@pytest.mark.parametrize(
    ("text", "line", "cause"),
    [
        ('{\n  "planned_values": {\n    "root_module": [\n}', 4, "invalid JSON"),
        ("{}\x00", 1, "binary"),
        ('{\n  "a": "\ufffd"\n}', 2, "UTF-8"),
    ],
)
def test_unreadable_plans_are_parse_failures(text: str, line: int, cause: str) -> None:
    result = adapt_plan(Path("x.plan.json"), "x.plan.json", text)
    (problem,) = result.problems
    assert isinstance(problem, ParseFailure) and problem.loc.line == line and cause in problem.message


def test_odd_plan_shapes_do_not_raise() -> None:
    for text in (
        '{"planned_values": 3}',
        '{"planned_values": {"root_module": {"resources": [1, {"address": 2}]}}}',
        "[]",
    ):
        result = adapt_plan(Path("x.plan.json"), "x.plan.json", text)
        assert not result.problems


def test_handlers_see_each_planned_resource_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: dict[str, int] = defaultdict(int)
    registry.load_handlers()

    def count(view: ResourceView, ctx: AdaptContext) -> None:
        calls[view.address] += 1

    monkeypatch.setitem(registry.TF, "aws_sqs_queue", [count])
    adapt_plan(PLAN, SHOWN, PLAN.read_text())
    assert dict(calls) == {
        "module.queue.aws_sqs_queue.this[0]": 1,
        "module.queue.module.dlq.aws_sqs_queue.dlq": 1,
    }


def test_sensitive_inputs_are_unknown_and_literal_settings_are_recorded() -> None:
    path = FIXTURES / "terraform" / "sensitive.plan.json"
    result = adapt_plan(path, "s.plan.json", path.read_text())
    assert not result.problems
    strings = {(s.owner, s.path, s.value): s.loc for s in result.model.of(StringLiteral)}
    # a password the configuration writes literally is kept; one from a variable is not hardcoded
    assert ("aws_db_instance.literal", ("password",), "written-in-code-1") in strings
    assert not any(value == "supplied-in-ci-1" for _, _, value in strings)
    assert strings[("provider.aws", ("assume_role", "external_id"), "ext-id-literal")] == Location(
        "s.plan.json", 31, 48
    )
    assert ("module.app", ("api_token",), "tok-literal-1") in strings
    assert ("module.app.module.inner", ("secret",), "inner-literal-1") in strings


def test_views_carry_their_configuration_expressions(views: dict[str, ResourceView]) -> None:
    """Handlers tell a constant from a planning input (``-var``) by the configuration."""
    sse = views["aws_s3_bucket_server_side_encryption_configuration.logs"]
    expressions = sse.extra["expressions"]
    assert isinstance(expressions, MapNode)
    assert to_python(expressions.items["bucket"]) == {
        "references": ["aws_s3_bucket.logs.id", "aws_s3_bucket.logs"]
    }
    queue = views["module.queue.aws_sqs_queue.this[0]"]  # matched through the module call, index ignored
    assert isinstance(queue.extra["expressions"], MapNode) and not queue.extra["expressions"].items
    assert "expressions" not in views["aws_s3_bucket.logs"].extra  # not in the configuration
