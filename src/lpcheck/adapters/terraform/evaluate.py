"""Evaluate Terraform expressions into the positioned node tree the handlers read.

Every expression becomes a node located where it is written: literals, objects and tuples keep
their own positions; a template of known parts becomes a string; a conditional on an unknown
predicate becomes a ``ChoiceNode`` naming both branches; anything that cannot be known statically
(``each``, ``count.index``, another resource's computed attribute, an unsupported function) is an
``UnknownNode`` (with ``ref`` = the resource it points at, so handlers can still link). Evaluation
errors (a missing map key, a type mismatch) are unknown nodes whose reason starts with "error:"
so ``try``/``can`` can skip them. Nothing here raises on user input.

References (``var.``, ``local.``, resources, ``data.``) are resolved by the module through the
``Refs`` protocol; an evaluator without one (tfvars, template files) treats them as unknown.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from lpcheck.location import Location
from lpcheck.parsers.hcl import (
    HExpr,
    Src,
    TemplatePiece,
    is_tree,
    position,
    split_template,
    subtrees,
    unescape,
)
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

MAX_ITEMS = 1000  # for-expressions and dynamic blocks over larger collections stay unknown
MAX_WORK = 50_000  # iterations per module: nested loops over large collections stay unknown
MAX_FILE = 2 * 1024 * 1024
MAX_UP = 3  # file() may read from the module directory and up to three directories above it
_MARKER = "__lpcheck_unknown_{}__"


class JExpr:
    """An expression in ``.tf.json`` syntax: a JSON node whose strings are templates."""

    __slots__ = ("node",)

    def __init__(self, node: Node) -> None:
        self.node = node


class LitExpr:
    """A value that is literal as written (``.tfvars.json``, a JSON variable default)."""

    __slots__ = ("node",)

    def __init__(self, node: Node) -> None:
        self.node = node


class Step:
    """One traversal step: ``.name`` (attr) or ``[key]`` (index; ``key`` None = unknown key)."""

    __slots__ = ("key", "kind", "loc", "unknown")

    def __init__(self, kind: str, key: str | int | None, loc: Location, unknown: Node | None = None) -> None:
        self.kind = kind
        self.key = key
        self.loc = loc
        self.unknown = unknown


class Refs(Protocol):
    def ref(self, root: str, steps: list[Step], loc: Location, ev: Evaluator, scope: Scope) -> Node: ...


class Scope:
    """Names bound by for-expressions, dynamic-block iterators and template variables."""

    __slots__ = ("names",)

    def __init__(self, names: dict[str, Node] | None = None) -> None:
        self.names: dict[str, Node] = names if names is not None else {}

    def bind_map(self, names: dict[str, Node]) -> Scope:
        return Scope({**self.names, **names})


EMPTY = Scope()


def unknown(loc: Location, reason: str = "", ref: str | None = None) -> UnknownNode:
    return UnknownNode(loc=loc, reason=reason, ref=ref)


def error(loc: Location, reason: str) -> UnknownNode:
    return UnknownNode(loc=loc, reason=f"error: {reason}")


def is_error(node: Node | None) -> bool:
    return isinstance(node, UnknownNode) and node.reason.startswith("error:")


def moved_unknown(
    node: UnknownNode, loc: Location, *, reason: str | None = None, ref: str | None = None
) -> UnknownNode:
    """A copy of an unknown placed at ``loc`` (optionally with another reason or reference); a
    partly known template keeps its text (``PartialText``)."""
    reason = node.reason if reason is None else reason
    ref = node.ref if ref is None else ref
    if isinstance(node, PartialText):
        return PartialText(loc=loc, origin=node.origin, reason=reason, ref=ref, text=node.text)
    return UnknownNode(loc=loc, origin=node.origin, reason=reason, ref=ref)


@dataclass(slots=True, eq=False, kw_only=True)
class InstanceNode(MapNode):
    """One instance of a resource or data source with ``count``/``for_each`` (an element of
    ``aws_x.y``, ``aws_x.y[0]``, ``each.value`` over ``for_each = aws_x.y``): ``items`` are the
    attributes its block writes, taken for that instance; any other attribute is computed by the
    provider, so reading it is unknown with ``ref`` = ``address`` (which keeps the links a handler
    follows, e.g. ``bucket = each.value.id``). Never fully known."""

    address: str = ""


class _Unknown:
    pass


UNK: Any = _Unknown()


def known(node: Node | None) -> Any:
    """The plain Python value of a fully known node, or ``UNK`` if any part is unknown."""
    if node is None:
        return None
    if isinstance(node, ScalarNode):
        return node.value
    if isinstance(node, InstanceNode):
        return UNK  # its computed attributes are unknown
    if isinstance(node, MapNode):
        out = {}
        for k, v in node.items.items():
            pv = known(v)
            if pv is UNK:
                return UNK
            out[k] = pv
        return out
    if isinstance(node, ListNode):
        items = []
        for v in node.items:
            pv = known(v)
            if pv is UNK:
                return UNK
            items.append(pv)
        return items
    return UNK


def first_ref(node: Node | None) -> str | None:
    """The first resource reference inside a node (for an unknown derived from it)."""
    if isinstance(node, UnknownNode):
        return node.ref
    if isinstance(node, InstanceNode):
        return node.address
    if isinstance(node, MapNode):
        for v in node.items.values():
            r = first_ref(v)
            if r:
                return r
    elif isinstance(node, ListNode):
        for v in node.items:
            r = first_ref(v)
            if r:
                return r
    elif isinstance(node, ChoiceNode):
        for _, v in node.options:
            r = first_ref(v)
            if r:
                return r
    return None


def to_text(value: Any) -> str | None:
    """A scalar as Terraform converts it to a string; None when it cannot (null, collections)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    return None


def truth(node: Node | None) -> bool | None:
    if isinstance(node, ScalarNode):
        v = node.value
        if isinstance(v, bool):
            return v
        if isinstance(v, str) and v in ("true", "false"):
            return v == "true"
    return None


def number(node: Node | None) -> int | float | None:
    if isinstance(node, ScalarNode):
        v = node.value
        if isinstance(v, bool):
            return None
        if isinstance(v, (int, float)):
            return v
        if isinstance(v, str):
            try:
                return int(v)
            except ValueError:
                try:
                    return float(v)
                except ValueError:
                    return None
    return None


def none_if_null(node: Node | None) -> Node | None:
    if node is None or (isinstance(node, ScalarNode) and node.value is None):
        return None
    if isinstance(node, ChoiceNode) and all(none_if_null(n) is None for _, n in node.options):
        return None
    return node


def _scalar_copy(node: ScalarNode, loc: Location, origin: str | None) -> ScalarNode:
    """A copy of a scalar at ``loc`` with ``origin``; a text keeps its layout."""
    if isinstance(node, TextNode):
        return TextNode(loc=loc, value=node.value, origin=origin, spans=node.spans)
    return ScalarNode(loc=loc, value=node.value, origin=origin)


def relocate(
    node: Node,
    loc: Location,
    origin: Callable[[Node], str],
    deep: bool = True,
    keep: Callable[[Node], bool] | None = None,
) -> Node:
    """A copy of ``node`` placed at ``loc`` (where a value is used), each part naming its origin.

    The catalog reports a value that flows in from elsewhere where it is used, with its source
    in the message. Multi-line strings keep their own place (a document written in a heredoc
    maps its lines only from where it is written); with ``deep`` False (locals, other
    resources' attributes: code of this module) maps and nested lists keep their own place too,
    so a policy document written in a local still points at its statements. A part that already
    names an origin keeps it: the first place a literal was written is its source. A part for
    which ``keep`` holds stays where it is (in a child module: a value its caller passed keeps
    the caller's place)."""
    if (keep is not None and keep(node)) or isinstance(node, InstanceNode):
        return node  # an instance is the resource's own code: it stays where it is written
    org = node.origin or origin(node)
    if isinstance(node, ScalarNode):
        if isinstance(node.value, str) and "\n" in node.value.strip():
            return _scalar_copy(node, node.loc, org)
        return ScalarNode(loc=loc, value=node.value, origin=org)
    if isinstance(node, UnknownNode):
        return moved_unknown(node, loc)
    if isinstance(node, ChoiceNode):
        options = [
            (label, relocate(v, loc, origin, deep, keep) if v is not None else None)
            for label, v in node.options
        ]
        return ChoiceNode(loc=loc, origin=node.origin, options=options)
    if not deep and (
        isinstance(node, MapNode)
        or any(isinstance(v, (MapNode, ListNode)) for v in getattr(node, "items", ()))
    ):
        return node
    if isinstance(node, MapNode):
        return MapNode(
            loc=loc,
            origin=org,
            items={k: relocate(v, loc, origin, deep, keep) for k, v in node.items.items()},
            key_locs={k: loc for k in node.items},
        )
    if isinstance(node, ListNode):
        return ListNode(loc=loc, origin=org, items=[relocate(v, loc, origin, deep, keep) for v in node.items])
    return node


def annotate(node: Node, origin: Callable[[str | None], str]) -> Node:
    """A copy of ``node`` where it is (no part moves), each part's origin rewritten by
    ``origin(previous origin)``: a value a module call passes names the argument and its use."""
    if isinstance(node, (UnknownNode, InstanceNode)):
        return node
    org = origin(node.origin)
    if isinstance(node, ScalarNode):
        return _scalar_copy(node, node.loc, org)
    if isinstance(node, ChoiceNode):
        options = [(label, annotate(v, origin) if v is not None else None) for label, v in node.options]
        return ChoiceNode(loc=node.loc, origin=node.origin, options=options)
    if isinstance(node, MapNode):
        return MapNode(
            loc=node.loc,
            origin=org,
            items={k: annotate(v, origin) for k, v in node.items.items()},
            key_locs=dict(node.key_locs),
        )
    if isinstance(node, ListNode):
        return ListNode(loc=node.loc, origin=org, items=[annotate(v, origin) for v in node.items])
    return node


# -- instance choices ------------------------------------------------------------------------------

# ``each.key``/``each.value``/``count.index`` of a resource or module call over a known collection
# are choices with one option per instance, labelled like these prefixes; values computed from
# them are computed per instance (options with the same labels are the same instance).
INSTANCE_LABELS = ("each.key = ", "count.index = ")


def instance_labels(node: Node | None) -> tuple[str, ...] | None:
    """The instance labels of a per-instance choice, else None."""
    if isinstance(node, ChoiceNode) and node.options and node.options[0][0].startswith(INSTANCE_LABELS):
        return tuple(label for label, _ in node.options)
    return None


def lift(nodes: list[Node], func: Callable[[list[Node]], Node], loc: Location) -> Node | None:
    """``func`` applied per instance when some of ``nodes`` are per-instance choices (all with the
    same instances): a choice of the results. None when no node is such a choice, or when they
    disagree (the caller then treats the choices as it always does)."""
    labels: tuple[str, ...] | None = None
    for node in nodes:
        found = instance_labels(node)
        if found is None:
            continue
        if labels is None:
            labels = found
        elif found != labels:
            return None
    if labels is None:
        return None
    options: list[tuple[str, Node | None]] = []
    for i, label in enumerate(labels):
        picked: list[Node] = []
        for node in nodes:
            if isinstance(node, ChoiceNode) and instance_labels(node) is not None:
                option = node.options[i][1]
                picked.append(option if option is not None else ScalarNode(loc=node.loc, value=None))
            else:
                picked.append(node)
        options.append((label, func(picked)))
    return ChoiceNode(loc=loc, options=options)


def shift(node: Node, move: Callable[[Location], Location]) -> Node:
    """Move every location of a freshly parsed tree (in place) and return it."""
    node.loc = move(node.loc)
    if isinstance(node, MapNode):
        node.key_locs = {k: move(v) for k, v in node.key_locs.items()}
        for child in node.items.values():
            shift(child, move)
    elif isinstance(node, ListNode):
        for child in node.items:
            shift(child, move)
    elif isinstance(node, ChoiceNode):
        for _, child in node.options:
            if child is not None:
                shift(child, move)
    return node


def string_mover(base: Location) -> Callable[[Location], Location]:
    """Positions relative to a string's text onto the file: line 1 starts at the string."""

    def move(loc: Location) -> Location:
        if loc.line == 1:
            return Location(base.path, base.line, base.column + loc.column - 1)
        return Location(base.path, base.line + loc.line - 1, loc.column)

    return move


# -- template parts --------------------------------------------------------------------------------


class Part:
    """A template element: "text", "interp", "if", "else", "endif", "for", "endfor", "bad"."""

    __slots__ = ("expr", "kind", "names", "strip_left", "strip_right", "text")

    def __init__(
        self,
        kind: str,
        text: str = "",
        expr: Any = None,
        names: tuple[str, ...] = (),
        strip_left: bool = False,
        strip_right: bool = False,
    ) -> None:
        self.kind = kind
        self.text = text
        self.expr = expr
        self.names = names
        self.strip_left = strip_left
        self.strip_right = strip_right


class _Hole:
    """An unknown part of a template; ``written`` is the interpolated expression as written."""

    __slots__ = ("node", "written")

    def __init__(self, node: Node, written: str | None = None) -> None:
        self.node = node
        self.written = written

    def text(self) -> str:
        """How the part reads in the template's text: ``${expression}`` (a partly known value
        brings its own text)."""
        node = self.node
        if isinstance(node, PartialText) and node.text:
            return node.text
        if self.written:
            return "${" + self.written + "}"
        return "${" + (node.ref or "?") + "}" if isinstance(node, UnknownNode) else "${?}"


Seg = str | _Hole


def _strip_parts(parts: list[Part]) -> list[Part]:
    for i, part in enumerate(parts):
        if part.kind == "text":
            continue
        if part.strip_left and i > 0 and parts[i - 1].kind == "text":
            parts[i - 1].text = parts[i - 1].text.rstrip()
        if part.strip_right and i + 1 < len(parts) and parts[i + 1].kind == "text":
            parts[i + 1].text = parts[i + 1].text.lstrip()
    return parts


def _nest(parts: list[Part], i: int = 0, stop: tuple[str, ...] = ()) -> tuple[list[Any], int, str]:
    """Template parts as a tree: ("if", expr, then, else) and ("for", part, body) entries."""
    out: list[Any] = []
    while i < len(parts):
        part = parts[i]
        if part.kind in stop:
            return out, i, part.kind
        if part.kind == "if":
            then, i, ended = _nest(parts, i + 1, ("else", "endif"))
            other: list[Any] = []
            if ended == "else":
                other, i, ended = _nest(parts, i + 1, ("endif",))
            out.append(("if", part, then, other))
        elif part.kind == "for":
            body, i, ended = _nest(parts, i + 1, ("endfor",))
            out.append(("for", part, body))
        elif part.kind in ("else", "endif", "endfor"):
            out.append(("bad", part))
        else:
            out.append(part)
        i += 1
    return out, i, ""


# -- the evaluator ---------------------------------------------------------------------------------


class Evaluator:
    """Turns expressions into nodes. ``refs`` resolves references; ``base_dir`` is where
    ``file()`` paths are relative to; ``display`` gives the path shown for a read file."""

    def __init__(
        self,
        refs: Refs | None = None,
        base_dir: Path | None = None,
        display: Callable[[Path], str] | None = None,
    ) -> None:
        self.refs = refs
        self.base_dir = base_dir
        self.display = display or (lambda p: str(p))
        self.internal_errors: list[str] = []  # our own bugs, for tests; users get unknowns
        self.budget = MAX_WORK  # iterations left for for-expressions, template loops, dynamic blocks
        self._files: dict[Path, str | None] = {}
        # Templates with unknown parts, as written (location -> text, owner, key path), for the
        # secret rules: set to a dict by a module that records them, None otherwise.
        self.partials: dict[Location, tuple[str, str, tuple[str, ...]]] | None = None
        # Who is being evaluated (owner, key path), for the partials' context; set by the module.
        self.context: tuple[str, tuple[str, ...]] = ("", ())

    # -- entry points ---------------------------------------------------------------------------
    def spend(self, count: int) -> bool:
        """Take ``count`` iterations from the budget; False when it is exhausted."""
        self.budget -= count
        return self.budget >= 0

    def eval(self, expr: Any, scope: Scope = EMPTY) -> Node:
        try:
            if isinstance(expr, HExpr):
                return self._ev(expr.tree, expr.src, scope)
            if isinstance(expr, JExpr):
                return self._ev_json(expr.node, scope)
            if isinstance(expr, LitExpr):
                return expr.node
            if isinstance(expr, Node):
                return expr
        except RecursionError:
            return error(_loc_of(expr), "expression nested too deeply")
        except Exception as exc:  # a bug of ours must not stop the scan: the value is unknown
            self.internal_errors.append(f"{type(exc).__name__}: {exc}")
            return unknown(_loc_of(expr), f"internal: {type(exc).__name__}: {exc}")
        return unknown(_loc_of(expr), "not an expression")

    def apply(self, node: Node, steps: list[Step], loc: Location) -> Node:
        """Follow attribute/index steps into a value."""
        for idx, step in enumerate(steps):
            if isinstance(node, UnknownNode):
                return node
            if isinstance(node, ChoiceNode):
                rest = steps[idx:]
                options = [
                    (label, self.apply(opt, rest, loc) if opt is not None else None)
                    for label, opt in node.options
                ]
                return ChoiceNode(loc=node.loc, options=options)
            if step.unknown is not None:
                rest = steps[idx + 1 :]
                lifted = lift(
                    [step.unknown],
                    lambda k, n=node, r=rest, at=step.loc: self.apply(n, [_index_step(k[0], at), *r], loc),
                    loc,
                )
                if isinstance(lifted, ChoiceNode) and self.spend(len(lifted.options)):
                    return lifted
                return unknown(loc, "unknown index", ref=first_ref(step.unknown))
            key = step.key
            if isinstance(node, MapNode):
                child = node.items.get(str(key)) if key is not None else None
                if child is None:
                    if isinstance(node, InstanceNode):
                        return unknown(loc, f"{node.address}.{key} is computed", ref=node.address)
                    return error(loc, f"no key {key!r}")
                node = child
            elif isinstance(node, ListNode):
                if isinstance(key, str) and key.lstrip("-").isdigit():
                    key = int(key)
                if not isinstance(key, int) or isinstance(key, bool):
                    return error(loc, f"cannot take {key!r} of a list")
                if not 0 <= key < len(node.items):
                    return error(loc, f"index {key} out of range")
                node = node.items[key]
            else:
                return error(loc, f"cannot take {key!r} of a {type(node).__name__}")
        return node

    # -- HCL trees -------------------------------------------------------------------------------
    def _ev(self, t: Any, src: Src, scope: Scope) -> Node:
        if not is_tree(t):
            line, col = position(t)
            return unknown(src.loc(line, col), f"unexpected token {t!s}")
        handler = _HANDLERS.get(str(t.data))
        if handler is None:
            line, col = position(t)
            return unknown(src.loc(line, col), f"unsupported expression {t.data}")
        return handler(self, t, src, scope)

    def _loc(self, t: Any, src: Src) -> Location:
        line, col = position(t)
        return src.loc(line, col)

    def _expr_term(self, t: Any, src: Src, scope: Scope) -> Node:
        kids = subtrees(t)
        if len(kids) == 1:
            return self._ev(kids[0], src, scope)
        return unknown(self._loc(t, src), "empty expression")

    def _int(self, t: Any, src: Src, scope: Scope) -> Node:
        tok = t.children[0]
        return ScalarNode(loc=self._loc(t, src), value=int(str(tok)))

    def _float(self, t: Any, src: Src, scope: Scope) -> Node:
        tok = t.children[0]
        return ScalarNode(loc=self._loc(t, src), value=float(str(tok)))

    def _literal(self, t: Any, src: Src, scope: Scope) -> Node:
        word = str(t.children[0])
        value = {"true": True, "false": False}.get(word)
        return ScalarNode(loc=self._loc(t, src), value=value)

    def _identifier(self, t: Any, src: Src, scope: Scope) -> Node:
        return self.reference(str(t.children[0]), [], self._loc(t, src), scope)

    def _tuple(self, t: Any, src: Src, scope: Scope) -> Node:
        return ListNode(loc=self._loc(t, src), items=[self._ev(c, src, scope) for c in subtrees(t)])

    def _object(self, t: Any, src: Src, scope: Scope) -> Node:
        node = MapNode(loc=self._loc(t, src))
        for elem in subtrees(t):
            if elem.data != "object_elem":
                continue
            key_tree, value_tree = elem.children[0], elem.children[-1]
            key_loc = self._loc(key_tree, src)
            key = self._object_key(key_tree, src, scope)
            outer = self.context
            if key is not None:
                self.context = (outer[0], (*outer[1], key))
            try:
                value = self._ev(value_tree, src, scope)
            finally:
                self.context = outer
            if key is None:
                continue  # a computed key we cannot know: the entry is left out
            node.items.pop(key, None)
            node.items[key] = value
            node.key_locs[key] = key_loc
        return node

    def _object_key(self, key_tree: Any, src: Src, scope: Scope) -> str | None:
        inner = subtrees(key_tree)
        if not inner:
            return str(key_tree.children[0]) if key_tree.children else None
        expr = inner[0]
        if expr.data == "keyword":
            return str(expr.children[0])
        bare = expr
        while bare.data == "expr_term" and len(bare.children) == 1 and is_tree(bare.children[0]):
            bare = bare.children[0]
        if bare.data == "identifier":
            return str(bare.children[0])  # a bare name is a literal key
        value = self._ev(expr, src, scope)
        if isinstance(value, ScalarNode):
            return to_text(value.value)
        return None

    def _conditional(self, t: Any, src: Src, scope: Scope) -> Node:
        kids = subtrees(t)
        if len(kids) != 3:
            return unknown(self._loc(t, src), "malformed conditional")
        cond, yes, no = kids
        pred_node = self._ev(cond, src, scope)
        predicate = truth(pred_node)
        if predicate is True:
            return self._ev(yes, src, scope)
        if predicate is False:
            return self._ev(no, src, scope)
        label = HExpr(cond, src).text()
        a = self._ev(yes, src, scope)
        b = self._ev(no, src, scope)
        loc = self._loc(t, src)

        def pick(p: list[Node]) -> Node:
            chosen = truth(p[0])
            if chosen is None:
                return ChoiceNode(
                    loc=loc,
                    options=[(f"{label} is true", none_if_null(a)), (f"{label} is false", none_if_null(b))],
                )
            return a if chosen else b

        lifted = lift([pred_node], pick, loc)
        if lifted is not None:
            return lifted
        return pick([pred_node])

    def _binary(self, t: Any, src: Src, scope: Scope) -> Node:
        kids = subtrees(t)
        loc = self._loc(t, src)
        if len(kids) < 2:
            return unknown(loc, "malformed operation")
        lhs, term = kids[0], kids[1]
        term_kids = subtrees(term)
        if len(term_kids) < 2:
            return unknown(loc, "malformed operation")
        op = str(term_kids[0].children[0]).strip()
        left = self._ev(lhs, src, scope)
        if instance_labels(left) is not None:
            right = self._ev(term_kids[1], src, scope)
            lifted = lift([left, right], lambda p: _logic_or_binary(op, p[0], p[1], loc), loc)
            if lifted is not None:
                return lifted
        if op in ("&&", "||"):
            lt = truth(left)
            if op == "&&" and lt is False:
                return ScalarNode(loc=loc, value=False)
            if op == "||" and lt is True:
                return ScalarNode(loc=loc, value=True)
            right = self._ev(term_kids[1], src, scope)
            lifted = lift([left, right], lambda p: _logic_or_binary(op, p[0], p[1], loc), loc)
            if lifted is not None:
                return lifted
            rt = truth(right)
            if op == "&&" and rt is False:
                return ScalarNode(loc=loc, value=False)
            if op == "||" and rt is True:
                return ScalarNode(loc=loc, value=True)
            if lt is None or rt is None:
                return unknown(loc, "logic on unknown values")
            return ScalarNode(loc=loc, value=(lt and rt) if op == "&&" else (lt or rt))
        right = self._ev(term_kids[1], src, scope)
        lifted = lift([left, right], lambda p: binary(op, p[0], p[1], loc), loc)
        if lifted is not None:
            return lifted
        return binary(op, left, right, loc)

    def _unary(self, t: Any, src: Src, scope: Scope) -> Node:
        op = str(t.children[0]).strip()
        kids = subtrees(t)
        loc = self._loc(t, src)
        if not kids:
            return unknown(loc, "malformed operation")
        value = self._ev(kids[0], src, scope)
        if op == "!":
            b = truth(value)
            return ScalarNode(loc=loc, value=not b) if b is not None else unknown(loc, "negation of unknown")
        n = number(value)
        return ScalarNode(loc=loc, value=-n) if n is not None else unknown(loc, "negation of unknown")

    # -- traversals -----------------------------------------------------------------------------
    def _chain(self, t: Any) -> tuple[Any, list[Any]]:
        ops: list[Any] = []
        t = _unwrap(t)
        while t.data in ("get_attr_expr_term", "index_expr_term"):
            ops.append(t.children[1])
            t = _unwrap(t.children[0])
        ops.reverse()
        return t, ops

    def _step(self, op: Any, src: Src, scope: Scope) -> Step:
        loc = self._loc(op, src)
        if op.data == "get_attr":
            return Step("attr", _name_of(op), loc)
        if op.data == "short_index":
            return Step("index", int(str(op.children[-1])), loc)
        inner = subtrees(op)
        key_node = self._ev(inner[0], src, scope) if inner else unknown(loc)
        if isinstance(key_node, ScalarNode) and isinstance(key_node.value, (str, int, float)):
            key = key_node.value
            if isinstance(key, float) and key.is_integer():
                key = int(key)
            return Step("index", key if not isinstance(key, float) else str(key), loc)
        return Step("index", None, loc, unknown=key_node)

    def _traversal(self, t: Any, src: Src, scope: Scope) -> Node:
        root, ops = self._chain(t)
        loc = self._loc(t, src)
        steps = [self._step(op, src, scope) for op in ops]
        if root.data == "identifier":
            return self.reference(str(root.children[0]), steps, loc, scope)
        return self.apply(self._ev(root, src, scope), steps, loc)

    def _splat(self, t: Any, src: Src, scope: Scope) -> Node:
        loc = self._loc(t, src)
        base = self._ev(t.children[0], src, scope)
        splat = t.children[1]
        ops = [c for c in subtrees(splat)]
        if isinstance(base, ListNode) and ops:
            steps = [self._step(op, src, scope) for op in ops]
            return ListNode(loc=loc, items=[self.apply(item, steps, loc) for item in base.items])
        return unknown(loc, "splat expression", ref=first_ref(base))

    def reference(self, name: str, steps: list[Step], loc: Location, scope: Scope) -> Node:
        if name in scope.names:
            found = self.apply(scope.names[name], steps, loc)
            if isinstance(found, UnknownNode) and found.loc != loc:
                return moved_unknown(found, loc)  # an iterator bound to an unknown: used here
            return found
        if self.refs is not None:
            return self.refs.ref(name, steps, loc, self, scope)
        return unknown(loc, f"reference to {name}")

    # -- calls ----------------------------------------------------------------------------------
    def _call(self, t: Any, src: Src, scope: Scope) -> Node:
        from lpcheck.adapters.terraform.functions import FUNCTIONS

        loc = self._loc(t, src)
        names = [c for c in t.children if is_tree(c) and c.data == "identifier"]
        if len(names) != 1:
            return unknown(loc, "provider-defined function")
        fname = str(names[0].children[0])
        arg_trees: list[Any] = []
        spread = False
        for c in t.children:
            if is_tree(c) and c.data == "arguments":
                arg_trees = subtrees(c)
                spread = any(not is_tree(x) and x.type == "ELLIPSIS" for x in c.children)
        fn = FUNCTIONS.get(fname)
        if fn is None:
            return unknown(loc, f"function {fname}() is not evaluated")
        args = [self._ev(a, src, scope) for a in arg_trees]
        if spread and args:
            last = args[-1]
            if not isinstance(last, ListNode):
                return unknown(loc, f"{fname}() with expanded unknown arguments", ref=first_ref(last))
            args = [*args[:-1], *last.items]

        def invoke(values: list[Node]) -> Node:
            try:
                return fn(self, values, loc)
            except (ValueError, TypeError, IndexError, KeyError, ZeroDivisionError, OverflowError) as exc:
                return error(loc, f"{fname}(): {exc}")

        lifted = lift(args, invoke, loc)
        if lifted is not None:
            return lifted
        return invoke(args)

    # -- for expressions ------------------------------------------------------------------------
    def _for(self, t: Any, src: Src, scope: Scope) -> Node:
        loc = self._loc(t, src)
        intro_kids = subtrees(subtrees(t)[0])
        collection = self._ev(intro_kids[-1], src, scope)
        if instance_labels(collection) is not None:
            # a collection that differs per instance: the expression, per instance
            return lift([collection], lambda c: self._for_over(c[0], t, src, scope), loc) or unknown(
                loc, "for expression over an unknown collection"
            )
        return self._for_over(collection, t, src, scope)

    def _for_over(self, collection: Node, t: Any, src: Src, scope: Scope) -> Node:
        loc = self._loc(t, src)
        kids = subtrees(t)
        intro = kids[0]
        is_object = t.data == "for_object_expr"
        grouping = any(not is_tree(c) and c.type == "ELLIPSIS" for c in t.children)
        cond = next((k for k in kids[1:] if k.data == "for_cond"), None)
        body = [k for k in kids[1:] if k.data != "for_cond"]
        intro_kids = subtrees(intro)
        names = [str(k.children[0]) for k in intro_kids[:-1]]
        pairs = iterate(collection)
        if pairs is None:
            return unknown(loc, "for expression over an unknown collection", ref=first_ref(collection))
        if not self.spend(len(pairs)):
            return unknown(loc, "for expression: too much work")
        out_list: list[Node] = []
        out_map = MapNode(loc=loc)
        for key, value in pairs:
            bound = {names[-1]: value}
            if len(names) == 2:
                bound[names[0]] = key
            inner = scope.bind_map(bound)
            if cond is not None:
                keep = truth(self._ev(subtrees(cond)[0], src, inner))
                if keep is None:
                    return unknown(loc, "for expression with an unknown filter")
                if not keep:
                    continue
            if not is_object:
                out_list.append(self._ev(body[0], src, inner))
                continue
            k_node = self._ev(body[0], src, inner)
            k = to_text(k_node.value) if isinstance(k_node, ScalarNode) else None
            if k is None:
                return unknown(loc, "for expression with an unknown key")
            v = self._ev(body[1], src, inner)
            if grouping:
                group = out_map.items.get(k)
                if not isinstance(group, ListNode):
                    group = ListNode(loc=v.loc)
                    out_map.items[k] = group
                    out_map.key_locs[k] = k_node.loc
                group.items.append(v)
            else:
                out_map.items[k] = v
                out_map.key_locs[k] = k_node.loc
        return out_map if is_object else ListNode(loc=loc, items=out_list)

    # -- strings and templates ------------------------------------------------------------------
    def _string(self, t: Any, src: Src, scope: Scope) -> Node:
        loc = self._loc(t, src)
        parts: list[Part] = []
        for sp in t.children:
            if not is_tree(sp):
                continue
            for inner in sp.children:
                if not is_tree(inner):
                    kind = inner.type
                    text = unescape(str(inner)) if kind == "STRING_CHARS" else str(inner)[1:]
                    parts.append(Part("text", text))
                    continue
                parts.append(_directive_part(inner, src))
        inside = Location(loc.path, loc.line, loc.column + 1)  # after the opening quote

        def written() -> str:
            text = HExpr(t, src).raw()
            return text[1:-1] if len(text) >= 2 and text[0] == '"' and text[-1] == '"' else text

        return self.template(_merge_text(parts), loc, scope, json_move=string_mover(inside), source=written)

    def _template_string(self, t: Any, src: Src, scope: Scope) -> Node:
        raw = str(t.children[0])
        return ScalarNode(loc=self._loc(t, src), value=unescape(raw[2:-2]))

    def _heredoc(self, t: Any, src: Src, scope: Scope) -> Node:
        tok = t.children[0]
        value = str(tok)
        line, _col = position(tok)
        first_nl = value.find("\n")
        opener = value[:first_nl]
        lines = value[first_nl + 1 :].split("\n")
        body_lines = lines[:-2] if len(lines) >= 2 else []
        written = "".join(x + "\n" for x in body_lines)  # as written, indentation kept
        removed = [0] * len(body_lines)
        if opener.startswith("<<-") and body_lines:
            widths = [len(x) - len(x.lstrip(" \t")) for x in body_lines if x.strip()]
            indent = min(widths) if widths else 0
            for i, text in enumerate(body_lines):
                lead = len(text) - len(text.lstrip(" \t"))
                removed[i] = min(indent, lead)
                body_lines[i] = text[removed[i] :]
        body = "".join(x + "\n" for x in body_lines)
        loc = src.loc(line + 1, 1)

        def laid_out(text: str, origin: str | None = None) -> ScalarNode:
            """``<<-``: every line lost the same indentation (blank lines aside); the text's
            layout says where its characters are written (a credential's column, a statement's
            column in a policy document)."""
            if not any(removed) or text.count("\n") != body.count("\n"):
                return ScalarNode(loc=loc, value=text, origin=origin)
            from lpcheck.secrets.layout import Span

            spans = (Span(0, src.loc(line + 1, 1 + removed[0]), 1 + max(removed)),)
            return TextNode(loc=loc, value=text, origin=origin, spans=spans)

        if "${" not in body and "%{" not in body:
            return laid_out(body)

        def locate(offset: int) -> Location:
            li = body.count("\n", 0, offset)
            col = offset - (body.rfind("\n", 0, offset) + 1)
            extra = removed[li] if li < len(removed) else 0
            return src.loc(line + 1 + li, col + 1 + extra)

        def move(pos: Location) -> Location:
            li = pos.line - 1
            extra = removed[li] if 0 <= li < len(removed) else 0
            return src.loc(line + pos.line, pos.column + extra)

        parts = text_parts(split_template(body), src.path, locate)
        result = self.template(parts, loc, scope, json_move=move, source=lambda: written)
        if type(result) is ScalarNode and isinstance(result.value, str) and result.loc == loc:
            return laid_out(result.value, result.origin)  # every part known: a text like any other
        return result

    def template(
        self,
        parts: list[Part],
        loc: Location,
        scope: Scope,
        json_move: Callable[[Location], Location] | None = None,
        source: Callable[[], str] | None = None,
    ) -> Node:
        """Evaluate template parts: a string when every part is known; a lone interpolation
        keeps its type; with ``json_move`` (heredocs, template files) a JSON document with
        unknown parts is still read, its unknown parts as unknown nodes. Parts that differ per
        instance (``each.key``) give one string per instance. A template that stays unknown is
        recorded as written (``source()``) in ``partials``: a credential written beside an
        interpolation is still a literal in the code."""
        parts = [p for p in _strip_parts(parts) if p.kind != "text" or p.text]
        if len(parts) == 1 and parts[0].kind == "interp":
            return self.eval(parts[0].expr, scope)
        if not parts:
            return ScalarNode(loc=loc, value="")
        if json_move is not None:
            # a heredoc holding only ``${jsonencode(...)}``: the document keeps its own positions
            significant = [p for p in parts if p.kind != "text" or p.text.strip()]
            if len(significant) == 1 and significant[0].kind == "interp":
                node = self.eval(significant[0].expr, scope)
                if isinstance(node, (MapNode, ListNode)):
                    return node
        segs: list[Seg] = []
        origins: list[str] = []
        self._render(_nest(parts)[0], scope, segs, loc, origins)
        holes = [s for s in segs if isinstance(s, _Hole)]
        if not holes:
            return text_node(loc, "".join(s for s in segs if isinstance(s, str)), origins)
        lifted = lift([h.node for h in holes], lambda p: self._fill(segs, p, loc, json_move, origins), loc)
        if lifted is not None:
            return lifted
        result = self._finish(segs, holes, loc, json_move)
        partials = self.partials
        if (
            isinstance(result, UnknownNode)
            and source is not None
            and partials is not None
            and loc not in partials
        ):
            text = source()
            if text.strip():
                partials[loc] = (text, *self.context)
        return result

    def _fill(
        self,
        segs: list[Seg],
        values: list[Node],
        loc: Location,
        json_move: Callable[[Location], Location] | None,
        origins: list[str],
    ) -> Node:
        """One instance of a template: its holes replaced by that instance's values."""
        out: list[Seg] = []
        used = list(origins)
        it = iter(values)
        for seg in segs:
            if isinstance(seg, _Hole):
                value = next(it)
                note_origin(value, used)
                out.extend(segments(value, seg.written))
            else:
                out.append(seg)
        holes = [s for s in out if isinstance(s, _Hole)]
        if not holes:
            return text_node(loc, "".join(s for s in out if isinstance(s, str)), used)
        return self._finish(out, holes, loc, json_move)

    def _finish(
        self,
        segs: list[Seg],
        holes: list[_Hole],
        loc: Location,
        json_move: Callable[[Location], Location] | None,
    ) -> Node:
        if json_move is not None:
            doc = self._salvage_json(segs, loc, json_move)
            if doc is not None:
                return doc
        ref = next((first_ref(h.node) for h in holes if first_ref(h.node)), None)
        text = "".join(s if isinstance(s, str) else s.text() for s in segs)
        return PartialText(loc=loc, reason="template with unknown parts", ref=ref, text=text)

    def _render(
        self, items: list[Any], scope: Scope, out: list[Seg], loc: Location, origins: list[str]
    ) -> None:
        """Template items as text and holes into ``out``; where interpolated values came from
        (a variable default, a tfvars entry, a local) into ``origins``."""
        for item in items:
            if isinstance(item, Part):
                if item.kind == "text":
                    out.append(item.text)
                elif item.kind == "interp":
                    written = item.expr.text() if isinstance(item.expr, HExpr) else None
                    value = self.eval(item.expr, scope)
                    note_origin(value, origins)
                    out.extend(segments(value, written))
                else:
                    out.append(_Hole(unknown(loc, f"template {item.kind}")))
            elif item[0] == "if":
                _, part, then, other = item
                cond = truth(self.eval(part.expr, scope)) if part.expr is not None else None
                if cond is None:
                    out.append(_Hole(unknown(loc, "template if on an unknown condition")))
                else:
                    self._render(then if cond else other, scope, out, loc, origins)
            elif item[0] == "for":
                _, part, body = item
                coll = self.eval(part.expr, scope) if part.expr is not None else None
                pairs = iterate(coll) if coll is not None else None
                if pairs is None or not part.names or not self.spend(len(pairs)):
                    out.append(_Hole(unknown(loc, "template for over an unknown collection")))
                    continue
                for key, value in pairs:
                    bound = {part.names[-1]: value}
                    if len(part.names) == 2:
                        bound[part.names[0]] = key
                    self._render(body, scope.bind_map(bound), out, loc, origins)
            else:
                out.append(_Hole(unknown(loc, "malformed template directive")))

    def _salvage_json(
        self, segs: list[Seg], loc: Location, move: Callable[[Location], Location]
    ) -> Node | None:
        """Read a JSON document whose unknown parts are holes: each hole becomes a marker string
        (quoted when it stands outside a JSON string), the parsed markers unknown nodes."""
        text_parts: list[str] = []
        holes: dict[str, _Hole] = {}
        in_string = False
        escaped = False
        for seg in segs:
            if isinstance(seg, str):
                text_parts.append(seg)
                for ch in seg:
                    if escaped:
                        escaped = False
                    elif ch == "\\" and in_string:
                        escaped = True
                    elif ch == '"':
                        in_string = not in_string
                continue
            marker = _MARKER.format(len(holes))
            holes[marker] = seg
            text_parts.append(marker if in_string else f'"{marker}"')
        text = "".join(text_parts)
        if not text.lstrip().startswith(("{", "[")):
            return None
        from lpcheck.errors import ParseFailure
        from lpcheck.parsers.jsonpos import parse_json

        try:
            tree = parse_json(text, loc.path)
        except (ParseFailure, RecursionError, ValueError):
            return None
        shift(tree, move)
        return _fill_holes(tree, holes)

    # -- .tf.json expressions -------------------------------------------------------------------
    def _ev_json(self, node: Node, scope: Scope) -> Node:
        if isinstance(node, ScalarNode):
            value = node.value
            if not isinstance(value, str) or ("{" not in value):
                return node
            if "${" not in value and "%{" not in value:
                return ScalarNode(loc=node.loc, value=value.replace("$${", "${").replace("%%{", "%{"))
            base = node.loc

            def locate(offset: int) -> Location:
                return Location(base.path, base.line, base.column + 1 + offset)

            parts = text_parts(split_template(value), base.path, locate)
            inside = Location(base.path, base.line, base.column + 1)
            return self.template(parts, base, scope, json_move=string_mover(inside), source=lambda v=value: v)
        if isinstance(node, MapNode):
            items: dict[str, Node] = {}
            outer = self.context
            try:
                for k, v in node.items.items():
                    self.context = (outer[0], (*outer[1], k))
                    items[k] = self._ev_json(v, scope)
            finally:
                self.context = outer
            return MapNode(loc=node.loc, origin=node.origin, items=items, key_locs=dict(node.key_locs))
        if isinstance(node, ListNode):
            return ListNode(
                loc=node.loc, origin=node.origin, items=[self._ev_json(v, scope) for v in node.items]
            )
        return node

    # -- files ----------------------------------------------------------------------------------
    def resolve_path(self, text: str) -> Path | None:
        if not text or "\x00" in text or self.base_dir is None:
            return None
        p = Path(text)
        if p.is_absolute() or text.startswith("~"):
            return None  # only files near the module, by relative path
        target = Path(os.path.normpath(self.base_dir / p))  # "a/../b.json" shown as "b.json"
        try:
            base = self.base_dir.resolve()
            resolved = target.resolve()
            # ``../policies/x.json`` is common; a path that climbs further out is not followed
            if not any(resolved.is_relative_to(top) for top in [base, *base.parents[:MAX_UP]]):
                return None
            if not target.is_file() or target.stat().st_size > MAX_FILE:
                return None
        except (OSError, RuntimeError, ValueError):
            return None
        return target

    def read_text(self, target: Path) -> str | None:
        if target not in self._files:
            try:
                self._files[target] = target.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError):
                self._files[target] = None
        return self._files[target]


def note_origin(node: Node, origins: list[str]) -> None:
    """Remember where an interpolated value came from when it is an input of the module: a
    variable's default, a tfvars entry, a caller's argument. Code of the module itself (a local,
    another resource's attribute) is not an origin: the composed string is written here."""
    origin = node.origin if isinstance(node, ScalarNode) else None
    if not origin or origin in origins:
        return
    if (
        origin.startswith(("default of variable ", "argument "))
        or ", argument " in origin
        or _TFVARS_ORIGIN.fullmatch(origin)
    ):
        origins.append(origin)


_TFVARS_ORIGIN = re.compile(r"[^()]+:\d+")  # a tfvars entry: "path:line"


def text_node(loc: Location, text: str, origins: list[str]) -> ScalarNode:
    """A template's string. A one-line value (an ARN, a name) that took parts from a variable or
    a local names them as its origin, so a finding on it can say where the value came from; a
    document or script (several lines, JSON) does not: its own literals are written here."""
    origin = None
    if origins and "\n" not in text and not text.lstrip().startswith(("{", "[")):
        origin = "; ".join(origins)
    return ScalarNode(loc=loc, value=text, origin=origin)


def _loc_of(expr: Any) -> Location:
    try:
        if isinstance(expr, HExpr):
            return expr.loc
        if isinstance(expr, (JExpr, LitExpr)):
            return expr.node.loc
        if isinstance(expr, Node):
            return expr.loc
    except Exception:
        pass
    return Location("?", 1, 1)


def _unwrap(t: Any) -> Any:
    while t.data == "expr_term" and len(t.children) == 1 and is_tree(t.children[0]):
        t = t.children[0]
    return t


def _name_of(op: Any) -> str:
    for c in op.children:
        if is_tree(c):
            return str(c.children[0])
    return ""


def _merge_text(parts: list[Part]) -> list[Part]:
    out: list[Part] = []
    for part in parts:
        if part.kind == "text" and out and out[-1].kind == "text":
            out[-1].text += part.text
        else:
            out.append(part)
    return out


def _directive_part(tree: Any, src: Src) -> Part:
    """A quoted string's interpolation or directive (already parsed by the grammar)."""
    data = str(tree.data)
    kids = tree.children
    exprs = subtrees(tree)

    def is_strip(item: Any) -> bool:
        return not is_tree(item) and getattr(item, "type", "") == "STRIP_MARKER"

    strip_left = len(kids) > 2 and is_strip(kids[1])
    strip_right = len(kids) > 2 and is_strip(kids[-2])
    if data == "interpolation":
        return Part("interp", expr=HExpr(exprs[0], src)) if exprs else Part("bad")
    if data == "template_if_start":
        return Part("if", expr=HExpr(exprs[-1], src), strip_left=strip_left, strip_right=strip_right)
    if data == "template_for_start":
        names = tuple(str(e.children[0]) for e in exprs[:-1])
        return Part(
            "for", expr=HExpr(exprs[-1], src), names=names, strip_left=strip_left, strip_right=strip_right
        )
    kind = {"template_else": "else", "template_endif": "endif", "template_endfor": "endfor"}.get(data, "bad")
    return Part(kind, strip_left=strip_left, strip_right=strip_right)


def text_parts(pieces: list[TemplatePiece], path: str, locate: Callable[[int], Location]) -> list[Part]:
    """Template pieces of a text (heredoc, JSON string, template file) with parsed expressions."""
    from lpcheck.errors import ParseFailure
    from lpcheck.parsers.hcl import parse_expression

    def parse(text: str, offset: int) -> Any:
        at = locate(offset)
        try:
            return parse_expression(text, path, at.line, at.column)
        except ParseFailure:
            return None

    out: list[Part] = []
    for piece in pieces:
        flags = {"strip_left": piece.strip_left, "strip_right": piece.strip_right}
        if piece.kind == "text":
            out.append(Part("text", piece.value))
        elif piece.kind == "interp":
            expr = parse(piece.value, piece.offset)
            out.append(Part("interp", expr=expr, **flags) if expr is not None else Part("bad"))
        else:
            body = piece.value.strip()
            lead = len(piece.value) - len(piece.value.lstrip())
            word = body.split(None, 1)[0] if body else ""
            if word in ("else", "endif", "endfor"):
                out.append(Part(word, **flags))
            elif word == "if":
                rest = body[2:]
                start = piece.offset + lead + 2 + (len(rest) - len(rest.lstrip()))
                expr = parse(rest.strip(), start)
                out.append(Part("if", expr=expr, **flags))
            elif word == "for":
                m = re.match(r"for\s+([A-Za-z_][\w-]*)(?:\s*,\s*([A-Za-z_][\w-]*))?\s+in\s+", body)
                if m is None:
                    out.append(Part("for", **flags))
                    continue
                names = tuple(n for n in m.groups() if n)
                expr = parse(body[m.end() :], piece.offset + lead + m.end())
                out.append(Part("for", expr=expr, names=names, **flags))
            else:
                out.append(Part("bad"))
    return out


def segments(node: Node, written: str | None = None) -> list[Seg]:
    """How a value appears inside a template: text, with holes for what is unknown (``written``:
    the interpolated expression). A map or list becomes its JSON text (a ``jsonencode`` result
    interpolated into a heredoc)."""
    if isinstance(node, ScalarNode):
        text = to_text(node.value)
        if text is None:
            return [_Hole(error(node.loc, "null in a template"), written)]
        return [text]
    if isinstance(node, (MapNode, ListNode)):
        out: list[Seg] = []
        _json_segments(node, out)
        return out
    return [_Hole(node, written)]


def _json_segments(node: Node, out: list[Seg]) -> None:
    if isinstance(node, MapNode):
        out.append("{")
        for i, (k, v) in enumerate(node.items.items()):
            if i:
                out.append(",")
            out.append(json.dumps(k) + ":")
            _json_segments(v, out)
        out.append("}")
    elif isinstance(node, ListNode):
        out.append("[")
        for i, v in enumerate(node.items):
            if i:
                out.append(",")
            _json_segments(v, out)
        out.append("]")
    elif isinstance(node, ScalarNode):
        out.append(json.dumps(node.value))
    else:
        out.append(_Hole(node))


def _fill_holes(node: Node, holes: dict[str, _Hole]) -> Node:
    """Markers of a salvaged JSON document back to unknowns: a string that is one marker is that
    unknown value, a string holding markers a ``PartialText`` with the markers written back."""
    if isinstance(node, ScalarNode):
        if isinstance(node.value, str) and "__lpcheck_unknown_" in node.value:
            hole = holes.get(node.value)
            if hole is not None:
                part = hole.node
                reason = getattr(part, "reason", "") or "unknown part"
                if isinstance(part, PartialText):
                    return PartialText(loc=node.loc, reason=reason, ref=part.ref, text=part.text)
                return UnknownNode(loc=node.loc, reason=reason, ref=first_ref(part))
            text = node.value
            ref = None
            for marker, h in holes.items():
                if marker in text:
                    text = text.replace(marker, h.text())
                    ref = ref or first_ref(h.node)
            return PartialText(loc=node.loc, reason="string with unknown parts", ref=ref, text=text)
        return node
    if isinstance(node, MapNode):
        items: dict[str, Node] = {}
        key_locs: dict[str, Location] = {}
        for k, v in node.items.items():
            key = k
            if "__lpcheck_unknown_" in k:
                for m, h in holes.items():
                    key = key.replace(m, h.text())
            items[key] = _fill_holes(v, holes)
            key_locs[key] = node.key_locs.get(k, node.loc)
        node.items, node.key_locs = items, key_locs
        return node
    if isinstance(node, ListNode):
        node.items = [_fill_holes(v, holes) for v in node.items]
        return node
    return node


def iterate(node: Node | None) -> list[tuple[Node, Node]] | None:
    """(key, value) pairs of a known collection (maps in key order, as Terraform iterates);
    None when unknown or too large."""
    if isinstance(node, ListNode):
        if len(node.items) > MAX_ITEMS:
            return None
        return [(ScalarNode(loc=v.loc, value=i), v) for i, v in enumerate(node.items)]
    if isinstance(node, MapNode):
        if len(node.items) > MAX_ITEMS:
            return None
        return [(ScalarNode(loc=node.key_loc(k), value=k), node.items[k]) for k in sorted(node.items)]
    return None


def _index_step(node: Node, loc: Location) -> Step:
    """``[key]`` for a known key node (one instance's ``count.index`` or ``each.key``)."""
    if (
        isinstance(node, ScalarNode)
        and isinstance(node.value, (str, int, float))
        and not isinstance(node.value, bool)
    ):
        key = node.value
        if isinstance(key, float) and key.is_integer():
            key = int(key)
        return Step("index", key if not isinstance(key, float) else str(key), loc)
    return Step("index", None, loc, unknown=node)


def _logic_or_binary(op: str, left: Node, right: Node, loc: Location) -> Node:
    """One instance's ``a && b`` / ``a || b`` / comparison or arithmetic."""
    if op in ("&&", "||"):
        lt, rt = truth(left), truth(right)
        if op == "&&" and (lt is False or rt is False):
            return ScalarNode(loc=loc, value=False)
        if op == "||" and (lt is True or rt is True):
            return ScalarNode(loc=loc, value=True)
        if lt is None or rt is None:
            return unknown(loc, "logic on unknown values")
        return ScalarNode(loc=loc, value=(lt and rt) if op == "&&" else (lt or rt))
    return binary(op, left, right, loc)


def _null_against_value(left: Node, right: Node) -> bool:
    """One side is null and the other a map, a list or a non-null scalar."""
    for a, b in ((left, right), (right, left)):
        if isinstance(a, ScalarNode) and a.value is None:
            return isinstance(b, (MapNode, ListNode)) or (isinstance(b, ScalarNode) and b.value is not None)
    return False


def binary(op: str, left: Node, right: Node, loc: Location) -> Node:
    """Comparison and arithmetic on known values."""
    if op in ("==", "!="):
        lv, rv = known(left), known(right)
        if (lv is UNK or rv is UNK) and _null_against_value(left, right):
            # ``var.x != null`` on a map or list with unknown parts: it is not null all the same
            return ScalarNode(loc=loc, value=op == "!=")
        if lv is UNK or rv is UNK:
            return unknown(loc, "comparison with an unknown value")
        equal = False if isinstance(lv, bool) != isinstance(rv, bool) else lv == rv
        return ScalarNode(loc=loc, value=equal if op == "==" else not equal)
    a, b = number(left), number(right)
    if a is None or b is None:
        if isinstance(left, ScalarNode) and isinstance(right, ScalarNode):
            return error(loc, f"arithmetic on non-numbers ({op})")
        return unknown(loc, "arithmetic on an unknown value")
    if op == "<":
        return ScalarNode(loc=loc, value=a < b)
    if op == ">":
        return ScalarNode(loc=loc, value=a > b)
    if op == "<=":
        return ScalarNode(loc=loc, value=a <= b)
    if op == ">=":
        return ScalarNode(loc=loc, value=a >= b)
    result: int | float
    if op == "+":
        result = a + b
    elif op == "-":
        result = a - b
    elif op == "*":
        result = a * b
    elif op == "/":
        if b == 0:
            return error(loc, "division by zero")
        result = a / b
        if isinstance(result, float) and result.is_integer():
            result = int(result)
    elif op == "%":
        if b == 0:
            return error(loc, "modulo by zero")
        result = a % b
    else:
        return unknown(loc, f"operator {op}")
    return ScalarNode(loc=loc, value=result)


_HANDLERS: dict[str, Callable[[Evaluator, Any, Src, Scope], Node]] = {
    "expr_term": Evaluator._expr_term,
    "int_lit": Evaluator._int,
    "float_lit": Evaluator._float,
    "literal_value": Evaluator._literal,
    "identifier": Evaluator._identifier,
    "tuple": Evaluator._tuple,
    "object": Evaluator._object,
    "conditional": Evaluator._conditional,
    "binary_op": Evaluator._binary,
    "unary_op": Evaluator._unary,
    "get_attr_expr_term": Evaluator._traversal,
    "index_expr_term": Evaluator._traversal,
    "attr_splat_expr_term": Evaluator._splat,
    "full_splat_expr_term": Evaluator._splat,
    "function_call": Evaluator._call,
    "for_tuple_expr": Evaluator._for,
    "for_object_expr": Evaluator._for,
    "string": Evaluator._string,
    "template_string": Evaluator._template_string,
    "heredoc_template": Evaluator._heredoc,
    "heredoc_template_trim": Evaluator._heredoc,
}
