"""What the files of one Terraform module directory declare, parsed once.

A ``ModuleSource`` holds the declarations (variables, locals, resources and data sources,
providers, module calls, outputs, ``terraform`` blocks) and, for the scanned module only, its
tfvars values. Evaluating them is ``module.TerraformModule``'s job; a child module that several
calls or several scanned examples use (``source = "../../"``) is parsed once per process
(``load_directory``, keyed by the files' names, sizes and modification times).

Files are parsed in a fixed order: ordinary files, then override files (``override.tf``,
``*_override.tf``) merged into the blocks they name, then tfvars by precedence
(``terraform.tfvars``, ``terraform.tfvars.json``, ``*.auto.tfvars(.json)`` in lexical order).
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lpcheck.errors import ParseFailure
from lpcheck.location import Location
from lpcheck.parsers.hcl import Attr, Block, Body
from lpcheck.parsers.nodes import MapNode, Node

MAX_CACHED = 64  # module directories kept parsed per process
MAX_FILES = 200  # a "module" directory with more .tf files than this is not a module: not expanded


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


def file_kind(name: str) -> str | None:
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


def is_override(name: str) -> bool:
    low = name.lower()
    for suffix in (".tf.json", ".tf"):
        if low.endswith(suffix):
            stem = low[: -len(suffix)]
            return stem == "override" or stem.endswith("_override")
    return False


def merge_body(base: Body, override: Body) -> None:
    """Override attributes replace the original ones; a nested block type in the override
    replaces every block of that type."""
    base.attrs.update(override.attrs)
    replaced = {b.labels[0] if b.type == "dynamic" and b.labels else b.type for b in override.blocks}
    base.blocks[:] = [
        b
        for b in base.blocks
        if (b.labels[0] if b.type == "dynamic" and b.labels else b.type) not in replaced
    ] + override.blocks


@dataclass(slots=True)
class ModuleSource:
    """The parsed declarations of one module directory (read-only once loaded)."""

    display: Callable[[Path], str]
    base_dir: Path | None
    variables: dict[str, Variable] = field(default_factory=dict)
    locals: dict[str, Attr] = field(default_factory=dict)
    decls: dict[str, Decl] = field(default_factory=dict)
    providers: list[Block] = field(default_factory=list)
    modules: list[Block] = field(default_factory=list)
    outputs: list[Block] = field(default_factory=list)
    terraform: list[Block] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    # tfvars: name -> (expression or JSON node, file shown), the later file winning; evaluated by
    # the module's literal evaluator
    tfvars: dict[str, tuple[object, str]] = field(default_factory=dict)
    own_paths: set[str] = field(default_factory=set)  # the paths shown for this module's files
    problems: list[Exception] = field(default_factory=list)
    types: dict[str, object] = field(default_factory=dict)  # variable name -> read type (lazy)

    @classmethod
    def from_files(cls, files: list[Path], display: Callable[[Path], str]) -> ModuleSource:
        source = cls(display, files[0].parent if files else None)
        tfvars_files: list[tuple[Path, str]] = []
        overrides: list[tuple[Path, str]] = []
        for path in files:
            kind = file_kind(path.name)
            if kind is None:
                continue
            if kind in ("tfvars", "tfvars.json"):
                tfvars_files.append((path, kind))
            elif kind in ("tf", "tf.json") and is_override(path.name):
                overrides.append((path, kind))
            else:
                source._load(path, kind)
        for path, kind in sorted(overrides, key=lambda pk: pk[0].name):
            source._load(path, kind, override=True)
        for path, kind in sorted(tfvars_files, key=lambda pk: _tfvars_rank(pk[0].name)):
            source._load(path, kind)
        return source

    def _load(self, path: Path, kind: str, override: bool = False) -> None:
        shown = self.display(path)
        try:
            text = read_text(path, shown)
            root: Node | None = None
            body: Body | None = None
            if kind in ("tf", "tfvars", "other-tfvars"):
                from lpcheck.parsers.hcl import parse_hcl

                body = parse_hcl(text, shown)
            else:
                from lpcheck.parsers.jsonpos import parse_json

                root = parse_json(text, shown)
        except ParseFailure as exc:
            self.problems.append(exc)
            return
        except Exception as exc:  # a parser bug: report it, keep the other files
            self.problems.append(RuntimeError(f"internal error parsing {shown}: {type(exc).__name__}: {exc}"))
            return
        if kind.startswith("other-"):
            return  # only loaded with -var-file: checked for syntax, values not applied
        self.texts.append(text)
        if kind == "tfvars":
            assert body is not None
            for name, attr in body.attrs.items():
                self.tfvars[name] = (attr.expr, shown)
            return
        if kind == "tfvars.json":
            if isinstance(root, MapNode):
                for name, value in root.items.items():
                    self.tfvars[name] = (value, shown)
            return
        self.own_paths.add(shown)
        if kind == "tf.json":
            from lpcheck.adapters.terraform.tfjson import read_json_config

            assert root is not None
            body = read_json_config(root)
        assert body is not None
        self._declare(body, override)

    def _declare(self, body: Body, override: bool = False) -> None:
        """Record the blocks of one file; an override file merges into the blocks it names."""
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
                    merge_body(existing.body, block.body)
            elif kind == "variable" and labels:
                variable = self.variables.get(labels[0])
                if variable is None:
                    self.variables[labels[0]] = Variable(labels[0], block.loc, block.body)
                elif override:
                    merge_body(variable.body, block.body)
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
                    merge_body(same.body, block.body)
                else:
                    found.append(block)
            elif kind == "terraform":
                self.terraform.append(block)

    def variable_type(self, name: str) -> object:
        """The shape of variable ``name``'s declared type (read once)."""
        if name not in self.types:
            from lpcheck.adapters.terraform.types import read_type

            variable = self.variables.get(name)
            attr = variable.body.attrs.get("type") if variable is not None else None
            self.types[name] = read_type(attr.expr) if attr is not None else None
        return self.types[name]


_CACHE: OrderedDict[tuple, ModuleSource] = OrderedDict()


def load_module(files: list[Path], display: Callable[[Path], str]) -> tuple[ModuleSource, ModuleSource]:
    """(declarations, tfvars) of the scanned module. The declarations come from the per-process
    cache when the files are all the ``.tf``/``.tf.json`` files of their directory, so an
    example that calls ``../../`` reuses the parse of the module scanned just before it."""
    tf = [p for p in files if file_kind(p.name) in ("tf", "tf.json")]
    others = [p for p in files if file_kind(p.name) not in ("tf", "tf.json")]
    declarations = load_directory(tf[0].parent, display, expect=set(tf)) if tf else None
    if declarations is None:
        declarations = ModuleSource.from_files(tf, display)
    return declarations, ModuleSource.from_files(others, display)


def load_directory(
    directory: Path, display: Callable[[Path], str], expect: set[Path] | None = None
) -> ModuleSource | None:
    """The ``.tf``/``.tf.json`` files of a module directory (never its tfvars: those apply to the
    root module only), parsed once per process; None when there is nothing to read, or when
    ``expect`` is given and the directory holds other files than those."""
    try:
        names = sorted(os.listdir(directory))
    except (OSError, ValueError):
        return None
    files: list[Path] = []
    stamp: list[tuple[str, str, int, int]] = []
    for name in names:
        kind = file_kind(name)
        if kind not in ("tf", "tf.json"):
            continue
        path = directory / name
        try:
            st = path.stat()
        except OSError:
            continue
        if not os.path.isfile(path):
            continue
        files.append(path)
        stamp.append((name, display(path), st.st_size, st.st_mtime_ns))
    if not files or len(files) > MAX_FILES or (expect is not None and set(files) != expect):
        return None
    key = (str(directory), tuple(stamp))
    cached = _CACHE.get(key)
    if cached is not None:
        _CACHE.move_to_end(key)
        return cached
    source = ModuleSource.from_files(files, display)
    _CACHE[key] = source
    while len(_CACHE) > MAX_CACHED:
        _CACHE.popitem(last=False)
    return source
