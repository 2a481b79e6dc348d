"""IAM policy semantics shared by every IAM rule, so the rules themselves stay a few lines each.

For each ``Allow`` statement this computes a ``Grant``: the actions it effectively allows (the
``Action`` patterns expanded against the catalog, or the catalog minus ``NotAction``), whether it
applies to all resources, and what is left after ``Deny`` statements of the same document that
certainly apply (no ``Condition``, the same template branch or none, same-or-wider resources, and
in resource policies a ``*`` principal). The precedence predicates of the catalog ("one finding per
cause") are here too, so LP104 can stay silent where LP102/LP103/LP105/LP106/LP110 speak.

Decisions (also in the rules' metadata notes):
- "Resource ``*``" means exactly the string ``*``. ``arn:aws:s3:::*`` is scoped to one service's
  resource type and is not reported by LP102-LP104/LP106/LP110. LP106 alone also reports a
  Resource naming every role (``arn:aws:iam::123456789012:role/*``): any role is handed over.
- LP102-LP104, LP106 and LP110 judge identity policies only: in a resource policy ``Resource: "*"``
  means the resource the policy is attached to (a KMS key policy's ``kms:*`` on ``*`` is the
  default key policy), and public or cross-account access there is LP107's subject. A customer
  managed policy used only as a permissions boundary (``lpcheck.iam.markers``) grants nothing and
  is not judged by them or by LP105.
- Conditions on an Allow do not suppress these rules, except those that change what the statement
  covers: resource tags/account/organization and ``iam:AWSServiceName`` for LP104, a specific
  ``iam:PermissionsBoundary`` for LP110.
- Effects and element names are read case-insensitively (``"effect": "allow"`` grants what its
  author meant, and LP109 reports the casing), action names are case-insensitive as in IAM.
- A value written under a template condition counts for the Allow side (a finding in either branch)
  and not for the Deny side (a Deny that may not exist cancels nothing). A whole Deny statement under
  a condition cancels only Allows that exist under that same condition (both in one ``Fn::If``
  branch), never an Allow of another branch.
- A wildcard still "stands" after Denies when at least half of what it matches remains: ``Allow *``
  minus ``Deny iam:*`` is still full admin (LP102, naming the Deny), but ``Allow *`` with ``Deny
  NotAction s3:GetObject`` grants one action and is judged by what it grants (LP104 ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from lpcheck.findings import Issue
from lpcheck.iam.catalog import (
    ESCALATION_ACTIONS,
    PASS_ROLE,
    ActionCatalog,
    get_catalog,
    is_wildcard,
    wildcard_match,
)
from lpcheck.iam.markers import is_boundary_policy
from lpcheck.model.container import Model
from lpcheck.model.iam import Condition, PolicyDocument, PolicyKind, Statement
from lpcheck.model.values import Value

_FULL_WILDCARD = re.compile(r"\*+(?::\*+)?")
# Every role of an account (or of all accounts): ``arn:aws:iam::123456789012:role/*``, ``arn:*:iam::*:*``.
_EVERY_ROLE = re.compile(r"arn:[^:]*:iam::[^:]*:(?:role/)?\*+")
_TEMPLATE_VARIABLE = re.compile(r"\$\{[^}]*\}")
_ESCALATION = frozenset(a.lower() for a in ESCALATION_ACTIONS)
_PASS_ROLE = PASS_ROLE.lower()
RESOURCE_STAR = 'Resource "*"'


# -- small readers ---------------------------------------------------------------------------------


def text(value: Value) -> str | None:
    """The literal string a value holds (None for unknown, absent or non-string values)."""
    if value.is_literal and isinstance(value.raw, str):
        return value.raw
    return None


def shown(value: Value) -> str | None:
    """How a value is written, for a message: its literal text, or the text of a partly resolved
    string with its unresolved parts as ``${Name}``."""
    raw = text(value)
    if raw is None and value.is_unknown and isinstance(value.raw, str) and value.raw.startswith("Fn::Sub "):
        return value.raw[len("Fn::Sub ") :]
    return raw


def effect_of(statement: Statement) -> str | None:
    """ "allow"/"deny" (case-insensitive; LP109 reports bad casing), else None."""
    raw = text(statement.effect)
    if raw is None:
        return None
    low = raw.strip().lower()
    return low if low in ("allow", "deny") else None


def is_allow(statement: Statement) -> bool:
    return effect_of(statement) == "allow"


def is_deny(statement: Statement) -> bool:
    return effect_of(statement) == "deny"


def star_resource(statement: Statement) -> Value | None:
    """The literal ``"*"`` in ``Resource`` (the witness to report), if there is one."""
    for value in statement.resources or ():
        raw = text(value)
        if raw is not None and raw.strip() == "*":
            return value
    return None


def is_full_wildcard(pattern: str) -> bool:
    """``*``, ``*:*`` (and ``**``-style spellings): every action of every service."""
    return _FULL_WILDCARD.fullmatch(pattern.strip()) is not None


def service_wildcard(pattern: str) -> str | None:
    """The service part of a whole-service wildcard such as ``s3:*`` (None otherwise)."""
    service, sep, action = pattern.strip().partition(":")
    if not sep or not action or set(action) != {"*"} or not service or set(service) == {"*"}:
        return None
    return service


def condition_note(*labels: str | None) -> str:
    """`` (when IsProd)`` for the template conditions a finding exists under."""
    names = list(dict.fromkeys(label for label in labels if label))
    return f" (when {' and '.join(names)})" if names else ""


def origin_note(*values: Value | None) -> str:
    """`` (from default of variable actions (main.tf:3))`` when a value flowed in from elsewhere."""
    origins = list(dict.fromkeys(v.origin for v in values if v is not None and v.origin))
    return f" (from {'; '.join(origins)})" if origins else ""


def listing(items: list[str], limit: int = 4) -> str:
    """A short, human list: never one line per expanded action."""
    items = list(dict.fromkeys(items))
    if len(items) <= limit:
        return ", ".join(items)
    return f"{', '.join(items[:limit])} and {len(items) - limit} more"


def statement_label(statement: Statement) -> str:
    sid = text(statement.sid)
    return f"statement {sid!r}" if sid else f"statement {statement.index + 1}"


_MATCHING_OPERATORS = frozenset(
    {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"}
)


def boundary_required(statement: Statement) -> bool:
    """A matching (not ``...IfExists``) condition on ``iam:PermissionsBoundary`` with a specific
    value: the statement only works on principals that carry that boundary."""
    for condition in statement.conditions:
        if condition.key.strip().lower() != "iam:permissionsboundary":
            continue
        operator = (
            condition.operator.strip().lower().removeprefix("foranyvalue:").removeprefix("forallvalues:")
        )
        if operator not in _MATCHING_OPERATORS or not condition.values:
            continue
        literal = [t for v in condition.values if (t := text(v)) is not None]
        # a boundary named by a wildcard (``.../policy/*``) could be any policy, AdministratorAccess too
        if all(set(t.strip().rsplit("/", 1)[-1]) - {"*", "?"} for t in literal):
            return True
    return False


# ``iam:AWSServiceName`` names the service-linked role ``iam:CreateServiceLinkedRole`` may create
# (the way AWS's own policies scope it); no other action carries the key, so it scopes the whole
# statement.
_RESOURCE_KEYS = frozenset(
    {"aws:resourceaccount", "aws:resourceorgid", "aws:resourceorgpaths", "iam:awsservicename"}
)


def scoped_by_condition(statement: Statement) -> bool:
    """Whether a Condition scopes the statement to resources another way (tags: ABAC, the owning
    account/organization, the service of a service-linked role), which LP104 accepts in place of
    ARNs. Unresolvable conditions count. A negated operator (``StringNotEquals``, ``ArnNotLike``
    ...) excludes some resources and allows every other one, untagged ones included: not a scope."""
    if statement.conditions_unknown:
        return True
    for condition in statement.conditions:
        key = condition.key.strip().lower()
        operator = condition.operator.strip().lower().rsplit(":", 1)[-1]
        if operator.startswith("null") or "not" in operator:
            continue
        if "resourcetag/" in key or key in _RESOURCE_KEYS:
            return True
    return False


# -- action sets ---------------------------------------------------------------------------------


def expand_values(
    values: list[Value], catalog: ActionCatalog, *, unconditional: bool = False
) -> tuple[set[str], bool]:
    """Union of the expansions of literal patterns; the flag says whether every value was literal."""
    out: set[str] = set()
    complete = True
    for value in values:
        raw = text(value)
        if raw is None or (unconditional and value.condition):
            complete = False
            continue
        out |= catalog.expand(raw)
    return out, complete


def allowed_actions(statement: Statement, catalog: ActionCatalog) -> tuple[frozenset[str], bool]:
    """(actions the statement names, whether that set is exactly known).

    With ``NotAction`` it is the catalog minus the excluded actions; an unknown exclusion makes the
    set unknown (returned empty and incomplete) because anything might be excluded."""
    if statement.actions is not None:
        found, complete = expand_values(statement.actions, catalog)
        return frozenset(found), complete
    if statement.not_actions is not None:
        excluded, complete = expand_values(statement.not_actions, catalog)
        if not complete:
            return frozenset(), False
        return catalog.all_actions - excluded, True
    return frozenset(), True


# -- Deny statements -----------------------------------------------------------------------------


@dataclass(slots=True)
class Deny:
    """A Deny that certainly applies, with what it covers."""

    statement: Statement
    actions: frozenset[str]
    all_resources: bool
    resources: list[str]  # literal resource patterns (when not all)
    conditions: list[Condition]
    # Unresolved resources as (reference, reason): an Allow naming the same unresolved expression
    # (``"${aws_api_gateway_rest_api.api.execution_arn}*"`` on both sides) is covered.
    unresolved: frozenset[tuple[str, str]] = frozenset()
    # The template condition the Deny exists under (None: always).
    condition: str | None = None

    def applies_to(self, statement: Statement) -> bool:
        """Whether the Deny exists whenever ``statement`` does (same template branch, or always)."""
        if self.condition is None:
            return True
        if statement.condition is None:
            return False
        return _conjuncts(self.condition) <= _conjuncts(statement.condition)


def _conjuncts(label: str) -> frozenset[str]:
    """``"A and B"`` -> {A, B}: the template conditions a statement exists under."""
    return frozenset(part.strip() for part in label.split(" and "))


def _public_or_absent(statement: Statement) -> bool:
    if statement.not_principal is not None:
        return False
    if statement.principal is None:
        return True
    return any(
        kind in ("*", "AWS") and text(v) == "*" and not v.condition for kind, v in statement.principal.entries
    )


def deny_of(statement: Statement, catalog: ActionCatalog, *, allow_conditions: bool = False) -> Deny | None:
    """The Deny ``statement`` is, if it applies to everyone whenever the policy exists."""
    if not is_deny(statement) or statement.conditions_unknown:
        return None
    if statement.conditions and not allow_conditions:
        return None
    if not _public_or_absent(statement) or statement.not_resources is not None:
        return None
    if statement.actions is not None:
        found, _ = expand_values(statement.actions, catalog, unconditional=True)
        actions = frozenset(found)
    elif statement.not_actions is not None:
        excluded, complete = expand_values(statement.not_actions, catalog, unconditional=True)
        if not complete:
            return None
        actions = catalog.all_actions - excluded
    else:
        return None
    values = [v for v in statement.resources or () if not v.condition]
    patterns = [t for v in values if (t := text(v)) is not None]
    unresolved = frozenset(key for v in values if (key := _unresolved(v)) is not None)
    all_resources = any(p.strip() == "*" for p in patterns)
    if not actions or not (all_resources or patterns or unresolved):
        return None
    return Deny(
        statement,
        actions,
        all_resources,
        patterns,
        list(statement.conditions),
        unresolved,
        statement.condition,
    )


def _unresolved(value: Value) -> tuple[str, str] | None:
    """The identity of an unresolved expression: what it references and how it is written (the
    front-ends' reason text, e.g. ``Fn::Sub arn:aws:execute-api:${AWS::Region}:...``). Two values
    written the same way are the same value, with or without a referenced resource."""
    if not (value.is_unknown and isinstance(value.raw, str) and value.raw.strip()):
        return None
    raw = value.raw.strip()
    # Only a reason that spells the expression identifies it: ``Ref X``, ``Fn::GetAtt X.Arn``, a
    # template ``Fn::Sub ...``, Terraform's ``aws_x.y.arn is computed``. A generic one ("Fn::Select
    # from a computed list", "lookup in an unknown map", "dynamic block iterator") reads the same
    # for different expressions of the same resource.
    if not (raw.startswith(("Ref ", "Fn::GetAtt ", _SUB)) or raw.endswith(" is computed")):
        return None
    if raw.startswith(_SUB) and not _spelled(raw, value.ref):
        return None
    if value.ref or "${" in raw:
        return value.ref or "", raw
    return None


def _spelled(raw: str, ref: str | None) -> bool:
    """Whether every ``${...}`` of a template names what it stands for. Not so: a part the
    front-end could not spell (``${?}``: an ``Fn::ImportValue``, ``Fn::GetAZs``), and a bare name
    that is not the referenced resource nor a pseudo parameter (the variable of an ``Fn::Sub``
    variable map, ``${X}``, stands for whatever its map says)."""
    for hole in re.findall(r"\$\{([^}]*)\}", raw):
        name = hole.strip()
        if name == "?":
            return False
        if "." in name or "(" in name or "[" in name or name.startswith("AWS::"):
            continue
        if name != ref:
            return False
    return True


def resources_within(statement: Statement, deny: Deny) -> bool:
    """Whether every resource ``statement`` names is one ``deny`` covers (ARNs: case-sensitive)."""
    if deny.all_resources:
        return True
    if statement.not_resources is not None or not statement.resources:
        return False
    for value in statement.resources:
        raw = text(value)
        if raw is None:
            key = _unresolved(value)
            if key is None or not any(_template_within(key, d) for d in deny.unresolved):
                return False
        elif not any(_pattern_within(raw, p) for p in deny.resources):
            return False
    return True


def _pattern_within(allowed: str, denied: str) -> bool:
    """Whether every ARN ``allowed`` matches is one ``denied`` matches. ``allowed`` is read as
    literal text, which is exact when ``denied`` has no ``?``: a ``?`` stands for one character and
    would "cover" an allowed ``*`` that stands for many."""
    if "?" in denied and is_wildcard(allowed):
        return False
    return wildcard_match(denied, allowed, case_sensitive=True)


_SUB = "Fn::Sub "


def _placeholders(raw: str) -> tuple[str, list[str]] | None:
    """``Fn::Sub`` text -> (literal text, the ``${...}`` expressions in order); None when ``raw``
    is not a template or a ``${`` is not closed. A bare ``Ref``/``Fn::GetAtt`` is the template of
    one expression (CloudFormation's Fn::Sub spelling of it)."""
    if raw.startswith("Ref ") and " " not in raw[4:]:
        raw = f"{_SUB}${{{raw[4:]}}}"
    elif raw.startswith("Fn::GetAtt ") and " " not in raw[11:]:
        raw = f"{_SUB}${{{raw[11:]}}}"
    if not raw.startswith(_SUB):
        return None
    body, out, holes, i = raw[len(_SUB) :], [], [], 0
    while i < len(body):
        if body.startswith("${", i):
            depth, j = 0, i + 1
            while j < len(body):
                depth += {"{": 1, "}": -1}.get(body[j], 0)
                if depth == 0:
                    break
                j += 1
            if j >= len(body):
                return None
            holes.append(body[i : j + 1])
            out.append("\x00")
            i = j + 1
        else:
            out.append(body[i])
            i += 1
    return "".join(out), holes


def _template_within(allowed: tuple[str, str], denied: tuple[str, str]) -> bool:
    """Whether the unresolved ``allowed`` resource is one the unresolved ``denied`` one covers:
    the same expression, or a template whose wildcards cover it (``${aws_s3_bucket.b.arn}/*``
    covers ``${aws_s3_bucket.b.arn}/private/*``). An expression stands for the same value wherever
    it is written (the rule for identical expressions); it never matches another expression, and
    its text is never read as a pattern (``?`` and ``*`` inside ``${...}`` are not wildcards)."""
    if allowed == denied:
        return True
    if allowed[0] != denied[0]:
        return False
    a, d = _placeholders(allowed[1]), _placeholders(denied[1])
    if a is None or d is None:
        return False
    # each distinct expression becomes one private-use character, shared by both sides
    names: dict[str, str] = {}
    for hole in (*a[1], *d[1]):
        names.setdefault(hole, chr(0xE000 + len(names)))

    def spell(text_: str, holes: list[str]) -> str:
        parts = iter(holes)
        return "".join(names[next(parts)] if c == "\x00" else c for c in text_)

    denied_text = spell(*d)
    if "?" in d[0]:
        return False  # a ``?`` cannot stand for a whole expression's value
    return _pattern_within(spell(*a), denied_text)


# -- grants ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class Grant:
    """What one Allow statement grants, before and after the Denies of its document."""

    doc: PolicyDocument
    statement: Statement
    actions: frozenset[str]  # effective allowed actions (lowercase "svc:name")
    known: bool  # False when some Action/NotAction value is unknown
    remaining: frozenset[str]  # actions left after certain Denies
    star: Value | None  # the literal "*" of Resource, when the statement is on all resources
    denied_by: list[Statement] = field(default_factory=list)

    @property
    def cancelled(self) -> bool:
        """Fully cancelled by Denies (nothing unknown could remain)."""
        return bool(self.denied_by) and not self.remaining and self.known

    @property
    def identity(self) -> bool:
        """An identity policy that grants (a permissions boundary only caps other policies)."""
        return self.doc.kind is PolicyKind.IDENTITY and not is_boundary_policy(self.doc.owner)

    def conditions(self, *values: Value | None) -> str:
        return condition_note(self.statement.condition, *(v.condition for v in values if v is not None))

    def patterns(self) -> list[tuple[Value, str]]:
        """The ``Action`` values as written (literal strings only)."""
        return [(v, raw) for v in self.statement.actions or () if (raw := text(v)) is not None]

    def witnesses(
        self, actions: frozenset[str] | set[str], catalog: ActionCatalog
    ) -> list[tuple[Value, str]]:
        """The written patterns through which some of ``actions`` are granted."""
        return [(v, raw) for v, raw in self.patterns() if catalog.expand(raw) & actions]

    def denial_note(self) -> str:
        """``; statement 'NoIam' denies part of it`` when a Deny removed some actions."""
        if not self.denied_by:
            return ""
        names = listing([statement_label(s) for s in self.denied_by], 2)
        return f"; {names} denies part of it"


class PolicyAnalysis:
    """Grants and Denies of every document of one model, computed once for all IAM rules."""

    def __init__(self, model: Model, catalog: ActionCatalog | None = None) -> None:
        self._catalog = catalog
        self.documents = model.policies
        self.ids = tuple(id(d) for d in self.documents)
        self._grants: list[Grant] | None = None
        self._denies: dict[int, list[Deny]] = {}

    @property
    def catalog(self) -> ActionCatalog:
        """The IAM action catalog, loaded (~25 ms) only when a unit has a policy to judge."""
        if self._catalog is None:
            self._catalog = get_catalog()
        return self._catalog

    def denies(self, doc: PolicyDocument) -> list[Deny]:
        key = id(doc)
        if key not in self._denies:
            self._denies[key] = [d for s in doc.statements if (d := deny_of(s, self.catalog)) is not None]
        return self._denies[key]

    def grants(self) -> list[Grant]:
        if self._grants is None:
            self._grants = [g for doc in self.documents for g in self._doc_grants(doc)]
        return self._grants

    def _doc_grants(self, doc: PolicyDocument) -> list[Grant]:
        out = []
        for statement in doc.statements:
            # Terraform's aws_iam_policy_document defaults a missing effect to Allow.
            if not (is_allow(statement) or (doc.structured and statement.effect.is_absent)):
                continue
            actions, known = allowed_actions(statement, self.catalog)
            remaining = actions
            denied_by = []
            for deny in self.denies(doc) if actions else ():
                if deny.statement is statement or not (deny.actions & remaining):
                    continue
                if not deny.applies_to(statement):
                    continue
                if resources_within(statement, deny):
                    remaining = remaining - deny.actions
                    denied_by.append(deny.statement)
            out.append(Grant(doc, statement, actions, known, remaining, star_resource(statement), denied_by))
        return out

    # -- the rule predicates (shared so precedence is natural) ------------------------------------
    def unscoped(self, grant: Grant) -> bool:
        """An identity Allow on Resource "*" that Denies do not fully cancel."""
        return grant.identity and grant.star is not None and not grant.cancelled

    def full_admin(self, grant: Grant) -> list[Value]:
        """LP102: the ``*``/``*:*`` values of an unscoped grant that Denies leave standing."""
        if not self.unscoped(grant):
            return []
        values = [v for v, raw in grant.patterns() if is_full_wildcard(raw)]
        if values and not _stands(self.catalog.all_actions, grant):
            return []
        return values

    def service_wildcards(self, grant: Grant) -> list[tuple[Value, str]]:
        """LP103: whole-service wildcards of a known service that Denies leave standing."""
        if not self.unscoped(grant) or self.full_admin(grant):
            return []
        out = []
        for value, raw in grant.patterns():
            service = service_wildcard(raw)
            if (
                service
                and self.catalog.matching_services(service)
                and _stands(self.catalog.expand(raw), grant)
            ):
                out.append((value, raw))
        return out

    def passrole(self, grant: Grant) -> bool:
        """LP106: iam:PassRole left on Resource "*"."""
        return self.unscoped(grant) and not self.full_admin(grant) and _PASS_ROLE in grant.remaining

    def passrole_target(self, grant: Grant) -> Value | None:
        """LP106's witness: the ``"*"`` of an unscoped PassRole grant, or a Resource naming every
        role (``arn:aws:iam::123456789012:role/*``, ``arn:aws:iam::*:*``), which hands over any
        role just as well."""
        if self.passrole(grant):
            return grant.star
        if not grant.identity or grant.cancelled or _PASS_ROLE not in grant.remaining:
            return None
        for value in grant.statement.resources or ():
            raw = shown(value)
            if raw is not None and value.is_unknown:
                # A partly resolved ARN: its unresolved parts (partition, account) are some name.
                raw = _TEMPLATE_VARIABLE.sub("X", raw)
            if raw is not None and _EVERY_ROLE.fullmatch(raw.strip()):
                return value
        return None

    def escalations(self, grant: Grant) -> frozenset[str]:
        """LP110: the privilege-escalation actions left on Resource "*".

        None when the statement requires a specific ``iam:PermissionsBoundary`` (the delegation
        pattern AWS recommends): the role/user policy actions then only touch principals capped by
        that boundary, and the other escalation actions carry no such key, so the condition never
        matches for them and they are not granted at all."""
        if not self.unscoped(grant) or self.full_admin(grant) or boundary_required(grant.statement):
            return frozenset()
        return grant.remaining & _ESCALATION

    def uses_not(self, grant: Grant) -> bool:
        """LP105: Allow with NotAction/NotResource that Denies do not fully cancel.

        An element holding only unresolvable values beside an equally unresolvable positive
        element (``actions = each.value.actions`` and ``not_actions = each.value.not_actions`` of
        a generated statement) may well be null, i.e. not set: no finding on the unknown. A
        permissions boundary grants nothing, so its ``NotAction`` is not judged either."""
        if is_boundary_policy(grant.doc.owner):
            return False
        return bool(not_elements(grant.statement)) and not grant.cancelled

    def scopable(self, grant: Grant) -> list[tuple[Value, str, frozenset[str]]]:
        """LP104: the written patterns granting, on "*", actions that could be scoped to ARNs,
        each with those actions; empty where a stronger rule already reports the statement.

        A literal action counts when the catalog gives it resource types. A wildcard counts when
        at least half of what it still grants does: ``s3:Get*`` could be written with ARNs,
        ``ec2:Describe*`` (17 of 194 scopable) is a read-only sweep that needs "*" anyway."""
        if not self.unscoped(grant) or grant.statement.actions is None:
            return []
        if (
            self.full_admin(grant)
            or self.service_wildcards(grant)
            or self.uses_not(grant)
            or self.passrole(grant)
            or self.escalations(grant)
            or scoped_by_condition(grant.statement)
        ):
            return []
        out = []
        for value, raw in grant.patterns():
            granted = self.catalog.expand(raw) & grant.remaining
            scopable = frozenset(a for a in granted if self._scopable(a))
            if scopable and 2 * len(scopable) >= len(granted):
                out.append((value, raw, scopable))
        return out

    def _scopable(self, action: str) -> bool:
        return action not in _NOT_SCOPABLE and self.catalog.supports_resources(action)


def not_elements(statement: Statement) -> list[tuple[str, list[Value]]]:
    """The ``NotAction``/``NotResource`` elements a statement certainly sets."""
    out = []
    if _set(statement.not_actions, statement.actions):
        out.append(("NotAction", statement.not_actions or []))
    if _set(statement.not_resources, statement.resources):
        out.append(("NotResource", statement.not_resources or []))
    return out


def _set(negative: list[Value] | None, positive: list[Value] | None) -> bool:
    """Whether a NotAction/NotResource element is certainly set (see ``uses_not``)."""
    if negative is None:
        return False
    if any(not v.is_unknown for v in negative):
        return True
    return positive is None or all(not v.is_unknown for v in positive)


def _stands(matched: frozenset[str], grant: Grant) -> bool:
    """Whether a wildcard matching ``matched`` still grants at least half of it after the Denies
    (``Deny iam:*`` leaves ``*`` standing; ``Deny NotAction s3:GetObject`` does not)."""
    left = matched & grant.remaining
    if not grant.denied_by:
        return bool(left)
    return bool(left) and 2 * len(left) >= len(matched)


# Actions the catalog now gives an optional resource type that everyday policies cannot use: the
# CloudWatch "dataset" scope (2025) does not apply to plain metrics, which have no ARN.
_NOT_SCOPABLE = frozenset({"cloudwatch:putmetricdata", "cloudwatch:getmetricdata", "cloudwatch:listmetrics"})


_CACHE: WeakKeyDictionary[Model, PolicyAnalysis] = WeakKeyDictionary()


def analyze(model: Model) -> PolicyAnalysis:
    """The analysis of ``model``, shared by every IAM rule of one scan."""
    cached = _CACHE.get(model)
    if cached is None or cached.ids != tuple(id(d) for d in model.policies):
        cached = PolicyAnalysis(model)
        _CACHE[model] = cached
    return cached


# -- issues ----------------------------------------------------------------------------------------


def subject_name(statement: Statement) -> str:
    """``Statement 'AllowAll'`` / ``Statement 2`` for the start of a message."""
    sid = text(statement.sid)
    return f"Statement {sid!r}" if sid else f"Statement {statement.index + 1}"


def statement_issue(
    doc: PolicyDocument, statement: Statement, message: str, key: str = "", **extra: object
) -> Issue:
    """An issue about one statement: located at its opening line, with the statement as subject so
    the engine's precedence ("one finding per cause") can compare rules on it. The subject is the
    location *and* the index: statements of a policy written as a JSON string inside a JSON file
    (or generated by a ``dynamic`` block) share one location but are different causes."""
    sid = text(statement.sid) or f"#{statement.index}"
    if statement.condition:  # statements of different template branches are numbered alike
        sid = f"{sid}[{statement.condition}]"
    return Issue(
        loc=statement.loc,
        message=message,
        resource=doc.owner,
        subject=(statement.loc, statement.index),
        key=f"{doc.owner}:{sid}:{key}" if key else f"{doc.owner}:{sid}",
        **extra,  # type: ignore[arg-type]
    )
