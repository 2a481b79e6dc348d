"""Rule metadata: one ``rules/LPNNN.yaml`` per rule, read once per process.

The YAML files are the single source of a rule's default severity and of every text users read about
it (``lpcheck explain``, ``lpcheck rules``, SARIF rule descriptors, ``docs/rules.md``), so none of those
can drift apart. Loading is on the start-up path of every scan (the engine needs default severities),
so it must cost little: importing PyYAML alone takes ~12 ms and parsing the 30 files ~7 ms even with
libyaml, against ~1 ms for the same data as JSON. ``scripts/gen_rule_docs.py`` therefore also writes
``rules/_compiled.json`` (a test keeps it equal to the YAML); it is used unless a YAML file is newer,
in which case the YAML is read (with libyaml's C loader when available), so an edit is never ignored.
No schema validation at runtime: tests do that.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMATS = ("iam-json", "cloudformation", "terraform", "terraform-plan")
FORMAT_LABELS = {
    "iam-json": "IAM policy JSON",
    "cloudformation": "CloudFormation",
    "terraform": "Terraform",
    "terraform-plan": "Terraform plan JSON",
}


@dataclass(frozen=True, slots=True)
class Example:
    """A snippet that shows the anti-pattern (``bad``) or the fix (``good``) in one input format."""

    kind: str  # "bad" or "good"
    format: str  # one of FORMATS
    code: str
    title: str = ""


@dataclass(frozen=True, slots=True)
class RuleMeta:
    id: str
    name: str
    severity: str
    title: str
    formats: tuple[str, ...]
    rationale: str
    remediation: str
    examples: tuple[Example, ...]
    help_uri: str
    tags: tuple[str, ...]
    security_severity: str
    notes: tuple[str, ...] = ()
    precision: str = "high"


def rules_dir() -> Path:
    """Where the YAML files are: inside an installed wheel (``lpcheck/_rules``, force-included by
    pyproject) or, for a source checkout or editable install, ``<repo>/rules``."""
    here = Path(__file__).resolve().parent
    packaged = here / "_rules"
    if packaged.is_dir():
        return packaged
    return here.parent.parent / "rules"


def _loader() -> type:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _meta_from(data: dict[str, Any]) -> RuleMeta:
    examples = tuple(
        Example(kind=e["kind"], format=e["format"], code=e["code"], title=e.get("title", ""))
        for e in data["examples"]
    )
    return RuleMeta(
        id=data["id"],
        name=data["name"],
        severity=data["severity"],
        title=data["title"],
        formats=tuple(data["formats"]),
        rationale=data["rationale"].strip(),
        remediation=data["remediation"].strip(),
        examples=examples,
        help_uri=data["help_uri"],
        tags=tuple(data["tags"]),
        security_severity=str(data["security_severity"]),
        notes=tuple(n.strip() for n in data.get("notes") or ()),
        precision=data.get("precision", "high"),
    )


def read_yaml(directory: Path) -> dict[str, dict[str, Any]]:
    """The raw data of every ``LPNNN.yaml`` in ``directory``, by ID (no validation)."""
    import yaml

    loader = _loader()
    raw: dict[str, dict[str, Any]] = {}
    for path in sorted(directory.glob("LP[0-9][0-9][0-9].yaml")):
        with path.open("rb") as fh:
            raw[path.stem] = yaml.load(fh, Loader=loader)  # a SafeLoader class: no arbitrary objects
    return raw


COMPILED = "_compiled.json"


def compile_metadata(directory: Path | None = None) -> str:
    """The content of ``rules/_compiled.json``: every YAML file's data, by ID, as JSON text."""
    import json

    data = read_yaml(directory or rules_dir())
    return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def _read_fast(directory: Path) -> dict[str, dict[str, Any]]:
    compiled = directory / COMPILED
    try:
        built = compiled.stat().st_mtime_ns
        fresh = all(p.stat().st_mtime_ns <= built for p in directory.glob("LP[0-9][0-9][0-9].yaml"))
    except OSError:
        fresh = False
    if fresh:
        import json

        try:
            return json.loads(compiled.read_bytes())
        except (OSError, ValueError):
            pass
    return read_yaml(directory)


@functools.cache
def load_metadata() -> dict[str, RuleMeta]:
    """Every rule's metadata by ID, in ID order. Cached: the files are read once per process."""
    return metadata_from(_read_fast(rules_dir()))


def metadata_from(raw: dict[str, dict[str, Any]]) -> dict[str, RuleMeta]:
    """RuleMeta objects, in ID order, from raw per-rule data (YAML or the compiled JSON)."""
    return {rule_id: _meta_from(raw[rule_id]) for rule_id in sorted(raw)}


def validate_metadata(directory: Path | None = None) -> list[str]:
    """Check every file against ``rules/_schema.json`` and the cross-field conventions; return the
    problems (empty when all is well). Used by tests, never at runtime (jsonschema is slow to import).
    """
    import json

    import jsonschema

    directory = directory or rules_dir()
    schema = json.loads((directory / "_schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    problems: list[str] = []
    raw = read_yaml(directory)
    if not raw:
        problems.append(f"no rule files in {directory}")
    for rule_id, data in raw.items():
        for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
            where = "/".join(str(p) for p in error.absolute_path) or "(top)"
            problems.append(f"{rule_id}.yaml: {where}: {error.message}")
        if not isinstance(data, dict):
            continue
        if data.get("id") != rule_id:
            problems.append(f"{rule_id}.yaml: id {data.get('id')!r} does not match the file name")
        expected_uri = help_uri_for(rule_id, str(data.get("name", "")))
        if data.get("help_uri") != expected_uri:
            problems.append(f"{rule_id}.yaml: help_uri should be {expected_uri}")
        for example in data.get("examples") or ():
            if isinstance(example, dict) and example.get("format") not in (data.get("formats") or ()):
                problems.append(
                    f"{rule_id}.yaml: example in {example.get('format')!r}, which is not in formats"
                )
    return problems


def help_uri_for(rule_id: str, name: str) -> str:
    """The docs anchor GitHub generates for the heading ``LPNNN: name`` in docs/rules.md."""
    return f"https://github.com/lpcheck/lpcheck/blob/main/docs/rules.md#{rule_id.lower()}-{name}"
