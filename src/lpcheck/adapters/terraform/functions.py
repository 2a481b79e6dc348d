"""Terraform built-in functions that can be evaluated statically.

Each function takes the evaluated argument nodes and the call's location and returns a node. A
function over an unknown argument returns an unknown (keeping the first resource reference found,
so links survive ``format("${aws_s3_bucket.b.arn}/*")``-style code); structure-preserving functions
(``jsonencode``, ``merge``, ``concat``, ``lookup``, ``element``...) return the original nodes so
positions survive; new scalars are located at the call. Functions that read the clock, hash, or
talk to the outside world are not listed here and evaluate to unknown.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lpcheck.adapters.terraform.evaluate import (
    UNK,
    error,
    first_ref,
    is_error,
    iterate,
    known,
    note_origin,
    number,
    shift,
    string_mover,
    text_node,
    text_parts,
    to_text,
    truth,
    unknown,
)
from lpcheck.location import Location
from lpcheck.parsers.nodes import ChoiceNode, ListNode, MapNode, Node, ScalarNode, UnknownNode

if TYPE_CHECKING:
    from lpcheck.adapters.terraform.evaluate import Evaluator

Fn = Callable[["Evaluator", list[Node], Location], Node]
FUNCTIONS: dict[str, Fn] = {}


def fn(*names: str) -> Callable[[Fn], Fn]:
    def register(func: Fn) -> Fn:
        for name in names:
            FUNCTIONS[name] = func
        return func

    return register


def _opaque(args: list[Node], loc: Location, what: str) -> Node | None:
    """An unknown result when any argument is not fully known (None when all are known)."""
    for a in args:
        if known(a) is UNK:
            return unknown(loc, f"{what} of an unknown value", ref=first_ref(a))
    return None


def _s(node: Node) -> str:
    value = to_text(node.value) if isinstance(node, ScalarNode) else None
    if value is None:
        raise ValueError("expected a string")
    return value


def _scalar(loc: Location, value: Any) -> ScalarNode:
    return ScalarNode(loc=loc, value=value)


def _text(loc: Location, value: str, args: list[Node]) -> ScalarNode:
    """A string a function composed, naming the module inputs (a variable default, a tfvars
    entry, a caller's argument) it was made from, as a template does."""
    origins: list[str] = []
    for arg in args:
        for part in arg.items if isinstance(arg, ListNode) else [arg]:
            note_origin(part, origins)
    return text_node(loc, value, origins)


def _list_like(node: Node) -> list[Node]:
    if isinstance(node, ListNode):
        return node.items
    raise TypeError("expected a list")


def _string_fn(func: Callable[..., Any]) -> Fn:
    def call(ev: Evaluator, args: list[Node], loc: Location) -> Node:
        bad = _opaque(args, loc, "string function")
        if bad is not None:
            return bad
        result = func(*[_s(a) for a in args])
        return _text(loc, result, args) if isinstance(result, str) else _scalar(loc, result)

    return call


for _name, _func in {
    "lower": str.lower,
    "upper": str.upper,
    "trimspace": str.strip,
    "chomp": lambda s: s.rstrip("\r\n"),
    "title": lambda s: re.sub(r"\b([a-z])", lambda m: m.group(1).upper(), s),
    "trimprefix": lambda s, p: s[len(p) :] if p and s.startswith(p) else s,
    "trimsuffix": lambda s, p: s[: -len(p)] if p and s.endswith(p) else s,
    "trim": lambda s, chars: s.strip(chars),
    "startswith": lambda s, p: s.startswith(p),
    "endswith": lambda s, p: s.endswith(p),
    "strcontains": lambda s, p: p in s,
    "tostring": lambda s: s,
}.items():
    FUNCTIONS[_name] = _string_fn(_func)


@fn("jsonencode")
def _jsonencode(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    """The argument itself for a map or list (a policy keeps its positions); JSON text for a
    scalar."""
    if len(args) != 1:
        raise ValueError("one argument expected")
    arg = args[0]
    if isinstance(arg, ScalarNode):
        return _scalar(arg.loc, json.dumps(arg.value))
    return arg


@fn("jsondecode")
def _jsondecode(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    arg = args[0]
    if not isinstance(arg, ScalarNode):
        return arg if isinstance(arg, UnknownNode) else unknown(loc, "jsondecode of a computed value")
    text = _s(arg)
    from lpcheck.errors import ParseFailure
    from lpcheck.parsers.jsonpos import parse_json

    try:
        tree = parse_json(text, arg.loc.path)
    except (ParseFailure, RecursionError):
        return error(loc, "jsondecode of invalid JSON")
    return shift(tree, string_mover(arg.loc))


@fn("file")
def _file(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    """A file of the scanned tree by relative path: a ``.json`` file as its positioned document,
    anything else as a string located at the file's first line."""
    if not isinstance(args[0], ScalarNode):
        return unknown(loc, "file() of a computed path", ref=first_ref(args[0]))
    target = ev.resolve_path(_s(args[0]))
    if target is None:
        return unknown(loc, "file() outside the scanned files")
    text = ev.read_text(target)
    if text is None:
        return unknown(loc, "file() of an unreadable file")
    shown = ev.display(target)
    if target.name.lower().endswith(".json"):
        from lpcheck.errors import ParseFailure
        from lpcheck.parsers.jsonpos import parse_json

        try:
            return parse_json(text, shown)
        except (ParseFailure, RecursionError):
            pass
    return _scalar(Location(shown, 1, 1), text)


@fn("base64encode", "textencodebase64")
def _base64encode(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    """The text itself, where it is written: what matters to the rules (a credential in
    ``user_data = base64encode(<<EOF ...)``) is what the author wrote, not its encoding (the
    CloudFormation front-end reads ``Fn::Base64`` of a literal the same way). A partly known
    template stays unknown, with its text."""
    if not args or len(args) > 2:
        raise ValueError("one argument expected")
    arg = args[0]
    if isinstance(arg, ScalarNode):
        if not isinstance(arg.value, str):
            _s(arg)  # a number or bool is converted; null is an error
            return _scalar(arg.loc, to_text(arg.value))
        return arg
    if isinstance(arg, UnknownNode):
        return arg
    return unknown(loc, "base64encode of a computed value", ref=first_ref(arg))


@fn("base64decode", "textdecodebase64")
def _base64decode(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    """The decoded text of a literal, located at the literal (its inside cannot be placed)."""
    import base64
    import binascii

    arg = args[0] if args else None
    if not isinstance(arg, ScalarNode):
        return unknown(loc, "base64decode of a computed value", ref=first_ref(arg))
    try:
        text = base64.b64decode(_s(arg), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return error(loc, "base64decode of invalid base64 or of binary data")
    return ScalarNode(loc=arg.loc, value=text, origin=arg.origin)


@fn("filebase64")
def _filebase64(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    """A file's text (``user_data_base64 = filebase64("init.sh")``), as ``base64encode(file())``."""
    if not args or not isinstance(args[0], ScalarNode):
        return unknown(loc, "filebase64() of a computed path")
    target = ev.resolve_path(_s(args[0]))
    text = ev.read_text(target) if target is not None else None
    if target is None or text is None:
        return unknown(loc, "filebase64() outside the scanned files or not text")
    return _scalar(Location(ev.display(target), 1, 1), text)


@fn("fileexists")
def _fileexists(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    if not isinstance(args[0], ScalarNode):
        return unknown(loc, "fileexists() of a computed path")
    return _scalar(loc, ev.resolve_path(_s(args[0])) is not None)


@fn("templatefile")
def _templatefile(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    """A template file rendered with the given variables (positions in the template file)."""
    if len(args) != 2 or not isinstance(args[0], ScalarNode):
        return unknown(loc, "templatefile() of a computed path")
    target = ev.resolve_path(_s(args[0]))
    text = ev.read_text(target) if target is not None else None
    if target is None or text is None:
        return unknown(loc, "templatefile() outside the scanned files")
    variables = args[1]
    if not isinstance(variables, MapNode):
        return unknown(loc, "templatefile() with computed variables", ref=first_ref(variables))
    from lpcheck.adapters.terraform.evaluate import Evaluator, Scope
    from lpcheck.parsers.hcl import split_template

    shown = ev.display(target)
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n")

    def locate(offset: int) -> Location:
        line = text.count("\n", 0, offset) + 1
        return Location(shown, line, offset - (text.rfind("\n", 0, offset) + 1) + 1)

    inner = Evaluator(None, target.parent, ev.display)
    parts = text_parts(split_template(text), shown, locate)
    return inner.template(parts, Location(shown, 1, 1), Scope(dict(variables.items)), json_move=lambda p: p)


@fn("merge")
def _merge(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    out = MapNode(loc=loc)
    for a in args:
        if isinstance(a, ScalarNode) and a.value is None:
            continue
        if not isinstance(a, MapNode):
            if isinstance(a, ScalarNode):
                raise TypeError("merge of a non-map")
            return unknown(loc, "merge of an unknown map", ref=first_ref(a))
        for k, v in a.items.items():
            out.items.pop(k, None)
            out.items[k] = v
            out.key_locs[k] = a.key_loc(k)
    return out


@fn("concat")
def _concat(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    items: list[Node] = []
    for a in args:
        if not isinstance(a, ListNode):
            if isinstance(a, ScalarNode):
                raise TypeError("concat of a non-list")
            return unknown(loc, "concat of an unknown list", ref=first_ref(a))
        items.extend(a.items)
    return ListNode(loc=loc, items=items)


def _flat(node: Node, out: list[Node]) -> bool:
    if isinstance(node, ListNode):
        return all(_flat(item, out) for item in node.items)
    if isinstance(node, (UnknownNode, ChoiceNode)):
        return False
    out.append(node)
    return True


@fn("flatten")
def _flatten(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    out: list[Node] = []
    if not isinstance(args[0], ListNode) or not _flat(args[0], out):
        return unknown(loc, "flatten of an unknown list", ref=first_ref(args[0]))
    return ListNode(loc=loc, items=out)


def _distinct_items(items: list[Node]) -> list[Node] | None:
    seen: list[Any] = []
    out: list[Node] = []
    for item in items:
        value = known(item)
        if value is UNK:
            return None
        if value in seen:
            continue
        seen.append(value)
        out.append(item)
    return out


@fn("tolist")
def _tolist(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    a = args[0]
    if isinstance(a, ListNode):
        return a
    if isinstance(a, ScalarNode):
        raise TypeError("tolist of a scalar")
    return a if isinstance(a, UnknownNode) else unknown(loc, "tolist of an unknown value", ref=first_ref(a))


@fn("toset", "distinct")
def _toset(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    a = args[0]
    if not isinstance(a, ListNode):
        if isinstance(a, ScalarNode):
            raise TypeError("toset of a scalar")
        return a if isinstance(a, UnknownNode) else unknown(loc, "toset of an unknown value")
    items = _distinct_items(a.items)
    if items is None:
        return unknown(loc, "set of unknown values", ref=first_ref(a))
    return ListNode(loc=a.loc, origin=a.origin, items=items)


@fn("tomap")
def _tomap(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    a = args[0]
    if isinstance(a, (MapNode, UnknownNode)):
        return a
    if isinstance(a, ScalarNode):
        raise TypeError("tomap of a scalar")
    return unknown(loc, "tomap of an unknown value")


@fn("tonumber")
def _tonumber(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    a = args[0]
    if not isinstance(a, ScalarNode):
        return a if isinstance(a, UnknownNode) else unknown(loc, "tonumber of an unknown value")
    if a.value is None:
        return a
    n = number(a)
    if n is None:
        raise ValueError("not a number")
    return _scalar(a.loc, n)


@fn("tobool")
def _tobool(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    a = args[0]
    if not isinstance(a, ScalarNode):
        return a if isinstance(a, UnknownNode) else unknown(loc, "tobool of an unknown value")
    if a.value is None:
        return a
    b = truth(a)
    if b is None:
        raise ValueError("not a bool")
    return _scalar(a.loc, b)


@fn("sensitive", "nonsensitive")
def _identity(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    return args[0]


_VERB = re.compile(r"%(%|[-+ #0]*\d*(?:\.\d+)?[sdvqtfbeEgGxXo])")


@fn("format")
def _format(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    bad = _opaque(args, loc, "format")
    if bad is not None:
        return bad
    fmt = _s(args[0])
    values = [known(a) for a in args[1:]]
    index = 0

    def sub(m: re.Match[str]) -> str:
        nonlocal index
        verb = m.group(1)
        if verb == "%":
            return "%"
        if index >= len(values):
            raise ValueError("not enough arguments for format")
        value = values[index]
        index += 1
        kind = verb[-1]
        if kind in "sv":
            text = to_text(value) if not isinstance(value, (dict, list)) else json.dumps(value)
            if text is None:
                raise ValueError("null in format")
            return text
        if kind == "q":
            return json.dumps(to_text(value))
        if kind == "t":
            return "true" if value else "false"
        if kind == "d":
            n = number(ScalarNode(loc=loc, value=value))
            if n is None:
                raise ValueError("%d of a non-number")
            return ("%" + verb) % int(n)
        try:
            return ("%" + verb) % value
        except (TypeError, ValueError) as exc:
            raise ValueError(str(exc)) from exc

    return _text(loc, _VERB.sub(sub, fmt), args)


@fn("formatlist")
def _formatlist(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    bad = _opaque(args, loc, "formatlist")
    if bad is not None:
        return bad
    lengths = {len(a.items) for a in args[1:] if isinstance(a, ListNode)}
    if len(lengths) > 1:
        raise ValueError("lists of different lengths")
    count = lengths.pop() if lengths else 1
    items = []
    for i in range(count):
        row = [args[0]] + [a.items[i] if isinstance(a, ListNode) else a for a in args[1:]]
        items.append(_format(ev, row, loc))
    return ListNode(loc=loc, items=items)


@fn("join")
def _join(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    bad = _opaque(args, loc, "join")
    if bad is not None:
        return bad
    sep = _s(args[0])
    parts: list[str] = []
    for a in args[1:]:
        parts.extend(_s(item) for item in _list_like(a))
    return _text(loc, sep.join(parts), args)


@fn("split")
def _split(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    bad = _opaque(args, loc, "split")
    if bad is not None:
        return bad
    sep, text = _s(args[0]), _s(args[1])
    pieces = text.split(sep) if sep else list(text)
    return ListNode(loc=loc, items=[_scalar(loc, p) for p in pieces])


@fn("coalesce")
def _coalesce(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    for a in args:
        if isinstance(a, ScalarNode):
            if a.value is None or a.value == "":
                continue
            return a
        if isinstance(a, (MapNode, ListNode)):
            return a
        return unknown(loc, "coalesce over an unknown value", ref=first_ref(a))
    return error(loc, "coalesce: no non-null argument")


@fn("coalescelist")
def _coalescelist(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    for a in args:
        if isinstance(a, ListNode):
            if a.items:
                return a
            continue
        return unknown(loc, "coalescelist over an unknown value", ref=first_ref(a))
    return error(loc, "coalescelist: no non-empty list")


@fn("try")
def _try(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    for a in args:
        if not is_error(a):
            return a
    return error(loc, "try: every argument failed")


@fn("can")
def _can(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    a = args[0]
    if is_error(a):
        return _scalar(loc, False)
    if known(a) is UNK:
        return unknown(loc, "can of an unknown value")
    return _scalar(loc, True)


@fn("lookup")
def _lookup(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    table, key = args[0], args[1]
    if not isinstance(table, MapNode) or not isinstance(key, ScalarNode):
        if isinstance(table, ScalarNode):
            raise TypeError("lookup in a non-map")
        return unknown(loc, "lookup in an unknown map", ref=first_ref(table))
    found = table.items.get(_s(key))
    if found is not None:
        return found
    if len(args) > 2:
        return args[2]
    return error(loc, f"lookup: no key {key.value!r}")


@fn("element")
def _element(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    seq, idx = args[0], number(args[1])
    if not isinstance(seq, ListNode) or idx is None:
        return unknown(loc, "element of an unknown list", ref=first_ref(seq))
    if not seq.items:
        raise IndexError("element of an empty list")
    return seq.items[int(idx) % len(seq.items)]


@fn("one")
def _one(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    seq = args[0]
    if not isinstance(seq, ListNode):
        return unknown(loc, "one of an unknown list", ref=first_ref(seq))
    if not seq.items:
        return _scalar(loc, None)
    if len(seq.items) > 1:
        raise ValueError("one: more than one element")
    return seq.items[0]


@fn("length")
def _length(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    a = args[0]
    if isinstance(a, (ListNode, MapNode)):
        return _scalar(loc, len(a.items))
    if isinstance(a, ScalarNode) and isinstance(a.value, str):
        return _scalar(loc, len(a.value))
    if isinstance(a, ScalarNode):
        raise TypeError("length of a non-collection")
    return unknown(loc, "length of an unknown value", ref=first_ref(a))


@fn("contains")
def _contains(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    bad = _opaque(args, loc, "contains")
    if bad is not None:
        return bad
    return _scalar(loc, known(args[1]) in [known(i) for i in _list_like(args[0])])


@fn("index")
def _index(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    bad = _opaque(args, loc, "index")
    if bad is not None:
        return bad
    values = [known(i) for i in _list_like(args[0])]
    return _scalar(loc, values.index(known(args[1])))


@fn("compact")
def _compact(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    seq = args[0]
    if not isinstance(seq, ListNode):
        return unknown(loc, "compact of an unknown list", ref=first_ref(seq))
    items = []
    for item in seq.items:
        if isinstance(item, ScalarNode):
            if item.value is None or item.value == "":
                continue
        elif not isinstance(item, ScalarNode):
            return unknown(loc, "compact of unknown values", ref=first_ref(item))
        items.append(item)
    return ListNode(loc=seq.loc, items=items)


@fn("replace")
def _replace(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    bad = _opaque(args, loc, "replace")
    if bad is not None:
        return bad
    text, old, new = (_s(a) for a in args[:3])
    if len(old) > 1 and old.startswith("/") and old.endswith("/"):
        try:
            pattern = re.compile(old[1:-1])
        except re.error:
            return unknown(loc, "replace with an unsupported regular expression")
        template = re.sub(r"\$\{?(\d+)\}?", r"\\\1", new.replace("\\", "\\\\"))
        return _text(loc, pattern.sub(template, text), args)
    return _text(loc, text.replace(old, new), args)


@fn("substr")
def _substr(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    bad = _opaque(args, loc, "substr")
    if bad is not None:
        return bad
    text = _s(args[0])
    offset, length = number(args[1]), number(args[2])
    if offset is None or length is None:
        raise ValueError("substr needs numbers")
    start = int(offset) if offset >= 0 else len(text) + int(offset)
    end = len(text) if length < 0 else start + int(length)
    return _text(loc, text[start:end], args)


def _numbers(args: list[Node]) -> list[int | float] | None:
    out = []
    for a in args:
        n = number(a)
        if n is None:
            return None
        out.append(n)
    return out


def _aggregate(name: str, func: Callable[[list[Any]], Any]) -> Fn:
    def call(ev: Evaluator, args: list[Node], loc: Location) -> Node:
        if name == "sum" and len(args) == 1 and isinstance(args[0], ListNode):
            args = args[0].items
        values = _numbers(args)
        if values is None or not values:
            bad = _opaque(args, loc, name)
            return bad if bad is not None else error(loc, f"{name} of non-numbers")
        return _scalar(loc, func(values))

    return call


FUNCTIONS["min"] = _aggregate("min", min)
FUNCTIONS["max"] = _aggregate("max", max)
FUNCTIONS["sum"] = _aggregate("sum", sum)


def _numeric(func: Callable[[float], Any]) -> Fn:
    def call(ev: Evaluator, args: list[Node], loc: Location) -> Node:
        n = number(args[0])
        if n is None:
            bad = _opaque(args, loc, "number function")
            return bad if bad is not None else error(loc, "not a number")
        return _scalar(loc, func(n))

    return call


FUNCTIONS["abs"] = _numeric(abs)
FUNCTIONS["ceil"] = _numeric(math.ceil)
FUNCTIONS["floor"] = _numeric(math.floor)


@fn("keys")
def _keys(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    m = args[0]
    if not isinstance(m, MapNode):
        return unknown(loc, "keys of an unknown map", ref=first_ref(m))
    return ListNode(loc=loc, items=[_scalar(m.key_loc(k), k) for k in sorted(m.items)])


@fn("values")
def _values(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    m = args[0]
    if not isinstance(m, MapNode):
        return unknown(loc, "values of an unknown map", ref=first_ref(m))
    return ListNode(loc=loc, items=[m.items[k] for k in sorted(m.items)])


@fn("zipmap")
def _zipmap(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    ks, vs = args[0], args[1]
    if not isinstance(ks, ListNode) or not isinstance(vs, ListNode) or known(ks) is UNK:
        return unknown(loc, "zipmap of unknown lists")
    if len(ks.items) != len(vs.items):
        raise ValueError("zipmap of lists of different lengths")
    out = MapNode(loc=loc)
    for k, v in zip(ks.items, vs.items, strict=True):
        key = _s(k)
        out.items[key] = v
        out.key_locs[key] = k.loc
    return out


@fn("reverse")
def _reverse(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    seq = args[0]
    if not isinstance(seq, ListNode):
        return unknown(loc, "reverse of an unknown list", ref=first_ref(seq))
    return ListNode(loc=loc, items=list(reversed(seq.items)))


@fn("sort")
def _sort(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    seq = args[0]
    bad = _opaque([seq], loc, "sort")
    if bad is not None:
        return bad
    return ListNode(loc=loc, items=sorted(_list_like(seq), key=lambda n: _s(n)))


@fn("slice")
def _slice(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    seq, start, end = args[0], number(args[1]), number(args[2])
    if not isinstance(seq, ListNode) or start is None or end is None:
        return unknown(loc, "slice of an unknown list", ref=first_ref(seq))
    return ListNode(loc=loc, items=seq.items[int(start) : int(end)])


@fn("range")
def _range(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    values = _numbers(args)
    if values is None or not 1 <= len(values) <= 3:
        return unknown(loc, "range of unknown bounds")
    ints = [int(v) for v in values]
    result = range(*ints)
    if len(result) > 1024:
        return unknown(loc, "range too large")
    return ListNode(loc=loc, items=[_scalar(loc, i) for i in result])


def _bool_aggregate(all_of: bool) -> Fn:
    def call(ev: Evaluator, args: list[Node], loc: Location) -> Node:
        seq = args[0]
        if not isinstance(seq, ListNode):
            return unknown(loc, "unknown list", ref=first_ref(seq))
        values = [truth(item) for item in seq.items]
        if all_of:
            if any(v is False for v in values):
                return _scalar(loc, False)
            return _scalar(loc, True) if all(v is True for v in values) else unknown(loc, "unknown items")
        if any(v is True for v in values):
            return _scalar(loc, True)
        return _scalar(loc, False) if all(v is False for v in values) else unknown(loc, "unknown items")

    return call


FUNCTIONS["alltrue"] = _bool_aggregate(True)
FUNCTIONS["anytrue"] = _bool_aggregate(False)


@fn("setunion")
def _setunion(ev: Evaluator, args: list[Node], loc: Location) -> Node:
    combined = _concat(ev, args, loc)
    if not isinstance(combined, ListNode):
        return combined
    items = _distinct_items(combined.items)
    return ListNode(loc=loc, items=items) if items is not None else unknown(loc, "set of unknown values")


def collection_size(node: Node | None) -> int | None:
    """How many instances a ``for_each`` value creates; None when unknown."""
    if isinstance(node, ScalarNode) and node.value is None:
        return 0
    pairs = iterate(node) if isinstance(node, (ListNode, MapNode)) else None
    if pairs is None:
        return None
    if isinstance(node, ListNode):
        items = _distinct_items(node.items)
        return len(items) if items is not None else len(node.items)
    return len(pairs)
