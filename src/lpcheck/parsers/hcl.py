"""Terraform native syntax (HCL) with positions: python-hcl2's Lark tree, read into blocks.

``hcl2.loads`` drops the position of every attribute, so this module runs python-hcl2's grammar
to its raw Lark tree and reads the structure itself: a ``Body`` of attributes (name, the key's
location, the expression tree) and nested ``Block``s. Every token carries its line and column, and
a tree is located at its first token. Expressions stay Lark trees (``HExpr``); the Terraform
front-end evaluates them into nodes.

python-hcl2 8.1.4 has gaps that real files hit; they are worked around here *without moving any
line or column*:
- a heredoc closing marker followed by spaces or tabs is rejected (python-hcl2 issue #343):
  the trailing blanks of that line are dropped;
- a heredoc closing marker (or a comment) on the last line without a newline is rejected: a
  newline is appended;
- a byte-order mark is dropped and CRLF becomes LF (the CR sits at the end of a line, so columns
  do not change), which also keeps CRs out of heredoc bodies.

Lark is imported on first use only: a scan without ``.tf`` files never loads it.
"""

from __future__ import annotations

import gc
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from lpcheck.errors import ParseFailure
from lpcheck.location import Location

# -- source positions ----------------------------------------------------------------------------


class Src:
    """The text a tree was parsed from, and where that text sits in its file.

    A whole file has ``line0 = col0 = 1``. An expression parsed out of a string (a template in
    ``.tf.json``, an interpolation inside a heredoc) has the position of its first character, so
    every location maps back onto the file."""

    __slots__ = ("col0", "line0", "path", "text")

    def __init__(self, path: str, text: str, line0: int = 1, col0: int = 1) -> None:
        self.path = path
        self.text = text
        self.line0 = line0
        self.col0 = col0

    def loc(self, line: int, column: int) -> Location:
        if line <= 1:
            return Location(self.path, self.line0, self.col0 + column - 1)
        return Location(self.path, self.line0 + line - 1, column)

    def slice(self, start: int, end: int) -> str:
        return self.text[start:end]


class HExpr:
    """An HCL expression: a Lark tree (or token) and the source it came from."""

    __slots__ = ("src", "tree")

    def __init__(self, tree: Any, src: Src) -> None:
        self.tree = tree
        self.src = src

    def __repr__(self) -> str:
        return f"HExpr({self.text()!r} at {self.loc})"

    @property
    def loc(self) -> Location:
        line, col = position(self.tree)
        return self.src.loc(line, col)

    def text(self) -> str:
        """The expression as written (for condition labels), whitespace collapsed."""
        return " ".join(self.raw().split())

    def raw(self) -> str:
        """The expression exactly as written in the source."""
        first = _edge_token(self.tree, first=True)
        last = _edge_token(self.tree, first=False)
        start = getattr(first, "start_pos", None)
        end = getattr(last, "end_pos", None)
        if start is None or end is None:
            return str(self.tree)
        return self.src.slice(start, end)


class Attr:
    """``name = expr``; ``expr`` is an ``HExpr`` or an adapter's own type (JSON syntax)."""

    __slots__ = ("expr", "key_loc", "name")

    def __init__(self, name: str, key_loc: Location, expr: Any) -> None:
        self.name = name
        self.key_loc = key_loc
        self.expr = expr


class Block:
    __slots__ = ("body", "labels", "loc", "type")

    def __init__(self, type: str, labels: list[str], loc: Location, body: Body) -> None:
        self.type = type
        self.labels = labels
        self.loc = loc
        self.body = body

    def __repr__(self) -> str:
        return f"Block({self.type} {self.labels} at {self.loc})"


class Body:
    __slots__ = ("attrs", "blocks")

    def __init__(self, attrs: dict[str, Attr] | None = None, blocks: list[Block] | None = None) -> None:
        self.attrs: dict[str, Attr] = attrs if attrs is not None else {}
        self.blocks: list[Block] = blocks if blocks is not None else []

    def blocks_of(self, block_type: str) -> list[Block]:
        return [b for b in self.blocks if b.type == block_type]


def position(item: Any) -> tuple[int, int]:
    """(line, column) of a Lark token, or of a tree's first token; (1, 1) for an empty rule.

    The parser does not propagate positions to trees (that doubles parse time): a tree starts
    where its first token does."""
    if not is_tree(item):
        return getattr(item, "line", None) or 1, getattr(item, "column", None) or 1
    meta = item.meta
    if not meta.empty:
        return meta.line, meta.column
    token = _edge_token(item, first=True)
    line, column = (token.line or 1, token.column or 1) if token is not None else (1, 1)
    # remembered on the tree: a module evaluated once per call reads the same trees again
    meta.line, meta.column, meta.empty = line, column, False
    return line, column


def _edge_token(tree: Any, first: bool) -> Any:
    """The first (or last) token under a tree, depth first."""
    stack = [tree]
    while stack:
        item = stack.pop()
        if not is_tree(item):
            return item
        stack.extend(reversed(item.children) if first else item.children)
    return None


_TREE_TYPES: tuple[type, ...] = ()  # Lark's Tree once the parser is loaded (hot path: no hasattr)


def is_tree(item: Any) -> bool:
    if _TREE_TYPES:
        return isinstance(item, _TREE_TYPES)
    return hasattr(item, "data") and hasattr(item, "children")


def subtrees(tree: Any) -> list[Any]:
    """The tree children, without layout (newlines, comments) and punctuation tokens."""
    if _TREE_TYPES:
        kinds = _TREE_TYPES
        return [c for c in tree.children if isinstance(c, kinds) and c.data != "new_line_or_comment"]
    return [c for c in tree.children if is_tree(c) and c.data != "new_line_or_comment"]


# -- text normalisation --------------------------------------------------------------------------

_HEREDOC_OPEN = re.compile(r"<<-?([A-Za-z][A-Za-z0-9._-]*)[ \t]*\n")


def normalize(text: str) -> str:
    """Work around python-hcl2's gaps while keeping every line and column where it was."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if "<<" in text:
        text = _fix_heredocs(text)
    if not text.endswith("\n"):
        text += "\n"
    return text


def _fix_heredocs(text: str) -> str:
    """Drop blanks after heredoc markers (opening and closing lines), which python-hcl2 rejects.

    The scan is textual, so ``<<EOF`` inside a comment may be taken for an opener; the only effect
    is that a later line made of that marker loses its trailing blanks, which changes nothing."""
    out: list[str] = []
    pos = 0
    unclosed: set[str] = set()  # markers with no closing line further down: never search again
    while len(unclosed) < 50:  # a text full of distinct unclosed openers is not worth fixing
        m = _HEREDOC_OPEN.search(text, pos)
        if m is None:
            break
        marker = m.group(1)
        out.append(text[pos : m.start()])
        out.append(text[m.start() : m.start() + 2 + (m.group(0)[2] == "-") + len(marker)] + "\n")
        body_start = m.end()
        c = None
        if marker not in unclosed:
            closing = re.compile(r"^[ \t]*" + re.escape(marker) + r"([ \t]+)?$", re.M)
            c = closing.search(text, body_start)
        if c is None:
            unclosed.add(marker)
            pos = body_start
            continue
        out.append(text[body_start : c.start()])
        line = c.group(0)
        out.append(line.rstrip(" \t") if c.group(1) else line)
        pos = c.end()
    out.append(text[pos:])
    return "".join(out)


# -- the parser ----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _parser() -> Any:
    """python-hcl2's LALR grammar and post-lexer, without position propagation.

    Built directly rather than through ``hcl2.parser``: importing the ``hcl2`` package loads its
    whole serialisation API, a cost every pre-commit run would pay; and propagating positions to
    every tree node doubles the parse time, while tokens carry all the positions needed. Lark's
    grammar cache for these options lives in the user's cache directory (built once, in about a
    second). Without a writable place for it, python-hcl2's own options and cache are used."""
    global _TREE_TYPES
    try:
        parser = _direct_parser()
    except Exception:  # an unexpected hcl2 layout: its own API still works
        from hcl2 import parser as hcl2_parser

        parser = hcl2_parser.parser()
    from lark import Tree

    _TREE_TYPES = (Tree,)
    return parser


def _direct_parser() -> Any:
    import importlib.util

    spec = importlib.util.find_spec("hcl2")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("python-hcl2 is not installed")
    base = Path(next(iter(spec.submodule_search_locations))).absolute().resolve()
    post_spec = importlib.util.spec_from_file_location("_lpcheck_hcl2_postlexer", base / "postlexer.py")
    if post_spec is None or post_spec.loader is None:
        raise ImportError("python-hcl2 has no post-lexer")
    postlexer = importlib.util.module_from_spec(post_spec)
    hidden = "regex" not in sys.modules
    if hidden:
        # Lark imports the third-party ``regex`` module if present, only to compile grammars
        # with Unicode categories; a cached grammar never needs it, and it costs ~10 ms.
        sys.modules["regex"] = None  # type: ignore[assignment]
    try:
        post_spec.loader.exec_module(postlexer)
        from lark import Lark
    finally:
        if hidden and sys.modules.get("regex", 0) is None:
            del sys.modules["regex"]

    grammar = (base / "hcl2.lark").read_text(encoding="utf8")
    own_cache = _cache_file(base)
    if own_cache is not None:
        with _fast_table_loading():
            return Lark(
                grammar,
                parser="lalr",
                cache=own_cache,
                propagate_positions=False,
                postlex=postlexer.PostLexer(),
            )
    shared = base / ".lark_cache.bin"  # python-hcl2's: same options, so the same cache key
    return Lark(
        grammar,
        parser="lalr",
        cache=str(shared) if shared.exists() or os.access(base, os.W_OK) else False,
        propagate_positions=True,
        postlex=postlexer.PostLexer(),
    )


@contextmanager
def _fast_table_loading() -> Iterator[None]:
    """Load the cached LALR table without Lark's generic deserializer.

    Every reduce action of the cached table names its rule by a memo reference; Lark resolves each
    of the ~20,000 of them through ``Serialize.deserialize`` (a namespace dict and a field list
    built per call), a third of the time a one-file run spends loading the parser. This builds the
    same table (the same ``Shift``/``Reduce`` markers, the same memoised ``Rule`` objects) with a
    plain loop, while the parser is being loaded only; Lark's own code is put back afterwards and
    used for anything this does not recognise."""
    try:
        from lark.grammar import Rule
        from lark.parsers import lalr_analysis
    except ImportError:  # another Lark layout: its own deserializer
        yield
        return
    base = lalr_analysis.ParseTableBase
    original = base.__dict__.get("deserialize")
    reduce_, shift = lalr_analysis.Reduce, lalr_analysis.Shift

    def deserialize(cls: Any, data: dict, memo: dict) -> Any:
        tokens = data["tokens"]
        states = {}
        for state, actions in data["states"].items():
            row = {}
            for token, (action, arg) in actions.items():
                if action == 1:
                    ref = arg.get("@") if type(arg) is dict else None
                    row[tokens[token]] = (
                        reduce_,
                        memo[ref] if ref is not None else Rule.deserialize(arg, memo),
                    )
                else:
                    row[tokens[token]] = (shift, arg)
            states[state] = row
        return cls(states, data["start_states"], data["end_states"])

    if original is None or not hasattr(base, "__init__"):
        yield
        return
    base.deserialize = classmethod(deserialize)  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        base.deserialize = original  # type: ignore[method-assign]


def _cache_file(hcl2_dir: Path) -> str | None:
    """Where Lark keeps our grammar cache: the user's cache directory, else beside python-hcl2."""
    name = "hcl2-lark-py{}{}.cache".format(*sys.version_info[:2])
    home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    user_dir = Path(home) / "lpcheck"
    try:
        user_dir.mkdir(parents=True, exist_ok=True)
        if os.access(user_dir, os.W_OK) or (user_dir / name).exists():
            return str(user_dir / name)
    except (OSError, RuntimeError):
        pass
    beside = hcl2_dir / f".lpcheck-{name}"
    if beside.exists() or os.access(hcl2_dir, os.W_OK):
        return str(beside)
    return None


_READABLE = {
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "LSQB": "'['",
    "RSQB": "']'",
    "LPAR": "'('",
    "RPAR": "')'",
    "EQ": "'='",
    "COLON": "':'",
    "COMMA": "','",
    "DOT": "'.'",
    "DBLQUOTE": "'\"'",
    "NAME": "a name",
    "NL_OR_COMMENT": "a new line",
    "$END": "end of file",
    "STRING_CHARS": "text",
    "INT_LITERAL": "a number",
    "FLOAT_LITERAL": "a number",
    "INTERP_START": "'${'",
    "QMARK": "'?'",
}


def _readable(names: Any) -> str:
    shown = sorted({_READABLE[n] for n in names if n in _READABLE and n not in ("$END", "NL_OR_COMMENT")})
    if len(shown) > 6:
        shown = [*shown[:6], "..."]
    return ", ".join(shown)


def _describe(token: Any) -> str:
    value = str(token)
    if token.type == "$END":
        return "end of file"
    if not value.strip(" \t"):
        return "line break" if "\n" in value else repr(value)
    value = value.strip()
    if "\n" in value:
        value = value.split("\n", 1)[0]
    if len(value) > 40:
        value = value[:37] + "..."
    return repr(value)


def _failure(exc: Exception, text: str, path: str) -> ParseFailure:
    """A Lark error as an LP001-ready ParseFailure: its line, column and a short cause."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    line = getattr(exc, "line", None)
    column = getattr(exc, "column", None)
    if not isinstance(line, int) or line < 1:
        line = max(1, text.count("\n"))
        column = 1
    if not isinstance(column, int) or column < 1:
        column = 1
    if isinstance(exc, UnexpectedCharacters):
        char = exc.char if exc.char not in ("\n", "") else "line break"
        message = f"unexpected character {char!r}"
    elif isinstance(exc, UnexpectedToken):
        token = exc.token
        value = str(token)
        stripped = value.lstrip()
        if stripped and stripped != value and isinstance(token.line, int):
            # "=" and ":" carry their leading blanks, operators a merged line break: point at the text
            prefix = value[: len(value) - len(stripped)]
            if "\n" in prefix:
                line = token.line + prefix.count("\n")
                column = len(prefix) - prefix.rfind("\n")
            else:
                column += len(prefix)
        expected = set(exc.expected or ())
        if str(token).startswith("<<"):
            opener = str(token).split("\n", 1)[0]
            marker = opener.lstrip("<-")
            message = f"unterminated heredoc {opener}: no line holding only {marker!r} closes it"
        elif {"DBLQUOTE", "STRING_CHARS"} <= expected:
            message = "unterminated string: a closing '\"' is missing on this line"
        else:
            message = f"unexpected {_describe(token)}"
            shown = _readable(expected)
            if shown:
                message += f", expected {shown}"
    elif isinstance(exc, UnexpectedEOF):
        message = "unexpected end of file (a block or bracket is not closed)"
    else:
        first = str(exc).splitlines()[0] if str(exc) else ""
        message = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    return ParseFailure(Location(path, line, column), f"invalid HCL: {message}")


def parse_tree(text: str, path: str) -> tuple[Any, str]:
    """The raw Lark tree of a Terraform file and the normalised text its positions refer to."""
    if "\x00" in text:
        raise ParseFailure(Location(path, 1, 1), "binary content, not HCL text")
    bad = text.find("\ufffd")
    if bad != -1:
        line = text.count("\n", 0, bad) + 1
        col = bad - (text.rfind("\n", 0, bad) + 1) + 1
        raise ParseFailure(Location(path, line, col), "not valid UTF-8 text")
    text = normalize(text)
    parser = _parser()  # first: it imports Lark without the ``regex`` module
    from lark.exceptions import LarkError

    # A parse allocates a tree that lives on (no cycles to find): the cyclic collector would
    # only walk it again and again, so it pauses for the parse of one (size-capped) file.
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        tree = parser.parse(text)
    except LarkError as exc:
        raise _failure(exc, text, path) from None
    except RecursionError:
        raise ParseFailure(Location(path, 1, 1), "invalid HCL: nesting too deep") from None
    finally:
        if paused:
            gc.enable()
    return tree, text


def parse_hcl(text: str, path: str) -> Body:
    """Parse a ``.tf`` (or ``.tfvars``) file into its top-level body; raises ParseFailure."""
    tree, text = parse_tree(text, path)
    src = Src(path, text)
    bodies = [c for c in tree.children if is_tree(c) and c.data == "body"]
    return read_body(bodies[0], src) if bodies else Body()


def parse_expression(text: str, path: str, line: int, column: int) -> HExpr:
    """Parse one expression written at ``line:column`` (a template interpolation); ParseFailure.

    The text is wrapped as ``_=(<text>)``; positions are mapped back to the original place."""
    prefix = "_=("
    for candidate in (text, text.replace("\n", " ")):
        wrapped = f"{prefix}{candidate}\n)\n"
        try:
            tree = _parser().parse(wrapped)
        except Exception:
            continue
        src = Src(path, wrapped, line, column - len(prefix))
        body = tree.children[0]
        attr = next(c for c in body.children if is_tree(c) and c.data == "attribute")
        expr = attr.children[-1]
        # unwrap the parentheses we added
        if is_tree(expr) and expr.data == "expr_term":
            inner = subtrees(expr)
            if len(inner) == 1:
                expr = inner[0]
        return HExpr(expr, src)
    raise ParseFailure(Location(path, line, column), "invalid HCL expression in a template")


# -- tree -> body --------------------------------------------------------------------------------


def _name(tree: Any) -> str:
    """The text of an identifier / keyword / literal_value tree (attribute or block names)."""
    if isinstance(tree, str):
        return str(tree)
    for child in tree.children:
        if isinstance(child, str):
            return str(child)
        return _name(child)
    return ""


def string_literal(tree: Any) -> str | None:
    """The value of a quoted string without interpolation (block labels); None otherwise."""
    out: list[str] = []
    for part in tree.children:
        if isinstance(part, str):  # the quotes
            continue
        for piece in part.children:
            if not isinstance(piece, str):
                return None
            if piece.type == "STRING_CHARS":
                out.append(unescape(str(piece)))
            else:
                out.append(str(piece)[1:])  # $${ -> ${, %%{ -> %{
    return "".join(out)


def read_body(tree: Any, src: Src) -> Body:
    body = Body()
    for child in tree.children:
        if not is_tree(child):
            continue
        if child.data == "attribute":
            name_tree = child.children[0]
            line, col = position(name_tree)
            name = _name(name_tree)
            body.attrs[name] = Attr(name, src.loc(line, col), HExpr(child.children[-1], src))
        elif child.data == "block":
            body.blocks.append(_read_block(child, src))
    return body


def _read_block(tree: Any, src: Src) -> Block:
    children = tree.children
    line, col = position(children[0])
    labels: list[str] = []
    inner: Any = None
    for child in children[1:]:
        if not is_tree(child):
            continue
        if child.data == "body":
            inner = child
        elif child.data == "string":
            labels.append(string_literal(child) or "")
        elif child.data in ("identifier", "keyword", "literal_value"):
            labels.append(_name(child))
    return Block(_name(children[0]), labels, src.loc(line, col), read_body(inner, src) if inner else Body())


# -- strings and templates -----------------------------------------------------------------------

_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.S)
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def _unescape_one(m: re.Match[str]) -> str:
    code = m.group(1)
    if code in _SIMPLE:
        return _SIMPLE[code]
    if code[0] in "uU" and len(code) > 1:
        try:
            return chr(int(code[1:], 16))
        except (ValueError, OverflowError):
            return m.group(0)
    return m.group(0)


def unescape(text: str) -> str:
    """HCL quoted-string escapes: ``\\n \\r \\t \\" \\\\ \\uNNNN \\UNNNNNNNN``."""
    return _ESCAPE.sub(_unescape_one, text) if "\\" in text else text


class TemplatePiece:
    """One part of a template held as text (heredoc body, ``.tf.json`` string).

    ``kind`` is "text" (``value`` is the literal), "interp" or "directive" (``value`` is the
    expression or directive text, ``offset`` where it starts in the template text)."""

    __slots__ = ("kind", "offset", "strip_left", "strip_right", "value")

    def __init__(
        self, kind: str, value: str, offset: int = 0, strip_left: bool = False, strip_right: bool = False
    ) -> None:
        self.kind = kind
        self.value = value
        self.offset = offset
        self.strip_left = strip_left
        self.strip_right = strip_right


def split_template(text: str) -> list[TemplatePiece]:
    """Split template text into literal text, ``${...}`` interpolations and ``%{...}`` directives.

    ``$${`` and ``%%{`` are the escapes for a literal ``${``/``%{``. An unterminated sequence is
    kept as text."""
    pieces: list[TemplatePiece] = []
    buf: list[str] = []
    i, n = 0, len(text)
    while i < n:
        j = _next_special(text, i)
        if j < 0:
            buf.append(text[i:])
            break
        buf.append(text[i:j])
        if text.startswith(("$${", "%%{"), j):
            buf.append(text[j + 1 : j + 3])
            i = j + 3
            continue
        if not text.startswith(("${", "%{"), j):
            buf.append(text[j])
            i = j + 1
            continue
        end = match_brace(text, j + 2)
        if end < 0:
            buf.append(text[j:])
            break
        inner = text[j + 2 : end]
        start = j + 2
        strip_left = inner.startswith("~")
        if strip_left:
            inner, start = inner[1:], start + 1
        strip_right = inner.endswith("~")
        if strip_right:
            inner = inner[:-1]
        if "".join(buf):
            pieces.append(TemplatePiece("text", "".join(buf)))
        buf = []
        kind = "interp" if text[j] == "$" else "directive"
        pieces.append(TemplatePiece(kind, inner, start, strip_left, strip_right))
        i = end + 1
    if "".join(buf):
        pieces.append(TemplatePiece("text", "".join(buf)))
    return pieces


def _next_special(text: str, i: int) -> int:
    a = text.find("${", i)
    b = text.find("%{", i)
    c = text.find("$${", i)
    d = text.find("%%{", i)
    found = [x for x in (a, b, c, d) if x >= 0]
    return min(found) if found else -1


def match_brace(text: str, i: int) -> int:
    """Index of the ``}`` closing a ``${``/``%{`` whose content starts at ``i``; -1 if none."""
    depth = 1
    n = len(text)
    while i < n:
        c = text[i]
        if c == '"':
            i = _skip_string(text, i + 1)
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _skip_string(text: str, i: int) -> int:
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == '"':
            return i + 1
        if c == "\n":
            return i  # a quoted string never spans lines: stop at the line end
        if c == "$" and text.startswith("${", i):
            end = match_brace(text, i + 2)
            if end < 0:
                return n
            i = end + 1
            continue
        i += 1
    return n
