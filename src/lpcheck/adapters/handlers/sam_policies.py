"""SAM ``Policies`` of ``AWS::Serverless::Function`` and ``AWS::Serverless::StateMachine``.

SAM creates an execution role for the resource and attaches what ``Policies`` lists, which may be a
single value or a list, each element one of:

- an AWS managed policy name (``AdministratorAccess``, ``AmazonS3FullAccess``) or a policy ARN ->
  an attachment whose ``policy`` is that name/ARN (LP101 recognises the bare admin name);
- an inline document (a map with ``Statement``) -> an identity document plus an attachment;
- a SAM policy template (``S3ReadPolicy: {BucketName: x}``, ``DynamoDBCrudPolicy: ...``) -> nothing:
  SAM expands templates into statements scoped to the named resource, so they are the least
  privilege idiom SAM recommends, and lpcheck does not second-guess AWS's own template texts.

Attachments have ``principal_kind`` "function" and the resource's logical ID as principal. A set
``Role`` is not an attachment and makes SAM ignore ``Policies`` (and ``AssumeRolePolicyDocument``),
so then nothing is reported. Permissions SAM creates implicitly for ``Events`` and
``FunctionUrlConfig`` are not modelled.

``FunctionUrlConfig`` with ``AuthType: NONE`` makes SAM add a Lambda permission for principal ``*``
(``lambda:InvokeFunctionUrl``): it is modelled as that ``LambdaPermission`` (LP107), located at
``AuthType``.

``AWS::Serverless::Api`` ``Auth.ResourcePolicy.CustomStatements`` are IAM statements SAM copies into
the API's resource policy: they are wrapped in a document (SAM adds the ``Version``) and judged as a
resource policy, like ``AWS::ApiGateway::RestApi`` ``Policy``.
"""

from __future__ import annotations

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.handlers.iam import (
    add_policy,
    attach,
    items,
    join_conditions,
    owner_of,
    resolve_managed_policy,
)
from lpcheck.adapters.registry import cfn
from lpcheck.adapters.view import ResourceView
from lpcheck.model.iam import PolicyKind
from lpcheck.model.resources import LambdaPermission
from lpcheck.model.values import Value
from lpcheck.parsers.nodes import ChoiceNode, ListNode, MapNode, Node, ScalarNode


def _generated_role(role: Node | None) -> tuple[bool, str | None]:
    """Whether SAM generates the role, and under which condition: always without ``Role``; in the
    branches where a conditional ``Role`` is ``AWS::NoValue``; never when a role is supplied."""
    if role is None:
        return True, None
    if isinstance(role, ChoiceNode):
        labels = [label for label, option in role.options if option is None]
        if labels:
            return True, " or ".join(labels)
    return False, None


def _is_document(node: MapNode) -> bool:
    """An inline policy document (``{Statement: ...}``), as opposed to a policy template."""
    return node.iget("Statement") is not None


@cfn("AWS::Serverless::Function", "AWS::Serverless::StateMachine")
def sam_policies(view: ResourceView, ctx: AdaptContext) -> None:
    generated, role_condition = _generated_role(view.node("Role"))
    if not generated:
        return
    if view.type == "AWS::Serverless::Function":
        add_policy(
            ctx,
            view.node("AssumeRolePolicyDocument"),
            PolicyKind.TRUST,
            owner_of(view, "AssumeRolePolicyDocument"),
        )
    for index, (item, item_condition) in enumerate(items(view.node("Policies"))):
        condition = join_conditions(role_condition, item_condition)
        if isinstance(item, MapNode):
            if not _is_document(item):
                continue  # a SAM policy template: scoped by construction (see module docstring)
            docs = add_policy(ctx, item, PolicyKind.IDENTITY, owner_of(view, f"Policies[{index}]"))
            for doc in docs:
                for statement in doc.statements:
                    statement.condition = join_conditions(condition, statement.condition)
            attach(
                ctx,
                loc=item.loc,
                principal_kind="function",
                principal=view.address,
                inline=docs[0] if docs else None,
            )
        else:
            attach(
                ctx,
                loc=item.loc,
                principal_kind="function",
                principal=view.address,
                policy=resolve_managed_policy(item, item.loc, ctx, condition),
            )


@cfn("AWS::Serverless::Function")
def sam_function_url(view: ResourceView, ctx: AdaptContext) -> None:
    auth = view.value("FunctionUrlConfig.AuthType")
    public = auth.find(lambda v: (v.as_str() or "").strip().upper() == "NONE")
    if public is None:
        return
    ctx.model.add(
        LambdaPermission(
            address=view.address,
            type=view.type,
            loc=view.loc,
            names=view.names,
            condition=view.condition,
            principal=Value.literal("*", public.loc).with_condition(public.condition),
            function_url_auth=auth,
        )
    )


@cfn("AWS::Serverless::Api")
def sam_api_statements(view: ResourceView, ctx: AdaptContext) -> None:
    statements = view.node("Auth.ResourcePolicy.CustomStatements")
    if not isinstance(statements, (MapNode, ListNode, ChoiceNode)):
        return
    document = MapNode(
        loc=statements.loc,
        items={"Version": ScalarNode(loc=statements.loc, value="2012-10-17"), "Statement": statements},
        key_locs={"Version": statements.loc, "Statement": statements.loc},
    )
    add_policy(ctx, document, PolicyKind.RESOURCE, owner_of(view, "Auth.ResourcePolicy.CustomStatements"))
