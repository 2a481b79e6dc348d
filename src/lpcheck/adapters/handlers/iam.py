"""IAM principals and their policies, CloudFormation and Terraform, into the model.

Every way a policy reaches a role, user or group becomes one ``PolicyAttachment`` located where the
binding is written (a ``ManagedPolicyArns`` item, a ``Policies`` item, a ``policy_arn``/``policy``
attribute, a ``Users``/``Roles`` item), so LP101 and LP108 point at the element that grants the
access rather than the enclosing block. Documents are built through ``ctx.policy`` with the kind
AWS evaluates them as: a role's assume-role document is ``TRUST`` (its ``Principal`` matters), every
policy held by a role/user/group or a managed policy is ``IDENTITY`` (needs ``Resource``, has no
``Principal``).

Not attachments, deliberately: group membership (``AWS::IAM::UserToGroupAddition``, a user's
``Groups``, ``aws_iam_user_group_membership``, ``aws_iam_group_membership``) and permissions
boundaries — they do not grant anything by themselves.

The helpers at the top are shared with ``sam_policies`` and ``resource_policies``.
"""

from __future__ import annotations

from collections.abc import Iterator

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.registry import cfn, tf
from lpcheck.adapters.view import ResourceView, value_of
from lpcheck.iam.markers import BOUNDARY_OWNER_PREFIX
from lpcheck.location import Location
from lpcheck.model.iam import PolicyAttachment, PolicyDocument, PolicyKind
from lpcheck.model.values import Value
from lpcheck.parsers.nodes import ChoiceNode, ListNode, MapNode, Node, ScalarNode, UnknownNode

# --------------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------------


def join_conditions(outer: str | None, inner: str | None) -> str | None:
    """Both conditions hold (an ``Fn::If`` nested in another, a branch of a conditional list)."""
    if outer and inner:
        return f"{outer} and {inner}"
    return outer or inner


def items(
    node: Node | None, condition: str | None = None, *, in_list: bool = False
) -> Iterator[tuple[Node, str | None]]:
    """Each element of a list-valued property, with the template condition it exists under.

    Users write a single value where a list is expected (``Policies: AmazonS3FullAccess``,
    ``ManagedPolicyArns: !If [...]``), so a lone value counts as a one-element list. ``Fn::If``
    alternatives are flattened, each element tagged with its branch; an ``AWS::NoValue`` branch
    contributes nothing. A whole list that is unknown yields nothing (we cannot know it holds
    anything); an unknown element inside a known list is still an element.
    """
    if node is None:
        return
    if isinstance(node, ChoiceNode):
        for label, option in node.options:
            yield from items(option, join_conditions(condition, label), in_list=in_list)
    elif isinstance(node, ListNode):
        for item in node.items:
            yield from items(item, condition, in_list=True)
    elif isinstance(node, UnknownNode):
        if in_list:
            yield node, condition
    else:
        yield node, condition


def display(node: Node | None) -> str:
    """A principal's name for messages: the literal name, else the address it references."""
    if isinstance(node, ScalarNode) and node.value not in (None, ""):
        return str(node.value)
    if isinstance(node, UnknownNode) and node.ref:
        return node.ref
    if isinstance(node, ChoiceNode):
        names = [display(n) for _, n in node.options if n is not None]
        return " | ".join(dict.fromkeys(names)) or "(unresolved)"
    return "(unresolved)"


def owner_of(view: ResourceView, element: str) -> str:
    """``AppRole (AssumeRolePolicyDocument)`` / ``aws_iam_role.app (assume_role_policy)``."""
    return f"{view.address} ({element})"


def add_policy(ctx: AdaptContext, node: Node | None, kind: PolicyKind, owner: str) -> list[PolicyDocument]:
    """Build and record the document(s) a property holds.

    A document under ``Fn::If`` (or a Terraform conditional) is one document per branch, its
    statements tagged with the branch's condition so a finding can name it. Unknown values build
    nothing: there is nothing to judge."""
    if node is None or (isinstance(node, UnknownNode) and not _partial_text(node)):
        return []
    if isinstance(node, ChoiceNode):
        docs: list[PolicyDocument] = []
        for label, option in node.options:
            for doc in add_policy(ctx, option, kind, owner):
                for statement in doc.statements:
                    statement.condition = join_conditions(label, statement.condition)
                if not doc.version.options:  # LP109 names the branch of a wrong Version
                    doc.version = doc.version.with_condition(join_conditions(label, doc.version.condition))
                docs.append(doc)
        return docs
    if isinstance(node, ScalarNode) and not (isinstance(node.value, str) and node.value.strip()):
        return []
    doc = ctx.policy(node, kind, owner)
    return [doc] if doc is not None else []


def _partial_text(node: UnknownNode) -> bool:
    """An ``Fn::Sub``/``Fn::Join`` with unresolvable parts whose text is still known (it may hold
    a JSON document, read by ``lpcheck.adapters.policy.unresolved_sub``)."""
    return bool(getattr(node, "text", None)) or (node.reason or "").startswith("Fn::Sub ")


def strip_index(address: str) -> str:
    """``data.aws_iam_policy.admin[0]`` -> ``data.aws_iam_policy.admin``."""
    return address.split("[", 1)[0]


def resolve_managed_policy(
    node: Node | None, loc: Location, ctx: AdaptContext, condition: str | None = None
) -> Value:
    """The managed policy a ``policy_arn``/``ManagedPolicyArns`` element names, as a typed value.

    A reference to a ``data "aws_iam_policy"`` whose ``arn`` or ``name`` is literal resolves to
    that literal (located where it is used, the data source named as its origin): the Terraform
    front-end leaves ``data.aws_iam_policy.x.arn`` unknown because the ARN is computed, but the
    data source's arguments say which policy it is. Anything else keeps its own state."""
    value = value_of(node, loc).with_condition(condition)
    if not value.options and value.is_unknown and value.ref:
        resolved = _from_data_source(value.ref, value.loc or loc, ctx)
        if resolved is not None:
            return resolved.with_condition(condition)
    if value.options:
        variants = []
        for variant in value.options:
            if variant.is_unknown and variant.ref:
                resolved = _from_data_source(variant.ref, variant.loc or loc, ctx)
                if resolved is not None:
                    variant = resolved.with_condition(variant.condition)
            variants.append(variant)
        return Value.choice(variants, value.loc)
    return value


def _from_data_source(ref: str, loc: Location, ctx: AdaptContext) -> Value | None:
    address = strip_index(ref)
    if not address.startswith("data.aws_iam_policy."):
        return None
    source = ctx.resources.get(ref) or ctx.resources.get(address)
    if source is None or source.count == 0:  # a data source never read (count 0) names nothing
        return None
    for key in ("arn", "name"):
        text = source.value(key).as_str()
        if text:
            return Value.literal(text, loc, origin=f"{address}.{key}")
    return None


def attach(
    ctx: AdaptContext,
    *,
    loc: Location,
    principal_kind: str,
    principal: str,
    policy: Value | None = None,
    inline: PolicyDocument | None = None,
) -> None:
    ctx.model.add(
        PolicyAttachment(
            loc=loc, principal_kind=principal_kind, principal=principal, policy=policy, inline=inline
        )
    )


def exists(view: ResourceView) -> bool:
    """False for a Terraform resource that is never created (``count = 0`` literally)."""
    return view.count != 0


# --------------------------------------------------------------------------------------------------
# CloudFormation
# --------------------------------------------------------------------------------------------------

_CFN_PRINCIPAL_KIND = {"AWS::IAM::Role": "role", "AWS::IAM::User": "user", "AWS::IAM::Group": "group"}


@cfn("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group")
def cfn_principal(view: ResourceView, ctx: AdaptContext) -> None:
    """A role's trust document; inline ``Policies`` and ``ManagedPolicyArns`` of a role/user/group."""
    kind = _CFN_PRINCIPAL_KIND[view.type]
    if kind == "role":
        add_policy(
            ctx,
            view.node("AssumeRolePolicyDocument"),
            PolicyKind.TRUST,
            owner_of(view, "AssumeRolePolicyDocument"),
        )
    cfn_inline_policies(view, ctx, kind, view.address)
    cfn_managed_arns(view, ctx, "ManagedPolicyArns", kind, view.address)


def cfn_inline_policies(view: ResourceView, ctx: AdaptContext, kind: str, principal: str) -> None:
    """``Policies: [{PolicyName, PolicyDocument}]``: one identity document and attachment each,
    located at the list item (the policy's own opening line)."""
    for index, (item, _condition) in enumerate(items(view.node("Policies"))):
        docs: list[PolicyDocument] = []
        if isinstance(item, MapNode):  # else an unknown element: a policy exists, content unknown
            name = item.get("PolicyName")
            label = display(name) if isinstance(name, ScalarNode) else f"Policies[{index}]"
            docs = add_policy(
                ctx, item.get("PolicyDocument"), PolicyKind.IDENTITY, owner_of(view, f"Policies: {label}")
            )
        # ``policy`` stays None: an inline policy's *name* says nothing about its content (a
        # policy named "AdministratorAccess" is not the AWS managed one).
        attach(ctx, loc=item.loc, principal_kind=kind, principal=principal, inline=docs[0] if docs else None)


def cfn_managed_arns(view: ResourceView, ctx: AdaptContext, prop: str, kind: str, principal: str) -> None:
    """``ManagedPolicyArns``: one attachment per element, located at the element."""
    for item, condition in items(view.node(prop)):
        attach(
            ctx,
            loc=item.loc,
            principal_kind=kind,
            principal=principal,
            policy=resolve_managed_policy(item, item.loc, ctx, condition),
        )


# --------------------------------------------------------------------------------------------------
# Permissions boundaries
# --------------------------------------------------------------------------------------------------

_BOUNDARY_KEYS = frozenset({"PermissionsBoundary", "permissions_boundary"})


def boundary_only(view: ResourceView, ctx: AdaptContext) -> bool:
    """Whether this customer managed policy is used as a permissions boundary and for nothing else.

    A boundary caps what a principal's other policies grant and grants nothing itself, so its usual
    ``Allow *`` (minus a few Denies) is not a grant the statement rules should judge. The policy
    counts as a boundary when a role or user of the unit names it in ``PermissionsBoundary`` /
    ``permissions_boundary``, and as attached when anything else references it (an attachment,
    ``ManagedPolicyArns``, its own ``Roles``/``Users``/``Groups``): then it is judged as usual."""
    if any(view.has(prop) for prop in ("Roles", "Users", "Groups")):
        return False
    address = strip_index(view.address)
    bounded = False
    for other in ctx.resources.values():
        if other is view or other.body is None:
            continue
        for in_boundary in _references(other.body, address, False):
            if not in_boundary:
                return False
            bounded = True
    return bounded


def _references(node: Node | None, address: str, in_boundary: bool) -> Iterator[bool]:
    """For each reference to ``address`` under ``node``: whether it sits in a boundary property."""
    if isinstance(node, UnknownNode):
        if node.ref is not None and strip_index(node.ref) == address:
            yield in_boundary
    elif isinstance(node, MapNode):
        for key, child in node.items.items():
            yield from _references(child, address, in_boundary or key in _BOUNDARY_KEYS)
    elif isinstance(node, ListNode):
        for child in node.items:
            yield from _references(child, address, in_boundary)
    elif isinstance(node, ChoiceNode):
        for _, child in node.options:
            yield from _references(child, address, in_boundary)


def managed_policy_owner(view: ResourceView, ctx: AdaptContext, element: str) -> str:
    """The owner string of a customer managed policy's document, marked when it is only a boundary."""
    owner = owner_of(view, element)
    return BOUNDARY_OWNER_PREFIX + owner if boundary_only(view, ctx) else owner


@cfn("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")
def cfn_policy(view: ResourceView, ctx: AdaptContext) -> None:
    """A standalone policy: its document, and one attachment per ``Roles``/``Users``/``Groups`` item."""
    owner = owner_of(view, "PolicyDocument")
    if view.type == "AWS::IAM::ManagedPolicy":
        owner = managed_policy_owner(view, ctx, "PolicyDocument")
    docs = add_policy(ctx, view.node("PolicyDocument"), PolicyKind.IDENTITY, owner)
    for prop, kind in (("Roles", "role"), ("Users", "user"), ("Groups", "group")):
        for item, condition in items(view.node(prop)):
            attach(
                ctx,
                loc=item.loc,
                principal_kind=kind,
                principal=display(item),
                # a reference to the policy resource itself (never the AWS managed admin policy)
                policy=Value.unknown(item.loc, ref=view.address).with_condition(condition),
                inline=docs[0] if docs else None,
            )


_CFN_INLINE = {
    "AWS::IAM::RolePolicy": ("RoleName", "role"),
    "AWS::IAM::UserPolicy": ("UserName", "user"),
    "AWS::IAM::GroupPolicy": ("GroupName", "group"),
}


@cfn(*_CFN_INLINE)
def cfn_inline_policy(view: ResourceView, ctx: AdaptContext) -> None:
    """``AWS::IAM::{Role,User,Group}Policy``: an inline document bound to one principal, located at
    ``PolicyDocument`` (the policy the resource binds)."""
    prop, kind = _CFN_INLINE[view.type]
    docs = add_policy(ctx, view.node("PolicyDocument"), PolicyKind.IDENTITY, owner_of(view, "PolicyDocument"))
    if not view.has(prop):
        return
    attach(
        ctx,
        loc=view.key_loc("PolicyDocument") if view.has("PolicyDocument") else view.loc,
        principal_kind=kind,
        principal=display(view.node(prop)),
        inline=docs[0] if docs else None,
    )


@cfn("AWS::SSO::PermissionSet")
def cfn_permission_set(view: ResourceView, ctx: AdaptContext) -> None:
    """A permission set's inline policy is an identity policy (of the roles IAM Identity Center
    provisions). Its ``ManagedPolicies`` are not reported by LP101: an administrator permission set
    is the intended way to grant admin through SSO."""
    add_policy(ctx, view.node("InlinePolicy"), PolicyKind.IDENTITY, owner_of(view, "InlinePolicy"))


# --------------------------------------------------------------------------------------------------
# Terraform
# --------------------------------------------------------------------------------------------------


@tf("aws_iam_role")
def tf_role(view: ResourceView, ctx: AdaptContext) -> None:
    """Trust document, ``inline_policy`` blocks and the (deprecated) ``managed_policy_arns``."""
    if not exists(view):
        return
    add_policy(ctx, view.node("assume_role_policy"), PolicyKind.TRUST, owner_of(view, "assume_role_policy"))
    for index, block in enumerate(view.sub("inline_policy")):
        policy = block.node("policy")
        if policy is None:  # an empty block means "no inline policies"
            continue
        name = block.value("name").as_str() or f"inline_policy[{index}]"
        docs = add_policy(ctx, policy, PolicyKind.IDENTITY, owner_of(view, f"inline_policy {name}"))
        attach(
            ctx,
            loc=block.key_loc("policy"),
            principal_kind="role",
            principal=view.address,
            inline=docs[0] if docs else None,
        )
    tf_policy_arns(view, ctx, "managed_policy_arns", "role", view.address)


def tf_policy_arns(view: ResourceView, ctx: AdaptContext, attr: str, kind: str, principal: str) -> None:
    """A list of policy ARNs: one attachment per element (at the element when the parser located
    it, else at the attribute)."""
    node = view.node(attr)
    attr_loc = view.key_loc(attr)
    for item, condition in items(node):
        loc = item.loc if item.loc.line != node.loc.line or item.loc.column != node.loc.column else attr_loc
        attach(
            ctx,
            loc=loc,
            principal_kind=kind,
            principal=principal,
            policy=resolve_managed_policy(item, loc, ctx, condition),
        )


@tf("aws_iam_user", "aws_iam_group")
def tf_user_or_group(view: ResourceView, ctx: AdaptContext) -> None:
    """Nothing to adapt: Terraform users and groups carry no policies themselves."""


_TF_INLINE = {
    "aws_iam_role_policy": ("role", "role"),
    "aws_iam_user_policy": ("user", "user"),
    "aws_iam_group_policy": ("group", "group"),
}


@tf(*_TF_INLINE)
def tf_inline_policy(view: ResourceView, ctx: AdaptContext) -> None:
    """``aws_iam_{role,user,group}_policy``: an inline document bound to one principal, located at
    the ``policy`` attribute."""
    if not exists(view):
        return
    attr, kind = _TF_INLINE[view.type]
    docs = add_policy(ctx, view.node("policy"), PolicyKind.IDENTITY, owner_of(view, "policy"))
    if not view.has(attr):
        return
    attach(
        ctx,
        loc=view.key_loc("policy") if view.has("policy") else view.loc,
        principal_kind=kind,
        principal=display(view.node(attr)),
        inline=docs[0] if docs else None,
    )


@tf("aws_iam_policy")
def tf_managed_policy(view: ResourceView, ctx: AdaptContext) -> None:
    """A customer managed policy: an identity document; attachments reference it by address."""
    if exists(view):
        add_policy(ctx, view.node("policy"), PolicyKind.IDENTITY, managed_policy_owner(view, ctx, "policy"))


_TF_ATTACHMENT = {
    "aws_iam_role_policy_attachment": ("role", "role"),
    "aws_iam_user_policy_attachment": ("user", "user"),
    "aws_iam_group_policy_attachment": ("group", "group"),
}


@tf(*_TF_ATTACHMENT)
def tf_attachment(view: ResourceView, ctx: AdaptContext) -> None:
    """``aws_iam_{role,user,group}_policy_attachment``: located at ``policy_arn``."""
    if not exists(view) or not view.has("policy_arn"):
        return
    attr, kind = _TF_ATTACHMENT[view.type]
    loc = view.key_loc("policy_arn")
    attach(
        ctx,
        loc=loc,
        principal_kind=kind,
        principal=display(view.node(attr)),
        policy=resolve_managed_policy(view.node("policy_arn"), loc, ctx),
    )


@tf("aws_iam_policy_attachment")
def tf_policy_attachment(view: ResourceView, ctx: AdaptContext) -> None:
    """``aws_iam_policy_attachment``: one attachment per ``users``/``roles``/``groups`` element, all
    located at ``policy_arn`` (the binding the resource writes)."""
    if not exists(view) or not view.has("policy_arn"):
        return
    loc = view.key_loc("policy_arn")
    for attr, kind in (("roles", "role"), ("users", "user"), ("groups", "group")):
        for item, condition in items(view.node(attr)):
            attach(
                ctx,
                loc=loc,
                principal_kind=kind,
                principal=display(item),
                policy=resolve_managed_policy(view.node("policy_arn"), loc, ctx, condition),
            )


_TF_EXCLUSIVE = {
    "aws_iam_role_policy_attachments_exclusive": ("role_name", "role"),
    "aws_iam_user_policy_attachments_exclusive": ("user_name", "user"),
    "aws_iam_group_policy_attachments_exclusive": ("group_name", "group"),
}


@tf(*_TF_EXCLUSIVE)
def tf_exclusive_attachments(view: ResourceView, ctx: AdaptContext) -> None:
    """``aws_iam_*_policy_attachments_exclusive``: every ``policy_arns`` element is attached."""
    if not exists(view):
        return
    attr, kind = _TF_EXCLUSIVE[view.type]
    tf_policy_arns(view, ctx, "policy_arns", kind, display(view.node(attr)))


@tf("aws_ssoadmin_permission_set_inline_policy")
def tf_permission_set_inline(view: ResourceView, ctx: AdaptContext) -> None:
    """A permission set's inline policy is an identity policy (see ``cfn_permission_set``)."""
    if exists(view):
        add_policy(ctx, view.node("inline_policy"), PolicyKind.IDENTITY, owner_of(view, "inline_policy"))


@tf("data.aws_iam_policy")
def tf_data_policy(view: ResourceView, ctx: AdaptContext) -> None:
    """Nothing to add by itself: a looked-up policy matters only where it is attached, and the
    attachment handlers resolve ``data.aws_iam_policy.x.arn`` through ``ctx.resources``."""
