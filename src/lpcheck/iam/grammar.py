"""The IAM policy grammar (LP109) and action-name checks (LP111), as data the rules turn into issues.

Grammar findings point at the offending key or value; a missing element points at the statement
(or the document) that lacks it. Documents written as Terraform's ``aws_iam_policy_document``
(``structured``) skip what Terraform itself validates or fills in: element names and their case,
``Effect`` (defaults to Allow) and ``Version`` (defaults to 2012-10-17).
"""

from __future__ import annotations

import datetime
import difflib
import functools
from collections.abc import Iterator
from dataclasses import dataclass

from lpcheck.iam.catalog import ActionCatalog, is_wildcard
from lpcheck.iam.markers import MALFORMED, NOT_AN_OBJECT
from lpcheck.location import Location
from lpcheck.model.iam import PolicyDocument, PolicyKind, Principal, Statement
from lpcheck.model.values import Value

TOP_KEYS = ("Version", "Id", "Statement")
STATEMENT_KEYS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
CURRENT_VERSION = "2012-10-17"
OLD_VERSION = "2008-10-17"


@dataclass(frozen=True, slots=True)
class Problem:
    loc: Location
    message: str
    severity: str | None = None  # None = the rule's default (error)
    subject: object = None


def _check_keys(keys: list[tuple[str, Location]], allowed: tuple[str, ...], where: str) -> Iterator[Problem]:
    by_lower = {k.lower(): k for k in allowed}
    for key, loc in keys:
        if key in allowed:
            continue
        proper = by_lower.get(key.lower())
        if proper:
            yield Problem(
                loc,
                f"{where} key '{key}' must be written '{proper}' (policy element names are case-sensitive)",
            )
        else:
            yield Problem(loc, f"unknown {where} key '{key}' (expected one of {', '.join(allowed)})")


def _version_text(value: Value) -> str | None:
    if isinstance(value.raw, datetime.date):  # an unquoted YAML date
        return value.raw.isoformat()
    return value.as_str()


def document_problems(doc: PolicyDocument) -> Iterator[Problem]:
    if not doc.structured:
        yield from _check_keys(doc.top_keys, TOP_KEYS, "top-level")
        for variant in doc.version.variants():
            if variant.is_absent:
                yield Problem(
                    doc.loc,
                    f"policy has no Version{variant.describe_condition()}: AWS applies the {OLD_VERSION} "
                    f"language, where policy "
                    f'variables are not substituted; set "Version": "{CURRENT_VERSION}"',
                    "warning",
                )
            elif variant.is_literal:
                version = _version_text(variant)
                where = f"{variant.describe_condition()}"
                if version == OLD_VERSION:
                    yield Problem(
                        variant.loc or doc.loc,
                        f"Version {OLD_VERSION} is the outdated policy language{where}; "
                        f"use {CURRENT_VERSION}",
                        "warning",
                    )
                elif version != CURRENT_VERSION:
                    yield Problem(
                        variant.loc or doc.loc,
                        f"Version must be {CURRENT_VERSION} (or {OLD_VERSION}), not {version!r}{where}",
                    )
        if not any(k.lower() == "statement" for k, _ in doc.top_keys):
            yield Problem(doc.loc, "policy has no Statement")
    for statement in doc.statements:
        yield from statement_problems(doc, statement)


def _written(values: list[Value] | None) -> bool:
    """An element that certainly holds something: not absent and not only unresolvable values (a
    Terraform ``dynamic "statement"`` over an unknown collection leaves every element unknown, and
    an unknown may well be ``null``, i.e. not set)."""
    return values is not None and any(not v.is_unknown for v in values)


def _written_principal(principal: Principal | None) -> bool:
    return principal is not None and any(not v.is_unknown for _, v in principal.entries)


def _key_loc(statement: Statement, name: str) -> Location:
    for key, loc in statement.keys:
        if key.lower() == name.lower():
            return loc
    return statement.loc


def statement_problems(doc: PolicyDocument, statement: Statement) -> Iterator[Problem]:
    subject = statement.loc
    if statement.effect.is_unknown and statement.effect.raw == NOT_AN_OBJECT:
        yield Problem(statement.loc, "a Statement entry must be an object", subject=subject)
        return
    if not doc.structured:
        for problem in _check_keys(statement.keys, STATEMENT_KEYS, "statement"):
            yield Problem(problem.loc, problem.message, subject=subject)
        yield from _effect_problems(statement)
    if statement.actions is None and statement.not_actions is None:
        yield Problem(statement.loc, "statement has neither Action nor NotAction", subject=subject)
    elif _written(statement.actions) and _written(statement.not_actions):
        yield Problem(
            _key_loc(statement, "NotAction"), "statement has both Action and NotAction", subject=subject
        )
    if _written(statement.resources) and _written(statement.not_resources):
        yield Problem(
            _key_loc(statement, "NotResource"), "statement has both Resource and NotResource", subject=subject
        )
    elif doc.kind is PolicyKind.IDENTITY and statement.resources is None and statement.not_resources is None:
        yield Problem(
            statement.loc, "identity policy statement has neither Resource nor NotResource", subject=subject
        )
    if _written_principal(statement.principal) and _written_principal(statement.not_principal):
        yield Problem(
            statement.not_principal.loc, "statement has both Principal and NotPrincipal", subject=subject
        )
    if doc.kind is PolicyKind.IDENTITY and not doc.structured:
        for principal in (statement.principal, statement.not_principal):
            if principal is not None:
                yield Problem(
                    principal.loc,
                    "an identity policy must not specify a principal "
                    "(it applies to whoever it is attached to)",
                    subject=subject,
                )
    for name, values in (
        ("Action", statement.actions),
        ("NotAction", statement.not_actions),
        ("Resource", statement.resources),
        ("NotResource", statement.not_resources),
    ):
        for value in values or ():
            problem = _value_problem(name, value)
            if problem:
                yield Problem(value.loc or statement.loc, problem, subject=subject)


def _effect_problems(statement: Statement) -> Iterator[Problem]:
    for variant in statement.effect.variants():
        if variant.is_absent:
            yield Problem(statement.loc, "statement has no Effect (Allow or Deny)", subject=statement.loc)
        elif variant.is_literal:
            raw = variant.as_str()
            if raw in ("Allow", "Deny"):
                continue
            loc = variant.loc or _key_loc(statement, "Effect")
            if raw and raw.strip().lower() in ("allow", "deny"):
                proper = raw.strip().capitalize()
                message = f"Effect {raw!r} must be written {proper!r} (case-sensitive)"
            else:
                message = f"Effect must be Allow or Deny, not {raw!r}"
            yield Problem(loc, message + variant.describe_condition(), subject=statement.loc)
        elif variant.raw == MALFORMED:
            yield Problem(variant.loc or statement.loc, "Effect must be a string", subject=statement.loc)


def _value_problem(name: str, value: Value) -> str | None:
    if not value.is_literal:
        return None
    raw = value.raw
    if not isinstance(raw, str):
        if isinstance(raw, (bool, int, float)) and name.endswith("Resource") and not isinstance(raw, bool):
            return None  # a number where an ARN belongs is odd but not worth a grammar error
        return f"{name} must be a string or a list of strings"
    if name.endswith("Action"):
        stripped = raw.strip()
        if stripped != raw or not stripped:
            return f"{name} {raw!r} has surrounding spaces or is empty"
        if ":" not in stripped and set(stripped) != {"*"}:
            return f"{name} {raw!r} has no service prefix (expected service:action)"
    return None


# -- LP111 ---------------------------------------------------------------------------------------


# Actions that services accept although the IAM service reference does not list them: ``SNS:Receive``
# is in the default access policy the SNS console writes for every topic, so templates copy it.
LEGACY_ACTIONS = frozenset({"sns:receive"})

# A deliberate family wildcard (``tag:View*`` from a template that writes ``<service>:View*`` for a
# list of services) uses a verb prefix that at least this many services share; a typo (``s3:Gte*``,
# ``dynamodb:Fetch*``) does not.
_FAMILY_SERVICES = 3


def action_problem(raw: str, catalog: ActionCatalog, element: str = "Action") -> str | None:
    """Why ``raw`` names no action of the catalog (None when it names at least one)."""
    pattern = raw.strip()
    if not pattern or ":" not in pattern or catalog.expand(pattern):
        return None  # LP109 reports malformed names
    if pattern.lower() in LEGACY_ACTIONS:
        return None
    service, _, action = pattern.partition(":")
    if catalog.unverifiable(service):
        return None
    if not catalog.matching_services(service):
        if is_wildcard(service):
            return f"{element} '{raw}' matches no service prefix in the IAM action catalog"
        close = difflib.get_close_matches(service.lower(), list(catalog.services), n=1, cutoff=0.8)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"unknown service prefix '{service}' in {element} '{raw}'{hint}"
    if is_wildcard(action):
        if _family_wildcard(action, catalog):
            return None
        return f"{element} '{raw}' matches no action of the IAM action catalog"
    services = catalog.matching_services(service)
    names = [f"{s}:{a}" for s in services for a in catalog.services[s]]
    close = difflib.get_close_matches(pattern.lower(), names, n=1, cutoff=0.8)
    hint = f" (did you mean '{recase(pattern, close[0])}'?)" if close else ""
    return f"unknown action '{raw}' in {element}{hint}"


def _family_wildcard(action: str, catalog: ActionCatalog) -> bool:
    """``View*``/``BatchGet*``: one literal verb prefix and a trailing ``*`` that several services
    use, written for a service that happens to have no such action (nothing granted, no typo)."""
    literal = action.rstrip("*").lower()
    if not literal or is_wildcard(literal):
        return False
    count = 0
    for actions in catalog.services.values():
        if any(name.startswith(literal) for name in actions):
            count += 1
            if count >= _FAMILY_SERVICES:
                return True
    return False


def recase(written: str, suggestion: str) -> str:
    """The catalog's lowercase ``suggestion`` in readable casing (``s3:replicatetags`` ->
    ``s3:ReplicateTags``): split into the words of AWS action names (``lpcheck.iam.words``), letters
    no word covers taking the case of what the user wrote. Service prefixes are lowercase in IAM, so
    the catalog's is kept."""
    prefix, _, name = suggestion.partition(":")
    fallback = _aligned(written.strip().partition(":")[2], name)
    words = _vocabulary()
    # Fewest pieces: a known word costs 1, a single uncovered letter 3.
    best: list[tuple[int, list[str]] | None] = [None] * (len(name) + 1)
    best[0] = (0, [])
    for i in range(len(name)):
        here = best[i]
        if here is None:
            continue
        steps = [(i + 1, 3, fallback[i])]
        steps += [
            (j, 1, words[name[i:j]]) for j in range(i + 1, min(len(name), i + 30) + 1) if name[i:j] in words
        ]
        for j, cost, piece in steps:
            candidate = (here[0] + cost, [*here[1], piece])
            current = best[j]
            if current is None or candidate[0] < current[0]:
                best[j] = candidate
    final = best[len(name)]
    cased = "".join(final[1]) if final is not None else fallback
    return f"{prefix}:{cased[:1].upper()}{cased[1:]}"


def _aligned(typed: str, name: str) -> str:
    """``name`` with the case of the letters it shares with ``typed``; a replaced run starts
    upper-case where the user's run did."""
    out: list[str] = []
    upper_next = False  # the user started a word where letters were dropped
    matcher = difflib.SequenceMatcher(a=typed.lower(), b=name, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        run = typed[i1:i2] if tag == "equal" else "" if tag == "delete" else name[j1:j2]
        if run and (upper_next or (tag == "replace" and typed[i1 : i1 + 1].isupper())):
            run = run[:1].upper() + run[1:]
        upper_next = tag == "delete" and typed[i1 : i1 + 1].isupper()
        out.append(run)
    return "".join(out)


@functools.lru_cache(maxsize=1)
def _vocabulary() -> dict[str, str]:
    from lpcheck.iam.words import WORDS

    return {word.lower(): word for word in WORDS}


def action_values(statement: Statement) -> Iterator[tuple[str, Value, str]]:
    """(element, value, literal text) of every Action/NotAction string of a statement."""
    for name, values in (("Action", statement.actions), ("NotAction", statement.not_actions)):
        for value in values or ():
            if value.is_literal and isinstance(value.raw, str):
                yield name, value, value.raw
