"""One Terraform module (the files of one directory) -> resource views -> handlers -> model.

Every file is parsed first (a file that fails is reported and the others still count); then
variables take their value (declared default, overridden by ``terraform.tfvars``,
``terraform.tfvars.json``, then ``*.auto.tfvars(.json)`` in lexical order), locals and
references between resources are evaluated lazily with cycle protection, and each resource or
data source becomes a ``ResourceView`` whose body is the evaluated attributes plus nested blocks
(each block type a list of maps). A value that flows in from a variable is placed where it is
used and names its source in ``origin``; literals written in this module (locals, other
resources' attributes, policy documents) keep their own place.

All views are built before any handler runs (``ctx.resources`` is complete), and a handler that
raises is reported as an internal error without stopping the module.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.terraform.evaluate import (
    EMPTY,
    Evaluator,
    JExpr,
    LitExpr,
    Scope,
    Step,
    error,
    first_ref,
    iterate,
    none_if_null,
    number,
    relocate,
    truth,
    unknown,
)
from lpcheck.adapters.view import ResourceView
from lpcheck.errors import ParseFailure
from lpcheck.location import Location
from lpcheck.model.container import Model
from lpcheck.model.resources import StringLiteral, TemplateParameter
from lpcheck.model.values import Value
from lpcheck.parsers.hcl import Attr, Block, Body, HExpr
from lpcheck.parsers.nodes import ListNode, MapNode, Node, ScalarNode, UnknownNode
from lpcheck.result import AdaptResult

META_ARGUMENTS = frozenset({"count", "for_each", "depends_on", "provider", "lifecycle"})
NAME_ATTRIBUTES = (
    "bucket",
    "name",
    "identifier",
    "cluster_identifier",
    "function_name",
    "replication_group_id",
    "domain_name",
    "arn",
)
POLICY_DOCUMENT = "aws_iam_policy_document"
_VAR_USE = re.compile(r"\bvar\.([A-Za-z_][A-Za-z0-9_-]*)")


@dataclass(slots=True)
class Decl:
    """A resource or data source block."""

    mode: str  # "managed" or "data"
    type: str
    name: str
    loc: Location
    body: Body

    @property
    def address(self) -> str:
        return f"{self.type}.{self.name}" if self.mode == "managed" else f"data.{self.type}.{self.name}"

    @property
    def handler_key(self) -> str:
        return self.type if self.mode == "managed" else f"data.{self.type}"


@dataclass(slots=True)
class Variable:
    name: str
    loc: Location
    body: Body


def read_text(path: Path, shown: str) -> str:
    """A file's text; ParseFailure for binary or non-UTF-8 content."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParseFailure(Location(shown, 1, 1), f"cannot read the file: {exc.strerror or exc}") from None
    if b"\x00" in data:
        raise ParseFailure(Location(shown, 1, 1), "binary content, not Terraform text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise ParseFailure(Location(shown, line, column), "not valid UTF-8 text") from None


def _kind(name: str) -> str | None:
    low = name.lower()
    if low.endswith(".tf.json"):
        return "tf.json"
    if low.endswith(".tf"):
        return "tf"
    if low == "terraform.tfvars" or low.endswith(".auto.tfvars"):
        return "tfvars"
    if low == "terraform.tfvars.json" or low.endswith(".auto.tfvars.json"):
        return "tfvars.json"
    if low.endswith(".tfvars"):
        return "other-tfvars"
    if low.endswith(".tfvars.json"):
        return "other-tfvars.json"
    return None


def _tfvars_rank(name: str) -> tuple[int, str]:
    low = name.lower()
    if low == "terraform.tfvars":
        return 0, low
    if low == "terraform.tfvars.json":
        return 1, low
    return 2, name


class TerraformModule:
    """The declarations of one module and the lazy, cycle-safe evaluation of their values."""

    def __init__(self, files: list[Path], display: Callable[[Path], str], result: AdaptResult) -> None:
        self.display = display
        self.result = result
        self.base_dir = files[0].parent if files else None
        self.variables: dict[str, Variable] = {}
        self.locals: dict[str, Attr] = {}
        self.decls: dict[str, Decl] = {}
        self.providers: list[Block] = []
        self.modules: list[Block] = []
        self.outputs: list[Block] = []
        self.terraform: list[Block] = []
        self.texts: list[str] = []
        self.tfvars: dict[str, tuple[Node, str]] = {}  # name -> (value, file shown)
        self.ev = Evaluator(self, self.base_dir, display)
        self.literal_ev = Evaluator(None, self.base_dir, display)
        self._var_cache: dict[str, tuple[Node, Callable[[Node], str]] | None] = {}
        self._local_cache: dict[str, Node] = {}
        self._attr_cache: dict[tuple[str, str], Node] = {}
        self._body_cache: dict[str, MapNode] = {}
        self._doc_cache: dict[str, Node] = {}
        self._count_cache: dict[str, int | None] = {}
        self._busy: set[tuple[str, str]] = set()
        self.origin_vars: dict[str, str] = {}  # origin text -> variable name, for consumed values
        self.dynamic_unknown: dict[str, set[str]] = {}
        self._current: str | None = None
        tfvars_files: list[tuple[Path, str]] = []
        overrides: list[tuple[Path, str]] = []
        for path in files:
            kind = _kind(path.name)
            if kind is None:
                continue
            if kind in ("tfvars", "tfvars.json"):
                tfvars_files.append((path, kind))
            elif kind in ("tf", "tf.json") and _is_override(path.name):
                overrides.append((path, kind))
            else:
                self._load(path, kind)
        for path, kind in sorted(overrides, key=lambda pk: pk[0].name):
            self._load(path, kind, override=True)
        for path, kind in sorted(tfvars_files, key=lambda pk: _tfvars_rank(pk[0].name)):
            self._load(path, kind)

    # -- loading --------------------------------------------------------------------------------
    def _load(self, path: Path, kind: str, override: bool = False) -> None:
        shown = self.display(path)
        try:
            text = read_text(path, shown)
            if kind in ("tf", "tfvars", "other-tfvars"):
                from lpcheck.parsers.hcl import parse_hcl

                body = parse_hcl(text, shown)
            else:
                from lpcheck.parsers.jsonpos import parse_json

                root = parse_json(text, shown)
                body = None
        except ParseFailure as exc:
            self.result.problems.append(exc)
            return
        except Exception as exc:  # a parser bug: report it, keep the other files
            self.result.problems.append(
                RuntimeError(f"internal error parsing {shown}: {type(exc).__name__}: {exc}")
            )
            return
        if kind.startswith("other-"):
            return  # only loaded with -var-file: checked for syntax, values not applied
        self.texts.append(text)
        if kind == "tfvars":
            assert body is not None
            for name, attr in body.attrs.items():
                self.tfvars[name] = (self.literal_ev.eval(attr.expr), shown)
            return
        if kind == "tfvars.json":
            if isinstance(root, MapNode):
                for name, value in root.items.items():
                    self.tfvars[name] = (value, shown)
            return
        if kind == "tf.json":
            from lpcheck.adapters.terraform.tfjson import read_json_config

            body = read_json_config(root)
        assert body is not None
        self._declare(body, override)

    def _declare(self, body: Body, override: bool = False) -> None:
        """Record the blocks of one file; an override file (``override.tf``, ``*_override.tf``)
        merges into the blocks it names, as Terraform does."""
        for block in body.blocks:
            kind, labels = block.type, block.labels
            if kind in ("resource", "data") and len(labels) >= 2:
                decl = Decl(
                    "managed" if kind == "resource" else "data", labels[0], labels[1], block.loc, block.body
                )
                existing = self.decls.get(decl.address)
                if existing is None:
                    self.decls[decl.address] = decl
                elif override:
                    _merge_body(existing.body, block.body)
            elif kind == "variable" and labels:
                variable = self.variables.get(labels[0])
                if variable is None:
                    self.variables[labels[0]] = Variable(labels[0], block.loc, block.body)
                elif override:
                    _merge_body(variable.body, block.body)
            elif kind == "locals":
                for name, attr in block.body.attrs.items():
                    if override or name not in self.locals:
                        self.locals[name] = attr
            elif kind in ("provider", "module", "output") and labels:
                found = (
                    self.providers
                    if kind == "provider"
                    else self.modules
                    if kind == "module"
                    else self.outputs
                )
                same = next((b for b in found if b.labels[:1] == labels[:1]), None) if override else None
                if same is not None:
                    _merge_body(same.body, block.body)
                else:
                    found.append(block)
            elif kind == "terraform":
                self.terraform.append(block)

    # -- references (the evaluator's Refs protocol) --------------------------------------------
    def ref(self, root: str, steps: list[Step], loc: Location, ev: Evaluator, scope: Scope) -> Node:
        first = steps[0].key if steps and steps[0].kind == "attr" else None
        if root == "var":
            if first is None:
                return unknown(loc, "var without a name")
            return ev.apply(self.var(str(first), loc), steps[1:], loc)
        if root == "local":
            if first is None:
                return unknown(loc, "local without a name")
            value = ev.apply(self.local(str(first), loc), steps[1:], loc)
            return relocate(value, loc, _written_at(f"local.{first}"), deep=False)
        if root in ("each", "count", "self"):
            return unknown(loc, f"{root}.* is known only per instance")
        if root == "path":
            if first in ("module", "root"):
                return ScalarNode(loc=loc, value=".")
            return unknown(loc, "path.cwd")
        if root in ("terraform", "module"):
            return unknown(loc, f"{root}.* is not evaluated")
        if root == "data":
            if len(steps) < 2 or steps[0].kind != "attr" or steps[1].kind != "attr":
                return unknown(loc, "malformed data reference")
            address = f"data.{steps[0].key}.{steps[1].key}"
            return self.resource_ref(address, steps[2:], loc)
        if first is not None:
            address = f"{root}.{first}"
            if address in self.decls or "_" in root:
                return self.resource_ref(address, steps[1:], loc)
        return unknown(loc, f"unknown name {root}")

    def var(self, name: str, loc: Location) -> Node:
        found = self._var_value(name)
        if found is None:
            return unknown(loc, f"variable {name} has no default")
        node, origin = found
        return relocate(node, loc, origin)

    def _var_value(self, name: str) -> tuple[Node, Callable[[Node], str]] | None:
        if name in self._var_cache:
            return self._var_cache[name]
        found: tuple[Node, Callable[[Node], str]] | None = None
        origins = self.origin_vars
        if name in self.tfvars:
            node, _shown = self.tfvars[name]

            def from_file(n: Node, _name: str = name) -> str:
                text = f"{n.loc.path}:{n.loc.line}"
                origins[text] = _name
                return text

            found = (node, from_file)
        else:
            variable = self.variables.get(name)
            attr = variable.body.attrs.get("default") if variable is not None else None
            if attr is not None:
                node = self.literal_ev.eval(attr.expr)

                def from_default(n: Node, _name: str = name) -> str:
                    text = f"default of variable {_name} ({n.loc.path}:{n.loc.line})"
                    origins[text] = _name
                    return text

                found = (node, from_default)
        self._var_cache[name] = found
        return found

    def local(self, name: str, loc: Location) -> Node:
        if name in self._local_cache:
            return self._local_cache[name]
        attr = self.locals.get(name)
        if attr is None:
            return error(loc, f"no local value {name}")
        key = ("local", name)
        if key in self._busy:
            return unknown(loc, f"local.{name} refers to itself")
        self._busy.add(key)
        try:
            value = self.ev.eval(attr.expr)
        finally:
            self._busy.discard(key)
        self._local_cache[name] = value
        return value

    def resource_ref(self, address: str, steps: list[Step], loc: Location) -> Node:
        """``aws_x.y.attr``: the literal the resource sets, else unknown naming the resource."""
        decl = self.decls.get(address)
        if decl is None or self.count(decl) == 0:
            return unknown(loc, f"{address} is not in this module", ref=address)
        if steps and steps[0].kind == "index":
            steps = steps[1:]  # one instance of a count/for_each resource
        if not steps or steps[0].kind != "attr":
            return unknown(loc, f"reference to {address}", ref=address)
        attr = str(steps[0].key)
        if decl.mode == "data" and decl.type == POLICY_DOCUMENT and attr in ("json", "minified_json"):
            doc = self.policy_document(decl)
            return doc if len(steps) == 1 else unknown(loc, "inside a rendered document", ref=address)
        if attr in decl.body.attrs and attr not in META_ARGUMENTS:
            value = self.attribute(decl, attr)
        elif any(
            b.type == attr or (b.type == "dynamic" and b.labels[:1] == [attr]) for b in decl.body.blocks
        ):
            value = self.body(decl).items.get(attr) or unknown(loc, ref=address)
        else:
            return unknown(loc, f"{address}.{attr} is computed", ref=address)
        result = self.ev.apply(value, steps[1:], loc)
        if isinstance(result, UnknownNode):
            return UnknownNode(loc=loc, reason=result.reason or f"{address}.{attr} is computed", ref=address)
        return relocate(result, loc, _written_at(f"{address}.{attr}"), deep=False)

    def attribute(self, decl: Decl, attr: str) -> Node:
        key = (decl.address, attr)
        cached = self._attr_cache.get(key)
        if cached is not None:
            return cached
        if key in self._busy:
            return unknown(decl.loc, f"{decl.address}.{attr} depends on itself", ref=decl.address)
        self._busy.add(key)
        try:
            value = self.ev.eval(decl.body.attrs[attr].expr)
        finally:
            self._busy.discard(key)
        self._attr_cache[key] = value
        return value

    def count(self, decl: Decl) -> int | None:
        """Instances the block creates: literal count, size of a known for_each, 1, or None."""
        address = decl.address
        if address in self._count_cache:
            return self._count_cache[address]
        self._count_cache[address] = None  # a count that depends on itself is unknown
        attrs = decl.body.attrs
        result: int | None = 1
        if "count" in attrs:
            n = number(self.ev.eval(attrs["count"].expr))
            result = int(n) if n is not None and n >= 0 else None
        elif "for_each" in attrs:
            from lpcheck.adapters.terraform.functions import collection_size

            result = collection_size(self.ev.eval(attrs["for_each"].expr))
        self._count_cache[address] = result
        return result

    # -- bodies -----------------------------------------------------------------------------------
    def body(self, decl: Decl) -> MapNode:
        cached = self._body_cache.get(decl.address)
        if cached is not None:
            return cached
        key = (decl.address, "<body>")
        if key in self._busy:
            return MapNode(loc=decl.loc)
        self._busy.add(key)
        previous, self._current = self._current, decl.address
        try:
            result = MapNode(loc=decl.loc)
            for name, attr in decl.body.attrs.items():
                if name in META_ARGUMENTS:
                    continue
                value = none_if_null(self.attribute(decl, name))
                if value is not None:
                    result.items[name] = value
                    result.key_locs[name] = attr.key_loc
            self._add_blocks(result, decl.body.blocks, EMPTY, top=True, path="")
        finally:
            self._busy.discard(key)
            self._current = previous
        self._body_cache[decl.address] = result
        return result

    def eval_body(self, body: Body, loc: Location, scope: Scope = EMPTY, path: str = "") -> MapNode:
        """Attributes (nulls left out: unset) and nested blocks (each type a list of maps)."""
        result = MapNode(loc=loc)
        for name, attr in body.attrs.items():
            value = none_if_null(self.ev.eval(attr.expr, scope))
            if value is not None:
                result.items[name] = value
                result.key_locs[name] = attr.key_loc
        self._add_blocks(result, body.blocks, scope, top=False, path=path)
        return result

    def _add_blocks(
        self, result: MapNode, blocks: list[Block], scope: Scope, *, top: bool, path: str
    ) -> None:
        lists: dict[str, ListNode] = {}
        for block in blocks:
            if top and block.type in META_ARGUMENTS:
                continue
            if block.type == "dynamic":
                if not block.labels:
                    continue
                name = block.labels[0]
                items = self._dynamic(block, scope, f"{path}{name}")
            else:
                name = block.type
                items = [self.eval_body(block.body, block.loc, scope, f"{path}{name}.")]
            if name in lists:
                lists[name].items.extend(items)
                continue
            lists[name] = ListNode(loc=block.loc, items=items)
            result.items[name] = lists[name]
            result.key_locs[name] = block.loc

    def _dynamic(self, block: Block, scope: Scope, path: str) -> list[Node]:
        """``dynamic "x"``: one block per element of a known ``for_each``; with an unknown
        collection, one block whose iterator-dependent values are unknown."""
        body = block.body
        content = next((b for b in body.blocks if b.type == "content"), None)
        if content is None:
            return []
        iterator = block.labels[0]
        it_attr = body.attrs.get("iterator")
        if it_attr is not None:
            iterator = _bare_name(it_attr.expr) or iterator
        for_each = body.attrs.get("for_each")
        collection = self.ev.eval(for_each.expr, scope) if for_each is not None else None
        if isinstance(collection, ScalarNode) and collection.value is None:
            return []
        pairs = iterate(collection) if collection is not None else None
        if pairs is not None and not self.ev.spend(len(pairs)):
            pairs = None
        if pairs is None:
            if self._current is not None:
                self.dynamic_unknown.setdefault(self._current, set()).add(path)
            placeholder = unknown(block.loc, "dynamic block iterator", ref=first_ref(collection))
            inner = scope.bind_map({iterator: placeholder})
            return [self.eval_body(content.body, block.loc, inner, path + ".")]
        items: list[Node] = []
        for key, value in pairs:
            element = MapNode(loc=value.loc, items={"key": key, "value": value}, key_locs={})
            inner = scope.bind_map({iterator: element})
            items.append(self.eval_body(content.body, block.loc, inner, path + "."))
        return items

    def policy_document(self, decl: Decl) -> Node:
        cached = self._doc_cache.get(decl.address)
        if cached is not None:
            return cached
        key = (decl.address, "<document>")
        if key in self._busy:
            return unknown(decl.loc, "policy document refers to itself", ref=decl.address)
        self._busy.add(key)
        try:
            from lpcheck.adapters.terraform.policydoc import build_document

            doc: Node = build_document(self.body(decl), decl.loc)
        finally:
            self._busy.discard(key)
        self._doc_cache[decl.address] = doc
        return doc

    def names(self, body: MapNode) -> tuple[str, ...]:
        out: list[str] = []
        for attr in NAME_ATTRIBUTES:
            node = body.items.get(attr)
            if isinstance(node, ScalarNode) and isinstance(node.value, str) and node.value:
                out.append(node.value)
        return tuple(out)

    # -- adapting -------------------------------------------------------------------------------
    def adapt(self) -> None:
        model = self.result.model
        views: dict[str, ResourceView] = {}
        for address, decl in self.decls.items():
            try:
                count = self.count(decl)
                if count == 0:
                    continue  # never created
                body = self.body(decl)
                view = ResourceView(
                    address=address,
                    type=decl.handler_key,
                    loc=decl.loc,
                    body=body,
                    names=self.names(body),
                    condition=None,
                    count=count,
                )
                if decl.mode == "data" and decl.type == POLICY_DOCUMENT:
                    view.extra["policy_document"] = self.policy_document(decl)
                if address in self.dynamic_unknown:
                    view.extra["dynamic_unknown"] = frozenset(self.dynamic_unknown[address])
                views[address] = view
            except Exception as exc:
                self._problem(f"adapting {address}", exc)
        ctx = AdaptContext(model, "terraform", views)
        for address, view in views.items():
            self._guard(
                f"recording strings of {address}", lambda v=view, a=address: ctx.add_strings(v.body, a)
            )
        self._guard("recording provider and backend settings", lambda: self._record_settings(ctx))
        self._guard("recording variables", lambda: self._record_variables(ctx))
        self._run_handlers(views, ctx)

    def _record_settings(self, ctx: AdaptContext) -> None:
        for block in self.providers:
            ctx.add_strings(self.eval_body(block.body, block.loc), f"provider.{block.labels[0]}")
        for block in self.terraform:
            for inner in block.body.blocks:
                if inner.type in ("backend", "cloud"):
                    label = f"terraform.{inner.type}" + (f".{inner.labels[0]}" if inner.labels else "")
                    ctx.add_strings(self.eval_body(inner.body, inner.loc), label)
        for block in self.modules:
            ctx.add_strings(self.eval_body(block.body, block.loc), f"module.{block.labels[0]}")
        for block in self.outputs:
            attr = block.body.attrs.get("value")
            if attr is not None:
                ctx.add_strings(self.ev.eval(attr.expr), f"output.{block.labels[0]}", ("value",))

    def _record_variables(self, ctx: AdaptContext) -> None:
        model = self.result.model
        used = set()
        for text in self.texts:
            used.update(_VAR_USE.findall(text))
        consumed = {
            self.origin_vars[s.origin]
            for s in model.of(StringLiteral)
            if s.origin and s.origin in self.origin_vars
        }
        for name, variable in self.variables.items():
            attrs = variable.body.attrs
            default_node: Node | None = None
            if "default" in attrs:
                default_node = self.literal_ev.eval(attrs["default"].expr)
            sensitive = truth(self.literal_ev.eval(attrs["sensitive"].expr)) if "sensitive" in attrs else None
            if default_node is None or (isinstance(default_node, ScalarNode) and default_node.value is None):
                default = Value.absent(None)
            elif isinstance(default_node, UnknownNode):
                default = Value.unknown(default_node.loc, reason=default_node.reason)
            elif isinstance(default_node, ScalarNode):
                default = Value.literal(default_node.value, default_node.loc)
            else:
                default = Value.literal(default_node, default_node.loc)
            model.add(
                TemplateParameter(
                    address=f"var.{name}",
                    type="variable",
                    loc=variable.loc,
                    name=name,
                    default=default,
                    hidden=sensitive is True,
                    used=name in used,
                )
            )
            if default_node is not None and name not in consumed:
                ctx.add_strings(default_node, f"var.{name}", ("variable", name, "default"))

    def _run_handlers(self, views: dict[str, ResourceView], ctx: AdaptContext) -> None:
        from lpcheck.adapters.registry import load_handlers, tf_handlers

        try:
            load_handlers()
        except Exception as exc:
            self._problem("loading resource handlers", exc)
            return
        for address, view in views.items():
            for handler in tf_handlers(view.type):
                try:
                    handler(view, ctx)
                except Exception as exc:
                    name = (
                        f"{getattr(handler, '__module__', '?')}.{getattr(handler, '__qualname__', handler)}"
                    )
                    self.result.problems.append(
                        RuntimeError(
                            f"internal error in handler {name} for {address}: {type(exc).__name__}: {exc}"
                        )
                    )

    def _guard(self, what: str, action: Callable[[], None]) -> None:
        try:
            action()
        except Exception as exc:
            self._problem(what, exc)

    def _problem(self, what: str, exc: Exception) -> None:
        self.result.problems.append(RuntimeError(f"internal error {what}: {type(exc).__name__}: {exc}"))


def _is_override(name: str) -> bool:
    low = name.lower()
    for suffix in (".tf.json", ".tf"):
        if low.endswith(suffix):
            stem = low[: -len(suffix)]
            return stem == "override" or stem.endswith("_override")
    return False


def _merge_body(base: Body, override: Body) -> None:
    """Override attributes replace the original ones; a nested block type in the override
    replaces every block of that type."""
    base.attrs.update(override.attrs)
    replaced = {b.labels[0] if b.type == "dynamic" and b.labels else b.type for b in override.blocks}
    base.blocks[:] = [
        b
        for b in base.blocks
        if (b.labels[0] if b.type == "dynamic" and b.labels else b.type) not in replaced
    ] + override.blocks


def _written_at(name: str) -> Callable[[Node], str]:
    def origin(node: Node) -> str:
        return f"{name} ({node.loc.path}:{node.loc.line})"

    return origin


def _bare_name(expr: object) -> str | None:
    """The name written as ``iterator = rule`` (a bare identifier, or a JSON string)."""
    if isinstance(expr, HExpr):
        text = expr.text()
        return text if re.fullmatch(r"[A-Za-z_][\w-]*", text) else None
    if isinstance(expr, (JExpr, LitExpr)) and isinstance(expr.node, ScalarNode):
        value = expr.node.value
        return value if isinstance(value, str) else None
    return None


def adapt_files(files: list[Path], display: Callable[[Path], str]) -> AdaptResult:
    result = AdaptResult(Model())
    try:
        module = TerraformModule(files, display, result)
    except Exception as exc:
        result.problems.append(
            RuntimeError(f"internal error loading a Terraform module: {type(exc).__name__}: {exc}")
        )
        return result
    try:
        module.adapt()
    except Exception as exc:  # RecursionError included: keep what was adapted so far
        result.problems.append(
            RuntimeError(f"internal error adapting a Terraform module: {type(exc).__name__}: {exc}")
        )
    return result


__all__ = ["TerraformModule", "adapt_files"]
