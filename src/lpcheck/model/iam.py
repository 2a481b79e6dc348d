"""IAM policy documents as AWS evaluates them: statements with their elements and positions.

Every format's adapter builds these (a JSON file, a CloudFormation ``PolicyDocument``, a Terraform
``jsonencode``/heredoc/``aws_iam_policy_document``), so the IAM rules are written once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from lpcheck.location import Location
from lpcheck.model.values import Value


class PolicyKind(Enum):
    IDENTITY = "identity"  # attached to a user/role/group: needs Resource, has no Principal
    RESOURCE = "resource"  # bucket/queue/topic/key/secret/ECR/... policy: has Principal
    TRUST = "trust"  # a role's AssumeRolePolicyDocument


@dataclass(slots=True, kw_only=True)
class Principal:
    """A ``Principal``/``NotPrincipal`` element. ``entries`` are (kind, value): kind is AWS, Service,
    Federated, CanonicalUser, or ``*`` for the bare string form."""

    loc: Location
    entries: list[tuple[str, Value]] = field(default_factory=list)

    @property
    def is_public(self) -> bool:
        """Anyone: ``"*"`` or ``{"AWS": "*"}`` (also inside a list)."""
        return any(kind in ("*", "AWS") and value.as_str() == "*" for kind, value in self.entries)


@dataclass(slots=True, kw_only=True)
class Condition:
    operator: str  # as written, e.g. "StringEquals", "ForAnyValue:StringLike", "ArnLikeIfExists"
    key: str  # as written, e.g. "aws:SourceArn"
    values: list[Value]
    loc: Location


@dataclass(slots=True, kw_only=True)
class Statement:
    loc: Location  # the line that opens the statement
    index: int
    sid: Value
    effect: Value
    # None = element absent; each Value is one string as written, with its own location.
    actions: list[Value] | None = None
    not_actions: list[Value] | None = None
    resources: list[Value] | None = None
    not_resources: list[Value] | None = None
    principal: Principal | None = None
    not_principal: Principal | None = None
    conditions: list[Condition] = field(default_factory=list)
    conditions_unknown: bool = False
    keys: list[tuple[str, Location]] = field(default_factory=list)  # element names as written
    condition: str | None = None  # the template condition this statement exists under, if any

    @property
    def is_allow(self) -> bool:
        return self.effect.as_str() == "Allow"

    @property
    def is_deny(self) -> bool:
        return self.effect.as_str() == "Deny"


@dataclass(slots=True, kw_only=True)
class PolicyDocument:
    loc: Location  # the document's opening line
    kind: PolicyKind
    owner: str  # what holds it, for messages: "aws_iam_role.app", "AWS::S3::BucketPolicy Policy"
    version: Value
    statements: list[Statement] = field(default_factory=list)
    top_keys: list[tuple[str, Location]] = field(default_factory=list)
    # False when some statements could not be resolved (a dynamic block, an unknown list): rules
    # that rely on the whole document (Deny subtraction) must not assume they saw everything.
    complete: bool = True
    # True for a document written as the ``aws_iam_policy_document`` data source, whose grammar
    # Terraform checks itself (so LP109 has less to say).
    structured: bool = False


@dataclass(slots=True, kw_only=True)
class PolicyAttachment:
    """A policy bound to a principal: a managed policy by ARN/name, or an inline document."""

    loc: Location  # where the binding is written (policy_arn attribute, ManagedPolicyArns item)
    principal_kind: str  # "role", "user", "group", "function", "unknown"
    principal: str  # display name of the principal (address or name)
    policy: Value | None = None  # managed policy ARN or bare name
    inline: PolicyDocument | None = None
