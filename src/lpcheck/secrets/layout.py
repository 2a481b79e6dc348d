"""Where the pieces of a composed or multi-line string are written, so a secret found inside the
string is reported on its own line (the catalog: "a hardcoded secret: the literal itself").

A string the rules see is located at one place, but a credential is often one line of a longer
text: a shell script in ``UserData: Fn::Base64: |``, a credentials file in
``AWS::CloudFormation::Init``, one part of an ``Fn::Join`` list written on its own line. A front-end
that knows the layout records a ``TextLayout`` beside the ``StringLiteral`` (same ``loc`` and
``value``); the secret scanner maps a match's offset through it with :func:`locate`.

A ``Span`` covers the text from its ``offset`` up to the next span:

- ``origin``: where the piece was written when it flowed in (a parameter default substituted into
  an ``Fn::Sub``), so only a secret inside that piece names it as its source.
- ``indent is None``: a value written in one place (a quoted string, a parameter default brought in
  by ``Ref``, an unresolved ``${...}``); everything inside is reported at ``loc``, as for any other
  string: escapes make columns inside a quoted string unreliable.
- ``indent`` set: verbatim text (a YAML block scalar, a Terraform heredoc): the span's first line
  continues at ``loc``, each later line starts at column ``indent`` of the next file line.

Without a layout, the Terraform convention applies: a multi-line string located at column 1 (a
heredoc, a ``file()``/``templatefile()`` text, which start at column 1 of their first content
line; a quoted HCL string never does) is verbatim; any other string is reported at its location.
"""

from __future__ import annotations

from dataclasses import dataclass

from lpcheck.location import Location


@dataclass(frozen=True, slots=True)
class Span:
    offset: int
    loc: Location
    indent: int | None = None  # verbatim text: the column every later line starts at
    origin: str | None = None  # where this piece was written when it flowed in (a default)


@dataclass(frozen=True, slots=True, kw_only=True)
class TextLayout:
    """The layout of the string ``value`` recorded at ``loc`` (spans sorted by offset)."""

    loc: Location
    value: str
    spans: tuple[Span, ...]


def verbatim(loc: Location, indent: int | None = None) -> tuple[Span, ...]:
    """The layout of verbatim text whose first character is at ``loc``."""
    return (Span(0, loc, loc.column if indent is None else indent),)


def shifted(spans: tuple[Span, ...], by: int) -> tuple[Span, ...]:
    return tuple(Span(s.offset + by, s.loc, s.indent, s.origin) for s in spans)


def _default(loc: Location, text: str) -> tuple[Span, ...]:
    if loc.column == 1 and "\n" in text and not loc.path.lower().endswith(".json"):
        return verbatim(loc, 1)
    return (Span(0, loc),)


def span_at(spans: tuple[Span, ...], start: int) -> Span:
    """The span that holds offset ``start``."""
    span = spans[0]
    for s in spans:
        if s.offset > start:
            break
        span = s
    return span


def locate(loc: Location, text: str, start: int, spans: tuple[Span, ...] | None = None) -> Location:
    """The position of offset ``start`` of ``text`` (written at ``loc``, laid out as ``spans``)."""
    span = span_at(spans or _default(loc, text), start)
    if span.indent is None or start < span.offset:
        return span.loc
    lines = text.count("\n", span.offset, start)
    if lines == 0:
        return Location(span.loc.path, span.loc.line, span.loc.column + start - span.offset)
    line_start = text.rfind("\n", span.offset, start) + 1
    return Location(span.loc.path, span.loc.line + lines, span.indent + start - line_start)
