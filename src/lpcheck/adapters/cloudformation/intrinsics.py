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
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lpcheck.location import Location
from lpcheck.parsers.nodes import ChoiceNode, ListNode, MapNode, Node, ScalarNode, UnknownNode

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
    ) -> None:
        self.path = path
        self.parameters = parameters or {}
        self.mappings = mappings
        self.resources = set(resources)
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
                try:
                    return func(node, arg)
                except (TypeError, ValueError, IndexError, KeyError, AttributeError) as exc:
                    return UnknownNode(loc=node.loc, reason=f"malformed {name}: {exc}")
            out = MapNode(loc=node.loc, origin=node.origin)
            for key, value in node.items.items():
                if key == "Fn::Transform":
                    continue  # a macro's output cannot be known; its siblings still can
                resolved = self.resolve(value)
                if resolved is None or _all_absent(resolved):
                    continue
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
        template = template_node.value if isinstance(template_node, ScalarNode) else None
        if not isinstance(template, str):
            return UnknownNode(loc=loc, reason="Fn::Sub of a computed string")

        pieces: list[str | tuple[str]] = []  # literal text, or (variable name,)
        names: list[str] = []
        pos = 0
        for m in SUB_VARIABLE.finditer(template):
            pieces.append(template[pos : m.start()])
            inner = m.group(1)
            if inner.startswith("!"):
                pieces.append("${" + inner[1:] + "}")
            else:
                var = inner.strip()
                pieces.append((var,))
                if var not in names:
                    names.append(var)
            pos = m.end()
        pieces.append(template[pos:])

        values = [explicit[n] if n in explicit else self._sub_variable(n, loc) for n in names]

        def build(vals: list[Node | None]) -> Node:
            by_name = dict(zip(names, vals, strict=True))
            texts: dict[str, str] = {}
            for n, v in by_name.items():
                t = as_text(v)
                if t is None:
                    shown = "".join(p if isinstance(p, str) else "${" + p[0] + "}" for p in pieces)
                    return unknown(loc, f"Fn::Sub {shown}", vals)
                texts[n] = t
            text = "".join(p if isinstance(p, str) else texts[p[0]] for p in pieces)
            if _DYNAMIC_REF in text:
                return UnknownNode(loc=loc, reason=f"dynamic reference {text}")
            return ScalarNode(loc=loc, value=text, origin=_origins(vals))

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
            return self._combine(loc, list(seq.items), lambda items: _join_items(loc, sep, items))

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

        def build(vals: list[Node | None]) -> Node:
            text = as_text(vals[0])
            if text is None:
                return unknown(node.loc, "Fn::Base64 of a computed value", vals)
            return ScalarNode(loc=vals[0].loc, value=text, origin=vals[0].origin)  # type: ignore[union-attr]

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


def _join_items(loc: Location, sep: str, items: list[Node | None]) -> Node:
    present = [i for i in items if i is not None]
    texts = [as_text(i) for i in present]
    if any(t is None for t in texts):
        return unknown(loc, "Fn::Join with computed parts", present)
    text = sep.join(texts)  # type: ignore[arg-type]
    if _DYNAMIC_REF in text:
        return UnknownNode(loc=loc, reason=f"dynamic reference {text}")
    return ScalarNode(loc=loc, value=text, origin=_origins(present))


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
