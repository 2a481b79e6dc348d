"""The CloudFormation front-end as a whole: views, handler dispatch, strings, parameters, SAM
Globals, CDK synth output, odd templates, and every template of the shared corpora."""

from __future__ import annotations

import json
import pickle
import textwrap
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, shared_path
from lpcheck.adapters import registry
from lpcheck.adapters.cloudformation import adapt_template
from lpcheck.adapters.cloudformation.template import adapt_tree
from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.view import ResourceView
from lpcheck.errors import ParseFailure
from lpcheck.location import Location
from lpcheck.model.container import Model
from lpcheck.model.resources import StringLiteral, TemplateParameter
from lpcheck.parsers.nodes import ChoiceNode, ListNode, MapNode, Node, ScalarNode, UnknownNode, to_python
from lpcheck.result import AdaptResult

CFN_FIXTURES = FIXTURES / "cloudformation"
Call = tuple[ResourceView, AdaptContext]


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[Call]:
    """Replace every registered handler by one recorder for all types seen in the tests."""
    seen: list[Call] = []

    def record(view: ResourceView, ctx: AdaptContext) -> None:
        seen.append((view, ctx))

    class Recording(dict):
        def get(self, key, default=None):  # type: ignore[no-untyped-def, override]
            return [record]

    monkeypatch.setattr(registry, "_loaded", True)
    monkeypatch.setattr(registry, "CFN", Recording())
    return seen


@pytest.fixture
def no_handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "_loaded", True)
    monkeypatch.setattr(registry, "CFN", {})


def line_of(text: str, needle: str, nth: int = 1) -> int:
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) >= nth, f"{needle!r} not found"
    return hits[nth - 1]


def run_file(name: str) -> tuple[AdaptResult, str]:
    path = CFN_FIXTURES / name
    text = path.read_text()
    fmt = "json" if name.endswith(".json") else "yaml"
    return adapt_template(path, name, text, fmt), text


def run_text(text: str, fmt: str = "yaml", display: str = "t.yaml") -> tuple[AdaptResult, str]:
    text = textwrap.dedent(text)
    return adapt_template(Path(display), display, text, fmt), text


# -- views and dispatch ---------------------------------------------------------------------------


def test_every_resource_gets_a_view_and_its_handlers(calls: list[Call]) -> None:
    result, text = run_text(
        """\
        Parameters:
          Env: {Type: String, Default: prod}
        Conditions:
          IsProd: !Equals [!Ref Env, prod]
        Resources:
          Logs:
            Type: AWS::S3::Bucket
            Condition: IsProd
            Properties:
              BucketName: !Sub "logs-${Env}"
          Queue:
            Type: AWS::SQS::Queue
            Properties:
              QueueName: orders
              KmsMasterKeyId: !Ref Key
          Key:
            Type: AWS::KMS::Key
        """
    )
    assert result.problems == []
    views = {v.address: v for v, _ in calls}
    assert list(views) == ["Logs", "Queue", "Key"]
    logs = views["Logs"]
    assert logs.type == "AWS::S3::Bucket"
    assert logs.loc.line == line_of(text, "Logs:") and logs.loc.column == 3
    assert logs.names == ("logs-prod",)
    assert logs.condition == "condition IsProd is true"
    assert views["Queue"].names == ("orders",)
    assert views["Queue"].value("KmsMasterKeyId").ref == "Key"
    key = views["Key"]  # no Properties: an empty body located at the resource
    assert key.body is not None and key.body.items == {} and key.body.loc == key.loc
    assert key.value("EnableKeyRotation").is_absent
    # Every view existed before the first handler ran, all share one context and one model.
    first_ctx = calls[0][1]
    assert set(first_ctx.resources) == {"Logs", "Queue", "Key"}
    assert first_ctx.format == "cloudformation"
    assert all(ctx is first_ctx for _, ctx in calls)
    assert first_ctx.model is result.model


def test_a_failing_handler_is_a_problem_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[str] = []

    def broken(view: ResourceView, ctx: AdaptContext) -> None:
        raise KeyError("boom")

    def fine(view: ResourceView, ctx: AdaptContext) -> None:
        ran.append(view.address)

    monkeypatch.setattr(registry, "_loaded", True)
    monkeypatch.setattr(registry, "CFN", {"AWS::S3::Bucket": [broken, fine], "AWS::SNS::Topic": [fine]})
    result, _ = run_text(
        """\
        Resources:
          A: {Type: AWS::S3::Bucket}
          B: {Type: AWS::SNS::Topic}
        """
    )
    assert ran == ["A", "B"]
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert isinstance(problem, RuntimeError) and not isinstance(problem, ParseFailure)
    assert "broken" in str(problem) and " for A:" in str(problem) and "boom" in str(problem)


# -- strings and parameters -----------------------------------------------------------------------


def test_strings_parameters_and_outputs(no_handlers: None) -> None:
    result, text = run_text(
        """\
        Parameters:
          DbPassword:
            Type: String
            NoEcho: true
            Default: Sup3rSecret!
          ApiToken:
            Type: String
            Default: tok-unused-0123456789
          OnlyInCondition:
            Type: String
            Default: AKIAIOSFODNN7EXAMPLE
          Plain:
            Type: String
        Conditions:
          HasKey: !Not [!Equals [!Ref OnlyInCondition, ""]]
        Resources:
          Db:
            Type: AWS::RDS::DBInstance
            Metadata:
              AWS::CloudFormation::Init:
                config:
                  files:
                    /etc/app.conf:
                      content: "password=inline"
            Properties:
              MasterUserPassword: !Ref DbPassword
              Engine: !Sub "${Plain}"
        Outputs:
          Conn:
            Value: !Sub "db://${DbPassword}@host"
        """
    )
    strings = result.model.of(StringLiteral)
    by_value = {s.value: s for s in strings}
    pw = by_value["Sup3rSecret!"]
    assert pw.owner == "Db" and pw.path == ("MasterUserPassword",)
    assert pw.loc.line == line_of(text, "MasterUserPassword")
    assert pw.origin == f"default of parameter DbPassword (t.yaml:{line_of(text, 'Default: Sup3rSecret!')})"
    meta = by_value["password=inline"]
    assert meta.owner == "Db" and meta.path[0] == "Metadata"
    out = by_value["db://Sup3rSecret!@host"]
    assert out.owner == "Outputs.Conn" and out.path == ("Outputs", "Conn", "Value")
    # Defaults that flow nowhere are recorded where they are written; used ones only at the use.
    assert by_value["tok-unused-0123456789"].path == ("Parameters", "ApiToken", "Default")
    assert by_value["AKIAIOSFODNN7EXAMPLE"].loc.line == line_of(text, "AKIAIOSFODNN7EXAMPLE")
    assert [s.path for s in strings if s.value == "Sup3rSecret!"] == [("MasterUserPassword",)]

    params = {p.name: p for p in result.model.of(TemplateParameter)}
    assert set(params) == {"DbPassword", "ApiToken", "OnlyInCondition", "Plain"}
    db = params["DbPassword"]
    assert db.address == "DbPassword" and db.loc.line == line_of(text, "DbPassword:")
    assert db.hidden is True and db.used is True
    assert db.default.raw == "Sup3rSecret!" and db.default.loc.line == line_of(text, "Default: Sup3rSecret!")
    assert params["ApiToken"].used is False and params["ApiToken"].hidden is False
    assert params["OnlyInCondition"].used is True  # referenced in Conditions
    assert params["Plain"].used is True and params["Plain"].default.is_absent


def test_everything_handed_on_is_picklable(calls: list[Call]) -> None:
    """Findings cross process boundaries (the engine's worker pool): no decoder str subclasses."""
    result, _ = run_file("sam-globals.yaml")
    views = [v for v, _ in calls]
    payload = [(v.address, to_python(v.body), v.names, v.condition) for v in views]
    payload += [list(result.model.of(StringLiteral)), list(result.model.of(TemplateParameter))]
    pickle.loads(pickle.dumps(payload))
    assert all(type(v.address) is str for v in views)
    assert all(type(k) is str for v in views for k in v.body.items)  # type: ignore[union-attr]


# -- SAM ------------------------------------------------------------------------------------------


def test_sam_globals_merge(no_handlers: None, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, ResourceView] = {}
    monkeypatch.setattr(
        registry,
        "CFN",
        {
            t: [lambda v, c: seen.__setitem__(v.address, v)]
            for t in ("AWS::Serverless::Function", "AWS::Serverless::Api", "AWS::SQS::Queue")
        },
    )
    result, text = run_file("sam-globals.yaml")
    assert result.problems == []
    inherits, overrides = seen["InheritsEverything"], seen["OverridesSome"]
    none, intrinsic = seen["NoProperties"], seen["IntrinsicOverride"]

    # A global scalar applies, located at the Globals line (the finding points there).
    timeout = inherits.value("Timeout")
    assert timeout.as_int() == 1200 and timeout.loc.line == line_of(text, "Timeout: 1200")
    assert inherits.key_loc("Timeout").line == line_of(text, "Timeout: 1200")
    assert none.value("Timeout").as_int() == 1200  # also without any Properties
    # The resource's own value wins.
    assert overrides.value("Timeout").as_int() == 30
    assert overrides.value("Timeout").loc.line == line_of(text, "Timeout: 30")
    assert overrides.value("MemorySize").as_int() == 256
    # Maps merge key by key (Environment.Variables), the resource winning on a clash.
    env = to_python(overrides.node("Environment.Variables"))
    assert env == {"STAGE": "prod", "SHARED_TOKEN": "local-value", "EXTRA": "1"}
    assert overrides.value("Environment.Variables.STAGE").loc.line == line_of(text, "STAGE: prod")
    assert to_python(inherits.node("Environment.Variables")) == {
        "STAGE": "prod",
        "SHARED_TOKEN": "global-value",
    }
    # Lists concatenate, global items first.
    assert [s.rsplit(":", 2)[-2] for s in to_python(overrides.node("Layers"))] == [
        "global-layer",
        "local-layer",
    ]
    # An intrinsic on the resource counts as a scalar: it replaces the global map (here: absent).
    assert intrinsic.value("Environment").is_absent
    # Other serverless types take their own section; plain CloudFormation types take none.
    assert seen["MyApi"].value("TracingEnabled").as_bool() is True
    assert seen["MyApi"].value("Timeout").is_absent
    assert seen["PlainQueue"].value("Timeout").is_absent
    assert inherits.extra.get("sam") is True


# -- CDK ------------------------------------------------------------------------------------------


def test_cdk_synth_output(calls: list[Call]) -> None:
    result, text = run_file("cdk-synth.template.json")
    assert result.problems == []
    views = {v.address: v for v, _ in calls}
    role = views["AdminRole8E1F5E1C"]
    arns = role.node("ManagedPolicyArns")
    assert isinstance(arns, ListNode)
    arn = arns.items[0]
    assert isinstance(arn, ScalarNode) and arn.value == "arn:aws:iam::aws:policy/AdministratorAccess"
    assert arn.loc.line == line_of(text, '"Fn::Join"') - 1  # the "{" that opens the function
    assert role.extra["cdk_path"] == "AppStack/AdminRole/Resource"
    assert role.loc.line == line_of(text, '"AdminRole8E1F5E1C": {')

    policy = views["AdminRoleDefaultPolicy7A1C2F33"]
    resources = policy.node("PolicyDocument.Statement.0.Resource")
    assert isinstance(resources, ListNode)
    assert all(isinstance(r, UnknownNode) and r.ref == "DataBucketE3889A50" for r in resources.items)
    roles = policy.node("Roles")
    assert isinstance(roles, ListNode) and roles.items[0].ref == "AdminRole8E1F5E1C"  # type: ignore[attr-defined]
    assert views["CDKMetadata"].condition == "condition CDKMetadataAvailable is true"
    bootstrap = {p.name: p for p in result.model.of(TemplateParameter)}["BootstrapVersion"]
    assert bootstrap.used is True  # referenced from Rules


# -- odd templates --------------------------------------------------------------------------------


def test_odd_but_real_constructs(calls: list[Call]) -> None:
    result, text = run_file("robustness.yaml")
    assert result.problems == []
    dispatched = [v.address for v, _ in calls]
    ctx_views = calls[0][1].resources
    # Fn::ForEach stamps out one resource per item, at the loop's template line.
    assert dispatched[:2] == ["Queuealpha", "Queuebeta"]
    assert ctx_views["Queuebeta"].names == ("orders-beta",)
    assert ctx_views["Queuealpha"].loc.line == line_of(text, "Queue${QueueId}:")
    # YAML aliases resolve to the anchored content.
    assert to_python(ctx_views["Anchored"].node("Tags")) == [{"Key": "team", "Value": "platform"}]
    # A section-level AWS::Include is not a resource; a resource without Type, with computed
    # properties, with an include among its properties, or a Rain module, gets no handler call.
    assert "Fn::Transform" not in ctx_views
    for silent in ("NoType", "NotAMap", "ComputedProperties", "IncludedProperties", "RainModule"):
        assert silent not in dispatched
    assert "NotAMap" not in ctx_views
    # ... but their literals still reach the secret rules.
    strings = {s.value for s in result.model.of(StringLiteral)}
    assert {"no-type-bucket", "included-bucket", "demo"} <= strings
    # "Properties:" with nothing under it is an empty body.
    assert "NullProperties" in dispatched and ctx_views["NullProperties"].body.items == {}  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("", "yaml"),
        ("just a string\n", "yaml"),
        ('["a", "list", "root"]', "json"),
        ('{"Resources": ["not", "a", "map"]}', "json"),
        ('{"Resources": {"A": {"Type": 5, "Properties": []}}}', "json"),
        ("AWSTemplateFormatVersion: '2010-09-09'\nDescription: nothing else\n", "yaml"),
        ("Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties: !If [C]\n", "yaml"),
        ("Globals: [1, 2]\nResources:\n  F:\n    Type: AWS::Serverless::Function\n", "yaml"),
        ("Parameters: 3\nMappings: []\nOutputs: x\nResources: {}\n", "yaml"),
    ],
)
def test_degenerate_templates_adapt_quietly(text: str, fmt: str, calls: list[Call]) -> None:
    result, _ = run_text(text, fmt, "t." + fmt)
    assert [p for p in result.problems if not isinstance(p, ParseFailure)] == []


def test_parse_errors_are_problems_with_position(no_handlers: None) -> None:
    result, _ = run_file("malformed.yaml")
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert isinstance(problem, ParseFailure)
    assert problem.loc.path == "malformed.yaml" and problem.loc.line >= 5
    result, _ = run_text('{"Resources": {', "json", "t.json")
    assert isinstance(result.problems[0], ParseFailure)


def test_fn_if_on_properties_without_maps_stays_silent(calls: list[Call]) -> None:
    result, _ = run_text(
        """\
        Resources:
          A:
            Type: AWS::S3::Bucket
            Properties: !If [C, !ImportValue x, {BucketName: b}]
        """
    )
    assert result.problems == []
    assert calls == []  # one branch is unknown as a whole: nothing can be said


def test_fn_if_on_properties_with_maps(calls: list[Call]) -> None:
    run_text(
        """\
        Resources:
          A:
            Type: AWS::S3::Bucket
            Properties: !If [C, {BucketName: a}, !Ref AWS::NoValue]
        """
    )
    view = calls[0][0]
    node = view.node("BucketName")
    assert isinstance(node, ChoiceNode)
    assert [(label, to_python(n)) for label, n in node.options] == [
        ("condition C is true", "a"),
        ("condition C is false", None),
    ]


# -- scale ----------------------------------------------------------------------------------------


def test_large_template_stays_fast(no_handlers: None) -> None:
    parts = ["Parameters:\n  Env: {Type: String, Default: prod}\nResources:\n"]
    for i in range(2000):
        parts.append(
            f"  Bucket{i}:\n    Type: AWS::S3::Bucket\n    Properties:\n"
            f"      BucketName: !Sub 'b-{i}-${{Env}}-${{AWS::AccountId}}'\n"
            f"      Tags: [{{Key: n, Value: !Join ['-', [a, !Ref Env, !GetAtt Bucket{i}.Arn]]}}]\n"
        )
    text = "".join(parts)
    start = time.perf_counter()
    result = adapt_template(Path("big.yaml"), "big.yaml", text, "yaml")
    elapsed = time.perf_counter() - start
    assert result.problems == []
    assert len(result.model.of(TemplateParameter)) == 1
    assert elapsed < 10, f"{elapsed:.1f} s for 2000 resources"  # generous: catches blow-ups only


def test_deeply_nested_json_is_a_parse_error_or_adapts(no_handlers: None) -> None:
    nested: object = "x"
    for _ in range(300):
        nested = {"Fn::Join": ["", [nested]]}
    text = json.dumps({"Resources": {"A": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": nested}}}})
    result = adapt_template(Path("deep.json"), "deep.json", text, "json")
    assert [p for p in result.problems if not isinstance(p, ParseFailure)] == []


@pytest.mark.parametrize("kind", ["map", "list", "join", "if"])
def test_deep_trees_become_unknown_instead_of_recursing(kind: str, no_handlers: None) -> None:
    """Trees deeper than any parser allows (built by hand): resolution stops, nothing raises."""
    loc = Location("deep.yaml", 1, 1)

    def s(v: str) -> ScalarNode:
        return ScalarNode(loc=loc, value=v)

    node: Node = s("AKIAIOSFODNN7EXAMPLE")
    for _ in range(3000):
        if kind == "map":
            node = MapNode(loc=loc, items={"k": node})
        elif kind == "list":
            node = ListNode(loc=loc, items=[node])
        elif kind == "join":
            node = MapNode(
                loc=loc, items={"Fn::Join": ListNode(loc=loc, items=[s(""), ListNode(loc=loc, items=[node])])}
            )
        else:
            node = MapNode(loc=loc, items={"Fn::If": ListNode(loc=loc, items=[s("C"), node, s("y")])})
    resource = MapNode(
        loc=loc, items={"Type": s("AWS::S3::Bucket"), "Properties": MapNode(loc=loc, items={"P": node})}
    )
    root = MapNode(loc=loc, items={"Resources": MapNode(loc=loc, items={"A": resource})})
    result = adapt_tree(root, "deep.yaml", AdaptResult(Model()))
    assert result.problems == []


# -- corpora --------------------------------------------------------------------------------------


def _corpus_files() -> list[Path]:
    files: list[Path] = []
    for name in ("cfn-templates", "serverless-patterns"):
        root = shared_path("corpora", name)
        files += [
            p
            for p in sorted(root.rglob("*"))
            if p.is_file() and p.suffix.lower() in (".json", ".yaml", ".yml", ".template")
        ]
    return files


def test_every_corpus_template_adapts_without_internal_errors(no_handlers: None) -> None:
    files = _corpus_files()
    assert len(files) > 500
    failures = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        fmt = "json" if path.suffix.lower() == ".json" else "yaml"
        result = adapt_template(path, str(path), text, fmt)
        failures += [f"{path}: {p}" for p in result.problems if not isinstance(p, ParseFailure)]
    assert failures == []


def test_corpus_with_the_real_handlers_has_no_internal_errors() -> None:
    """The registered handlers of every service run too: none may fail on real templates."""
    failures = []
    for path in _corpus_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        fmt = "json" if path.suffix.lower() == ".json" else "yaml"
        result = adapt_template(path, str(path), text, fmt)
        failures += [f"{path}: {p}" for p in result.problems if not isinstance(p, ParseFailure)]
    assert failures == []
