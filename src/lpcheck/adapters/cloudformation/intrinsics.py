"""Resolve CloudFormation intrinsic functions inside a positioned node tree.

The resolver turns what can be known statically into plain nodes and everything else into
``UnknownNode`` (rules stay silent on it) or ``ChoiceNode`` (``Fn::If``: both branches are kept,
each labelled with its condition, so a rule can report the insecure branch). Conventions:

- A resolved value keeps the location of the place of use (the ``Ref``/``Fn::Sub`` itself) and
  names where it came from in ``origin`` when it flowed in from elsewhere (a parameter default, a
  mapping entry).
- ``AWS::Partition`` resolves to ``aws`` and ``AWS::URLSuffix`` to ``amazonaws.com``: the managed
  policy names and service principals are the same in every partition, so an ARN written as
  ``arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess`` must stay recognisable. The other
  pseudo parameters (region, account, stack) are unknown.
- ``AWS::NoValue`` resolves to ``None``: the key or list item disappears (an ``Fn::If`` branch of
  ``AWS::NoValue`` is an option of ``None``, i.e. absent under that condition).
- Conditions are never evaluated: ``Fn::If`` always yields both branches (the catalog asks for a
  finding in either branch, naming the condition). Contradictory combinations (the same condition
  both true and false) are dropped when choices are combined.
- Dynamic references (``{{resolve:...}}``) are unknown: CloudFormation reads them at deploy time.
- ``Fn::Base64`` of a literal stays the plain text: what matters to the rules (secrets in user
  data) is what the author wrote.
- A string the resolver composes (``Fn::Sub``, ``Fn::Join``, ``Fn::Base64``) or a block scalar is a
  ``TextNode``: a ``ScalarNode`` that also remembers where its pieces are written (``spans``), so a
  secret inside a ``Fn::Base64: |`` script or on one line of a ``Fn::Join`` list is reported on its
  own line.
- An ``Fn::Sub``/``Fn::Join`` whose parts cannot all be resolved (``${AWS::Region}``, a resource
  attribute) is unknown to every rule, but is a ``PartialText``: it keeps the text with the unknown
  parts written as ``${Name}``, for the secret rules only (a key in a ``!Sub`` user data script is
  hardcoded whatever the region is).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lpcheck.location import Location
from lpcheck.parsers.nodes import (
    ChoiceNode,
    ListNode,
    MapNode,
    Node,
    PartialText,
    ScalarNode,
    TextNode,
    UnknownNode,
)
from lpcheck.secrets.layout import Span, locate, shifted, span_at, verbatim

PSEUDO_CONSTANTS = {"AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com"}
PSEUDO_UNKNOWN = frozenset(
    {"AWS::Region", "AWS::AccountId", "AWS::StackName", "AWS::StackId", "AWS::NotificationARNs"}
)
NO_VALUE = "AWS::NoValue"
MAX_OPTIONS = 32  # combined Fn::If alternatives beyond this become unknown (no blow-up)
MAX_DEPTH = 100  # resolve() nesting; each level costs a few Python frames

SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_DYNAMIC_REF = "{{resolve:"
_UNKNOWN_FUNCTIONS = frozenset(
    {
        "Fn::ImportValue",
        "Fn::GetAZs",
        "Fn::Cidr",
        "Fn::Transform",
        "Fn::And",
        "Fn::Or",
        "Fn::Not",
        "Fn::Equals",
        "Fn::Contains",
        "Fn::EachMemberEquals",
        "Fn::EachMemberIn",
        "Fn::ValueOf",
        "Fn::ValueOfAll",
        "Fn::RefAll",
    }
)


def is_intrinsic_key(key: str) -> bool:
    """Keys that make a one-key map a function call (``Rain::`` covers Rain's build-time tags)."""
    return key == "Ref" or key.startswith("Fn::") or key.startswith("Rain::")


def intrinsic_of(node: Node | None) -> tuple[str, Node] | None:
    """``(name, argument)`` when ``node`` is a one-key intrinsic map, else None."""
    if isinstance(node, MapNode) and len(node.items) == 1:
        key, arg = next(iter(node.items.items()))
        if is_intrinsic_key(key):
            return key, arg
    return None


# -- condition labels -----------------------------------------------------------------------------


def condition_label(name: str, truth: bool) -> str:
    return f"condition {name} is {'true' if truth else 'false'}"


def combine_labels(labels: Iterable[str]) -> str | None:
    """Join branch labels with "and"; None when two of them contradict each other."""
    atoms: list[str] = []
    truth: dict[str, str] = {}
    for label in labels:
        for atom in label.split(" and "):
            m = re.fullmatch(r"condition (\S+) is (true|false)", atom)
            if m:
                seen = truth.get(m.group(1))
                if seen is not None and seen != m.group(2):
                    return None
                truth[m.group(1)] = m.group(2)
            if atom not in atoms:
                atoms.append(atom)
    return " and ".join(atoms)


# -- small node helpers ---------------------------------------------------------------------------


def relocate(node: Node | None, loc: Location, origin: str | None) -> Node | None:
    """A copy of ``node`` placed at ``loc`` (the place of use), remembering where it came from."""
    if node is None:
        return None
    origin = origin or node.origin
    if isinstance(node, ScalarNode):
        return ScalarNode(loc=loc, value=node.value, origin=origin)
    if isinstance(node, ListNode):
        return ListNode(loc=loc, origin=origin, items=[relocate(i, loc, origin) for i in node.items])  # type: ignore[misc]
    if isinstance(node, MapNode):
        items = {k: relocate(v, loc, origin) for k, v in node.items.items()}
        return MapNode(loc=loc, origin=origin, items=items, key_locs={k: loc for k in items})  # type: ignore[arg-type]
    if isinstance(node, UnknownNode):
        return UnknownNode(loc=loc, origin=origin, reason=node.reason, ref=node.ref)
    if isinstance(node, ChoiceNode):
        return ChoiceNode(
            loc=loc, origin=origin, options=[(lb, relocate(n, loc, origin)) for lb, n in node.options]
        )
    return node


def as_text(node: Node | None) -> str | None:
    """The string CloudFormation would use for a scalar (booleans as true/false), else None."""
    if not isinstance(node, ScalarNode) or node.value is None:
        return None
    value = node.value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def is_static(node: Node | None) -> bool:
    """True when the tree holds neither unknowns nor choices."""
    if node is None or isinstance(node, ScalarNode):
        return True
    if isinstance(node, MapNode):
        return all(is_static(v) for v in node.items.values())
    if isinstance(node, ListNode):
        return all(is_static(v) for v in node.items)
    return False


def _plain(node: Node | None) -> object:
    if isinstance(node, ScalarNode):
        return node.value
    if isinstance(node, MapNode):
        return {k: _plain(v) for k, v in node.items.items()}
    if isinstance(node, ListNode):
        return [_plain(v) for v in node.items]
    return None


def _origins(nodes: Iterable[Node | None]) -> str | None:
    seen: list[str] = []
    for n in nodes:
        if n is not None and n.origin and n.origin not in seen:
            seen.append(n.origin)
    return "; ".join(seen) if seen else None


def unknown(loc: Location, reason: str, parts: Iterable[Node | None] = ()) -> UnknownNode:
    """An unknown value; it keeps a ``ref`` when exactly one resource is behind the unknown parts."""
    refs = {p.ref for p in parts if isinstance(p, UnknownNode) and p.ref}
    return UnknownNode(loc=loc, reason=reason, ref=refs.pop() if len(refs) == 1 else None)


# -- composed text --------------------------------------------------------------------------------


# ``TextNode`` and ``PartialText`` live in ``lpcheck.parsers.nodes`` (shared with Terraform).


def spans_of(node: Node | None) -> tuple[Span, ...]:
    """Where the text of ``node`` is written: its own spans, or the node's location."""
    if isinstance(node, (TextNode, PartialText)) and node.spans:
        return node.spans
    return (Span(0, node.loc, None, node.origin),) if node is not None else ()


_UNKNOWN_NAME = re.compile(r"^(?:pseudo parameter |Ref |Fn::GetAtt |parameter )([A-Za-z0-9:._-]+)")


def _written(node: Node) -> str | None:
    """The text a part contributes to a partial string: a literal, a partial text, or an unknown
    written the way ``Fn::Sub`` writes it (``${AWS::Region}``, ``${Db.Endpoint.Address}``)."""
    if isinstance(node, PartialText):
        return node.text
    if isinstance(node, UnknownNode):
        m = _UNKNOWN_NAME.match(node.reason)
        return "${" + (m.group(1) if m else "?") + "}"
    return as_text(node)


def compose(
    loc: Location, pieces: list[tuple[str, tuple[Span, ...]]], reason: str, parts: list[Node | None]
) -> Node:
    """The string of ``pieces`` (text, where it is written), or a ``PartialText`` when ``parts``
    (the values that went in) hold unknowns. A dynamic reference is unknown either way."""
    text = ""
    spans: list[Span] = []
    for piece, where in pieces:
        if piece:
            spans.extend(shifted(where, len(text)))
            text += piece
    if _DYNAMIC_REF in text:
        return UnknownNode(loc=loc, reason=f"dynamic reference {text}")
    present = [p for p in parts if p is not None]
    if any(isinstance(p, UnknownNode) for p in parts):
        base = unknown(loc, reason, parts)
        return PartialText(
            loc=loc, reason=reason, ref=base.ref, text=text, spans=tuple(spans), origin=_origins(present)
        )
    return TextNode(loc=loc, value=text, origin=_origins(present), spans=tuple(spans))


# -- parameters -----------------------------------------------------------------------------------


@dataclass(slots=True)
class Parameter:
    name: str
    type: str
    loc: Location  # the parameter's key
    default: Node | None  # the Default value node as written
    no_echo: bool = False


def _list_type(ptype: str) -> bool:
    return ptype == "CommaDelimitedList" or ptype.startswith("List<")


def _number(text: str) -> int | float | str:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


# -- the resolver ---------------------------------------------------------------------------------


class Resolver:
    """Resolves nodes of one template; ``path`` is the display path used in origins."""

    def __init__(
        self,
        path: str,
        parameters: dict[str, Parameter] | None = None,
        mappings: MapNode | None = None,
        resources: Iterable[str] = (),
        blocks: bool | None = None,
    ) -> None:
        self.path = path
        self.parameters = parameters or {}
        self.mappings = mappings
        self.resources = set(resources)
        # YAML has block scalars (verbatim multi-line text); in JSON a multi-line string is one
        # physical line with "\n" escapes.
        self.blocks = not path.lower().endswith(".json") if blocks is None else blocks
        self._key_col = 1  # column of the innermost key being resolved (a block's indentation)
        self._depth = 0
        self._functions: dict[str, Callable[[Node, Node], Node | None]] = {
            "Ref": self._ref,
            "Fn::GetAtt": self._getatt,
            "Fn::Sub": self._sub,
            "Fn::Join": self._join,
            "Fn::Select": self._select,
            "Fn::Split": self._split,
            "Fn::FindInMap": self._find_in_map,
            "Fn::If": self._if,
            "Fn::Base64": self._base64,
            "Fn::ToJsonString": self._to_json_string,
            "Fn::Length": self._length,
        }

    # -- entry point ------------------------------------------------------------------------------
    def resolve(self, node: Node | None) -> Node | None:
        """The resolved node; None means absent (``AWS::NoValue``)."""
        if node is None:
            return None
        if self._depth > MAX_DEPTH:
            return UnknownNode(loc=node.loc, reason="nesting too deep")
        self._depth += 1
        try:
            return self._resolve(node)
        finally:
            self._depth -= 1

    def _resolve(self, node: Node) -> Node | None:
        if isinstance(node, ScalarNode):
            if isinstance(node.value, str) and _DYNAMIC_REF in node.value:
                return UnknownNode(loc=node.loc, reason=f"dynamic reference {node.value}")
            return node
        if isinstance(node, MapNode):
            call = intrinsic_of(node)
            if call is not None:
                name, arg = call
                func = self._functions.get(name)
                if func is None:
                    return UnknownNode(loc=node.loc, reason=f"{name} is resolved at deploy time")
                saved = self._key_col
                key_loc = node.key_loc(name)
                if key_loc != arg.loc:  # "Fn::Sub:" written as a key; a "!Sub" tag is not one
                    self._key_col = key_loc.column
                try:
                    return func(node, arg)
                except (TypeError, ValueError, IndexError, KeyError, AttributeError) as exc:
                    return UnknownNode(loc=node.loc, reason=f"malformed {name}: {exc}")
                finally:
                    self._key_col = saved
            out = MapNode(loc=node.loc, origin=node.origin)
            saved = self._key_col
            for key, value in node.items.items():
                if key == "Fn::Transform":
                    continue  # a macro's output cannot be known; its siblings still can
                self._key_col = node.key_loc(key).column
                resolved = self.resolve(value)
                self._key_col = saved
                if resolved is None or _all_absent(resolved):
                    continue
                if resolved is value and isinstance(value, ScalarNode):
                    resolved = self._block(value, node.key_loc(key))
                # str(): the YAML decoder's keys are str subclasses that cannot be pickled, and
                # keys end up in findings that cross process boundaries.
                out.items[str(key)] = resolved
                out.key_locs[str(key)] = node.key_loc(key)
            return out
        if isinstance(node, ListNode):
            items = [r for r in (self.resolve(i) for i in node.items) if r is not None and not _all_absent(r)]
            return ListNode(loc=node.loc, origin=node.origin, items=items)
        if isinstance(node, ChoiceNode):
            return ChoiceNode(
                loc=node.loc, origin=node.origin, options=[(lb, self.resolve(n)) for lb, n in node.options]
            )
        return node

    def resolve_text(self, node: Node | None) -> str | None:
        """A resolved literal string (logical IDs, keys, delimiters), else None."""
        return as_text(self.resolve(node))

    # -- layout of literal text -------------------------------------------------------------------
    def _layout(self, scalar: ScalarNode, key_loc: Location) -> tuple[Span, ...]:
        """Where the text of ``scalar`` (written under the key at ``key_loc``) is written.

        A multi-line YAML string below its key is a block scalar, located by the parser at its first
        content line and indentation: verbatim. A tag on the key's line (``!Sub |``) keeps the
        tag's position: the block starts on the next line, indented (by convention) two columns
        more than the key that holds it. Anything else is one located value."""
        text = scalar.value
        if not (self.blocks and isinstance(text, str) and "\n" in text):
            return (Span(0, scalar.loc),)
        if scalar.loc.line > key_loc.line:
            return verbatim(scalar.loc)
        if scalar.loc == key_loc and "\n" in text.rstrip("\n"):
            indent = self._key_col + 2
            return verbatim(Location(scalar.loc.path, scalar.loc.line + 1, indent), indent)
        return (Span(0, scalar.loc),)

    def _block(self, scalar: ScalarNode, key_loc: Location) -> ScalarNode:
        """A property's own block scalar as a ``TextNode`` (the scalar itself otherwise)."""
        spans = self._layout(scalar, key_loc)
        if spans[0].indent is None:
            return scalar
        return TextNode(loc=scalar.loc, value=scalar.value, origin=scalar.origin, spans=spans)

    # -- choices ----------------------------------------------------------------------------------
    def _combine(
        self,
        loc: Location,
        values: list[Node | None],
        build: Callable[[list[Node | None]], Node | None],
    ) -> Node | None:
        """Apply ``build`` to every consistent combination of the choices among ``values``."""
        if not any(isinstance(v, ChoiceNode) for v in values):
            return build(values)
        combos: list[tuple[list[str], list[Node | None]]] = [([], [])]
        for v in values:
            if isinstance(v, ChoiceNode):
                combos = [
                    ([*labels, label], [*vals, opt]) for labels, vals in combos for label, opt in v.options
                ]
                if len(combos) > MAX_OPTIONS:
                    return UnknownNode(loc=loc, reason="too many Fn::If combinations")
            else:
                combos = [(labels, [*vals, v]) for labels, vals in combos]
        options: list[tuple[str, Node | None]] = []
        for labels, vals in combos:
            label = combine_labels(labels)
            if label is not None:
                options.append((label, build(vals)))
        return make_choice(loc, options)

    # -- functions --------------------------------------------------------------------------------
    def _ref(self, node: Node, arg: Node) -> Node | None:
        name = self.resolve_text(arg)
        loc = node.loc
        if name is None:
            return UnknownNode(loc=loc, reason="Ref to a computed name")
        if name == NO_VALUE:
            return None
        if name in PSEUDO_CONSTANTS:
            return ScalarNode(loc=loc, value=PSEUDO_CONSTANTS[name])
        if name in PSEUDO_UNKNOWN or name.startswith("AWS::"):
            return UnknownNode(loc=loc, reason=f"pseudo parameter {name}")
        param = self.parameters.get(name)
        if param is not None:
            return self.parameter_value(param, loc)
        return UnknownNode(loc=loc, reason=f"Ref {name}", ref=name)

    def parameter_value(self, param: Parameter, loc: Location) -> Node:
        """A parameter's default, typed per its Type and placed at ``loc``; unknown without one."""
        default = param.default
        if default is None:
            return UnknownNode(loc=loc, reason=f"parameter {param.name} has no default")
        if param.type.startswith("AWS::SSM::Parameter::Value"):
            return UnknownNode(loc=loc, reason=f"parameter {param.name} is read from SSM")
        origin = f"default of parameter {param.name} ({self.path}:{default.loc.line})"
        if isinstance(default, ListNode) and all(isinstance(i, ScalarNode) for i in default.items):
            items: list[Node] = [ScalarNode(loc=loc, value=as_text(i), origin=origin) for i in default.items]
            return ListNode(loc=loc, origin=origin, items=items)
        text = as_text(default)
        if text is None:
            return UnknownNode(loc=loc, reason=f"parameter {param.name} has no literal default")
        if _DYNAMIC_REF in text:
            return UnknownNode(loc=loc, reason=f"dynamic reference {text}")
        if _list_type(param.type):
            parts = [p.strip() for p in text.split(",")] if text else []
            return ListNode(
                loc=loc, origin=origin, items=[ScalarNode(loc=loc, value=p, origin=origin) for p in parts]
            )
        if param.type == "Number":
            return ScalarNode(loc=loc, value=_number(text.strip()), origin=origin)
        return ScalarNode(loc=loc, value=text, origin=origin)

    def _getatt(self, node: Node, arg: Node) -> Node:
        target: str | None = None
        attr = ""
        if isinstance(arg, ScalarNode) and isinstance(arg.value, str):
            target, _, attr = arg.value.partition(".")
        elif isinstance(arg, ListNode) and arg.items:
            target = self.resolve_text(arg.items[0])
            attr = (self.resolve_text(arg.items[1]) or "?") if len(arg.items) > 1 else ""
        if not target:
            return UnknownNode(loc=node.loc, reason="Fn::GetAtt of a computed resource")
        return UnknownNode(loc=node.loc, reason=f"Fn::GetAtt {target}.{attr}", ref=target)

    def _sub_variable(self, name: str, loc: Location) -> Node | None:
        if name in self.parameters or name in PSEUDO_CONSTANTS or name.startswith("AWS::"):
            return self._ref(MapNode(loc=loc), ScalarNode(loc=loc, value=name))
        target, dot, _ = name.partition(".")
        if dot:
            return UnknownNode(loc=loc, reason=f"Fn::GetAtt {name}", ref=target)
        return UnknownNode(loc=loc, reason=f"Ref {name}", ref=name)

    def _sub(self, node: Node, arg: Node) -> Node | None:
        loc = node.loc
        explicit: dict[str, Node | None] = {}
        template_node: Node | None = arg
        if isinstance(arg, ListNode):
            if not arg.items:
                return UnknownNode(loc=loc, reason="malformed Fn::Sub")
            template_node = arg.items[0]
            if len(arg.items) > 1:
                variables = arg.items[1]
                if not isinstance(variables, MapNode):
                    return UnknownNode(loc=loc, reason="Fn::Sub variables are computed")
                for key, value in variables.items.items():
                    explicit[key] = self.resolve(value)
        if not isinstance(template_node, ScalarNode) or not isinstance(template_node.value, str):
            return UnknownNode(loc=loc, reason="Fn::Sub of a computed string")
        template = template_node.value
        layout = self._layout(template_node, _call_key_loc(node))

        # literal text (with where it starts in the template), or (variable name, its ${...} offset)
        pieces: list[tuple[str, int] | tuple[tuple[str], int]] = []
        names: list[str] = []
        pos = 0
        for m in SUB_VARIABLE.finditer(template):
            pieces.append((template[pos : m.start()], pos))
            inner = m.group(1)
            if inner.startswith("!"):
                pieces.append(("${" + inner[1:] + "}", m.start()))
            else:
                var = inner.strip()
                pieces.append(((var,), m.start()))
                if var not in names:
                    names.append(var)
            pos = m.end()
        pieces.append((template[pos:], pos))

        values = [explicit[n] if n in explicit else self._sub_variable(n, loc) for n in names]
        written = template_node.loc
        shown = "".join(p if isinstance(p, str) else "${" + p[0] + "}" for p, _ in pieces)

        def at(offset: int) -> tuple[Span, ...]:
            """The layout of template text from ``offset`` on (verbatim text stays verbatim)."""
            return (Span(0, locate(written, template, offset, layout), span_at(layout, offset).indent),)

        def build(vals: list[Node | None]) -> Node:
            by_name = dict(zip(names, vals, strict=True))
            out: list[tuple[str, tuple[Span, ...]]] = []
            for piece, offset in pieces:
                if isinstance(piece, str):
                    out.append((piece, at(offset)))
                    continue
                value = by_name[piece[0]]
                text = as_text(value)
                if text is None:
                    if not isinstance(value, UnknownNode):
                        return unknown(loc, f"Fn::Sub {shown}", vals)  # a map or list
                    # left as written, in the template
                    out.append(("${" + piece[0] + "}", at(offset)))
                else:
                    out.append((text, spans_of(value)))
            return compose(loc, out, f"Fn::Sub {shown}", vals)

        return self._combine(loc, values, build)

    def _join(self, node: Node, arg: Node) -> Node | None:
        loc = node.loc
        if not isinstance(arg, ListNode) or len(arg.items) != 2:
            return UnknownNode(loc=loc, reason="malformed Fn::Join")
        delimiter = self.resolve(arg.items[0])
        parts = self.resolve(arg.items[1])

        def build_list(vals: list[Node | None]) -> Node | None:
            delim, seq = vals
            sep = as_text(delim)
            if sep is None and isinstance(delim, ScalarNode) and delim.value is None:
                sep = ""
            if sep is None:
                return unknown(loc, "Fn::Join with a computed delimiter", [delim])
            if not isinstance(seq, ListNode):
                return unknown(loc, "Fn::Join of a computed list", [seq])
            return self._combine(loc, list(seq.items), lambda items: _join_items(loc, sep, items, delim))

        return self._combine(loc, [delimiter, parts], build_list)

    def _select(self, node: Node, arg: Node) -> Node | None:
        loc = node.loc
        if not isinstance(arg, ListNode) or len(arg.items) != 2:
            return UnknownNode(loc=loc, reason="malformed Fn::Select")
        index = self.resolve(arg.items[0])
        seq = self.resolve(arg.items[1])

        def build(vals: list[Node | None]) -> Node | None:
            idx, lst = vals
            text = as_text(idx)
            if text is None or not text.strip().isdigit():
                return unknown(loc, "Fn::Select with a computed index", [idx])
            if not isinstance(lst, ListNode):
                return unknown(loc, "Fn::Select from a computed list", [lst])
            i = int(text.strip())
            if i >= len(lst.items):
                return UnknownNode(loc=loc, reason="Fn::Select index out of range")
            item = lst.items[i]
            return relocate(item, loc, None) if item.origin else item

        return self._combine(loc, [index, seq], build)

    def _split(self, node: Node, arg: Node) -> Node | None:
        loc = node.loc
        if not isinstance(arg, ListNode) or len(arg.items) != 2:
            return UnknownNode(loc=loc, reason="malformed Fn::Split")
        delimiter = self.resolve(arg.items[0])
        source = self.resolve(arg.items[1])

        def build(vals: list[Node | None]) -> Node:
            delim, text_node = vals
            sep, text = as_text(delim), as_text(text_node)
            if not sep or text is None:
                return unknown(loc, "Fn::Split of a computed string", vals)
            origin = text_node.origin if text_node is not None else None
            return ListNode(
                loc=loc,
                origin=origin,
                items=[ScalarNode(loc=loc, value=p, origin=origin) for p in text.split(sep)],
            )

        return self._combine(loc, [delimiter, source], build)

    def _find_in_map(self, node: Node, arg: Node) -> Node | None:
        loc = node.loc
        if not isinstance(arg, ListNode) or len(arg.items) not in (3, 4):
            return UnknownNode(loc=loc, reason="malformed Fn::FindInMap")
        keys = [self.resolve(i) for i in arg.items[:3]]
        fallback: Node | None = None
        if len(arg.items) == 4 and isinstance(arg.items[3], MapNode):
            fallback = arg.items[3].get("DefaultValue")

        def build(vals: list[Node | None]) -> Node | None:
            texts = [as_text(v) for v in vals]
            if any(t is None for t in texts):
                return unknown(loc, "Fn::FindInMap with a computed key", vals)
            name, top, second = texts
            level: Node | None = self.mappings
            for key in (name, top, second):
                level = level.get(key) if isinstance(level, MapNode) else None  # type: ignore[arg-type]
            if level is None:
                if fallback is not None:
                    return self.resolve(fallback)
                return UnknownNode(loc=loc, reason=f"no mapping entry {name}.{top}.{second}")
            origin = f"mapping {name}.{top}.{second} ({self.path}:{level.loc.line})"
            return relocate(self.resolve(level), loc, origin)

        return self._combine(loc, keys, build)

    def _if(self, node: Node, arg: Node) -> Node | None:
        loc = node.loc
        if not isinstance(arg, ListNode) or len(arg.items) != 3:
            return UnknownNode(loc=loc, reason="malformed Fn::If")
        name = as_text(arg.items[0]) or "?"
        options: list[tuple[str, Node | None]] = []
        for truth, branch in ((True, arg.items[1]), (False, arg.items[2])):
            label = condition_label(name, truth)
            options.append((label, self.resolve(branch)))
        return make_choice(loc, options)

    def _base64(self, node: Node, arg: Node) -> Node | None:
        value = self.resolve(arg)
        if value is arg and isinstance(arg, ScalarNode):
            value = self._block(arg, _call_key_loc(node))  # "!Base64 |"

        def build(vals: list[Node | None]) -> Node:
            inner = vals[0]
            if isinstance(inner, PartialText):
                return inner  # the secret rules still read the text
            text = as_text(inner)
            if text is None or inner is None:
                return unknown(node.loc, "Fn::Base64 of a computed value", vals)
            return TextNode(loc=inner.loc, value=text, origin=inner.origin, spans=spans_of(inner))

        return self._combine(node.loc, [value], build)

    def _to_json_string(self, node: Node, arg: Node) -> Node:
        value = self.resolve(arg)
        if isinstance(value, (MapNode, ListNode)) and is_static(value):
            text = json.dumps(_plain(value), separators=(",", ":"))
            return ScalarNode(loc=node.loc, value=text, origin=value.origin)
        return unknown(node.loc, "Fn::ToJsonString of a computed value", _leaves(value))

    def _length(self, node: Node, arg: Node) -> Node:
        value = self.resolve(arg)
        if isinstance(value, ListNode):
            return ScalarNode(loc=node.loc, value=len(value.items), origin=value.origin)
        return unknown(node.loc, "Fn::Length of a computed list", [value])


def _leaves(node: Node | None) -> list[Node]:
    """Every unknown or choice leaf under ``node`` (for the ``ref`` of a computed document)."""
    out: list[Node] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, MapNode):
            stack.extend(n.items.values())
        elif isinstance(n, ListNode):
            stack.extend(n.items)
        elif isinstance(n, ChoiceNode):
            stack.extend(o for _, o in n.options)
        elif isinstance(n, UnknownNode):
            out.append(n)
    return out


def _join_items(loc: Location, sep: str, items: list[Node | None], delim: Node | None) -> Node:
    present = [i for i in items if i is not None]
    pieces: list[tuple[str, tuple[Span, ...]]] = []
    for n, item in enumerate(present):
        text = _written(item)
        if text is None:
            return unknown(loc, "Fn::Join with computed parts", present)
        if n and sep:
            pieces.append((sep, spans_of(delim)))
        pieces.append((text, spans_of(item)))
    return compose(loc, pieces, "Fn::Join with computed parts", present)


def _call_key_loc(node: Node) -> Location:
    """Where the function name of an intrinsic call is written (``Fn::Sub:`` or the ``!Sub`` tag)."""
    if isinstance(node, MapNode) and node.items:
        return node.key_loc(next(iter(node.items)))
    return node.loc


def _all_absent(node: Node) -> bool:
    return isinstance(node, ChoiceNode) and bool(node.options) and all(n is None for _, n in node.options)


def make_choice(loc: Location, options: list[tuple[str, Node | None]]) -> Node | None:
    """A ChoiceNode, or the single option itself when only one combination is possible."""
    flat: list[tuple[str, Node | None]] = []
    for label, node in options:
        if isinstance(node, ChoiceNode):  # nested choices: one level, labels joined
            for inner_label, inner in node.options:
                combined = combine_labels([label, inner_label])
                if combined is not None:
                    flat.append((combined, inner))
        else:
            flat.append((label, node))
    if not flat:
        return UnknownNode(loc=loc, reason="no consistent Fn::If combination")
    if len(flat) == 1:
        return flat[0][1]
    return ChoiceNode(loc=loc, options=flat)
