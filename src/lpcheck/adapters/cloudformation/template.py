"""One CloudFormation template (JSON/YAML, SAM, CDK synth output) -> views -> handlers -> model.

Every resource becomes a ``ResourceView`` over its resolved ``Properties``; all views exist before
the first handler runs (a handler may look at a neighbour). A handler's bug is recorded as a
problem for that resource and never stops the template. Every literal of the template (resource
bodies and metadata, outputs, parameter defaults that flow nowhere) is recorded for the secret
rules, and every parameter becomes a ``TemplateParameter``.
"""

from __future__ import annotations

from lpcheck.adapters.cloudformation.foreach import expand_foreach
from lpcheck.adapters.cloudformation.intrinsics import (
    SUB_VARIABLE,
    Parameter,
    PartialText,
    Resolver,
    TextNode,
    as_text,
    condition_label,
)
from lpcheck.adapters.cloudformation.sam import apply_globals, globals_by_type, has_sam_transform
from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.view import ResourceView
from lpcheck.location import Location
from lpcheck.model.resources import StringLiteral, TemplateParameter
from lpcheck.model.values import Value
from lpcheck.parsers.nodes import ChoiceNode, ListNode, MapNode, Node, ScalarNode, to_python
from lpcheck.result import AdaptResult
from lpcheck.secrets.layout import TextLayout

# Properties that hold a resource's own literal physical name (or ARN), for linking by name.
# Properties naming *another* resource (TargetKeyId, SecretId, ...) must never be listed here.
NAME_PROPERTIES = (
    "BucketName",
    "QueueName",
    "TopicName",
    "FunctionName",
    "DBInstanceIdentifier",
    "DBClusterIdentifier",
    "SecretName",
    "Name",
    "RoleName",
    "UserName",
    "GroupName",
    "ManagedPolicyName",
    "TableName",
    "StreamName",
    "KeyId",
    "Arn",
    "AliasName",
    "ClusterName",
    "DomainName",
    "ReplicationGroupId",
    "CacheClusterId",
    "LogGroupName",
    "StateMachineName",
    "FileSystemName",
    "RepositoryName",
)
PARAMETER_TYPE = "parameter"


def _text(node: Node | None) -> str | None:
    return node.value if isinstance(node, ScalarNode) and isinstance(node.value, str) else None


def _truthy(node: Node | None) -> bool:
    if isinstance(node, ScalarNode):
        if isinstance(node.value, bool):
            return node.value
        return isinstance(node.value, str) and node.value.strip().lower() == "true"
    return False


def read_parameters(section: Node | None) -> dict[str, Parameter]:
    params: dict[str, Parameter] = {}
    if not isinstance(section, MapNode):
        return params
    for key, spec in section.items.items():
        name = str(key)  # a plain str: names reach findings, which are pickled
        loc = section.key_loc(key)
        if not isinstance(spec, MapNode):
            params[name] = Parameter(name, "String", loc, None)
            continue
        params[name] = Parameter(
            name=name,
            type=(_text(spec.get("Type")) or "String").strip(),
            loc=loc,
            default=spec.get("Default"),
            no_echo=_truthy(spec.get("NoEcho")),
        )
    return params


def referenced_names(root: MapNode, skip: tuple[str, ...] = ("Parameters",)) -> set[str]:
    """Every name used by ``Ref`` or inside an ``Fn::Sub`` string (iterative: trees can be deep)."""
    found: set[str] = set()
    stack: list[Node] = [v for k, v in root.items.items() if k not in skip]
    while stack:
        node = stack.pop()
        if isinstance(node, MapNode):
            for key, value in node.items.items():
                if key == "Ref" and isinstance(value, ScalarNode) and isinstance(value.value, str):
                    found.add(value.value)
                elif key == "Fn::Sub":
                    template = value.items[0] if isinstance(value, ListNode) and value.items else value
                    text = _text(template)
                    if text:
                        for m in SUB_VARIABLE.finditer(text):
                            if not m.group(1).startswith("!"):
                                found.add(m.group(1).strip().split(".")[0])
                stack.append(value)
        elif isinstance(node, ListNode):
            stack.extend(node.items)
        elif isinstance(node, ChoiceNode):
            stack.extend(n for _, n in node.options if n is not None)
    return found


def _choice_of_maps(choice: ChoiceNode) -> MapNode | None:
    """``Fn::If`` over whole maps -> one map whose every key is a choice (absent where missing)."""
    if not all(n is None or isinstance(n, MapNode) for _, n in choice.options):
        return None
    out = MapNode(loc=choice.loc)
    for _, option in choice.options:
        if isinstance(option, MapNode):
            for key in option.items:
                out.key_locs.setdefault(key, option.key_loc(key))
    for key in out.key_locs:
        out.items[key] = ChoiceNode(
            loc=out.key_locs[key],
            options=[
                (label, n.items.get(key) if isinstance(n, MapNode) else None) for label, n in choice.options
            ],
        )
    return out


def _names(body: MapNode) -> tuple[str, ...]:
    names: list[str] = []
    for prop in NAME_PROPERTIES:
        node = body.items.get(prop)
        candidates = [n for _, n in node.options] if isinstance(node, ChoiceNode) else [node]
        for cand in candidates:
            text = _text(cand)
            if text and text not in names:
                names.append(text)
    return tuple(names)


class TemplateAdapter:
    """Adapts one parsed template into ``result.model``."""

    def __init__(self, root: MapNode, display: str, result: AdaptResult, fmt: str | None = None) -> None:
        self.root = root
        self.display = display
        self.result = result
        self.params = read_parameters(root.get("Parameters"))
        mappings = root.get("Mappings")
        self.resolver = Resolver(
            display,
            self.params,
            mappings if isinstance(mappings, MapNode) else None,
            blocks=None if fmt is None else fmt != "json",
        )
        self.globals = globals_by_type(root.get("Globals"))
        self.sam = has_sam_transform(root.get("Transform"))
        self.views: dict[str, ResourceView] = {}
        self.dispatch: list[str] = []  # addresses whose handlers run
        self.ctx = AdaptContext(result.model, "cloudformation", self.views)

    # -- helpers ----------------------------------------------------------------------------------
    def _collection(self, node: Node) -> list[str] | None:
        value = self.resolver.resolve(node)
        if not isinstance(value, ListNode):
            return None
        texts = [as_text(i) for i in value.items]
        return None if any(t is None for t in texts) else texts  # type: ignore[return-value]

    def _problem(self, what: str, exc: BaseException) -> None:
        self.result.problems.append(RuntimeError(f"internal error {what}: {type(exc).__name__}: {exc}"))

    def _section(self, key: str) -> MapNode | None:
        node = self.root.get(key)
        if not isinstance(node, MapNode):
            return None
        return expand_foreach(node, self._collection)

    # -- steps ------------------------------------------------------------------------------------
    def run(self) -> None:
        resources = self._section("Resources")
        if resources is not None:
            self.resolver.resources = {str(k) for k in resources.items}
            for logical_id, spec in resources.items.items():
                try:
                    self._build_view(str(logical_id), spec, resources.key_loc(logical_id))
                except Exception as exc:  # our bug on one resource must not lose the others
                    self._problem(f"reading resource {logical_id}", exc)
        self._record_strings()
        self._record_parameters()
        self._record_mappings()
        self._run_handlers()

    def _build_view(self, logical_id: str, spec: Node, loc: Location) -> None:
        if logical_id == "Fn::Transform" or not isinstance(spec, MapNode):
            return  # AWS::Include at section level, or not a resource at all
        rtype = _text(spec.get("Type"))
        raw = spec.get("Properties")
        if isinstance(raw, ScalarNode) and raw.value is None:
            raw = None  # "Properties:" with nothing under it
        runnable = rtype is not None
        if isinstance(raw, MapNode) and "Fn::Transform" in raw.items:
            runnable = False  # an include/macro may add any property: absent means nothing here
        if rtype in self.globals and (raw is None or isinstance(raw, MapNode)):
            raw = apply_globals(raw if raw is not None else MapNode(loc=loc), self.globals[rtype])

        resolved = self.resolver.resolve(raw) if raw is not None else None
        if isinstance(resolved, ChoiceNode):
            resolved = _choice_of_maps(resolved) or resolved
        if resolved is None:
            body = MapNode(loc=loc)
        elif isinstance(resolved, MapNode):
            body = resolved
        else:  # Properties computed as a whole: nothing can be said about them
            body = MapNode(loc=loc)
            runnable = False

        condition = _text(spec.get("Condition"))
        view = ResourceView(
            address=logical_id,
            type=rtype or "",
            loc=loc,
            body=body,
            names=_names(body),
            condition=condition_label(condition, True) if condition else None,
        )
        metadata = spec.get("Metadata")
        if metadata is not None:
            resolved_meta = self.resolver.resolve(metadata)
            view.extra["metadata"] = resolved_meta
            if isinstance(resolved_meta, MapNode):
                cdk_path = _text(resolved_meta.get("aws:cdk:path"))
                if cdk_path:
                    view.extra["cdk_path"] = cdk_path
        if self.sam or (rtype and rtype.startswith("AWS::Serverless::")):
            view.extra["sam"] = True
        if not isinstance(spec.get("Type"), ScalarNode) and spec.get("Type") is not None:
            view.extra["module"] = to_python(spec.get("Type"))  # Rain module and the like
        self.views[logical_id] = view
        if runnable:
            self.dispatch.append(logical_id)

    def _record_strings(self) -> None:
        add = self._add_strings
        for address, view in self.views.items():
            add(view.body, address)
            metadata = view.extra.get("metadata")
            if isinstance(metadata, Node):
                add(metadata, address, ("Metadata",))
        outputs = self._section("Outputs")
        if outputs is not None:
            for key, spec in outputs.items.items():
                name = str(key)
                if isinstance(spec, MapNode) and spec.get("Value") is not None:
                    try:
                        value = self.resolver.resolve(spec.get("Value"))
                    except Exception as exc:
                        self._problem(f"reading output {name}", exc)
                        continue
                    add(value, f"Outputs.{name}", ("Outputs", name, "Value"))

    def _add_strings(self, node: Node | None, owner: str, prefix: tuple[str, ...] = ()) -> None:
        """Every literal under ``node`` for the secret rules, with the layout of composed and block
        text; an ``Fn::Sub``/``Fn::Join`` with unresolvable parts is recorded as its partial text
        (``${AWS::Region}`` left as written), which no other rule sees."""
        self.ctx.add_strings(node, owner, prefix)
        model = self.result.model
        for path, text in _texts(node, prefix):
            if isinstance(text, PartialText):
                if not text.text.strip():
                    continue
                model.add(
                    StringLiteral(value=text.text, loc=text.loc, path=path, owner=owner, origin=text.origin)
                )
                model.add(TextLayout(loc=text.loc, value=text.text, spans=text.spans))
            elif isinstance(text.value, str) and text.value:
                model.add(TextLayout(loc=text.loc, value=text.value, spans=text.spans))

    def _record_parameters(self) -> None:
        used = referenced_names(self.root) if self.params else set()
        # A default that flowed into a recorded literal is reported where it is used; the others
        # (unused, or used only in conditions or unknown strings) are recorded where written.
        consumed = {s.origin for s in self.result.model.of(StringLiteral) if s.origin}
        for name, param in self.params.items():
            default = param.default
            if default is None or (isinstance(default, ScalarNode) and default.value is None):
                value = Value.absent(param.loc)
            elif isinstance(default, (ScalarNode, ListNode)):
                value = Value.literal(to_python(default), default.loc)
            else:
                value = Value.unknown(default.loc, reason="computed default")
            self.result.model.add(
                TemplateParameter(
                    address=name,
                    type=PARAMETER_TYPE,
                    loc=param.loc,
                    name=name,
                    default=value,
                    hidden=param.no_echo,
                    used=name in used,
                )
            )
            if default is not None:
                marker = f"default of parameter {name} ("
                if not any(o.startswith(marker) or f"; {marker}" in o for o in consumed):
                    self.ctx.add_strings(default, f"Parameters.{name}", ("Parameters", name, "Default"))

    def _record_mappings(self) -> None:
        """Mapping entries that flow nowhere are recorded where they are written, for the secret
        rules (those read by ``Fn::FindInMap`` are reported where they are used)."""
        mappings = self.root.get("Mappings")
        if not isinstance(mappings, MapNode):
            return
        strings = self.result.model.of(StringLiteral)
        consumed = [s.origin for s in strings if s.origin and "mapping " in s.origin]
        for name, top in mappings.items.items():
            if not isinstance(top, MapNode):
                continue
            for top_key, second in top.items.items():
                if not isinstance(second, MapNode):
                    continue
                for key, value in second.items.items():
                    marker = f"mapping {name}.{top_key}.{key} ("
                    if not any(o.startswith(marker) or f"; {marker}" in o for o in consumed):
                        path = ("Mappings", str(name), str(top_key), str(key))
                        self.ctx.add_strings(value, f"Mappings.{name}", path)

    def _run_handlers(self) -> None:
        from lpcheck.adapters.registry import cfn_handlers, load_handlers

        try:
            load_handlers()
        except Exception as exc:
            self._problem("loading resource handlers", exc)
            return
        for address in self.dispatch:
            view = self.views[address]
            for handler in cfn_handlers(view.type):
                try:
                    handler(view, self.ctx)
                except Exception as exc:
                    name = (
                        f"{getattr(handler, '__module__', '?')}.{getattr(handler, '__qualname__', handler)}"
                    )
                    self.result.problems.append(
                        RuntimeError(f"internal error in {name} for {address}: {type(exc).__name__}: {exc}")
                    )


def _texts(
    node: Node | None, path: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], TextNode | PartialText]]:
    """Every composed or block text under ``node`` with its key path (iterative: trees can be deep)."""
    out: list[tuple[tuple[str, ...], TextNode | PartialText]] = []
    stack: list[tuple[tuple[str, ...], Node | None]] = [(path, node)]
    while stack:
        where, n = stack.pop()
        if isinstance(n, (TextNode, PartialText)):
            out.append((where, n))
        elif isinstance(n, MapNode):
            stack.extend(((*where, k), v) for k, v in n.items.items())
        elif isinstance(n, ListNode):
            stack.extend((where, v) for v in n.items)
        elif isinstance(n, ChoiceNode):
            stack.extend((where, v) for _, v in n.options)
    return out


def adapt_tree(root: Node, display: str, result: AdaptResult, fmt: str | None = None) -> AdaptResult:
    """Adapt an already parsed template (tests build trees by hand); ``fmt`` is "json" or "yaml"
    (by default guessed from the file name)."""
    if isinstance(root, MapNode):
        TemplateAdapter(root, display, result, fmt).run()
    return result
