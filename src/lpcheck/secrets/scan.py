"""Every credential-format match in one unit's model, located and de-duplicated.

LP201 (AWS keys) and LP203 (other credential formats) read the same literals, through three
channels that can see the same text:

1. ``EnvironmentVariable`` values: the variable's name is the context (``AWS_SECRET_ACCESS_KEY``)
   and a JSON container definition written as a string has been parsed, so the position is the
   value's own line;
2. every ``StringLiteral`` the front-ends recorded (resource bodies, provider/backend blocks,
   module arguments, outputs, unconsumed parameter defaults, IAM JSON), with the last key of its
   path as the context;
3. ``TemplateParameter`` defaults, as a safety net for a front-end that does not record unused
   defaults as literals.

"One finding per cause" is applied here: the same credential at the same place through two
channels is one hit; a credential found inside a whole JSON string is dropped when the parsed
value pins it down more precisely; a value that flowed in from a parameter default or a tfvars
file (``origin``) is reported once, at its first place of use, not at every use.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from lpcheck.location import Location
from lpcheck.model.container import Model
from lpcheck.model.resources import EnvironmentVariable, SecretProperty, StringLiteral, TemplateParameter
from lpcheck.secrets.formats import (
    CredentialMatch,
    find_aws_credentials,
    find_aws_key_ids,
    find_other_credentials,
)
from lpcheck.secrets.layout import TextLayout, locate, span_at


@dataclass(frozen=True, slots=True)
class Hit:
    cred: CredentialMatch
    loc: Location
    owner: str  # the resource/provider/parameter that holds it, for Issue.resource
    where: str  # for messages: "provider.aws access_key", "MyFunction environment variable TOKEN"
    origin: str | None = None  # where the value was written, when it flowed in from elsewhere
    exact: bool = True  # the whole value is the credential (not a token inside a longer text)
    condition: str | None = None

    def source(self) -> str:
        return f" (value from {self.origin})" if self.origin else ""


_CACHE: weakref.WeakKeyDictionary[Model, list[Hit]] = weakref.WeakKeyDictionary()


def credential_hits(model: Model) -> list[Hit]:
    """All credential matches of the unit (AWS and others), de-duplicated, in file order."""
    cached = _CACHE.get(model)
    if cached is None:
        cached = _collect(model)
        _CACHE[model] = cached
    return cached


def _where(owner: str, path: tuple[str, ...]) -> str:
    if owner == "tfvars" and path[:1] == ("tfvars",):
        return f"the variables file entry {'.'.join(path[1:])}"
    if len(path) == 3 and path[0] in ("variable", "Parameters") and path[2] in ("default", "Default"):
        return f"the default of {'variable' if path[0] == 'variable' else 'parameter'} {path[1]}"
    dotted = ".".join(path)
    if not dotted:
        return owner
    if not owner or dotted.startswith(owner):
        return dotted
    return f"{owner} {dotted}"


class _Layouts:
    """Where a match inside a string is written (``lpcheck.secrets.layout``): its own line inside a
    heredoc or YAML block, its own part of an ``Fn::Join``; and the source of the piece it is in
    (a parameter default substituted into an ``Fn::Sub``)."""

    def __init__(self, model: Model) -> None:
        self.spans = {(t.loc, t.value): t.spans for t in model.of(TextLayout)}

    def place(self, loc: Location, text: str, start: int, origin: str | None) -> tuple[Location, str | None]:
        spans = self.spans.get((loc, text))
        if spans is None:
            return locate(loc, text, start), origin
        return locate(loc, text, start, spans), span_at(spans, start).origin


def _context(owner: str, path: tuple[str, ...]) -> str | None:
    """The name a literal is stored under: its key, or for a parameter/variable default or an
    output value, the parameter's/output's own name (``Parameters.AwsSecretKey.Default``)."""
    if path and path[-1] in ("Default", "default", "Value", "value"):
        if len(path) >= 2:
            return path[-2]
        if owner.startswith("output."):
            return owner[len("output.") :]
    return path[-1] if path else None


def _scan(text: str, context: str | None, near: bool) -> list[CredentialMatch]:
    return find_aws_credentials(text, context, near) + find_other_credentials(text)


def _collect(model: Model) -> list[Hit]:
    raw: list[Hit] = []
    layouts = _Layouts(model)

    # 1. environment variables (precise positions, the name as context)
    env = model.of(EnvironmentVariable)
    with_key_id = {
        (e.address, (v.loc or e.loc).path)
        for e in env
        for v in e.value.variants()
        if v.as_str() and find_aws_key_ids(v.as_str() or "", e.name)
    }
    for e in env:
        for v in e.value.variants():
            text = v.as_str() if v.is_literal else None
            if not text:
                continue
            loc = v.loc or e.loc
            near = (e.address, loc.path) in with_key_id
            for cred in _scan(text, e.name, near):
                where, origin = layouts.place(loc, text, cred.start, v.origin)
                raw.append(
                    Hit(
                        cred,
                        where,
                        e.address,
                        f"{e.address} environment variable {e.name}",
                        origin,
                        cred.text == text.strip(),
                        v.condition,
                    )
                )

    # 2. every literal string
    strings = model.of(StringLiteral)
    groups_with_id = {
        (s.owner, s.path[:-1], s.loc.path)
        for s in strings
        if find_aws_key_ids(s.value, s.path[-1] if s.path else None)
    }
    for s in strings:
        context = _context(s.owner, s.path)
        near = (s.owner, s.path[:-1], s.loc.path) in groups_with_id
        for cred in _scan(s.value, context, near):
            loc, origin = layouts.place(s.loc, s.value, cred.start, s.origin)
            raw.append(Hit(cred, loc, s.owner, _where(s.owner, s.path), origin, cred.text == s.value.strip()))

    # 3. parameter / variable defaults nobody recorded as a literal
    seen_text = {h.cred.text for h in raw}
    for p in model.of(TemplateParameter):
        text = p.default.as_str() if p.default.is_literal else None
        if not text:
            continue
        for cred in _scan(text, p.name, False):
            if cred.text not in seen_text:
                raw.append(Hit(cred, p.default.loc or p.loc, p.address, f"default of {p.name}", None, True))

    return _dedupe(raw, model)


def _dedupe(raw: list[Hit], model: Model) -> list[Hit]:
    # same credential at the same place through two channels
    by_place: dict[tuple, Hit] = {}
    for h in raw:
        by_place.setdefault((h.loc.path, h.loc.line, h.loc.column, h.cred.text), h)
    hits = list(by_place.values())

    # a token found inside a whole string (e.g. a JSON container definition) when the parsed
    # value holds it exactly, in the same file and resource
    exact = {(h.cred.text, h.loc.path, h.owner) for h in hits if h.exact}
    hits = [h for h in hits if h.exact or (h.cred.text, h.loc.path, h.owner) not in exact]

    # a Terraform local written as the credential and interpolated into a longer text (user data,
    # a credentials file): the local is where it is written, the text is one of its uses
    in_locals = {h.cred.text for h in hits if h.exact and h.owner.startswith("local.")}
    hits = [h for h in hits if h.exact or h.origin or h.cred.text not in in_locals]

    # a default that flowed into literals: once, at its first use; and not at the default itself
    default_locs = {p.default.loc for p in model.of(TemplateParameter) if p.default.loc is not None}
    flowed = {h.cred.text for h in hits if h.origin}
    hits.sort(key=lambda h: (h.loc.path, h.loc.line, h.loc.column))
    out: list[Hit] = []
    seen_origin: set[tuple[str, str]] = set()
    for h in hits:
        if h.origin:
            key = (h.cred.text, h.origin)
            if key in seen_origin:
                continue
            seen_origin.add(key)
        elif h.loc in default_locs and h.cred.text in flowed:
            continue
        out.append(h)
    return out


def secret_property_locs(model: Model) -> set[Location]:
    """Where LP202's known secret properties hold a literal (LP203 leaves those to LP202).

    A nested stack input that is a secret only by its name (``Parameters.GitHubToken``) is not a
    known property: a credential format there is LP203's, like in a module argument."""
    locs: set[Location] = set()
    for prop in model.of(SecretProperty):
        if prop.property.startswith("Parameters.") or prop.property.endswith("]"):
            continue
        for v in prop.value.variants():
            if v.is_literal and v.loc is not None:
                locs.add(v.loc)
    return locs


_PARTIALS: weakref.WeakKeyDictionary[Model, dict[tuple[str, Location], str]] = weakref.WeakKeyDictionary()


def partial_text(model: Model, owner: str, loc: Location | None) -> str | None:
    """The source text of a value that is unknown because parts of it are (``!Sub
    "/${Env}/db/password"``, a Terraform template with an unresolved interpolation): the
    front-ends record it as a ``StringLiteral`` at the value's own location, unknown parts written
    ``${...}``. None when there is none."""
    if loc is None:
        return None
    index = _PARTIALS.get(model)
    if index is None:
        index = {(s.owner, s.loc): s.value for s in model.of(StringLiteral) if "${" in s.value}
        _PARTIALS[model] = index
    return index.get((owner, loc))
