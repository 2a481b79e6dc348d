"""One Terraform module (the files of one directory) -> resource views -> handlers -> model.

Every file is parsed first (``source.ModuleSource``: a file that fails is reported and the others
still count); then variables take their value (declared default, overridden by
``terraform.tfvars``, ``terraform.tfvars.json``, then ``*.auto.tfvars(.json)`` in lexical order),
locals and references between resources are evaluated lazily with cycle protection, and each
resource or data source becomes a ``ResourceView`` whose body is the evaluated attributes plus
nested blocks (each block type a list of maps). A value that flows in from a variable is placed
where it is used and names its source in ``origin``; literals written in this module (locals,
other resources' attributes, policy documents) keep their own place.

``count``/``for_each`` over a known collection bind ``count.index``/``each.key``/``each.value``
to a choice with one option per instance (labelled ``each.key = "admin"``), so a value that
differs per instance is reported for the instance that has it. A block with ``count = 0`` is
never created: its view is in ``ctx.resources`` (count 0) for its neighbours but no handler sees it.
Except in the scanned (root) module when the zero comes only from a variable's declared default
(``count = var.enable_rds ? 1 : 0``, ``enable_rds`` defaulting to false, no tfvars value): the
deployer decides, so the block "may be created" (count unknown) and is judged like any other.

Local child modules (``module "x" { source = "./modules/db" }``, ``"../../"``) are evaluated too,
recursively (depth ``MAX_DEPTH``, cycle-safe, each directory parsed once per process): the
call's arguments, evaluated in the caller, are the child's variable values (tfvars apply to the
root only), the child's resources get addresses ``module.x.<type>.<name>`` and go through the
handlers into the same model, and ``module.x.<output>`` resolves from the child's outputs. A
value the caller passes keeps the caller's place (the argument's literal) and names the
argument and its use in ``origin``; what the child writes itself keeps the child's place, so a
finding caused by an argument points into the calling file. Each call is also a view of type
``module`` (address ``module.x``, body = its evaluated arguments) for handlers that look for
references (a queue passed as a module's dead-letter target). Registry, git and HTTP sources are
never fetched: their outputs are unknown.

All views are built before any handler runs (``ctx.resources`` is complete), and a handler that
raises is reported as an internal error without stopping the module.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.terraform.evaluate import (
    EMPTY,
    Evaluator,
    InstanceNode,
    JExpr,
    LitExpr,
    Scope,
    Step,
    annotate,
    error,
    first_ref,
    instance_labels,
    iterate,
    moved_unknown,
    none_if_null,
    number,
    relocate,
    to_text,
    truth,
    unknown,
)
from lpcheck.adapters.terraform.source import Decl, ModuleSource, Variable, load_directory, load_module
from lpcheck.adapters.view import ResourceView
from lpcheck.location import Location
from lpcheck.model.container import Model
from lpcheck.model.resources import StringLiteral, TemplateParameter
from lpcheck.model.values import Value
from lpcheck.parsers.hcl import Attr, Block, Body, HExpr, is_tree, subtrees
from lpcheck.parsers.nodes import (
    ChoiceNode,
    ListNode,
    MapNode,
    Node,
    ScalarNode,
    TextNode,
    UnknownNode,
    iter_scalars,
)
from lpcheck.result import AdaptResult

META_ARGUMENTS = frozenset({"count", "for_each", "depends_on", "provider", "lifecycle"})
MODULE_META = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})
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
MAX_DEPTH = 5  # nested module calls followed
MAX_UP = 4  # a module source may climb this many directories above the scanned module
MAX_MODULES = 200  # child module instances expanded per scanned module
MAX_INSTANCES = 64  # count/for_each instances told apart; beyond, each.* and count.index are unknown
# data "aws_partition": every partition shares AWS managed policy names and service principals,
# so "arn:${data.aws_partition.current.partition}:iam::aws:policy/X" is that policy (the
# CloudFormation front-end reads AWS::Partition the same way).
PARTITION = {
    "partition": "aws",
    "id": "aws",
    "dns_suffix": "amazonaws.com",
    "reverse_dns_prefix": "com.amazonaws",
}
_VAR_USE = re.compile(r"\bvar\.([A-Za-z_][A-Za-z0-9_-]*)")
_USED = ", used "

__all__ = ["Decl", "TerraformModule", "Variable", "adapt_files"]


@dataclass(slots=True)
class Call:
    """How a child module instance is called."""

    name: str  # the call's label
    address: str  # "module.db", "module.db.module.instance"
    block: Block
    parent: TerraformModule
    scope: Scope  # each.*/count.index of the call's instances, in the caller
    instances: int | None


class TerraformModule:
    """The declarations of one module and the lazy, cycle-safe evaluation of their values."""

    def __init__(self, files: list[Path], display: Callable[[Path], str], result: AdaptResult) -> None:
        source, tfvars = load_module(files, display)
        result.problems.extend(source.problems)
        result.problems.extend(tfvars.problems)
        self._setup(source, display, result, None, tfvars)

    @classmethod
    def _child(cls, source: ModuleSource, call: Call) -> TerraformModule:
        inst = cls.__new__(cls)
        inst._setup(source, call.parent.display, call.parent.result, call)
        return inst

    def _setup(
        self,
        source: ModuleSource,
        display: Callable[[Path], str],
        result: AdaptResult,
        call: Call | None,
        tfvars: ModuleSource | None = None,
    ) -> None:
        self.source = source
        self.display = display
        self.result = result
        self.call = call
        self.parent = call.parent if call is not None else None
        self.root: TerraformModule = self.parent.root if self.parent is not None else self
        self.prefix = f"{call.address}." if call is not None else ""
        self.depth = self.parent.depth + 1 if self.parent is not None else 0
        self.base_dir = source.base_dir
        real = _real(self.base_dir)
        self.chain: tuple[str, ...] = (*(self.parent.chain if self.parent else ()), *([real] if real else []))
        self.multiplier: int | None = 1
        if call is not None and self.parent is not None:
            self.multiplier = _times(self.parent.multiplier, call.instances)
        # declarations (shared with every other instance of the same directory: read only)
        self.variables: dict[str, Variable] = source.variables
        self.locals = source.locals
        self.decls: dict[str, Decl] = source.decls
        self.providers = source.providers
        self.modules = source.modules
        self.outputs = source.outputs
        self.terraform = source.terraform
        self.texts = source.texts + (tfvars.texts if tfvars is not None else [])
        self.ev = Evaluator(self, self.base_dir, display)
        self.literal_ev = Evaluator(None, self.base_dir, display)
        if self.parent is not None:
            # one iteration budget for the scanned module and every module it calls
            self.ev.spend = self.root.ev.spend  # type: ignore[method-assign]
        self._expanded = 0  # child module instances created under this (root) module
        if call is None:
            self.ev.partials = {}  # templates with unknown parts, for the secret rules
        self.tfvars: dict[str, tuple[Node, str]] = {}
        if tfvars is not None:
            for name, (expr, shown) in tfvars.tfvars.items():
                self.tfvars[name] = (self.literal_ev.eval(expr), shown)
        # a child keeps what its caller passed where the caller wrote it
        own = source.own_paths
        self._keep: Callable[[Node], bool] | None = (
            (lambda n: n.loc.path not in own) if call is not None else None
        )
        self._calls: dict[str, Block] = {}
        for block in self.modules:
            self._calls.setdefault(block.labels[0], block)
        self._outputs: dict[str, Block] = {}
        for block in self.outputs:
            self._outputs.setdefault(block.labels[0], block)
        self._var_cache: dict[str, tuple[Node, Callable[[Node], str] | None, bool] | None] = {}
        self._local_cache: dict[str, Node] = {}
        self._attr_cache: dict[tuple[str, str], Node] = {}
        self._whole_cache: dict[str, list[tuple[ScalarNode, InstanceNode]]] = {}
        self._body_cache: dict[str, MapNode] = {}
        self._doc_cache: dict[str, Node] = {}
        self._inst_cache: dict[str, tuple[int | None, Scope]] = {}
        self._arg_cache: dict[tuple[str, str], Node] = {}
        self._call_bodies: dict[str, MapNode] = {}
        self._output_cache: dict[str, Node | None] = {}
        self._children: dict[str, TerraformModule | None] = {}
        self._relative: dict[str, str] = {}
        self._installed: dict[str, str] | None = None
        self._busy: set[tuple[str, str]] = set()
        self.origin_vars: dict[str, str] = {}  # origin text -> variable name, for consumed values
        self.dynamic_unknown: dict[str, set[str]] = {}
        # ids of the blocks standing for a dynamic block over an unknown collection (zero or more
        # blocks): a policy document does not take them for statements or principals it knows
        self._placeholders: set[int] = set()
        self._current: str | None = None
        # while re-evaluating a count/for_each: variables that only have their declared default
        # are unknown (see ``_without_defaults``)
        self._hide_defaults = False

    # -- references (the evaluator's Refs protocol) --------------------------------------------
    def ref(self, root: str, steps: list[Step], loc: Location, ev: Evaluator, scope: Scope) -> Node:
        if self._hide_defaults and root not in ("var", "local"):
            # defaults are hidden along variables and locals only: resources, data sources and
            # module outputs are evaluated (and cached) as usual
            self._hide_defaults = False
            try:
                return self.ref(root, steps, loc, ev, scope)
            finally:
                self._hide_defaults = True
        first = steps[0].key if steps and steps[0].kind == "attr" else None
        if root == "var":
            if first is None:
                return unknown(loc, "var without a name")
            return ev.apply(self.var(str(first), loc), steps[1:], loc)
        if root == "local":
            if first is None:
                return unknown(loc, "local without a name")
            value = ev.apply(self.local(str(first), loc), steps[1:], loc)
            return relocate(value, loc, _written_at(f"local.{first}"), deep=False, keep=self._keep)
        if root in ("each", "count", "self"):
            return unknown(loc, f"{root}.* is known only per instance")
        if root == "path":
            if first in ("module", "root"):
                return ScalarNode(loc=loc, value=".")
            return unknown(loc, "path.cwd")
        if root == "module":
            if first is None:
                return unknown(loc, "module without a name")
            return self.module_output(str(first), steps[1:], loc)
        if root == "terraform":
            return unknown(loc, f"{root}.* is not evaluated")
        if root == "data":
            if len(steps) < 2 or steps[0].kind != "attr" or steps[1].kind != "attr":
                return unknown(loc, "malformed data reference")
            if steps[0].key == "aws_partition":
                rest = [s for s in steps[2:] if s.kind == "attr"]
                if rest and str(rest[0].key) in PARTITION:
                    return ScalarNode(loc=loc, value=PARTITION[str(rest[0].key)])
            address = f"data.{steps[0].key}.{steps[1].key}"
            return self.resource_ref(address, steps[2:], loc)
        if first is not None:
            address = f"{root}.{first}"
            if address in self.decls or "_" in root:
                return self.resource_ref(address, steps[1:], loc)
        return unknown(loc, f"unknown name {root}")

    def var(self, name: str, loc: Location) -> Node:
        if self._hide_defaults and name not in self.tfvars:
            return unknown(loc, f"variable {name} has only its declared default")
        found = self._var_value(name)
        if found is None:
            return unknown(loc, f"variable {name} has no default")
        node, origin, passed = found
        if passed or origin is None:
            return annotate(node, self._argument_origin(name, loc))
        return relocate(node, loc, origin, keep=self._keep)

    def _var_value(self, name: str) -> tuple[Node, Callable[[Node], str] | None, bool] | None:
        """(value, origin maker, passed by the caller) of variable ``name``; None if unset."""
        if name in self._var_cache:
            return self._var_cache[name]
        key = ("var", name)
        if key in self._busy:
            return None  # an argument that depends on the module's own output: unknown
        found: tuple[Node, Callable[[Node], str] | None, bool] | None = None
        origins = self.origin_vars
        self._busy.add(key)
        try:
            call = self.call
            attr = call.block.body.attrs.get(name) if call is not None and name not in MODULE_META else None
            if call is not None and attr is not None:
                node = call.parent.call_argument(call.name, name)
                found = (self._typed(name, node), None, True)
            elif call is None and name in self.tfvars:
                node, _shown = self.tfvars[name]

                def from_file(n: Node, _name: str = name) -> str:
                    text = f"{n.loc.path}:{n.loc.line}"
                    origins[text] = _name
                    return text

                found = (self._typed(name, node), from_file, False)
            else:
                variable = self.variables.get(name)
                default = variable.body.attrs.get("default") if variable is not None else None
                if default is not None:
                    node = self.literal_ev.eval(default.expr)

                    def from_default(n: Node, _name: str = name) -> str:
                        text = f"default of variable {_name} ({n.loc.path}:{n.loc.line})"
                        origins[text] = _name
                        return text

                    found = (self._typed(name, node), from_default, False)
        finally:
            self._busy.discard(key)
        self._var_cache[name] = found
        return found

    def _typed(self, name: str, node: Node) -> Node:
        """The value converted to the variable's declared type (``optional`` attributes)."""
        spec = self.source.variable_type(name)
        if spec is None:
            return node
        from lpcheck.adapters.terraform.types import convert

        return convert(node, spec, self.literal_ev)

    def _argument_origin(self, name: str, loc: Location) -> Callable[[str | None], str]:
        """``argument x of module.m, used by module.m.aws_y.z (path:line)``: where a value the
        caller passed is used (the outermost call's argument is kept through nested calls)."""
        call = self.call
        assert call is not None
        where = f"{self.root.relative(loc.path)}:{loc.line}"
        used = f"used by {self.prefix}{self._current} ({where})" if self._current else f"used at {where}"

        def origin(existing: str | None) -> str:
            if existing and _USED in existing:
                base = existing[: existing.index(_USED)]
            elif existing:
                base = f"{existing}, argument {name} of {call.address}"
            else:
                base = f"argument {name} of {call.address}"
            return f"{base}, {used}"

        return origin

    def relative(self, path: str) -> str:
        """A path shown in a finding, relative to the scanned module's directory (for origins)."""
        found = self._relative.get(path)
        if found is None:
            start = os.path.dirname(self.display(self.base_dir / "main.tf")) if self.base_dir else ""
            try:
                found = os.path.relpath(path, start or ".")
            except ValueError:
                found = path
            self._relative[path] = found
        return found

    def local(self, name: str, loc: Location) -> Node:
        hidden = self._hide_defaults  # a value without the defaults is not the local's value
        if name in self._local_cache and not hidden:
            return self._local_cache[name]
        attr = self.locals.get(name)
        if attr is None:
            return error(loc, f"no local value {name}")
        key = ("local", name)
        if key in self._busy:
            return unknown(loc, f"local.{name} refers to itself")
        self._busy.add(key)
        outer = self.ev.context
        self.ev.context = (f"{self.prefix}local.{name}", (name,))
        try:
            value = self.ev.eval(attr.expr)
        finally:
            self._busy.discard(key)
            self.ev.context = outer
        if not hidden:
            self._local_cache[name] = value
        return value

    def resource_ref(self, address: str, steps: list[Step], loc: Location) -> Node:
        """``aws_x.y.attr``: the literal the resource sets, else unknown naming the resource."""
        target = self.prefix + address
        decl = self.decls.get(address)
        if decl is None or self.count(decl) == 0:
            return unknown(loc, f"{address} is not in this module", ref=target)
        instance: Step | None = None
        if steps and steps[0].kind == "index":
            instance, steps = steps[0], steps[1:]  # one instance of a count/for_each resource
        if not steps:
            whole = self._whole(decl, target, instance, loc)
            if whole is not None:
                return whole
        if not steps or steps[0].kind != "attr":
            return unknown(loc, f"reference to {address}", ref=target)
        attr = str(steps[0].key)
        if decl.mode == "data" and decl.type == POLICY_DOCUMENT and attr in ("json", "minified_json"):
            doc = _pick_instance(self.policy_document(decl), instance)
            return doc if len(steps) == 1 else unknown(loc, "inside a rendered document", ref=target)
        if attr in decl.body.attrs and attr not in META_ARGUMENTS:
            value = self.attribute(decl, attr)
        elif any(
            b.type == attr or (b.type == "dynamic" and b.labels[:1] == [attr]) for b in decl.body.blocks
        ):
            value = self.body(decl).items.get(attr) or unknown(loc, ref=target)
        else:
            return unknown(loc, f"{address}.{attr} is computed", ref=target)
        result = self.ev.apply(_pick_instance(value, instance), steps[1:], loc)
        if isinstance(result, UnknownNode):
            return moved_unknown(
                result, loc, reason=result.reason or f"{address}.{attr} is computed", ref=target
            )
        return relocate(result, loc, _written_at(f"{target}.{attr}"), deep=False, keep=self._keep)

    def _whole(self, decl: Decl, target: str, instance: Step | None, loc: Location) -> Node | None:
        """``aws_x.y`` of a block with a known ``count``/``for_each``: the list (count) or map
        (for_each) of its instances, or with ``instance`` (``aws_x.y["k"]``) that one instance;
        None when it cannot be told (no count/for_each, unknown instances, unknown key)."""
        attrs = decl.body.attrs
        if ("count" not in attrs and "for_each" not in attrs) or (
            instance is not None and instance.key is None
        ):
            return None
        cached = self._whole_cache.get(decl.address)
        if cached is None:
            keys = _instance_keys(self.instance_scope(decl)) if self.count(decl) else None
            if keys is None:
                return None
            cached = []
            for label, key in keys:
                items: dict[str, Node] = {}
                key_locs: dict[str, Location] = {}
                for name, attr in attrs.items():
                    if name in META_ARGUMENTS:
                        continue
                    value = none_if_null(_pick_label(self.attribute(decl, name), label))
                    if value is not None:
                        items[name] = value
                        key_locs[name] = attr.key_loc
                cached.append(
                    (key, InstanceNode(loc=decl.loc, address=target, items=items, key_locs=key_locs))
                )
            self._whole_cache[decl.address] = cached
        if instance is not None:
            wanted = to_text(instance.key)
            found = next((obj for key, obj in cached if to_text(key.value) == wanted), None)
            return found if found is not None else error(loc, f"{decl.address} has no instance {wanted}")
        if "count" in attrs:
            return ListNode(loc=loc, items=[obj for _, obj in cached])
        out = MapNode(loc=loc)
        for key, obj in cached:
            text = to_text(key.value) or ""
            out.items[text] = obj
            out.key_locs[text] = key.loc
        return out

    def attribute(self, decl: Decl, attr: str) -> Node:
        key = (decl.address, attr)
        cached = self._attr_cache.get(key)
        if cached is not None:
            return cached
        if key in self._busy:
            return unknown(
                decl.loc, f"{decl.address}.{attr} depends on itself", ref=self.prefix + decl.address
            )
        self._busy.add(key)
        outer = self.ev.context
        self.ev.context = (self.prefix + decl.address, (attr,))
        try:
            value = self.ev.eval(decl.body.attrs[attr].expr, self.instance_scope(decl))
        finally:
            self._busy.discard(key)
            self.ev.context = outer
        self._attr_cache[key] = value
        return value

    # -- count and for_each -------------------------------------------------------------------------
    def count(self, decl: Decl) -> int | None:
        """Instances the block creates: literal count, size of a known for_each, 1, or None."""
        return self._instances(decl.address, decl.body.attrs)[0]

    def instance_scope(self, decl: Decl) -> Scope:
        """``each``/``count`` of a block's instances (a choice per instance when known)."""
        return self._instances(decl.address, decl.body.attrs)[1]

    def _instances(self, key: str, attrs: dict) -> tuple[int | None, Scope]:
        cached = self._inst_cache.get(key)
        if cached is not None:
            return cached
        self._inst_cache[key] = (None, EMPTY)  # a count that depends on itself is unknown
        result: tuple[int | None, Scope] = (1, EMPTY)
        # a module call's instances are named after the call: its arguments reach the child
        where = f" in {self.prefix}{key}" if key.startswith("module.") else ""
        if "count" in attrs:
            node = self.ev.eval(attrs["count"].expr)
            n = number(node)
            count = int(n) if n is not None and n >= 0 else None
            if count == 0:
                hidden = self._without_defaults(attrs["count"].expr)
                if hidden is not None and number(hidden) != 0:
                    count = None  # zero only by a variable's default: may be created
            result = (count, _count_scope(count, node.loc, where) if count else EMPTY)
        elif "for_each" in attrs:
            node = self.ev.eval(attrs["for_each"].expr)
            if _each_count(node) == 0:
                hidden = self._without_defaults(attrs["for_each"].expr)
                if hidden is not None and _each_count(hidden) != 0:
                    node = hidden  # empty only by a variable's default: may have instances
            result = (_each_count(node), _each_scope(node, where))
            if result[1] is EMPTY and isinstance(node, UnknownNode) and node.ref:
                # over another resource's instances (``for_each = aws_s3_bucket.many``, a for
                # expression over them): each value is one of them, whichever it is
                result = (result[0], _unknown_each(node))
        self._inst_cache[key] = result
        return result

    def _without_defaults(self, expr: object) -> Node | None:
        """``expr`` (a count or for_each that gave no instance) evaluated again with every
        variable that has only its declared default unknown, directly or through locals; None
        in a called module, where the caller's arguments (or their absence) decide.

        A scanned module is a root whose deployer sets its variables: ``enable_x = false`` by
        default switches a block off only until someone sets it (a literal ``count = 0``, a
        tfvars or caller value, a resource attribute still do). Templates seen here are not
        recorded for the secret rules: their unknown parts are ours, not the author's."""
        if self.call is not None:
            return None
        partials, self.ev.partials = self.ev.partials, None
        self._hide_defaults = True
        try:
            return self.ev.eval(expr)
        finally:
            self._hide_defaults = False
            self.ev.partials = partials

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
                    result.key_locs[name] = self._key_at(value, attr.key_loc)
            outer = self.ev.context
            self.ev.context = (self.prefix + decl.address, ())
            try:
                self._add_blocks(result, decl.body.blocks, self.instance_scope(decl), top=True, path="")
                lifecycle = self._lifecycle(decl.body)
                if lifecycle is not None:
                    result.items["lifecycle"] = lifecycle
                    result.key_locs["lifecycle"] = lifecycle.loc
            finally:
                self.ev.context = outer
        finally:
            self._busy.discard(key)
            self._current = previous
        self._body_cache[decl.address] = result
        return result

    def _lifecycle(self, body: Body) -> ListNode | None:
        """``lifecycle`` as a nested block (a list of maps) holding its literal settings:
        ``ignore_changes`` as the attribute names written (or ``"all"``), ``create_before_destroy``
        and ``prevent_destroy``; the conditions and ``replace_triggered_by`` are left out."""
        found: list[tuple[Location, dict]] = [
            (b.loc, b.body.attrs) for b in body.blocks if b.type == "lifecycle"
        ]
        attr = body.attrs.get("lifecycle")  # .tf.json: an object (or a list of them)
        if attr is not None and isinstance(attr.expr, (JExpr, LitExpr)):
            node = attr.expr.node
            for obj in node.items if isinstance(node, ListNode) else [node]:
                if isinstance(obj, MapNode):
                    settings = {k: Attr(k, obj.key_loc(k), JExpr(v)) for k, v in obj.items.items()}
                    found.append((obj.loc, settings))
        if not found:
            return None
        items: list[Node] = []
        for loc, attrs in found:
            out = MapNode(loc=loc)
            for name, setting in attrs.items():
                if name == "ignore_changes":
                    value: Node | None = _ignored_names(setting.expr, setting.key_loc)
                elif name in ("create_before_destroy", "prevent_destroy"):
                    value = none_if_null(self.ev.eval(setting.expr))
                else:
                    continue
                if value is not None:
                    out.items[name] = value
                    out.key_locs[name] = setting.key_loc
            items.append(out)
        return ListNode(loc=found[0][0], items=items)

    def eval_body(self, body: Body, loc: Location, scope: Scope = EMPTY, path: str = "") -> MapNode:
        """Attributes (nulls left out: unset) and nested blocks (each type a list of maps)."""
        result = MapNode(loc=loc)
        outer = self.ev.context
        keys = tuple(p for p in path.split(".") if p)
        try:
            for name, attr in body.attrs.items():
                self.ev.context = (outer[0], (*keys, name))
                value = none_if_null(self.ev.eval(attr.expr, scope))
                if value is not None:
                    result.items[name] = value
                    result.key_locs[name] = self._key_at(value, attr.key_loc)
        finally:
            self.ev.context = outer
        self._add_blocks(result, body.blocks, scope, top=False, path=path)
        return result

    def _key_at(self, value: Node, key_loc: Location) -> Location:
        """Where a setting is written: its key, or in a child module, the caller's value when
        the caller passed it (a finding on ``multi_az`` points at the caller's argument)."""
        keep = self._keep
        return value.loc if keep is not None and keep(value) else key_loc

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
        collection, one block whose iterator-dependent values are unknown. A block made from an
        element the caller passed (a child module's ``dynamic "statement"`` over the caller's
        statements) is placed at that element, in the calling file."""
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
            stand_in = self.eval_body(content.body, block.loc, inner, path + ".")
            self._placeholders.add(id(stand_in))
            return [stand_in]
        items: list[Node] = []
        keep = self._keep
        for key, value in pairs:
            element = MapNode(loc=value.loc, items={"key": key, "value": value}, key_locs={})
            inner = scope.bind_map({iterator: element})
            at = value.loc if keep is not None and isinstance(value, MapNode) and keep(value) else block.loc
            items.append(self.eval_body(content.body, at, inner, path + "."))
        return items

    def policy_document(self, decl: Decl) -> Node:
        cached = self._doc_cache.get(decl.address)
        if cached is not None:
            return cached
        key = (decl.address, "<document>")
        if key in self._busy:
            return unknown(decl.loc, "policy document refers to itself", ref=self.prefix + decl.address)
        self._busy.add(key)
        try:
            from lpcheck.adapters.terraform.policydoc import build_document

            doc: Node = build_document(self.body(decl), decl.loc, self._placeholders)
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

    # -- module calls ---------------------------------------------------------------------------
    def call_argument(self, call: str, name: str) -> Node:
        """Argument ``name`` of module call ``call``, evaluated here (in the caller)."""
        key = (call, name)
        cached = self._arg_cache.get(key)
        if cached is not None:
            return cached
        block = self._calls[call]
        attr = block.body.attrs[name]
        busy = (f"module.{call}", name)
        if busy in self._busy:
            return unknown(attr.key_loc, f"argument {name} of module.{call} depends on itself")
        self._busy.add(busy)
        outer = self.ev.context
        self.ev.context = (f"{self.prefix}module.{call}", (name,))
        try:
            scope = self._instances(f"module.{call}", block.body.attrs)[1]
            value = self.ev.eval(attr.expr, scope)
        finally:
            self._busy.discard(busy)
            self.ev.context = outer
        self._arg_cache[key] = value
        return value

    def call_body(self, call: str) -> MapNode:
        """The evaluated arguments of a module call (the body of its ``module`` view)."""
        cached = self._call_bodies.get(call)
        if cached is not None:
            return cached
        block = self._calls[call]
        result = MapNode(loc=block.loc)
        for name, attr in block.body.attrs.items():
            if name in MODULE_META:
                continue
            value = none_if_null(self.call_argument(call, name))
            if value is not None:
                result.items[name] = value
                result.key_locs[name] = attr.key_loc
        self._call_bodies[call] = result
        return result

    def child(self, name: str) -> TerraformModule | None:
        """The instance of module call ``name`` when its source is a local directory that can be
        read (and it is created at least once); None otherwise."""
        if name in self._children:
            return self._children[name]
        self._children[name] = None  # also guards against a call that needs its own outputs
        block = self._calls.get(name)
        if block is None or self.depth >= MAX_DEPTH:
            return None
        directory = self._local_source(block)
        if directory is None:
            return None
        count, scope = self._instances(f"module.{name}", block.body.attrs)
        real = _real(directory)
        if count == 0 or real is None or real in self.chain or self.root._expanded >= MAX_MODULES:
            return None
        self.root._expanded += 1
        source = load_directory(directory, self.display)
        if source is None:
            return None
        call = Call(name, f"{self.prefix}module.{name}", block, self, scope, count)
        child = TerraformModule._child(source, call)
        self._children[name] = child
        return child

    def _local_source(self, block: Block) -> Path | None:
        """The directory of a ``./`` or ``../`` source, or of a registry/git module that
        ``terraform init`` already placed under ``.terraform/modules`` (its ``modules.json``);
        nothing is ever fetched."""
        attr = block.body.attrs.get("source")
        if attr is None or self.base_dir is None:
            return None
        node = self.literal_ev.eval(attr.expr)
        text = node.value if isinstance(node, ScalarNode) else None
        if not isinstance(text, str) or "\x00" in text:
            return None
        if text.startswith(("./", "../")) and text not in ("./", ".") and "::" not in text:
            directory = Path(os.path.normpath(self.base_dir / text))
        else:
            key = ".".join(f"{self.prefix}module.{block.labels[0]}".split(".")[1::2])  # "db.inner"
            installed = self.root.installed_modules().get(key)
            if installed is None or self.root.base_dir is None:
                return None
            directory = Path(os.path.normpath(self.root.base_dir / installed))
        if not directory.is_dir():
            return None
        # like file(): modules near the scanned one (``../../`` from an example), not anywhere
        top = _real(self.root.base_dir)
        real = _real(directory)
        if top is None or real is None:
            return None
        near = [Path(top), *Path(top).parents[:MAX_UP]]
        return directory if any(Path(real).is_relative_to(p) for p in near) else None

    def installed_modules(self) -> dict[str, str]:
        """``.terraform/modules/modules.json`` of the scanned module: call key (``db``,
        ``db.inner``) -> directory, relative to the scanned module."""
        if self._installed is not None:
            return self._installed
        found: dict[str, str] = {}
        path = self.base_dir / ".terraform" / "modules" / "modules.json" if self.base_dir else None
        try:
            if path is not None and path.is_file() and path.stat().st_size <= 1024 * 1024:
                data = json.loads(path.read_text(encoding="utf-8-sig"))
                for entry in data.get("Modules", []) if isinstance(data, dict) else []:
                    key, where = entry.get("Key"), entry.get("Dir")
                    if isinstance(key, str) and key and isinstance(where, str) and where:
                        found[key] = where
        except (OSError, ValueError, AttributeError, RecursionError):
            found = {}
        self._installed = found
        return found

    def module_output(self, name: str, steps: list[Step], loc: Location) -> Node:
        """``module.x.out``: the child's output when it is a local module, else unknown."""
        instance: Step | None = None
        if steps and steps[0].kind == "index":
            instance, steps = steps[0], steps[1:]
        child = self.child(name) if name in self._calls else None
        if child is None or not steps or steps[0].kind != "attr":
            return unknown(loc, f"module.{name} outputs are not evaluated")
        out = str(steps[0].key)
        value = child.output(out)
        if value is None:
            return unknown(loc, f"module.{name} has no output {out}")
        result = self.ev.apply(_pick_instance(value, instance), steps[1:], loc)
        if isinstance(result, UnknownNode):
            return moved_unknown(result, loc, reason=result.reason or f"output {out} of module.{name}")
        origin = _written_at(f"output {out} of {self.prefix}module.{name}")
        return relocate(result, loc, origin, deep=False, keep=self._keep)

    def output(self, name: str) -> Node | None:
        if name in self._output_cache:
            return self._output_cache[name]
        block = self._outputs.get(name)
        attr = block.body.attrs.get("value") if block is not None else None
        if attr is None:
            return None
        key = ("output", name)
        if key in self._busy:
            return unknown(attr.key_loc, f"output {name} depends on itself")
        self._busy.add(key)
        outer = self.ev.context
        self.ev.context = (f"{self.prefix}output.{name}", ("value",))
        try:
            value: Node | None = self.ev.eval(attr.expr)
        finally:
            self._busy.discard(key)
            self.ev.context = outer
        self._output_cache[name] = value
        return value

    def instances(self) -> list[TerraformModule]:
        """This module and every local child module instance under it, callers first."""
        out: list[TerraformModule] = [self]
        for name in self._calls:
            try:
                child = self.child(name)
            except Exception as exc:  # our bug: that call is not expanded, the rest is
                self._problem(f"expanding module.{name}", exc)
                continue
            if child is not None:
                out.extend(child.instances())
        return out

    # -- adapting -------------------------------------------------------------------------------
    def adapt(self) -> None:
        model = self.result.model
        instances = self.instances()
        views: dict[str, ResourceView] = {}
        for instance in instances:
            instance._views(views)
        ctx = AdaptContext(model, "terraform", views)
        # strings written in a child module's own files are its own scan's business
        child_paths: set[str] = set()
        for instance in instances[1:]:
            child_paths |= instance.source.own_paths
            child_paths |= {instance.display(p) for p, text in instance.ev._files.items() if text is not None}
        strings = _Strings(model, child_paths)
        for address, view in views.items():
            if view.type == "module" or (isinstance(view, _LazyView) and address.startswith("module.")):
                continue  # a child's block no handler reads: what the caller passed is recorded anyway
            self._guard(f"recording strings of {address}", lambda v=view, a=address: strings.add(v.body, a))
        self._guard("recording provider and backend settings", lambda: self._record_settings(strings))
        self._guard("recording locals", lambda: self._record_locals(strings))
        self._guard("recording templates", lambda: self._record_partials(strings))
        self._guard("recording variables", lambda: self._record_variables(ctx, strings))
        self._guard("recording tfvars", lambda: self._record_tfvars(strings))
        self._run_handlers(views, ctx)

    def _views(self, views: dict[str, ResourceView]) -> None:
        from lpcheck.adapters.registry import tf_handlers

        for address, decl in self.decls.items():
            try:
                count = _times(self.count(decl), self.multiplier)
                if count == 0 or (self.call is not None and not tf_handlers(decl.handler_key)):
                    # never created, or a child's block no handler reads: evaluated only if a
                    # neighbour's handler reads it (the root's are read for literal strings)
                    views[self.prefix + address] = _LazyView(
                        self.prefix + address,
                        decl.handler_key,
                        decl.loc,
                        self._lazy_body(decl),
                        self.names,
                        count,
                    )
                    continue
                body = self.body(decl)
                view = ResourceView(
                    address=self.prefix + address,
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
                views[view.address] = view
            except Exception as exc:
                self._problem(f"adapting {self.prefix}{address}", exc)
        for name, block in self._calls.items():
            address = f"{self.prefix}module.{name}"
            try:
                count = _times(self._instances(f"module.{name}", block.body.attrs)[0], self.multiplier)
                views[address] = ResourceView(
                    address=address, type="module", loc=block.loc, body=self.call_body(name), count=count
                )
            except Exception as exc:
                self._problem(f"adapting {address}", exc)

    def _lazy_body(self, decl: Decl) -> Callable[[], MapNode]:
        def make() -> MapNode:
            try:
                return self.body(decl)
            except Exception as exc:  # our bug: the neighbour sees an empty block
                self._problem(f"adapting {self.prefix}{decl.address}", exc)
                return MapNode(loc=decl.loc)

        return make

    def _record_settings(self, strings: _Strings) -> None:
        for block in self.providers:
            owner = f"provider.{block.labels[0]}"
            strings.add(self._settings(block, owner), owner)
        for block in self.terraform:
            for inner in block.body.blocks:
                if inner.type in ("backend", "cloud"):
                    label = f"terraform.{inner.type}" + (f".{inner.labels[0]}" if inner.labels else "")
                    strings.add(self._settings(inner, label), label)
        for name in self._calls:
            strings.add(self.call_body(name), f"module.{name}")
        for name in self._outputs:
            value = self.output(name)
            if value is not None:
                strings.add(value, f"output.{name}", ("value",))

    def _settings(self, block: Block, owner: str) -> MapNode:
        outer = self.ev.context
        self.ev.context = (owner, ())
        try:
            return self.eval_body(block.body, block.loc)
        finally:
            self.ev.context = outer

    def _record_locals(self, strings: _Strings) -> None:
        """Local values' literals that no recorded value was taken from (an unused local), where
        written; evaluating every local also records its templates with unknown parts."""
        places = strings.places()
        for name, attr in self.locals.items():
            value = self.local(name, attr.key_loc)
            for path, scalar in iter_scalars(value, ("locals", name)):
                if not isinstance(scalar.value, str) or not scalar.value:
                    continue
                if f"{scalar.loc.path}:{scalar.loc.line}" not in places:
                    strings.record(
                        scalar.value, scalar.loc, f"local.{name}", path, scalar.origin, _spans(scalar)
                    )

    def _record_partials(self, strings: _Strings) -> None:
        """Templates whose interpolations are unknown, as written: a credential beside them is
        still a literal in the code (their values stay unknown for every other rule)."""
        for loc, (text, owner, path) in (self.ev.partials or {}).items():
            strings.record(text, loc, owner or "template", path, None)

    def _record_variables(self, ctx: AdaptContext, strings: _Strings) -> None:
        model = self.result.model
        used = set()
        for text in self.texts:
            used.update(_VAR_USE.findall(text))
        consumed = {self.origin_vars[head] for head in strings.origin_heads() if head in self.origin_vars}
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
                strings.add(default_node, f"var.{name}", ("variable", name, "default"))

    def _record_tfvars(self, strings: _Strings) -> None:
        """tfvars values no expression took (an undeclared or unused variable), where written."""
        heads = strings.origin_heads()
        for name, (node, _shown) in self.tfvars.items():
            for path, scalar in iter_scalars(node, ("tfvars", name)):
                if not isinstance(scalar.value, str) or not scalar.value:
                    continue
                if f"{scalar.loc.path}:{scalar.loc.line}" in heads:
                    continue
                strings.record(scalar.value, scalar.loc, "tfvars", path, None)

    def _run_handlers(self, views: dict[str, ResourceView], ctx: AdaptContext) -> None:
        from lpcheck.adapters.registry import load_handlers, tf_handlers

        try:
            load_handlers()
        except Exception as exc:
            self._problem("loading resource handlers", exc)
            return
        for address, view in views.items():
            if view.count == 0:
                continue  # never created: only its neighbours read it
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


class _LazyView(ResourceView):
    """The view of a block no handler is given (never created, or of a type no handler reads):
    its body is evaluated the first time a neighbour's handler reads it (most of a reusable
    module's optional blocks are never read)."""

    def __init__(
        self,
        address: str,
        type: str,
        loc: Location,
        make: Callable[[], MapNode],
        names: Callable[[MapNode], tuple[str, ...]],
        count: int | None,
    ) -> None:
        self._make: Callable[[], MapNode] | None = make
        self._name_of = names
        self._lazy_body: MapNode | None = None
        super().__init__(address=address, type=type, loc=loc, body=None, names=(), count=count)

    @property  # type: ignore[override]
    def body(self) -> MapNode | None:
        if self._make is not None:
            make, self._make = self._make, None
            self._lazy_body = make()
        return self._lazy_body

    @body.setter
    def body(self, value: MapNode | None) -> None:
        if value is not None:
            self._make = None
            self._lazy_body = value

    @property  # type: ignore[override]
    def names(self) -> tuple[str, ...]:
        body = self.body
        return self._name_of(body) if body is not None else ()

    @names.setter
    def names(self, value: tuple[str, ...]) -> None:
        pass


class _Strings:
    """Records literal strings for the secret rules, once per place and value, leaving out those
    located in a child module's own files (that module's own scan reports them)."""

    def __init__(self, model: Model, skip_paths: set[str]) -> None:
        self.model = model
        self.skip = skip_paths
        self.seen: set[tuple[Location, str]] = set()
        self.origins: set[str] = set()

    def add(self, node: Node | None, owner: str, prefix: tuple[str, ...] = ()) -> None:
        for path, scalar in iter_scalars(node, prefix):
            if isinstance(scalar.value, str) and scalar.value:
                self.record(scalar.value, scalar.loc, owner, path, scalar.origin, _spans(scalar))

    def record(
        self,
        value: str,
        loc: Location,
        owner: str,
        path: tuple[str, ...],
        origin: str | None,
        spans: tuple = (),
    ) -> None:
        key = (loc, value)
        if loc.path in self.skip or key in self.seen:
            return
        self.seen.add(key)
        if origin:
            self.origins.add(origin)
        self.model.add(StringLiteral(value=value, loc=loc, path=path, owner=owner, origin=origin))
        if spans:  # where the text's characters are written (an indented ``<<-`` heredoc)
            from lpcheck.secrets.layout import TextLayout

            self.model.add(TextLayout(loc=loc, value=value, spans=spans))

    def places(self) -> set[str]:
        """``path:line`` of every place a recorded value names as its origin."""
        out: set[str] = set()
        for origin in self.origins:
            for part in origin.split("("):
                end = part.find(")")
                if end > 0:
                    out.add(part[:end])
        return out

    def origin_heads(self) -> set[str]:
        """Where the recorded values were first written (an origin without the module call part)."""
        return {part.split(", argument ", 1)[0] for o in self.origins for part in o.split("; ")}


def _ignored_names(expr: object, at: Location) -> Node | None:
    """``ignore_changes = [password, tags["x"]]`` (or the legacy ``["password"]``, or ``all``) as
    the names written: strings, each where it is written."""
    if isinstance(expr, (JExpr, LitExpr)):
        node = expr.node
        if isinstance(node, ScalarNode) and isinstance(node.value, str):
            return node
        if isinstance(node, ListNode):
            kept = [i for i in node.items if isinstance(i, ScalarNode) and isinstance(i.value, str)]
            return ListNode(loc=node.loc, items=kept)  # type: ignore[arg-type]
        return None
    if not isinstance(expr, HExpr):
        return None
    tree = expr.tree
    while is_tree(tree) and tree.data == "expr_term" and len(subtrees(tree)) == 1:
        tree = subtrees(tree)[0]
    if not is_tree(tree):
        return None
    if tree.data != "tuple":
        return ScalarNode(loc=expr.loc, value=expr.text().strip('"'))  # ``all``
    names: list[Node] = []
    for element in subtrees(tree):
        written = HExpr(element, expr.src)
        names.append(ScalarNode(loc=written.loc, value=written.text().strip('"')))
    return ListNode(loc=expr.loc, items=names)


def _spans(node: ScalarNode) -> tuple:
    return node.spans if isinstance(node, TextNode) else ()


def _real(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return os.path.realpath(path)
    except (OSError, ValueError):
        return None


def _times(a: int | None, b: int | None) -> int | None:
    if a == 0 or b == 0:
        return 0
    if a is None or b is None:
        return None
    return a * b


def _unknown_each(collection: UnknownNode) -> Scope:
    """``each`` over an unknown collection of another resource's instances: ``each.value`` (and
    what is read from it, ``each.value.id``) refers to that resource."""
    loc, ref = collection.loc, collection.ref
    value = UnknownNode(loc=loc, reason=f"an instance of {ref}", ref=ref)
    key = UnknownNode(loc=loc, reason=f"the key of an instance of {ref}")
    return Scope({"each": MapNode(loc=loc, items={"key": key, "value": value})})


def _instance_keys(scope: Scope) -> list[tuple[str | None, ScalarNode]] | None:
    """(choice label, key) of each instance bound in a block's scope (``count.index``/``each.key``);
    None when the instances are not told apart."""
    if "count" in scope.names:
        holder = scope.names["count"]
        node = holder.items.get("index") if isinstance(holder, MapNode) else None
    elif "each" in scope.names:
        holder = scope.names["each"]
        node = holder.items.get("key") if isinstance(holder, MapNode) else None
    else:
        return None
    if isinstance(node, ScalarNode):
        return [(None, node)]
    if isinstance(node, ChoiceNode) and all(isinstance(o, ScalarNode) for _, o in node.options):
        return [(label, o) for label, o in node.options]  # type: ignore[misc]
    return None


def _pick_label(node: Node, label: str | None) -> Node:
    """The option of a per-instance choice for the instance labelled ``label``."""
    if label is None or not isinstance(node, ChoiceNode):
        return node
    for option_label, option in node.options:
        if option_label == label:
            return option if option is not None else ScalarNode(loc=node.loc, value=None)
    return node


def _count_scope(count: int, loc: Location, where: str) -> Scope:
    if count > MAX_INSTANCES:
        return EMPTY
    index: Node
    if count == 1:
        index = ScalarNode(loc=loc, value=0)
    else:
        index = ChoiceNode(
            loc=loc,
            options=[(f"count.index = {i}{where}", ScalarNode(loc=loc, value=i)) for i in range(count)],
        )
    return Scope({"count": MapNode(loc=loc, items={"index": index})})


def _each_count(collection: Node) -> int | None:
    """Instances a ``for_each`` creates; over a collection that differs per instance of the
    enclosing module, the same number in each, else unknown."""
    from lpcheck.adapters.terraform.functions import collection_size

    if instance_labels(collection) is None:
        return collection_size(collection)
    assert isinstance(collection, ChoiceNode)
    sizes = {collection_size(option) for _, option in collection.options}
    return sizes.pop() if len(sizes) == 1 else None


def _each_pairs(collection: Node | None) -> list[tuple[str, Node, Node]] | None:
    """(key text, key node, value) of each instance of a known set or map."""
    pairs: list[tuple[str, Node, Node]] = []
    if isinstance(collection, ListNode):
        seen: set[str] = set()
        for item in collection.items:
            text = to_text(item.value) if isinstance(item, ScalarNode) else None
            if text is None:
                return None
            if text not in seen:
                seen.add(text)
                pairs.append((text, item, item))
        return pairs
    if isinstance(collection, MapNode):
        return [
            (k, ScalarNode(loc=collection.key_loc(k), value=k), collection.items[k])
            for k in sorted(collection.items)
        ]
    return None


def _each_scope(collection: Node, where: str) -> Scope:
    """``each`` over a known set or map: its key and value, a choice per instance (labelled
    ``each.key = "admin"``). Over a collection that differs per instance of the enclosing
    module, every (module instance, key) pair is an instance."""
    labelled: list[tuple[str, Node, Node]] = []
    if isinstance(collection, ChoiceNode) and instance_labels(collection) is not None:
        for outer, option in collection.options:
            pairs = _each_pairs(option)
            if pairs is None:
                return EMPTY
            labelled += [(f"each.key = {json.dumps(t)}{where}, {outer}", k, v) for t, k, v in pairs]
    else:
        pairs = _each_pairs(collection)
        if pairs is None:
            return EMPTY
        labelled = [(f"each.key = {json.dumps(t)}{where}", k, v) for t, k, v in pairs]
    if not labelled or len(labelled) > MAX_INSTANCES:
        return EMPTY
    loc = collection.loc
    if len(labelled) == 1:
        _label, key_node, value = labelled[0]
        return Scope({"each": MapNode(loc=loc, items={"key": key_node, "value": value})})
    keys = ChoiceNode(loc=loc, options=[(label, k) for label, k, _ in labelled])
    values = ChoiceNode(loc=loc, options=[(label, v) for label, _, v in labelled])
    return Scope({"each": MapNode(loc=loc, items={"key": keys, "value": values})})


def _pick_instance(node: Node, step: Step | None) -> Node:
    """``x[0]`` / ``x["k"]`` of a per-instance choice: that instance's option."""
    if step is None or step.key is None or not isinstance(node, ChoiceNode):
        return node
    key = step.key
    wanted = f"count.index = {key}" if isinstance(key, int) else f"each.key = {json.dumps(str(key))}"
    for label, option in node.options:
        if (label == wanted or label.startswith(wanted + " in ")) and option is not None:
            return option
    return node


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
