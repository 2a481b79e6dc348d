"""``terraform show -json`` plan output -> resource views -> handlers -> model.

A plan already holds evaluated values, so no expression is evaluated here: each resource of
``planned_values`` (root module and child modules, recursively) becomes a view whose body is its
``values`` as positioned JSON nodes (findings point into the plan file). Values Terraform only
knows after apply (``resource_changes[].change.after_unknown``) become unknown nodes, with the
resource they reference when the configuration says so (so a bucket's encryption configuration
still links to its bucket); ``null`` is an unset attribute (absent). Policy attributes are JSON
strings, which the policy builder parses at their position. Provider blocks' literal settings
in ``configuration`` are recorded for the secret rules. Each view carries its configuration
``expressions`` (``view.extra["expressions"]``, matched by address through module calls).
"""

from __future__ import annotations

from pathlib import Path

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.view import ResourceView
from lpcheck.errors import ParseFailure
from lpcheck.location import Location
from lpcheck.model.container import Model
from lpcheck.parsers.nodes import ListNode, MapNode, Node, ScalarNode, UnknownNode
from lpcheck.result import AdaptResult

_NAME_ATTRIBUTES = (
    "bucket",
    "name",
    "identifier",
    "cluster_identifier",
    "function_name",
    "replication_group_id",
    "domain_name",
    "arn",
)
_AFTER_APPLY = "known after apply"


def adapt_plan(path: Path, display: str, text: str) -> AdaptResult:
    """Adapt one plan file; ``display`` is the path findings show."""
    result = AdaptResult(Model())
    try:
        root = _parse(text, display)
    except ParseFailure as exc:
        result.problems.append(exc)
        return result
    except Exception as exc:
        result.problems.append(RuntimeError(f"internal error parsing {display}: {type(exc).__name__}: {exc}"))
        return result
    try:
        PlanAdapter(root, result).run()
    except Exception as exc:  # RecursionError included: keep what was adapted so far
        result.problems.append(
            RuntimeError(f"internal error adapting {display}: {type(exc).__name__}: {exc}")
        )
    return result


def _parse(text: str, display: str) -> Node:
    if "\x00" in text:
        raise ParseFailure(Location(display, 1, 1), "binary content, not a JSON plan")
    bad = text.find("\ufffd")
    if bad != -1:
        line = text.count("\n", 0, bad) + 1
        raise ParseFailure(
            Location(display, line, bad - (text.rfind("\n", 0, bad) + 1) + 1), "not valid UTF-8 text"
        )
    from lpcheck.parsers.jsonpos import parse_json

    return parse_json(text, display)


def _get(node: Node | None, *path: str) -> Node | None:
    for key in path:
        if not isinstance(node, MapNode):
            return None
        node = node.items.get(key)
    return node


def _text(node: Node | None) -> str | None:
    if isinstance(node, ScalarNode) and isinstance(node.value, str):
        return node.value
    return None


def _maps(node: Node | None) -> list[MapNode]:
    if isinstance(node, ListNode):
        return [item for item in node.items if isinstance(item, MapNode)]
    return []


def with_unknowns(values: Node | None, after_unknown: Node | None, loc: Location) -> Node | None:
    """``values`` with ``null`` left out (unset) and after-apply values as unknown nodes."""
    if isinstance(after_unknown, ScalarNode) and after_unknown.value is True:
        return UnknownNode(loc=values.loc if values is not None else loc, reason=_AFTER_APPLY)
    if values is None or (isinstance(values, ScalarNode) and values.value is None):
        return None
    if isinstance(values, MapNode):
        unknown_map = after_unknown if isinstance(after_unknown, MapNode) else None
        out = MapNode(loc=values.loc, origin=values.origin)
        keys = list(values.items)
        if unknown_map is not None:
            keys += [k for k in unknown_map.items if k not in values.items]
        for key in keys:
            child = with_unknowns(
                values.items.get(key),
                unknown_map.items.get(key) if unknown_map is not None else None,
                values.key_loc(key),
            )
            if child is not None:
                out.items[key] = child
                out.key_locs[key] = values.key_loc(key)
        return out
    if isinstance(values, ListNode):
        unknown_list = after_unknown.items if isinstance(after_unknown, ListNode) else []
        items = []
        for i, item in enumerate(values.items):
            marker = unknown_list[i] if i < len(unknown_list) else None
            child = with_unknowns(item, marker, item.loc)
            items.append(child if child is not None else item)
        return ListNode(loc=values.loc, origin=values.origin, items=items)
    return values


class PlanAdapter:
    def __init__(self, root: Node, result: AdaptResult) -> None:
        self.root = root
        self.result = result
        self.changes: dict[str, MapNode] = {}
        for change in _maps(_get(root, "resource_changes")):
            address = _text(change.items.get("address"))
            if address:
                self.changes[address] = change
        self.expressions: dict[str, MapNode] = {}
        self._index_configuration(_get(root, "configuration", "root_module"), "")

    def _index_configuration(self, module: Node | None, prefix: str) -> None:
        """Expressions of each configured resource, by address ("module.m.aws_x.y")."""
        for resource in _maps(_get(module, "resources")):
            address = _text(resource.items.get("address"))
            expressions = resource.items.get("expressions")
            if address and isinstance(expressions, MapNode):
                self.expressions[prefix + address] = expressions
        calls = _get(module, "module_calls")
        if isinstance(calls, MapNode):
            for name, call in calls.items.items():
                self._index_configuration(_get(call, "module"), f"{prefix}module.{name}.")

    def run(self) -> None:
        views: dict[str, ResourceView] = {}
        for resource in self._resources(_get(self.root, "planned_values", "root_module")):
            try:
                view = self._view(resource)
            except Exception as exc:
                self._problem("reading a planned resource", exc)
                continue
            if view is not None:
                views.setdefault(view.address, view)
        ctx = AdaptContext(self.result.model, "terraform-plan", views)
        for address, view in views.items():
            try:
                ctx.add_strings(view.body, address)
            except Exception as exc:
                self._problem(f"recording strings of {address}", exc)
        try:
            self._record_providers(ctx)
        except Exception as exc:
            self._problem("recording provider settings", exc)
        self._run_handlers(views, ctx)

    def _resources(self, module: Node | None) -> list[MapNode]:
        found = list(_maps(_get(module, "resources")))
        for child in _maps(_get(module, "child_modules")):
            found.extend(self._resources(child))
        return found

    def _view(self, resource: MapNode) -> ResourceView | None:
        address = _text(resource.items.get("address"))
        rtype = _text(resource.items.get("type"))
        if not address or not rtype:
            return None
        mode = _text(resource.items.get("mode")) or "managed"
        change = self.changes.get(address)
        after_unknown = _get(change, "change", "after_unknown")
        values = resource.items.get("values")
        body = with_unknowns(values if isinstance(values, MapNode) else None, after_unknown, resource.loc)
        if not isinstance(body, MapNode):
            body = MapNode(loc=resource.loc)
        self._link_unknowns(body, address)
        self._hide_sensitive_inputs(body, address, resource.items.get("sensitive_values"))
        names = tuple(value for attr in _NAME_ATTRIBUTES if (value := _text(body.items.get(attr))))
        view = ResourceView(
            address=address,
            type=rtype if mode == "managed" else f"data.{rtype}",
            loc=resource.loc,
            body=body,
            names=names,
            condition=None,
            count=1,
        )
        expressions = self.expressions.get(_strip_index(address))
        if expressions is not None:
            # what the configuration writes for each attribute (a constant, or references such as
            # ``var.db_password``): handlers tell a hardcoded value from a planning input with it
            view.extra["expressions"] = expressions
        return view

    def _link_unknowns(self, body: MapNode, address: str) -> None:
        """An after-apply attribute whose configuration references a resource names it."""
        config_address = _strip_index(address)
        expressions = self.expressions.get(config_address)
        if expressions is None:
            return
        prefix = config_address[: len(config_address) - len(_local_address(config_address))]
        for key, node in body.items.items():
            if not isinstance(node, UnknownNode) or node.ref:
                continue
            refs = _get(expressions, key, "references")
            for item in refs.items if isinstance(refs, ListNode) else []:
                target = _resource_address(_text(item))
                if target:
                    node.ref = prefix + target
                    break

    def _hide_sensitive_inputs(self, body: MapNode, address: str, sensitive: Node | None) -> None:
        """A sensitive value the configuration does not write literally (a variable, a data
        source) is unknown: the plan shows it resolved, but it is not hardcoded anywhere."""
        if not isinstance(sensitive, MapNode):
            return
        expressions = self.expressions.get(_strip_index(address))
        if expressions is None:
            return
        for key, flag in sensitive.items.items():
            node = body.items.get(key)
            expr = expressions.items.get(key)
            if node is None or not (isinstance(flag, ScalarNode) and flag.value is True):
                continue
            if (
                isinstance(expr, MapNode)
                and "constant_value" not in expr.items
                and "references" in expr.items
            ):
                body.items[key] = UnknownNode(loc=node.loc, reason="sensitive value supplied when planning")

    def _record_providers(self, ctx: AdaptContext) -> None:
        """Literal settings of provider blocks and module calls (credentials, passwords)."""
        providers = _get(self.root, "configuration", "provider_config")
        if isinstance(providers, MapNode):
            for key, provider in providers.items.items():
                settings = constants(_get(provider, "expressions"))
                if settings is not None:
                    ctx.add_strings(settings, f"provider.{_text(_get(provider, 'name')) or key}")
        self._record_module_calls(ctx, _get(self.root, "configuration", "root_module"), "")

    def _record_module_calls(self, ctx: AdaptContext, module: Node | None, prefix: str) -> None:
        calls = _get(module, "module_calls")
        if not isinstance(calls, MapNode):
            return
        for name, call in calls.items.items():
            settings = constants(_get(call, "expressions"))
            if settings is not None:
                ctx.add_strings(settings, f"{prefix}module.{name}")
            self._record_module_calls(ctx, _get(call, "module"), f"{prefix}module.{name}.")

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

    def _problem(self, what: str, exc: Exception) -> None:
        self.result.problems.append(RuntimeError(f"internal error {what}: {type(exc).__name__}: {exc}"))


def constants(expressions: Node | None) -> MapNode | None:
    """The literal values of a configuration ``expressions`` map (nested blocks included)."""
    if not isinstance(expressions, MapNode):
        return None
    out = MapNode(loc=expressions.loc)
    for name, expr in expressions.items.items():
        value: Node | None = None
        if isinstance(expr, MapNode) and "constant_value" in expr.items:
            value = expr.items["constant_value"]
        elif isinstance(expr, ListNode):
            blocks = [b for b in (constants(item) for item in expr.items) if b is not None]
            value = ListNode(loc=expr.loc, items=list(blocks)) if blocks else None
        if value is not None:
            out.items[name] = value
            out.key_locs[name] = expressions.key_loc(name)
    return out


def _strip_index(address: str) -> str:
    """``module.m["a"].aws_x.y[0]`` -> ``module.m.aws_x.y`` (configuration addresses)."""
    out = []
    depth = 0
    quoted = False
    for ch in address:
        if quoted:
            if ch == '"':
                quoted = False
            continue
        if ch == '"' and depth:
            quoted = True
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif not depth:
            out.append(ch)
    return "".join(out)


def _local_address(address: str) -> str:
    """The resource part of a module address: ``module.m.aws_x.y`` -> ``aws_x.y``."""
    parts = address.split(".")
    while len(parts) > 2 and parts[0] == "module":
        parts = parts[2:]
    return ".".join(parts)


def _resource_address(reference: str | None) -> str | None:
    """``aws_s3_bucket.b.id`` -> ``aws_s3_bucket.b``; ``data.x.y.z`` -> ``data.x.y``; else None."""
    if not reference:
        return None
    parts = _strip_index(reference).split(".")
    if parts[0] in ("var", "local", "each", "count", "path", "terraform", "self", "module"):
        return None
    if parts[0] == "data":
        return ".".join(parts[:3]) if len(parts) >= 3 else None
    return ".".join(parts[:2]) if len(parts) >= 2 else None
