"""IAM, SAM ``Policies`` and resource-policy handlers, and rules LP101/LP108, on hand-built views.

Bodies are written as YAML (positioned by the real parser) and the few intrinsics the tests need
(``Ref``/``GetAtt`` -> UnknownNode with ``ref``, ``Fn::If`` -> ChoiceNode) are resolved here the way
the front-ends do, so these tests do not depend on the front-ends. ``ctx.policy`` is replaced by a
recorder: what the handlers must get right is *which* node becomes a document, of which kind and
owner; building the document is another module's job (tested there).
"""

from __future__ import annotations

import textwrap

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.registry import cfn_handlers, tf_handlers
from lpcheck.adapters.view import ResourceView
from lpcheck.iam.markers import is_endpoint_policy
from lpcheck.location import Location
from lpcheck.model.container import Model
from lpcheck.model.iam import PolicyAttachment, PolicyDocument, PolicyKind, Statement
from lpcheck.model.resources import LambdaPermission
from lpcheck.model.values import Value
from lpcheck.parsers.nodes import ChoiceNode, ListNode, MapNode, Node, ScalarNode, UnknownNode
from lpcheck.parsers.yamlpos import parse_yaml
from lpcheck.rules.lp101_admin_access_attached import admin_access_attached, is_admin_policy
from lpcheck.rules.lp108_policy_on_user import policy_on_user

PATH = "t.yaml"


class RecordingContext(AdaptContext):
    """``ctx.policy`` that records its calls and returns a one-statement document at the node."""

    __slots__ = ("calls",)

    def __init__(self, fmt: str) -> None:
        super().__init__(Model(), fmt)
        self.calls: list[tuple[Node, PolicyKind, str]] = []

    def policy(self, node: Node | None, kind: PolicyKind, owner: str) -> PolicyDocument | None:
        if node is None or isinstance(node, UnknownNode):
            return None
        self.calls.append((node, kind, owner))
        doc = PolicyDocument(
            loc=node.loc,
            kind=kind,
            owner=owner,
            version=Value.absent(node.loc),
            statements=[Statement(loc=node.loc, index=0, sid=Value.absent(None), effect=Value.absent(None))],
        )
        self.model.add(doc)
        return doc


def _resolve(node: Node) -> Node:
    if isinstance(node, MapNode):
        if len(node.items) == 1:
            ((key, arg),) = node.items.items()
            if key == "Ref" and isinstance(arg, ScalarNode):
                if arg.value == "AWS::NoValue":
                    return UnknownNode(loc=node.loc, reason="novalue")
                return UnknownNode(loc=node.loc, ref=str(arg.value))
            if key == "Fn::GetAtt":
                target = arg.items[0] if isinstance(arg, ListNode) else arg
                return UnknownNode(loc=node.loc, ref=str(target.value).split(".")[0])
            if key == "Fn::If" and isinstance(arg, ListNode):
                cond, yes, no = arg.items
                options = []
                for label, branch in ((str(cond.value), yes), (f"not {cond.value}", no)):
                    branch = _resolve(branch)
                    is_novalue = isinstance(branch, UnknownNode) and branch.reason == "novalue"
                    options.append((label, None if is_novalue else branch))
                return ChoiceNode(loc=node.loc, options=options)
        node.items = {k: _resolve(v) for k, v in node.items.items()}
    elif isinstance(node, ListNode):
        node.items = [_resolve(v) for v in node.items]
    return node


def view(address: str, rtype: str, body: str, *, first_line: int = 1, count: int | None = 1) -> ResourceView:
    """A resource whose body starts at ``first_line`` (so the tests can name lines)."""
    text = "\n" * (first_line - 1) + textwrap.dedent(body)
    node = _resolve(parse_yaml(text, PATH)) if body.strip() else MapNode(loc=Location(PATH, first_line))
    assert isinstance(node, MapNode)
    return ResourceView(address, rtype, Location(PATH, max(first_line - 1, 1)), node, count=count)


def adapt(*views: ResourceView, fmt: str = "cloudformation") -> RecordingContext:
    ctx = RecordingContext(fmt)
    ctx.resources = {v.address: v for v in views}
    lookup = cfn_handlers if fmt == "cloudformation" else tf_handlers
    for v in views:
        for handler in lookup(v.type):
            handler(v, ctx)
    return ctx


def lines(issues) -> list[int]:
    return sorted(i.loc.line for i in issues)


def attachments(ctx: AdaptContext) -> list[PolicyAttachment]:
    return ctx.model.attachments


def kinds(ctx: RecordingContext) -> list[tuple[PolicyKind, str]]:
    return [(kind, owner) for _, kind, owner in ctx.calls]


# ------------------------------------------------------------------------------------------------
# LP101's recogniser
# ------------------------------------------------------------------------------------------------


def test_admin_policy_recognised_in_every_partition_and_by_bare_name() -> None:
    for text in (
        "arn:aws:iam::aws:policy/AdministratorAccess",
        "arn:aws-us-gov:iam::aws:policy/AdministratorAccess",
        "arn:aws-cn:iam::aws:policy/AdministratorAccess",
        "arn:aws-iso-b:iam::aws:policy/AdministratorAccess",
        " arn:aws:iam::aws:policy/administratoraccess ",
        "AdministratorAccess",
        "administratorAccess",
    ):
        assert is_admin_policy(text), text


def test_other_policies_are_not_admin() -> None:
    for text in (
        "arn:aws:iam::aws:policy/job-function/SystemAdministrator",
        "arn:aws:iam::aws:policy/AdministratorAccess-Amplify",
        "arn:aws:iam::aws:policy/AdministratorAccess-AWSElasticBeanstalk",
        "arn:aws:iam::aws:policy/PowerUserAccess",
        "arn:aws:iam::123456789012:policy/AdministratorAccess",
        "arn:aws:iam::aws:policy/service-role/AdministratorAccess",
        "AWSAdministratorAccess",
        "",
        None,
    ):
        assert not is_admin_policy(text), text


# ------------------------------------------------------------------------------------------------
# CloudFormation IAM
# ------------------------------------------------------------------------------------------------

ROLE = """\
AssumeRolePolicyDocument:
  Statement:
    - Effect: Allow
      Principal: {Service: lambda.amazonaws.com}
      Action: sts:AssumeRole
Policies:
  - PolicyName: app
    PolicyDocument:
      Statement:
        - Effect: Allow
          Action: s3:GetObject
          Resource: "*"
ManagedPolicyArns:
  - arn:aws:iam::aws:policy/ReadOnlyAccess
  - arn:aws-us-gov:iam::aws:policy/AdministratorAccess
PermissionsBoundary: arn:aws:iam::aws:policy/AdministratorAccess
"""


def test_cfn_role_documents_kinds_and_attachments() -> None:
    ctx = adapt(view("AppRole", "AWS::IAM::Role", ROLE))
    assert kinds(ctx) == [
        (PolicyKind.TRUST, "AppRole (AssumeRolePolicyDocument)"),
        (PolicyKind.IDENTITY, "AppRole (Policies: app)"),
    ]
    atts = attachments(ctx)
    assert [(a.loc.line, a.principal_kind, a.principal) for a in atts] == [
        (7, "role", "AppRole"),
        (14, "role", "AppRole"),
        (15, "role", "AppRole"),
    ]
    assert atts[0].inline is not None and atts[0].policy is None
    # the boundary is not an attachment; only the ManagedPolicyArns item reports
    issues = list(admin_access_attached(ctx.model))
    assert lines(issues) == [15]
    assert "role AppRole" in issues[0].message
    assert list(policy_on_user(ctx.model)) == []


def test_cfn_conditional_admin_arn_names_the_condition() -> None:
    body = """\
    ManagedPolicyArns:
      - !If [IsDev, arn:aws:iam::aws:policy/AdministratorAccess, !Ref AWS::NoValue]
      - !If [IsProd, [arn:aws:iam::aws:policy/AdministratorAccess], [arn:aws:iam::aws:policy/ReadOnlyAccess]]
    """
    ctx = adapt(view("Role", "AWS::IAM::Role", body))
    issues = list(admin_access_attached(ctx.model))
    assert lines(issues) == [2, 3]
    messages = sorted(i.message for i in issues)
    assert "(when IsDev)" in messages[0] and "(when IsProd)" in messages[1]


def test_cfn_unknown_or_referenced_policy_is_silent_for_lp101() -> None:
    body = """\
    ManagedPolicyArns: !Ref PolicyArns
    Policies:
      - PolicyName: AdministratorAccess
        PolicyDocument: !Ref Doc
    """
    ctx = adapt(view("Role", "AWS::IAM::Role", body))
    assert list(admin_access_attached(ctx.model)) == []
    # the whole ManagedPolicyArns list is unknown: no attachment at all; the inline one exists
    assert len(attachments(ctx)) == 1


def test_cfn_user_policies_and_managed_arns_report_lp108_per_item() -> None:
    body = """\
    Groups: [!Ref Admins]
    Policies:
      - PolicyName: inline
        PolicyDocument:
          Statement: []
      - !Ref SomePolicy
    ManagedPolicyArns:
      - arn:aws:iam::aws:policy/AdministratorAccess
    """
    ctx = adapt(view("Deployer", "AWS::IAM::User", body))
    issues = list(policy_on_user(ctx.model))
    assert lines(issues) == [3, 6, 8]
    assert all("IAM user Deployer" in i.message for i in issues)
    assert "AdministratorAccess" in next(i.message for i in issues if i.loc.line == 8)
    # LP101 is a different cause and still reports the admin attachment
    assert lines(admin_access_attached(ctx.model)) == [8]


def test_cfn_group_attachment_is_not_lp108() -> None:
    body = """\
    ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]
    """
    ctx = adapt(view("Admins", "AWS::IAM::Group", body))
    assert list(policy_on_user(ctx.model)) == []
    issue = next(iter(admin_access_attached(ctx.model)))
    assert "group Admins" in issue.message


def test_cfn_policy_with_users_roles_groups() -> None:
    body = """\
    PolicyName: deploy
    PolicyDocument:
      Statement: []
    Users:
      - !Ref Alice
      - bob
    Roles: [!Ref AppRole]
    Groups: [!Ref Devs]
    """
    for rtype in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
        ctx = adapt(view("Deploy", rtype, body))
        assert kinds(ctx) == [(PolicyKind.IDENTITY, "Deploy (PolicyDocument)")]
        atts = attachments(ctx)
        assert sorted((a.principal_kind, a.principal) for a in atts) == [
            ("group", "Devs"),
            ("role", "AppRole"),
            ("user", "Alice"),
            ("user", "bob"),
        ]
        assert all(a.inline is not None for a in atts)
        issues = list(policy_on_user(ctx.model))
        assert lines(issues) == [5, 6]
        assert "Policy Deploy" in issues[0].message
        assert list(admin_access_attached(ctx.model)) == []


def test_cfn_user_policy_resource_reports_at_policy_document() -> None:
    body = """\
    PolicyName: p
    UserName: !Ref Alice
    PolicyDocument:
      Statement: []
    """
    ctx = adapt(view("AlicePolicy", "AWS::IAM::UserPolicy", body))
    assert kinds(ctx) == [(PolicyKind.IDENTITY, "AlicePolicy (PolicyDocument)")]
    assert lines(policy_on_user(ctx.model)) == [3]
    role_ctx = adapt(view("RolePolicy", "AWS::IAM::RolePolicy", body.replace("UserName", "RoleName")))
    assert [a.principal_kind for a in attachments(role_ctx)] == ["role"]
    assert list(policy_on_user(role_ctx.model)) == []


def test_group_membership_is_not_an_attachment() -> None:
    ctx = adapt(view("Add", "AWS::IAM::UserToGroupAddition", "GroupName: admins\nUsers: [alice]\n"))
    assert attachments(ctx) == []
    assert tf_handlers("aws_iam_user_group_membership") == []
    assert tf_handlers("aws_iam_group_membership") == []


# ------------------------------------------------------------------------------------------------
# SAM
# ------------------------------------------------------------------------------------------------


def test_sam_policies_names_arns_documents_and_templates() -> None:
    body = """\
    Runtime: python3.12
    Policies:
      - AdministratorAccess
      - arn:aws:iam::aws:policy/AmazonS3FullAccess
      - S3ReadPolicy:
          BucketName: my-bucket
      - Statement:
          - Effect: Allow
            Action: sqs:SendMessage
            Resource: "*"
    """
    ctx = adapt(view("Fn", "AWS::Serverless::Function", body))
    atts = attachments(ctx)
    assert [(a.loc.line, a.principal_kind) for a in atts] == [
        (3, "function"),
        (4, "function"),
        (7, "function"),
    ]
    assert kinds(ctx) == [(PolicyKind.IDENTITY, "Fn (Policies[3])")]
    issues = list(admin_access_attached(ctx.model))
    assert lines(issues) == [3]
    assert "function Fn" in issues[0].message


def test_sam_single_string_policy_and_state_machine() -> None:
    ctx = adapt(view("Sm", "AWS::Serverless::StateMachine", "Policies: AdministratorAccess\n"))
    assert lines(admin_access_attached(ctx.model)) == [1]


def test_sam_role_makes_policies_ignored() -> None:
    body = """\
    Role: !GetAtt MyRole.Arn
    Policies: [AdministratorAccess]
    """
    ctx = adapt(view("Fn", "AWS::Serverless::Function", body))
    assert attachments(ctx) == []
    conditional = """\
    Role: !If [UseRole, !GetAtt MyRole.Arn, !Ref AWS::NoValue]
    Policies: [AdministratorAccess]
    """
    ctx = adapt(view("Fn", "AWS::Serverless::Function", conditional))
    issues = list(admin_access_attached(ctx.model))
    assert lines(issues) == [2]
    assert "not UseRole" in issues[0].message


def test_sam_trust_document() -> None:
    body = """\
    AssumeRolePolicyDocument:
      Statement: []
    """
    ctx = adapt(view("Fn", "AWS::Serverless::Function", body))
    assert kinds(ctx) == [(PolicyKind.TRUST, "Fn (AssumeRolePolicyDocument)")]


# ------------------------------------------------------------------------------------------------
# Terraform IAM
# ------------------------------------------------------------------------------------------------


def test_tf_role_trust_inline_blocks_and_managed_arns() -> None:
    body = """\
    assume_role_policy: '{"Statement": []}'
    inline_policy:
      - name: app
        policy: '{"Statement": []}'
      - {}
    managed_policy_arns:
      - arn:aws-cn:iam::aws:policy/AdministratorAccess
    """
    ctx = adapt(view("aws_iam_role.app", "aws_iam_role", body), fmt="terraform")
    assert kinds(ctx) == [
        (PolicyKind.TRUST, "aws_iam_role.app (assume_role_policy)"),
        (PolicyKind.IDENTITY, "aws_iam_role.app (inline_policy app)"),
    ]
    assert [a.loc.line for a in attachments(ctx)] == [4, 7]
    assert lines(admin_access_attached(ctx.model)) == [7]


def test_tf_attachments_report_at_policy_arn() -> None:
    role = view(
        "aws_iam_role_policy_attachment.a",
        "aws_iam_role_policy_attachment",
        "role: x\npolicy_arn: arn:aws:iam::aws:policy/AdministratorAccess\n",
    )
    user = view(
        "aws_iam_user_policy_attachment.u",
        "aws_iam_user_policy_attachment",
        "user: !Ref aws_iam_user.alice\npolicy_arn: !Ref aws_iam_policy.deploy\n",
        first_line=10,
    )
    ctx = adapt(role, user, fmt="terraform")
    assert lines(admin_access_attached(ctx.model)) == [2]
    issues = list(policy_on_user(ctx.model))
    assert lines(issues) == [11]
    assert "aws_iam_user.alice" in issues[0].message and "aws_iam_policy.deploy" in issues[0].message


def test_tf_data_source_admin_policy_is_resolved() -> None:
    data = view("data.aws_iam_policy.admin", "data.aws_iam_policy", "name: AdministratorAccess\n")
    other = view(
        "data.aws_iam_policy.ro", "data.aws_iam_policy", "arn: arn:aws:iam::aws:policy/ReadOnlyAccess\n"
    )
    att = view(
        "aws_iam_group_policy_attachment.g",
        "aws_iam_group_policy_attachment",
        "group: ops\npolicy_arn: !Ref data.aws_iam_policy.admin\n",
        first_line=5,
    )
    att2 = view(
        "aws_iam_group_policy_attachment.h",
        "aws_iam_group_policy_attachment",
        "group: ops\npolicy_arn: !Ref data.aws_iam_policy.ro\n",
        first_line=9,
    )
    ctx = adapt(data, other, att, att2, fmt="terraform")
    issues = list(admin_access_attached(ctx.model))
    assert lines(issues) == [6]
    assert "data.aws_iam_policy.admin" in issues[0].message


def test_tf_policy_attachment_lists_give_one_finding_per_rule() -> None:
    body = """\
    name: admin
    users: [alice, !Ref aws_iam_user.bob]
    roles: [!Ref aws_iam_role.app]
    groups: []
    policy_arn: arn:aws:iam::aws:policy/AdministratorAccess
    """
    ctx = adapt(view("aws_iam_policy_attachment.a", "aws_iam_policy_attachment", body), fmt="terraform")
    assert sorted((a.principal_kind, a.principal) for a in attachments(ctx)) == [
        ("role", "aws_iam_role.app"),
        ("user", "alice"),
        ("user", "aws_iam_user.bob"),
    ]
    lp101 = list(admin_access_attached(ctx.model))
    assert lines(lp101) == [5]
    assert "alice" in lp101[0].message and "aws_iam_role.app" in lp101[0].message
    lp108 = list(policy_on_user(ctx.model))
    assert lines(lp108) == [5]
    assert "alice, aws_iam_user.bob" in lp108[0].message


def test_tf_exclusive_attachments_and_inline_user_policy() -> None:
    exclusive = view(
        "aws_iam_role_policy_attachments_exclusive.x",
        "aws_iam_role_policy_attachments_exclusive",
        "role_name: app\npolicy_arns:\n  - arn:aws:iam::aws:policy/ReadOnlyAccess\n"
        "  - arn:aws:iam::aws:policy/AdministratorAccess\n",
    )
    user_exclusive = view(
        "aws_iam_user_policy_attachments_exclusive.y",
        "aws_iam_user_policy_attachments_exclusive",
        "user_name: alice\npolicy_arns: [arn:aws:iam::aws:policy/ReadOnlyAccess]\n",
        first_line=10,
    )
    inline = view(
        "aws_iam_user_policy.z",
        "aws_iam_user_policy",
        "user: alice\npolicy: '{\"Statement\": []}'\n",
        first_line=20,
    )
    ctx = adapt(exclusive, user_exclusive, inline, fmt="terraform")
    assert lines(admin_access_attached(ctx.model)) == [4]
    assert lines(policy_on_user(ctx.model)) == [11, 21]
    assert (PolicyKind.IDENTITY, "aws_iam_user_policy.z (policy)") in kinds(ctx)


def test_tf_count_zero_creates_nothing() -> None:
    att = view(
        "aws_iam_user_policy_attachment.u",
        "aws_iam_user_policy_attachment",
        "user: alice\npolicy_arn: arn:aws:iam::aws:policy/AdministratorAccess\n",
        count=0,
    )
    ctx = adapt(att, fmt="terraform")
    assert attachments(ctx) == []


def test_tf_managed_policy_is_identity() -> None:
    ctx = adapt(
        view("aws_iam_policy.p", "aws_iam_policy", "policy: '{\"Statement\": []}'\n"), fmt="terraform"
    )
    assert kinds(ctx) == [(PolicyKind.IDENTITY, "aws_iam_policy.p (policy)")]
    assert attachments(ctx) == []


# ------------------------------------------------------------------------------------------------
# Resource policies and Lambda permissions
# ------------------------------------------------------------------------------------------------


def test_cfn_resource_policy_holders_are_resource_kind() -> None:
    cases = [
        ("AWS::S3::BucketPolicy", "PolicyDocument"),
        ("AWS::SQS::QueuePolicy", "PolicyDocument"),
        ("AWS::SNS::TopicPolicy", "PolicyDocument"),
        ("AWS::KMS::Key", "KeyPolicy"),
        ("AWS::SecretsManager::ResourcePolicy", "ResourcePolicy"),
        ("AWS::ECR::Repository", "RepositoryPolicyText"),
        ("AWS::OpenSearchService::Domain", "AccessPolicies"),
        ("AWS::Elasticsearch::Domain", "AccessPolicies"),
        ("AWS::ApiGateway::RestApi", "Policy"),
        ("AWS::EFS::FileSystem", "FileSystemPolicy"),
        ("AWS::Logs::ResourcePolicy", "PolicyDocument"),
        ("AWS::Backup::BackupVault", "AccessPolicy"),
        ("AWS::S3::AccessPoint", "Policy"),
    ]
    for rtype, prop in cases:
        ctx = adapt(view("R", rtype, f"{prop}:\n  Statement: []\n"))
        assert kinds(ctx) == [(PolicyKind.RESOURCE, f"R ({prop})")], rtype
        assert attachments(ctx) == []


def test_cfn_json_string_policy_and_nested_path() -> None:
    ctx = adapt(
        view("L", "AWS::Logs::ResourcePolicy", "PolicyName: p\nPolicyDocument: '{\"Statement\": []}'\n")
    )
    node, kind, _ = ctx.calls[0]
    assert isinstance(node, ScalarNode) and kind is PolicyKind.RESOURCE
    ctx = adapt(view("T", "AWS::DynamoDB::Table", "ResourcePolicy:\n  PolicyDocument:\n    Statement: []\n"))
    assert kinds(ctx) == [(PolicyKind.RESOURCE, "T (ResourcePolicy.PolicyDocument)")]


def test_unknown_and_empty_policies_build_nothing() -> None:
    ctx = adapt(view("B", "AWS::S3::BucketPolicy", "PolicyDocument: !Ref Doc\n"))
    assert ctx.calls == []
    ctx = adapt(view("aws_s3_bucket.b", "aws_s3_bucket", "bucket: b\npolicy: ''\n"), fmt="terraform")
    assert ctx.calls == []


def test_conditional_document_is_one_document_per_branch() -> None:
    body = """\
    PolicyDocument: !If
      - Public
      - Statement: [{Effect: Allow, Principal: "*", Action: "s3:GetObject"}]
      - Statement: []
    """
    ctx = adapt(view("B", "AWS::S3::BucketPolicy", body))
    docs = ctx.model.policies
    assert [d.statements[0].condition for d in docs] == ["Public", "not Public"]


def test_vpc_endpoint_policies_are_marked_resource_policies() -> None:
    ctx = adapt(view("E", "AWS::EC2::VPCEndpoint", "PolicyDocument:\n  Statement: []\n"))
    assert kinds(ctx) == [(PolicyKind.RESOURCE, "VPC endpoint E (PolicyDocument)")]
    assert is_endpoint_policy(ctx.calls[0][2])
    tf_body = "vpc_id: v\npolicy: '{\"Statement\": []}'\n"
    for rtype in ("aws_vpc_endpoint", "aws_vpc_endpoint_policy"):
        ctx = adapt(view(f"{rtype}.e", rtype, tf_body), fmt="terraform")
        assert kinds(ctx) == [(PolicyKind.RESOURCE, f"VPC endpoint {rtype}.e (policy)")]


def test_sam_api_custom_statements_are_a_resource_policy() -> None:
    body = """\
    StageName: prod
    Auth:
      ResourcePolicy:
        CustomStatements:
          - Effect: Allow
            Principal: "*"
            Action: execute-api:Invoke
            Resource: execute-api:/*
    """
    ctx = adapt(view("Api", "AWS::Serverless::Api", body))
    node, kind, owner = ctx.calls[0]
    assert kind is PolicyKind.RESOURCE and owner == "Api (Auth.ResourcePolicy.CustomStatements)"
    assert isinstance(node, MapNode) and node.items["Statement"].loc.line == 5


def test_event_bus_policy_statement_is_wrapped_in_a_document() -> None:
    body = """\
    StatementId: s
    Statement:
      Effect: Allow
      Principal: "*"
      Action: events:PutEvents
    """
    ctx = adapt(view("Bus", "AWS::Events::EventBusPolicy", body))
    node, kind, owner = ctx.calls[0]
    assert kind is PolicyKind.RESOURCE and owner == "Bus (Statement)"
    assert isinstance(node, MapNode) and node.items["Statement"].loc.line == 3


def test_tf_resource_policies() -> None:
    cases = [
        ("aws_s3_bucket_policy", "policy"),
        ("aws_s3_bucket", "policy"),
        ("aws_sqs_queue", "policy"),
        ("aws_sns_topic_policy", "policy"),
        ("aws_kms_key", "policy"),
        ("aws_secretsmanager_secret_policy", "policy"),
        ("aws_ecr_repository_policy", "policy"),
        ("aws_opensearch_domain_policy", "access_policies"),
        ("aws_elasticsearch_domain", "access_policies"),
        ("aws_api_gateway_rest_api_policy", "policy"),
        ("aws_efs_file_system_policy", "policy"),
        ("aws_cloudwatch_log_resource_policy", "policy_document"),
        ("aws_backup_vault_policy", "policy"),
        ("aws_glacier_vault", "access_policy"),
        ("aws_s3_access_point", "policy"),
        ("aws_ecrpublic_repository_policy", "policy"),
    ]
    for rtype, attr in cases:
        ctx = adapt(view(f"{rtype}.x", rtype, f"{attr}:\n  Statement: []\n"), fmt="terraform")
        assert kinds(ctx) == [(PolicyKind.RESOURCE, f"{rtype}.x ({attr})")], rtype


def test_lambda_permissions() -> None:
    body = """\
    Action: lambda:InvokeFunction
    FunctionName: !Ref Fn
    Principal: "*"
    SourceArn: !GetAtt Bucket.Arn
    FunctionUrlAuthType: NONE
    """
    ctx = adapt(view("Perm", "AWS::Lambda::Permission", body, first_line=4))
    (perm,) = ctx.model.of(LambdaPermission)
    assert perm.address == "Perm" and perm.principal.as_str() == "*"
    assert perm.source_arn.is_unknown and perm.source_arn.ref == "Bucket"
    assert perm.source_account.is_absent and perm.function_url_auth.as_str() == "NONE"
    assert perm.loc.line == 3

    tf = view(
        "aws_lambda_permission.p",
        "aws_lambda_permission",
        "principal: s3.amazonaws.com\nsource_account: '123456789012'\nprincipal_org_id: o-abc\n",
    )
    layer = view(
        "aws_lambda_layer_version_permission.l", "aws_lambda_layer_version_permission", "principal: '*'\n"
    )
    ctx = adapt(tf, layer, fmt="terraform")
    perm, layer_perm = ctx.model.of(LambdaPermission)
    assert perm.source_account.as_str() == "123456789012" and perm.principal_org.as_str() == "o-abc"
    assert layer_perm.principal.as_str() == "*" and layer_perm.principal_org.is_absent


# ------------------------------------------------------------------------------------------------
# Rules on attachments written by other adapters (IAM JSON account-authorization dumps)
# ------------------------------------------------------------------------------------------------


def test_rules_read_attachments_from_any_adapter() -> None:
    model = Model()
    loc = Location("auth.json", 12, 9)
    model.add(
        PolicyAttachment(
            loc=loc,
            principal_kind="user",
            principal="alice",
            policy=Value.literal("arn:aws:iam::aws:policy/AdministratorAccess", loc),
        )
    )
    model.add(PolicyAttachment(loc=Location("auth.json", 20, 9), principal_kind="role", principal="r"))
    assert [i.loc for i in admin_access_attached(model)] == [loc]
    assert [i.loc for i in policy_on_user(model)] == [loc]


def test_sam_function_url_without_auth_is_a_public_lambda_permission() -> None:
    body = """\
    Handler: a.b
    FunctionUrlConfig:
      AuthType: NONE
    """
    ctx = adapt(view("Fn", "AWS::Serverless::Function", body))
    (permission,) = ctx.model.of(LambdaPermission)
    assert permission.principal.as_str() == "*" and permission.principal.loc is not None
    assert permission.principal.loc.line == 3
    ctx = adapt(
        view("Fn", "AWS::Serverless::Function", "Handler: a.b\nFunctionUrlConfig:\n  AuthType: AWS_IAM\n")
    )
    assert ctx.model.of(LambdaPermission) == []


def test_managed_policy_used_only_as_a_boundary_is_marked() -> None:
    policy_body = "PolicyDocument:\n  Statement: []\n"
    role = view(
        "Role", "AWS::IAM::Role", "PermissionsBoundary: !Ref Boundary\nManagedPolicyArns: [!Ref Granted]\n"
    )
    ctx = adapt(
        view("Boundary", "AWS::IAM::ManagedPolicy", policy_body),
        view("Granted", "AWS::IAM::ManagedPolicy", policy_body),
        role,
    )
    owners = [owner for _, kind, owner in ctx.calls if kind is PolicyKind.IDENTITY]
    assert owners == ["Permissions boundary Boundary (PolicyDocument)", "Granted (PolicyDocument)"]
    # Also attached somewhere: judged as a grant.
    ctx = adapt(
        view("Both", "AWS::IAM::ManagedPolicy", policy_body),
        view("R", "AWS::IAM::Role", "PermissionsBoundary: !Ref Both\nManagedPolicyArns: [!Ref Both]\n"),
    )
    assert [owner for _, _, owner in ctx.calls] == ["Both (PolicyDocument)"]
