"""Standalone IAM JSON files: policy documents and the AWS CLI outputs that carry them.

Recognised shapes:
- a policy document (``Statement``), or a list of documents;
- ``aws iam get-policy-version`` (``{"PolicyVersion": {"Document": ...}}``, the document as a map or
  as the URL-encoded string the raw API returns);
- ``aws iam get-{role,user,group}-policy`` (``PolicyDocument``; the principal it names is recorded
  as an inline attachment, so LP108 reports a user's), ``aws iam get-role``
  (``Role.AssumeRolePolicyDocument``), ``aws s3api get-bucket-policy``-style ``{"Policy": "..."}``;
- ``aws iam get-account-authorization-details``: inline policies of users, groups and roles,
  attached managed policies (``PolicyAttachment`` objects, so LP101/LP108 work on dumps), role
  trust documents, and customer managed policies. Of a managed policy's ``PolicyVersionList`` only
  the default version is checked: it is the one in force, and older versions would repeat every
  finding. AWS managed policies (``arn:aws:iam::aws:policy/...``) in a dump are not checked (they
  are AWS's, not the account's, to fix); attaching ``AdministratorAccess`` is LP101's finding.

A document found on its own is an identity policy unless a statement names a ``Principal`` or
``NotPrincipal``: then it is a resource policy, or a trust policy when its actions are all
``sts:`` actions including an ``sts:AssumeRole*``.
"""

from __future__ import annotations

import pathlib

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.policy import parse_embedded
from lpcheck.errors import ParseFailure
from lpcheck.location import Location
from lpcheck.model.container import Model
from lpcheck.model.iam import PolicyAttachment, PolicyKind
from lpcheck.model.values import Value
from lpcheck.parsers.nodes import ListNode, MapNode, Node, ScalarNode
from lpcheck.result import AdaptResult

_DETAIL_LISTS = (
    ("UserDetailList", "user", "UserName", "UserPolicyList"),
    ("GroupDetailList", "group", "GroupName", "GroupPolicyList"),
    ("RoleDetailList", "role", "RoleName", "RolePolicyList"),
)


def adapt_policy_file(path: pathlib.Path, display: str, text: str) -> AdaptResult:
    model = Model()
    result = AdaptResult(model)
    from lpcheck.parsers.jsonpos import parse_json

    try:
        tree = parse_json(text, display)
    except ParseFailure as exc:
        result.problems.append(exc)
        return result
    except RecursionError:
        result.problems.append(ParseFailure(Location(display, 1, 1), "invalid JSON: nesting too deep"))
        return result
    ctx = AdaptContext(model=model, format="iam-json")
    ctx.add_strings(tree, display)
    _adapt(tree, ctx, display)
    return result


def _get(node: Node | None, key: str) -> Node | None:
    if isinstance(node, MapNode):
        found = node.iget(key)
        return found[1] if found else None
    return None


def _str(node: Node | None) -> str | None:
    return node.value if isinstance(node, ScalarNode) and isinstance(node.value, str) else None


def _document(node: Node | None) -> Node | None:
    """A document given as a map, or as a (possibly URL-encoded) JSON string."""
    if isinstance(node, ScalarNode):
        return parse_embedded(node)
    return node if isinstance(node, MapNode) else None


def _adapt(tree: Node, ctx: AdaptContext, display: str) -> None:
    if isinstance(tree, ListNode):
        for index, item in enumerate(tree.items):
            if _get(item, "Statement") is not None:
                _standalone(item, ctx, f"{display}[{index}]")
        return
    if not isinstance(tree, MapNode):
        return
    if _get(tree, "Statement") is not None:
        _standalone(tree, ctx, display)
        return
    if any(_get(tree, name) is not None for name, *_ in _DETAIL_LISTS) or _policies_list(tree):
        _authorization_details(tree, ctx)
        return
    version = _get(tree, "PolicyVersion")
    if version is not None:
        doc = _document(_get(version, "Document"))
        if doc is not None:
            _standalone(doc, ctx, display, default=PolicyKind.IDENTITY)
        return
    for key, default in (
        ("PolicyDocument", PolicyKind.IDENTITY),
        ("AssumeRolePolicyDocument", PolicyKind.TRUST),
    ):
        doc = _document(_get(tree, key))
        if doc is not None:
            kind = classify(doc, default)
            holder = _inline_holder(tree) if kind is PolicyKind.IDENTITY else None
            if holder is None:
                ctx.policy(doc, kind, display)
                return
            principal_kind, name, policy_name = holder
            owner = f"{display} ({principal_kind} {name} inline policy {policy_name})"
            built = ctx.policy(doc, kind, owner)
            found = tree.iget("PolicyName")
            loc = tree.key_loc(found[0]) if found else doc.loc
            ctx.model.add(
                PolicyAttachment(loc=loc, principal_kind=principal_kind, principal=name, inline=built)
            )
            return
    role = _get(tree, "Role")
    doc = _document(_get(role, "AssumeRolePolicyDocument"))
    if doc is not None:
        ctx.policy(doc, PolicyKind.TRUST, f"{display} (AssumeRolePolicyDocument)")
        return
    doc = _document(_get(tree, "Policy"))
    if doc is not None and _get(doc, "Statement") is not None:
        _standalone(doc, ctx, display, default=PolicyKind.RESOURCE)


_INLINE_OWNERS = (("UserName", "user"), ("RoleName", "role"), ("GroupName", "group"))


def _inline_holder(tree: MapNode) -> tuple[str, str, str] | None:
    """``aws iam get-{user,role,group}-policy`` names the principal holding the inline policy:
    (kind, principal name, policy name). The binding is recorded so LP108 reports a user's."""
    for key, kind in _INLINE_OWNERS:
        name = _str(_get(tree, key))
        if name:
            return kind, name, _str(_get(tree, "PolicyName")) or "?"
    return None


def classify(doc: Node, default: PolicyKind = PolicyKind.IDENTITY) -> PolicyKind:
    """Identity, resource or trust, from the document's own content."""
    statements = _get(doc, "Statement")
    items = statements.items if isinstance(statements, ListNode) else [statements]
    has_principal = False
    actions: list[str] = []
    for item in items:
        if not isinstance(item, MapNode):
            continue
        if item.iget("Principal") or item.iget("NotPrincipal"):
            has_principal = True
        found = item.iget("Action")
        if found:
            node = found[1]
            values = node.items if isinstance(node, ListNode) else [node]
            actions.extend(s.lower() for v in values if (s := _str(v)) is not None)
    if not has_principal:
        return default
    if default is PolicyKind.TRUST or (
        actions
        and all(a.startswith("sts:") for a in actions)
        and any(a.startswith("sts:assumerole") for a in actions)
    ):
        return PolicyKind.TRUST
    return PolicyKind.RESOURCE


def _standalone(doc: Node, ctx: AdaptContext, owner: str, default: PolicyKind = PolicyKind.IDENTITY) -> None:
    ctx.policy(doc, classify(doc, default), owner)


def _policies_list(tree: MapNode) -> bool:
    policies = _get(tree, "Policies")
    return isinstance(policies, ListNode) and any(
        _get(p, "PolicyVersionList") is not None for p in policies.items
    )


def _authorization_details(tree: MapNode, ctx: AdaptContext) -> None:
    for list_key, kind, name_key, inline_key in _DETAIL_LISTS:
        entries = _get(tree, list_key)
        if not isinstance(entries, ListNode):
            continue
        for entry in entries.items:
            if not isinstance(entry, MapNode):
                continue
            name = _str(_get(entry, name_key)) or f"{list_key}[?]"
            if kind == "role":
                trust = _document(_get(entry, "AssumeRolePolicyDocument"))
                if trust is not None:
                    ctx.policy(trust, PolicyKind.TRUST, f"role {name} (AssumeRolePolicyDocument)")
            inline = _get(entry, inline_key)
            for item in inline.items if isinstance(inline, ListNode) else ():
                policy_name = _str(_get(item, "PolicyName")) or "?"
                body = _document(_get(item, "PolicyDocument"))
                doc = (
                    ctx.policy(body, PolicyKind.IDENTITY, f"{kind} {name} inline policy {policy_name}")
                    if body is not None
                    else None
                )
                ctx.model.add(PolicyAttachment(loc=item.loc, principal_kind=kind, principal=name, inline=doc))
            attached = _get(entry, "AttachedManagedPolicies")
            for item in attached.items if isinstance(attached, ListNode) else ():
                arn = _get(item, "PolicyArn")
                if not isinstance(arn, ScalarNode):
                    continue
                ctx.model.add(
                    PolicyAttachment(
                        loc=arn.loc,
                        principal_kind=kind,
                        principal=name,
                        policy=Value.literal(arn.value, arn.loc),
                    )
                )
    policies = _get(tree, "Policies")
    for policy in policies.items if isinstance(policies, ListNode) else ():
        arn = _str(_get(policy, "Arn")) or ""
        if ":aws:policy/" in arn:
            continue
        name = _str(_get(policy, "PolicyName")) or arn or "?"
        default_id = _str(_get(policy, "DefaultVersionId"))
        versions = _get(policy, "PolicyVersionList")
        for version in versions.items if isinstance(versions, ListNode) else ():
            is_default = _get(version, "IsDefaultVersion")
            version_id = _str(_get(version, "VersionId"))
            if isinstance(is_default, ScalarNode) and is_default.value is not True:
                continue
            if is_default is None and default_id and version_id != default_id:
                continue
            body = _document(_get(version, "Document"))
            if body is not None:
                ctx.policy(body, PolicyKind.IDENTITY, f"managed policy {name} ({version_id or 'default'})")
