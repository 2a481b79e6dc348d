"""IAM semantics and the statement-level IAM rules, through the policy builder (no front-end).

Each policy is written as JSON text and built with ``build_policy`` exactly as the adapters do, so
positions are real: findings must point at the line that opens the statement."""

from __future__ import annotations

import json
import textwrap

import pytest

from lpcheck.adapters.policy import build_policy
from lpcheck.findings import Issue
from lpcheck.iam.analysis import PolicyAnalysis, allowed_actions, analyze
from lpcheck.iam.catalog import get_catalog
from lpcheck.iam.exposure import restricts
from lpcheck.location import Location
from lpcheck.model.container import Model
from lpcheck.model.iam import Condition, PolicyKind
from lpcheck.model.resources import LambdaPermission
from lpcheck.model.values import Value
from lpcheck.parsers.jsonpos import parse_json
from lpcheck.parsers.nodes import ChoiceNode, ListNode, MapNode, ScalarNode, UnknownNode
from lpcheck.rules import load_all

IDENTITY, RESOURCE, TRUST = PolicyKind.IDENTITY, PolicyKind.RESOURCE, PolicyKind.TRUST


def policy(statements: list[dict] | dict, version: str | None = "2012-10-17", **top: object) -> str:
    body: dict = {}
    if version is not None:
        body["Version"] = version
    body["Statement"] = statements
    body.update(top)
    return json.dumps(body, indent=2)


def model_of(*docs: tuple[str, PolicyKind]) -> Model:
    model = Model()
    for index, (text, kind) in enumerate(docs):
        doc = build_policy(parse_json(text, f"p{index}.json"), kind, f"policy{index}")
        assert doc is not None
        model.add(doc)
    return model


def run(rule_id: str, model: Model) -> list[Issue]:
    return list(load_all()[rule_id](model))


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing ``needle``."""
    hits = [i + 1 for i, line in enumerate(text.splitlines()) if needle in line]
    return hits[occurrence - 1]


def statement_line(text: str, index: int = 0) -> int:
    """Line of the ``{`` that opens statement ``index`` in json.dumps(indent=2) output."""
    lines = text.splitlines()
    starts = [i + 1 for i, line in enumerate(lines) if line == "    {"]
    if not starts:  # a single statement object: "Statement": {
        return line_of(text, '"Statement": {')
    return starts[index]


ALLOW = "Allow"


def allow(action: object, resource: object = "*", **extra: object) -> dict:
    return {"Effect": ALLOW, "Action": action, "Resource": resource, **extra}


# -- grants, NotAction, Deny subtraction ---------------------------------------------------------


def grant_of(text: str, kind: PolicyKind = IDENTITY, index: int = 0):
    analysis = analyze(model_of((text, kind)))
    return analysis, analysis.grants()[index]


def test_not_action_is_the_complement_of_the_catalog() -> None:
    text = policy([{"Effect": "Allow", "NotAction": ["iam:*", "s3:Get*"], "Resource": "*"}])
    _, grant = grant_of(text)
    assert "ec2:runinstances" in grant.actions
    assert "s3:putobject" in grant.actions
    assert "s3:getobject" not in grant.actions
    assert not any(a.startswith("iam:") for a in grant.actions)
    assert grant.known


def test_unknown_not_action_makes_the_grant_unknown() -> None:
    doc = build_policy(
        MapNode(
            loc=Location("x", 1),
            items={
                "Statement": MapNode(
                    loc=Location("x", 2),
                    items={
                        "Effect": ScalarNode(loc=Location("x", 3), value="Allow"),
                        "NotAction": UnknownNode(loc=Location("x", 4), reason="var.excluded"),
                        "Resource": ScalarNode(loc=Location("x", 5), value="*"),
                    },
                )
            },
        ),
        IDENTITY,
        "x",
    )
    assert doc is not None
    actions, known = allowed_actions(doc.statements[0], get_catalog())
    assert not known and not actions


def test_deny_fully_cancels_allow() -> None:
    text = policy([allow("*"), {"Effect": "Deny", "Action": "*", "Resource": "*"}])
    model = model_of((text, IDENTITY))
    assert run("LP102", model) == []
    assert analyze(model).grants()[0].cancelled


def test_deny_with_wider_wildcard_cancels_service_grant() -> None:
    text = policy(
        [allow(["s3:*", "iam:PassRole"]), {"Effect": "Deny", "Action": ["s3:*", "iam:*"], "Resource": "*"}]
    )
    model = model_of((text, IDENTITY))
    for rule_id in ("LP103", "LP104", "LP106", "LP110"):
        assert run(rule_id, model) == [], rule_id


def test_partly_cancelled_grant_names_only_what_remains() -> None:
    text = policy(
        [allow(["s3:*", "iam:*"]), {"Sid": "NoIam", "Effect": "Deny", "Action": "iam:*", "Resource": "*"}]
    )
    model = model_of((text, IDENTITY))
    issues = run("LP103", model)
    assert len(issues) == 1
    assert "s3:*" in issues[0].message and "iam:*" not in issues[0].message
    assert "'NoIam' denies part of it" in issues[0].message
    assert run("LP106", model) == [] and run("LP110", model) == []


def test_conditional_deny_cancels_nothing() -> None:
    deny = {
        "Effect": "Deny",
        "Action": "*",
        "Resource": "*",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}},
    }
    text = policy([allow("*"), deny])
    assert len(run("LP102", model_of((text, IDENTITY)))) == 1


def test_deny_on_narrower_resources_cancels_nothing() -> None:
    text = policy([allow("s3:*"), {"Effect": "Deny", "Action": "*", "Resource": "arn:aws:s3:::prod/*"}])
    assert len(run("LP103", model_of((text, IDENTITY)))) == 1


def test_deny_not_action_subtracts_its_complement() -> None:
    # Deny everything except iam:Get*: the Allow of iam:* keeps only read actions, no escalation.
    text = policy([allow("iam:*"), {"Effect": "Deny", "NotAction": "iam:Get*", "Resource": "*"}])
    model = model_of((text, IDENTITY))
    assert run("LP110", model) == [] and run("LP106", model) == []
    # iam:* no longer stands (a few Get actions are left): judged by what it grants, i.e. LP104.
    assert run("LP103", model) == []
    issues = run("LP104", model)
    assert len(issues) == 1 and "denies part of it" in issues[0].message


def test_full_wildcard_reduced_to_one_action_is_not_full_admin() -> None:
    text = policy([allow("*"), {"Effect": "Deny", "NotAction": "s3:GetObject", "Resource": "*"}])
    model = model_of((text, IDENTITY))
    assert run("LP102", model) == []
    issues = run("LP104", model)
    assert len(issues) == 1 and "1 of the actions it grants supports" in issues[0].message


def test_partial_deny_names_the_deny_in_its_own_casing() -> None:
    text = policy([allow("*"), {"Sid": "NoIam", "Effect": "Deny", "Action": "iam:*", "Resource": "*"}])
    (issue,) = run("LP102", model_of((text, IDENTITY)))
    assert "except what statement 'NoIam' denies" in issue.message


def test_deny_partial_on_full_admin_still_reports_lp102() -> None:
    text = policy(
        [allow("*"), {"Sid": "NoOrg", "Effect": "Deny", "Action": "organizations:*", "Resource": "*"}]
    )
    issues = run("LP102", model_of((text, IDENTITY)))
    assert len(issues) == 1 and "except what statement 'noorg' denies" in issues[0].message.lower()


# -- LP102 / LP103 / LP104: wildcards on "*" ------------------------------------------------------


@pytest.mark.parametrize("action", ["*", "*:*", ["s3:GetObject", "*"]])
def test_lp102_full_admin(action: object) -> None:
    text = policy([allow(action)])
    issues = run("LP102", model_of((text, IDENTITY)))
    assert len(issues) == 1
    assert issues[0].loc.line == statement_line(text)
    assert issues[0].subject == (issues[0].loc, 0)
    assert 'Resource "*"' in issues[0].message


def test_lp102_single_statement_object_and_lowercase_effect() -> None:
    text = policy({"Effect": "allow", "Action": "*", "Resource": "*"})
    issues = run("LP102", model_of((text, IDENTITY)))
    assert [i.loc.line for i in issues] == [line_of(text, '"Statement": {')]


@pytest.mark.parametrize(
    "resource",
    ["arn:aws:s3:::*", ["arn:aws:iam::123456789012:role/x"]],
)
def test_lp102_needs_resource_star_exactly(resource: object) -> None:
    assert run("LP102", model_of((policy([allow("*", resource)]), IDENTITY))) == []


def test_lp102_not_in_resource_policies() -> None:
    # A KMS key policy's "*" resource is the key itself.
    text = policy([allow("kms:*", Principal={"AWS": "arn:aws:iam::111122223333:root"})])
    model = model_of((text, RESOURCE))
    assert run("LP102", model) == [] and run("LP103", model) == []


def test_lp102_silences_the_others_itself() -> None:
    model = model_of((policy([allow(["*", "iam:*", "iam:PassRole"])]), IDENTITY))
    assert len(run("LP102", model)) == 1
    for rule_id in ("LP103", "LP104", "LP106", "LP110"):
        assert run(rule_id, model) == [], rule_id


def test_lp103_one_finding_naming_services() -> None:
    text = policy([allow(["s3:*", "SQS:*", "ec2:Describe*"])])
    issues = run("LP103", model_of((text, IDENTITY)))
    assert len(issues) == 1
    assert "s3:*" in issues[0].message and "SQS:*" in issues[0].message
    assert issues[0].loc.line == statement_line(text)


def test_lp103_negatives() -> None:
    text = policy([allow("s3:Get*"), allow("s3:*", "arn:aws:s3:::bucket/*"), allow("nosuch:*")])
    assert run("LP103", model_of((text, IDENTITY))) == []


def test_lp104_names_a_few_patterns_not_every_action() -> None:
    actions = ["s3:GetObject", "s3:Put*", "sqs:SendMessage", "dynamodb:GetItem", "kms:Decrypt", "sns:Publish"]
    text = policy([allow(actions)])
    issues = run("LP104", model_of((text, IDENTITY)))
    assert len(issues) == 1
    message = issues[0].message
    assert "s3:GetObject" in message and "and 3 more" in message
    assert message.count("\n") == 0 and len(message) < 400


def test_lp104_actions_without_resource_level_permissions_are_fine() -> None:
    text = policy([allow(["s3:ListAllMyBuckets", "ec2:DescribeInstances", "sts:GetCallerIdentity"])])
    assert run("LP104", model_of((text, IDENTITY))) == []


def test_lp104_abac_condition_is_scoping() -> None:
    cond = {"StringEquals": {"aws:ResourceTag/team": "blue"}}
    text = policy([allow(["ec2:StartInstances", "ec2:StopInstances"], Condition=cond)])
    assert run("LP104", model_of((text, IDENTITY))) == []


def test_lp104_silent_where_stronger_rules_speak() -> None:
    for actions in (["s3:*", "sqs:SendMessage"], ["iam:PassRole", "sqs:SendMessage"], ["iam:PutUserPolicy"]):
        assert run("LP104", model_of((policy([allow(actions)]), IDENTITY))) == [], actions
    not_action = policy([{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}])
    assert run("LP104", model_of((not_action, IDENTITY))) == []


# -- LP105 ----------------------------------------------------------------------------------------


def test_lp105_not_action_and_not_resource() -> None:
    text = policy(
        [
            {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::secret/*"},
            {"Effect": "Deny", "NotAction": "s3:*", "Resource": "arn:aws:s3:::x"},  # Deny: not LP105
        ]
    )
    issues = run("LP105", model_of((text, IDENTITY)))
    assert [i.loc.line for i in issues] == [statement_line(text, 0), statement_line(text, 1)]
    assert "NotAction (iam:*)" in issues[0].message
    assert "NotResource" in issues[1].message


def test_lp105_fully_denied_is_silent() -> None:
    text = policy(
        [
            {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "*", "Resource": "*"},
        ]
    )
    assert run("LP105", model_of((text, IDENTITY))) == []


# -- LP106 / LP110 --------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["iam:PassRole", "IAM:passrole", "iam:Pass*", "iam:*Role", "iam:*"])
def test_lp106_passrole(action: str) -> None:
    text = policy([allow(action)])
    issues = run("LP106", model_of((text, IDENTITY)))
    assert len(issues) == 1 and issues[0].loc.line == statement_line(text)


def test_lp106_via_not_action() -> None:
    text = policy([{"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}])
    issues = run("LP106", model_of((text, IDENTITY)))
    assert len(issues) == 1 and "NotAction" in issues[0].message


def test_lp106_negatives() -> None:
    text = policy([allow("iam:PassRole", "arn:aws:iam::123456789012:role/app"), allow("iam:Get*")])
    assert run("LP106", model_of((text, IDENTITY))) == []


@pytest.mark.parametrize(
    ("action", "named"),
    [
        ("iam:CreatePolicyVersion", "iam:CreatePolicyVersion"),
        ("iam:Put*", "iam:PutUserPolicy"),
        ("iam:Attach*Policy", "iam:AttachRolePolicy"),
        ("iam:updateassumerolepolicy", "iam:UpdateAssumeRolePolicy"),
        ("iam:AddUserToGroup", "iam:AddUserToGroup"),
    ],
)
def test_lp110_escalation(action: str, named: str) -> None:
    text = policy([allow(["s3:GetObject", action])])
    issues = run("LP110", model_of((text, IDENTITY)))
    assert len(issues) == 1 and named in issues[0].message
    assert issues[0].loc.line == statement_line(text)


def test_lp110_negatives() -> None:
    text = policy(
        [allow(["iam:Get*", "iam:List*"]), allow("iam:PutUserPolicy", "arn:aws:iam::123456789012:user/me")]
    )
    assert run("LP110", model_of((text, IDENTITY))) == []


# -- LP107 ----------------------------------------------------------------------------------------


def bucket_statement(principal: object, condition: dict | None = None, effect: str = "Allow") -> dict:
    statement = {
        "Effect": effect,
        "Principal": principal,
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::b/*",
    }
    if condition:
        statement["Condition"] = condition
    return statement


@pytest.mark.parametrize(
    "principal", ["*", {"AWS": "*"}, {"AWS": ["arn:aws:iam::1:root", "*"]}, {"aws": "*"}]
)
def test_lp107_public(principal: object) -> None:
    text = policy([bucket_statement(principal)])
    issues = run("LP107", model_of((text, RESOURCE)))
    assert len(issues) == 1 and issues[0].loc.line == statement_line(text)


def test_lp107_trust_policy() -> None:
    text = policy([{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}])
    issues = run("LP107", model_of((text, TRUST)))
    assert len(issues) == 1 and "assume this role" in issues[0].message


def test_lp107_not_principal_allow() -> None:
    text = policy(
        [
            {
                "Effect": "Allow",
                "NotPrincipal": {"AWS": "arn:aws:iam::1:root"},
                "Action": "s3:*",
                "Resource": "arn:aws:s3:::b/*",
            }
        ]
    )
    assert len(run("LP107", model_of((text, RESOURCE)))) == 1


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEquals": {"aws:SourceAccount": "123456789012"}},
        {"ArnLike": {"AWS:SourceArn": "arn:aws:cloudtrail:*:123456789012:trail/*"}},
        {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
        {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-abc/r-1/*"}},
        {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8"]}},
        {"StringEquals": {"aws:SourceVpce": "vpce-1234"}},
        {"StringEquals": {"AWS:SourceOwner": "123456789012"}},
    ],
)
def test_lp107_restricting_conditions(condition: dict) -> None:
    text = policy([bucket_statement("*", condition)])
    assert run("LP107", model_of((text, RESOURCE))) == []


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEqualsIfExists": {"aws:SourceAccount": "123456789012"}},
        {"ArnLikeIfExists": {"aws:SourceArn": "arn:aws:sns:*:1:t"}},
        {"Null": {"aws:SourceVpce": "false"}},
        {"StringLike": {"aws:SourceArn": "*"}},
        {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}},
        {"StringNotEquals": {"aws:SourceAccount": "123456789012"}},
        {"Bool": {"aws:SecureTransport": "true"}},
        {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}},
    ],
)
def test_lp107_non_restricting_conditions(condition: dict) -> None:
    text = policy([bucket_statement("*", condition)])
    assert len(run("LP107", model_of((text, RESOURCE)))) == 1


def test_lp107_deny_unless_vpce_closes_the_allow() -> None:
    deny = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
        "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1234"}},
    }
    text = policy([bucket_statement("*"), deny])
    assert run("LP107", model_of((text, RESOURCE))) == []


def test_lp107_negatives() -> None:
    text = policy(
        [
            bucket_statement({"AWS": "arn:aws:iam::123456789012:root"}),
            bucket_statement({"Service": "cloudtrail.amazonaws.com"}),
            bucket_statement("*", effect="Deny"),
        ]
    )
    assert run("LP107", model_of((text, RESOURCE))) == []
    # Identity policies have no principal to judge.
    assert run("LP107", model_of((policy([bucket_statement("*")]), IDENTITY))) == []


def test_restricts_operator_table() -> None:
    def cond(op: str, key: str = "aws:SourceAccount", value: str = "1") -> Condition:
        return Condition(operator=op, key=key, values=[Value.literal(value, None)], loc=Location("x", 1))

    assert restricts(cond("ForAllValues:StringEquals"))
    assert restricts(cond("stringequals"))
    assert not restricts(cond("ForAnyValue:StringEqualsIfExists"))
    assert not restricts(cond("StringEquals", key="aws:RequestedRegion"))
    assert not restricts(cond("StringLike", value="**"))


def test_lp107_lambda_permission() -> None:
    loc = Location("t.tf", 3)

    def permission(**fields: Value) -> LambdaPermission:
        return LambdaPermission(
            address="aws_lambda_permission.p", type="aws_lambda_permission", loc=Location("t.tf", 1), **fields
        )

    model = Model()
    model.add(permission(principal=Value.literal("*", loc)))
    model.add(permission(principal=Value.literal("*", loc), source_arn=Value.literal("arn:aws:s3:::b", loc)))
    model.add(permission(principal=Value.literal("s3.amazonaws.com", loc)))
    model.add(permission(principal=Value.unknown(loc)))
    model.add(permission(principal=Value.literal("*", loc), source_account=Value.unknown(loc)))
    issues = run("LP107", model)
    assert len(issues) == 1 and issues[0].loc == loc


# -- template conditions --------------------------------------------------------------------------


def test_choice_action_names_the_condition() -> None:
    loc = Location("t.yaml", 5)
    statement = MapNode(
        loc=loc,
        items={
            "Effect": ScalarNode(loc=Location("t.yaml", 6), value="Allow"),
            "Action": ChoiceNode(
                loc=Location("t.yaml", 7),
                options=[
                    ("IsDev", ScalarNode(loc=Location("t.yaml", 7), value="*")),
                    (
                        "!IsDev",
                        ListNode(
                            loc=Location("t.yaml", 8),
                            items=[ScalarNode(loc=Location("t.yaml", 9), value="s3:GetObject")],
                        ),
                    ),
                ],
            ),
            "Resource": ScalarNode(loc=Location("t.yaml", 10), value="*"),
        },
    )
    doc = build_policy(
        MapNode(loc=Location("t.yaml", 1), items={"Statement": ListNode(loc=loc, items=[statement])}),
        IDENTITY,
        "Role",
    )
    model = Model()
    model.add(doc)
    issues = run("LP102", model)
    assert len(issues) == 1 and "(when IsDev)" in issues[0].message and issues[0].loc == loc


def test_statement_under_condition_is_tagged() -> None:
    inner = MapNode(
        loc=Location("t.yaml", 4),
        items={
            "Effect": ScalarNode(loc=Location("t.yaml", 4), value="Allow"),
            "Action": ScalarNode(loc=Location("t.yaml", 5), value="iam:PassRole"),
            "Resource": ScalarNode(loc=Location("t.yaml", 6), value="*"),
        },
    )
    statements = ListNode(
        loc=Location("t.yaml", 3),
        items=[ChoiceNode(loc=Location("t.yaml", 3), options=[("HasAdmin", inner), ("!HasAdmin", None)])],
    )
    doc = build_policy(MapNode(loc=Location("t.yaml", 1), items={"Statement": statements}), IDENTITY, "Role")
    model = Model()
    model.add(doc)
    issues = run("LP106", model)
    assert len(issues) == 1 and "(when HasAdmin)" in issues[0].message


def test_unknown_resource_is_not_star() -> None:
    statement = MapNode(
        loc=Location("m.tf", 2),
        items={
            "Effect": ScalarNode(loc=Location("m.tf", 3), value="Allow"),
            "Action": ScalarNode(loc=Location("m.tf", 4), value="*"),
            "Resource": UnknownNode(loc=Location("m.tf", 5), ref="aws_s3_bucket.b"),
        },
    )
    doc = build_policy(MapNode(loc=Location("m.tf", 1), items={"Statement": statement}), IDENTITY, "p")
    model = Model()
    model.add(doc)
    assert run("LP102", model) == []


# -- embedded JSON strings -----------------------------------------------------------------------


HEREDOC_BODY = textwrap.dedent(
    """\
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Action": "s3:GetObjcet",
          "Resource": "*"
        }
      ]
    }
    """
)


@pytest.mark.parametrize(
    ("start", "statement", "action"),
    [
        # a Terraform heredoc: its text starts at column 1 of the line after <<EOF
        (Location("main.tf", 10, 1), Location("main.tf", 13, 5), Location("main.tf", 15, 17)),
        # a YAML block scalar (or <<-EOF) indented by 8: every line starts at column 9
        (Location("t.yaml", 20, 9), Location("t.yaml", 23, 13), Location("t.yaml", 25, 25)),
    ],
)
def test_embedded_string_positions_are_shifted(
    start: Location, statement: Location, action: Location
) -> None:
    doc = build_policy(ScalarNode(loc=start, value=HEREDOC_BODY), IDENTITY, "p")
    assert doc is not None
    assert doc.loc == start
    assert doc.statements[0].loc == statement
    assert doc.statements[0].actions[0].loc == action
    model = Model()
    model.add(doc)
    assert [i.loc for i in run("LP111", model)] == [action]


def test_one_line_json_string_shifts_columns() -> None:
    node = ScalarNode(
        loc=Location("t.yaml", 7, 20), value='{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
    )
    doc = build_policy(node, IDENTITY, "x")
    assert doc is not None and doc.statements[0].loc == Location("t.yaml", 7, 34)


def test_url_encoded_document() -> None:
    node = ScalarNode(
        loc=Location("t.json", 4, 5),
        value="%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D",
    )
    doc = build_policy(node, IDENTITY, "x")
    assert doc is not None and doc.statements[0].actions[0].raw == "*"


@pytest.mark.parametrize("value", ["not json", "{broken", "", "arn:aws:iam::aws:policy/ReadOnlyAccess", 42])
def test_strings_that_are_not_policies_build_nothing(value: object) -> None:
    assert build_policy(ScalarNode(loc=Location("x", 1), value=value), IDENTITY, "x") is None


def test_odd_shapes_never_raise() -> None:
    odd = [
        MapNode(loc=Location("x", 1), items={"Statement": ScalarNode(loc=Location("x", 1), value="x")}),
        MapNode(
            loc=Location("x", 1),
            items={"Statement": ListNode(loc=Location("x", 1), items=[ListNode(loc=Location("x", 1))])},
        ),
        MapNode(
            loc=Location("x", 1),
            items={
                "Statement": MapNode(
                    loc=Location("x", 1),
                    items={
                        "Condition": ScalarNode(loc=Location("x", 1), value=1),
                        "Principal": ListNode(loc=Location("x", 1)),
                    },
                )
            },
        ),
        UnknownNode(loc=Location("x", 1)),
        ListNode(loc=Location("x", 1)),
    ]
    model = Model()
    for node in odd:
        doc = build_policy(node, IDENTITY, "x")
        if doc is not None:
            model.add(doc)
    for rule_id in ("LP102", "LP103", "LP104", "LP105", "LP106", "LP107", "LP109", "LP110", "LP111"):
        run(rule_id, model)


def test_analysis_is_shared_between_rules() -> None:
    model = model_of((policy([allow("*")]), IDENTITY))
    first = analyze(model)
    assert isinstance(first, PolicyAnalysis) and analyze(model) is first


# -- LP109 grammar --------------------------------------------------------------------------------


def grammar(text: str, kind: PolicyKind = IDENTITY) -> list[tuple[int, str, str | None]]:
    return [(i.loc.line, i.message, i.severity) for i in run("LP109", model_of((text, kind)))]


def test_lp109_valid_policy_is_silent() -> None:
    assert grammar(policy([allow("s3:GetObject", "arn:aws:s3:::b/*", Sid="Read")], Id="x")) == []


def test_lp109_effect() -> None:
    text = policy([allow("s3:GetObject", Effect="Permit"), allow("s3:GetObject", Effect="allow")])
    found = grammar(text)
    assert [line for line, _, _ in found] == [line_of(text, '"Permit"'), line_of(text, '"allow"')]
    assert "must be Allow or Deny" in found[0][1] and "'Allow'" in found[1][1]


def test_lp109_missing_effect_action_resource() -> None:
    text = policy([{"Resource": "*"}, {"Effect": "Allow", "Action": "s3:GetObject"}])
    found = grammar(text)
    messages = [m for _, m, _ in found]
    assert any("no Effect" in m for m in messages)
    assert any("neither Action nor NotAction" in m for m in messages)
    assert any("neither Resource nor NotResource" in m for m in messages)
    assert {line for line, _, _ in found} == {statement_line(text, 0), statement_line(text, 1)}


def test_lp109_resource_policies_and_trust_may_omit_resource() -> None:
    text = policy(
        [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]
    )
    assert grammar(text, TRUST) == []


def test_lp109_both_action_and_not_action() -> None:
    text = policy([{"Effect": "Allow", "Action": "s3:*", "NotAction": "s3:Delete*", "Resource": "*"}])
    assert [(line, m) for line, m, _ in grammar(text)] == [
        (line_of(text, '"NotAction"'), "statement has both Action and NotAction")
    ]


def test_lp109_unknown_and_wrong_case_keys() -> None:
    text = policy(
        [{"effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Resources": "x"}], Statment=[]
    )
    found = grammar(text)
    by_line = {line: message for line, message, _ in found}
    assert "must be written 'Effect'" in by_line[line_of(text, '"effect"')]
    assert "unknown statement key 'Resources'" in by_line[line_of(text, '"Resources"')]
    assert "unknown top-level key 'Statment'" in by_line[line_of(text, '"Statment"')]


def test_lp109_lowercase_statement_key() -> None:
    text = json.dumps({"Version": "2012-10-17", "statement": [allow("s3:GetObject")]}, indent=2)
    found = grammar(text)
    assert any(
        line == line_of(text, '"statement"') and "must be written 'Statement'" in m for line, m, _ in found
    )


@pytest.mark.parametrize(
    ("version", "severity", "fragment"),
    [
        (None, "warning", "no Version"),
        ("2008-10-17", "warning", "outdated"),
        ("2012-10-18", None, "must be 2012-10-17"),
    ],
)
def test_lp109_version(version: str | None, severity: str | None, fragment: str) -> None:
    text = policy([allow("s3:GetObject")], version=version)
    found = grammar(text)
    assert len(found) == 1
    line, message, sev = found[0]
    assert sev == severity and fragment in message
    assert line == (line_of(text, '"Version"') if version else 1)


def test_lp109_principal_in_identity_policy() -> None:
    text = policy([allow("s3:GetObject", Principal="*")])
    assert [line for line, _, _ in grammar(text)] == [line_of(text, '"Principal"')]
    assert grammar(text, RESOURCE) == []


def test_lp109_action_shape() -> None:
    text = policy([allow(["GetObject", {"x": 1}])])
    messages = [m for _, m, _ in grammar(text)]
    assert any("no service prefix" in m for m in messages)
    assert any("must be a string" in m for m in messages)


def test_lp109_statement_not_an_object() -> None:
    text = policy(["s3:GetObject"])
    assert [m for _, m, _ in grammar(text)] == ["a Statement entry must be an object"]


def test_lp109_structured_documents_skip_what_terraform_checks() -> None:
    model = model_of((json.dumps({"Statement": [{"Action": "s3:GetObject", "Resource": "*"}]}), IDENTITY))
    model.policies[0].structured = True
    assert run("LP109", model) == []
    model = model_of((json.dumps({"Statement": [{"Effect": "Allow", "Resource": "*"}]}), IDENTITY))
    model.policies[0].structured = True
    assert [i.message for i in run("LP109", model)] == ["statement has neither Action nor NotAction"]


# -- LP111 ---------------------------------------------------------------------------------------


def test_lp111_points_at_the_action_string() -> None:
    text = policy(
        [
            allow(["s3:GetObject", "s3:GetObjcet"]),
            {"Effect": "Deny", "NotAction": "ec2:Descirbe*", "Resource": "*"},
        ]
    )
    issues = run("LP111", model_of((text, IDENTITY)))
    assert [(i.loc.line, i.loc.column) for i in issues] == [
        (
            line_of(text, '"s3:GetObjcet"'),
            text.splitlines()[line_of(text, '"s3:GetObjcet"') - 1].index('"s3:GetObjcet"') + 1,
        ),
        (
            line_of(text, '"ec2:Descirbe*"'),
            text.splitlines()[line_of(text, '"ec2:Descirbe*"') - 1].index('"ec2:Descirbe*"') + 1,
        ),
    ]


def test_policy_string_in_a_json_file_stays_on_its_line() -> None:
    # In CloudFormation JSON / .tf.json / plans the newlines of a policy string are escapes.
    node = ScalarNode(
        loc=Location("t.template.json", 9, 30),
        value='{\n"Statement": [\n{"Effect": "Allow", "Action": "*", "Resource": "*"}]}',
    )
    doc = build_policy(node, IDENTITY, "x")
    assert doc is not None and doc.statements[0].loc == Location("t.template.json", 9, 30)


def test_lp104_wildcards_count_when_mostly_scopable() -> None:
    # ec2:Describe* is a read-only sweep (few of its actions take ARNs); s3:Get* could use ARNs.
    assert run("LP104", model_of((policy([allow("ec2:Describe*")]), IDENTITY))) == []
    issues = run("LP104", model_of((policy([allow(["ec2:Describe*", "s3:Get*"])]), IDENTITY)))
    assert len(issues) == 1 and "s3:Get*" in issues[0].message and "ec2:Describe*" not in issues[0].message


def test_lp107_unresolved_condition_values_still_restrict() -> None:
    def node(value: object, line: int) -> ScalarNode | UnknownNode:
        if value is None:
            return UnknownNode(loc=Location("t.tf", line), ref="aws_vpc_endpoint.api", reason="computed")
        return ScalarNode(loc=Location("t.tf", line), value=value)

    def statement(effect: str, line: int, condition: MapNode | None) -> MapNode:
        items = {
            "Effect": node(effect, line),
            "Principal": node("*", line),
            "Action": node("execute-api:Invoke", line),
            "Resource": UnknownNode(
                loc=Location("t.tf", line),
                ref="aws_api_gateway_rest_api.api",
                reason="Fn::Sub ${aws_api_gateway_rest_api.api.execution_arn}/*",
            ),
        }
        if condition is not None:
            items["Condition"] = condition
        return MapNode(loc=Location("t.tf", line), items=items)

    vpce = MapNode(
        loc=Location("t.tf", 9),
        items={"StringNotEquals": MapNode(loc=Location("t.tf", 9), items={"aws:SourceVpce": node(None, 9)})},
    )
    allow_only = [statement("Allow", 2, None)]
    with_deny = [*allow_only, statement("Deny", 5, vpce)]
    for statements, expected in ((allow_only, 1), (with_deny, 0)):
        doc = build_policy(
            MapNode(
                loc=Location("t.tf", 1),
                items={"Statement": ListNode(loc=Location("t.tf", 1), items=statements)},
            ),
            RESOURCE,
            "api",
        )
        model = Model()
        model.add(doc)
        assert len(run("LP107", model)) == expected


# -- template branches, unresolved expressions, generated statements -------------------------------


def _doc(text: str, path: str) -> MapNode:
    node = parse_json(text, path)
    assert isinstance(node, MapNode)
    return node


def test_whole_document_choice_keeps_branches_apart() -> None:
    # Prod: Allow * and Deny * (cancelled). Dev: Allow * only, and a wrong Version.
    prod = _doc(policy([allow("*"), {"Effect": "Deny", "Action": "*", "Resource": "*"}]), "p.json")
    dev = _doc(policy([allow("*")], version="2012-10-18"), "d.json")
    doc = build_policy(
        ChoiceNode(loc=Location("t.yaml", 1), options=[("Prod", prod), ("Dev", dev)]), IDENTITY, "x"
    )
    assert doc is not None
    assert [s.condition for s in doc.statements] == ["Prod", "Prod", "Dev"]
    model = Model()
    model.add(doc)
    issues = run("LP102", model)
    assert [i.loc.path for i in issues] == ["d.json"] and "(when Dev)" in issues[0].message
    versions = run("LP109", model)
    assert len(versions) == 1 and "(when Dev)" in versions[0].message


def test_conditional_deny_cancels_only_its_own_branch() -> None:
    deny = {"Effect": "Deny", "Action": "*", "Resource": "*"}
    text = policy([allow("*"), deny])
    doc = build_policy(parse_json(text, "p.json"), IDENTITY, "x")
    assert doc is not None
    doc.statements[1].condition = "IsProd"
    model = Model()
    model.add(doc)
    assert len(run("LP102", model)) == 1  # the Deny may not exist
    doc.statements[0].condition = "IsProd and HasAdmin"
    assert run("LP102", analyze_fresh(model)) == []  # both exist together


def analyze_fresh(model: Model) -> Model:
    """A copy of ``model`` (the analysis is cached per model)."""
    copy = Model()
    for doc in model.policies:
        copy.add(doc)
    return copy


def test_same_unresolved_expression_on_both_sides_is_covered() -> None:
    where = "Fn::Sub arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:*/*"
    loc = Location("t.yaml", 3)

    def statement(effect: str, **extra: object) -> MapNode:
        items = {
            "Effect": ScalarNode(loc=loc, value=effect),
            "Principal": ScalarNode(loc=loc, value="*"),
            "Action": ScalarNode(loc=loc, value="execute-api:Invoke"),
            "Resource": UnknownNode(loc=loc, reason=where),
            **extra,
        }
        return MapNode(loc=loc, items=items)  # type: ignore[arg-type]

    vpce = MapNode(
        loc=loc,
        items={
            "StringNotEquals": MapNode(loc=loc, items={"aws:SourceVpce": ScalarNode(loc=loc, value="vpce-1")})
        },
    )
    document = MapNode(
        loc=loc,
        items={
            "Version": ScalarNode(loc=loc, value="2012-10-17"),
            "Statement": ListNode(loc=loc, items=[statement("Deny", Condition=vpce), statement("Allow")]),
        },
    )
    doc = build_policy(document, RESOURCE, "api")
    assert doc is not None
    model = Model()
    model.add(doc)
    assert run("LP107", model) == []


def test_generated_statement_with_unknown_elements_is_not_judged() -> None:
    loc = Location("main.tf", 5)
    unknown = UnknownNode(loc=loc, reason="dynamic block iterator", ref="var.statements")
    statement = MapNode(
        loc=loc,
        items={
            "Effect": ScalarNode(loc=loc, value="Allow"),
            "Action": unknown,
            "NotAction": unknown,
            "Resource": unknown,
            "NotResource": unknown,
        },
    )
    document = MapNode(
        loc=loc, items={"Version": ScalarNode(loc=loc, value="2012-10-17"), "Statement": statement}
    )
    doc = build_policy(document, IDENTITY, "generated")
    assert doc is not None
    model = Model()
    model.add(doc)
    assert run("LP109", model) == [] and run("LP105", model) == []


def test_null_elements_are_not_set() -> None:
    text = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "NotAction": None, "Resource": "*"}],
        },
        indent=2,
    )
    model = model_of((text, IDENTITY))
    assert run("LP109", model) == [] and run("LP105", model) == []
    assert model.policies[0].statements[0].not_actions is None


def test_unresolved_sub_template_is_read_with_unknown_parts() -> None:
    from lpcheck.adapters.policy import unresolved_sub

    template = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",'
        ' "Resource": ["arn:aws:s3:::${Bucket}/*", "arn:aws:s3:::home/${!aws:username}/*"]}]}'
    ).replace("${!", "${")
    node = UnknownNode(loc=Location("t.yaml", 7, 23), reason=f"Fn::Sub {template}")
    doc = build_policy(node, IDENTITY, "x")
    assert doc is not None
    (statement,) = doc.statements
    assert statement.loc == Location("t.yaml", 7, 23)
    assert statement.resources is not None
    assert statement.resources[0].is_unknown
    assert statement.resources[1].as_str() == "arn:aws:s3:::home/${aws:username}/*"
    assert unresolved_sub(UnknownNode(loc=node.loc, reason="Ref Other")) is None
