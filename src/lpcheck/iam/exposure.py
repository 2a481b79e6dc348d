"""Who a resource or trust policy lets in: public principals and the conditions that restrict them.

A ``Principal: "*"`` (or ``{"AWS": "*"}``) statement is public unless a condition pins the caller
or the calling context to something specific. Restricting keys (case-insensitive, as IAM treats
condition keys): the catalog's ``aws:SourceArn``, ``aws:SourceAccount``, ``aws:PrincipalOrgID``,
``aws:PrincipalAccount``, ``aws:SourceVpce``, ``aws:SourceVpc``, ``aws:SourceIp``; and, because they
pin the caller just as well and appear in AWS's own default policies, ``aws:SourceOrgID``,
``aws:SourceOrgPaths``, ``aws:PrincipalOrgPaths``, ``aws:PrincipalArn``, ``aws:userid`` (a role's
unique ID), ``aws:VpcSourceIp``, ``aws:SourceOwner`` (the default SNS topic policy),
``kms:CallerAccount`` (the KMS "via service" pattern) and
``s3:DataAccessPointAccount``/``s3:DataAccessPointArn`` (access-point delegation).

Only matching operators restrict (``StringEquals``, ``StringLike``, ``ArnLike``, ``IpAddress``,
with ``ForAnyValue:``/``ForAllValues:`` prefixes): an ``...IfExists`` operator lets a request without
the key through, ``Null`` tests presence only, and negated operators on an Allow admit everyone else.
A value that is itself only wildcards (``*``) or an everything-range (``0.0.0.0/0``) restricts
nothing. An unresolvable condition counts as restricting ("no finding on the unknown").

A Deny that applies to everyone, covers the Allow's actions and resources and whose every condition
is a *negated* operator on a restricting key (the "deny unless from my VPC endpoint" pattern) also
closes the Allow: whatever it does not deny is restricted.
"""

from __future__ import annotations

from lpcheck.iam.analysis import Grant, PolicyAnalysis, deny_of, resources_within, text
from lpcheck.model.iam import Condition, Principal, Statement
from lpcheck.model.values import Value

RESTRICTING_KEYS = frozenset(
    k.lower()
    for k in (
        "aws:SourceArn",
        "aws:SourceAccount",
        "aws:PrincipalOrgID",
        "aws:PrincipalAccount",
        "aws:SourceVpce",
        "aws:SourceVpc",
        "aws:SourceIp",
        "aws:SourceOrgID",
        "aws:SourceOrgPaths",
        "aws:PrincipalOrgPaths",
        "aws:PrincipalArn",
        "aws:VpcSourceIp",
        "aws:SourceOwner",
        "aws:userid",
        "kms:CallerAccount",
        "s3:DataAccessPointAccount",
        "s3:DataAccessPointArn",
    )
)
_MATCHING = frozenset(
    {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike", "ipaddress"}
)
_NEGATED = frozenset(
    {
        "stringnotequals",
        "stringnotequalsignorecase",
        "stringnotlike",
        "arnnotequals",
        "arnnotlike",
        "notipaddress",
    }
)
_EVERYTHING = frozenset({"0.0.0.0/0", "::/0"})


def _operator(raw: str) -> tuple[str, bool]:
    """(base operator lowercased without set prefix, whether it ends in IfExists)."""
    op = raw.strip().lower()
    for prefix in ("foranyvalue:", "forallvalues:"):
        if op.startswith(prefix):
            op = op[len(prefix) :]
    if op.endswith("ifexists"):
        return op[: -len("ifexists")], True
    return op, False


def _specific(values: list[Value]) -> bool:
    """Every value pins something (unknown values are given the benefit of the doubt)."""
    for value in values:
        raw = text(value)
        if raw is None:
            if value.is_literal and value.raw is not None and not isinstance(value.raw, (dict, list)):
                continue  # a number such as an account ID written unquoted
            if value.is_literal:
                return False
            continue
        stripped = raw.strip()
        if not stripped or set(stripped) <= {"*", "?"} or stripped in _EVERYTHING:
            return False
    return True


def restricts(condition: Condition) -> bool:
    """Whether this condition on an Allow limits who can use it."""
    if condition.key.strip().lower() not in RESTRICTING_KEYS:
        return False
    op, if_exists = _operator(condition.operator)
    return op in _MATCHING and not if_exists and _specific(condition.values)


def weak_condition(statement: Statement) -> str | None:
    """Why a condition on a restricting key restricts nothing, for the message (None if there is
    no condition on such a key): ``the condition on aws:SourceAccount uses StringEqualsIfExists,
    which lets requests without the key through``."""
    for condition in statement.conditions:
        if condition.key.strip().lower() not in RESTRICTING_KEYS:
            continue
        op, if_exists = _operator(condition.operator)
        where = f"the condition on {condition.key} uses {condition.operator}"
        if if_exists:
            return f"{where}, which lets requests without the key through"
        if op in _NEGATED:
            return f"{where}, which admits everyone it does not name"
        if op == "null":
            return f"{where}, which only tests whether the key is present"
        if op not in _MATCHING:
            return f"{where}, which does not pin the caller"
        return f"the condition on {condition.key} matches any value"
    return None


def restricts_as_deny(condition: Condition) -> bool:
    """Whether this condition makes a Deny apply to everyone outside a specific scope."""
    if condition.key.strip().lower() not in RESTRICTING_KEYS:
        return False
    op, _ = _operator(condition.operator)
    return op in _NEGATED and _specific(condition.values)


def public_witness(principal: Principal | None) -> tuple[str, Value] | None:
    """The ``*`` entry that makes a principal public, as (how it is written, the value whose
    condition names the template branch)."""
    if principal is None:
        return None
    for kind, value in principal.entries:
        if kind in ("*", "AWS") and (raw := text(value)) is not None and raw.strip() == "*":
            return ('Principal "*"' if kind == "*" else 'Principal {"AWS": "*"}'), value
    return None


# Web-identity providers whose tokens anyone can obtain: a trust policy must pin which subject may
# assume the role, or every GitHub repository / every Cognito identity pool can. Provider -> (who is
# let in, the condition keys that pin it).
_OPEN_PROVIDERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "token.actions.githubusercontent.com": (
        "any GitHub Actions workflow of any repository",
        (
            "token.actions.githubusercontent.com:sub",
            "token.actions.githubusercontent.com:repository",
            "token.actions.githubusercontent.com:repository_owner",
            "token.actions.githubusercontent.com:repository_id",
            "token.actions.githubusercontent.com:repository_owner_id",
            "token.actions.githubusercontent.com:job_workflow_ref",
        ),
    ),
    "cognito-identity.amazonaws.com": (
        "any Cognito identity pool of any account",
        ("cognito-identity.amazonaws.com:aud",),
    ),
}


def open_federation(statement: Statement) -> tuple[str, str, Value] | None:
    """A trust statement for a web-identity provider anyone can get tokens from (GitHub Actions,
    Cognito identity pools) that pins no subject: (who is let in, the provider, the principal value
    to report). The provider is recognised by the ``Federated`` value or by its condition keys."""
    if statement.principal is None:
        return None
    federated = [v for kind, v in statement.principal.entries if kind == "Federated"]
    if not federated:
        return None
    keys = {c.key.strip().lower() for c in statement.conditions}
    for provider, (who, pins) in _OPEN_PROVIDERS.items():
        witness = next((v for v in federated if provider in (text(v) or "")), None)
        if witness is None and any(k.startswith(provider + ":") for k in keys):
            witness = federated[0]
        if witness is None:
            continue
        if statement.conditions_unknown or any(_pins_subject(c, pins) for c in statement.conditions):
            return None
        return who, provider, witness
    return None


def _pins_subject(condition: Condition, pins: tuple[str, ...]) -> bool:
    if condition.key.strip().lower() not in pins:
        return False
    op, if_exists = _operator(condition.operator)
    if op not in _MATCHING or if_exists or not _specific(condition.values):
        return False
    # ``repo:*`` / ``repo:*/*`` lets every repository in, like ``*``.
    return not any(
        (t := text(v)) is not None and t.strip().lower().startswith("repo:*") for v in condition.values
    )


def restricted(statement: Statement) -> bool:
    return statement.conditions_unknown or any(restricts(c) for c in statement.conditions)


def closed_by_deny(grant: Grant, analysis: PolicyAnalysis) -> bool:
    """A "deny unless from my network/org" statement covers everything the Allow grants."""
    if not grant.known or not grant.remaining:
        return False
    for statement in grant.doc.statements:
        if statement is grant.statement or not statement.conditions:
            continue
        deny = deny_of(statement, analysis.catalog, allow_conditions=True)
        if deny is None or not deny.applies_to(grant.statement):
            continue
        if not all(restricts_as_deny(c) for c in deny.conditions):
            continue
        if grant.remaining <= deny.actions and resources_within(grant.statement, deny):
            return True
    return False
