"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Built with the ``sarif-om`` object model, then serialised by :func:`to_data` (sarif-om only defines
attrs classes; each field's ``schema_property_name`` metadata is its SARIF name). Choices:

- ``tool.driver.rules`` lists every rule of the catalog in ID order, so a ``ruleIndex`` means the same
  rule in every run; each descriptor carries the rule's help from ``rules/LPNNN.yaml`` and GitHub's
  ``security-severity``/``precision``/``tags`` properties.
- Artifact URIs are relative to the scan root with ``uriBaseId`` ``%SRCROOT%`` (declared in
  ``originalUriBaseIds``), the form code scanning maps onto repository paths; a file outside the root
  gets an absolute ``file://`` URI.
- ``partialFingerprints["lpcheck/v1"]`` is line-independent (see ``lpcheck.report.fingerprints``), so an
  edit above a finding does not close and reopen its alert.
- Parse errors are results of rule LP001 and also ``toolExecutionNotifications`` of the invocation, so
  viewers that only show tool health still see which files were not analysed.
  ``executionSuccessful`` is false only when lpcheck itself failed (an internal error), not because the
  user's input had errors.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import attr
import sarif_om as om

from lpcheck import __version__
from lpcheck.explain import explain_text, rule_markdown
from lpcheck.findings import Finding
from lpcheck.location import Location
from lpcheck.metadata import RuleMeta
from lpcheck.report import (
    FINGERPRINT_KEY,
    INFORMATION_URI,
    PARSE_ERROR,
    TOOL_NAME,
    artifact_uri,
    extra_notifications,
    fingerprints,
    sorted_findings,
)
from lpcheck.result import Notification, ScanResult

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
SRCROOT = "%SRCROOT%"
_LEVELS = {"error": "error", "warning": "warning", "note": "note"}
# Emitted even when equal to sarif-om's default: a result's level must not fall back to the rule's.
_ALWAYS_EMIT = frozenset({"level"})


def to_data(obj: Any) -> Any:
    """sarif-om objects -> JSON-ready data, using each field's SARIF name and leaving out unset
    fields (None) and fields still at sarif-om's default (e.g. ``ruleIndex`` -1)."""
    if attr.has(type(obj)):
        out: dict[str, Any] = {}
        for a in attr.fields(type(obj)):
            value = getattr(obj, a.name)
            if value is None:
                continue
            default = a.default.factory() if isinstance(a.default, attr.Factory) else a.default
            if value == default and a.name not in _ALWAYS_EMIT:
                continue
            out[a.metadata["schema_property_name"]] = to_data(value)
        return out
    if isinstance(obj, dict):
        return {k: to_data(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_data(v) for v in obj]
    return obj


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def _descriptor(meta: RuleMeta) -> om.ReportingDescriptor:
    return om.ReportingDescriptor(
        id=meta.id,
        name=_pascal(meta.name),
        short_description=om.MultiformatMessageString(text=f"{meta.title}."),
        full_description=om.MultiformatMessageString(text=" ".join(meta.rationale.split())),
        help=om.MultiformatMessageString(
            text=explain_text(meta), markdown=rule_markdown(meta, heading_level=2, with_title=False)
        ),
        help_uri=meta.help_uri,
        default_configuration=om.ReportingConfiguration(level=_LEVELS[meta.severity]),
        properties={
            "tags": list(meta.tags),
            "precision": meta.precision,
            "security-severity": meta.security_severity,
        },
    )


def _location(loc: Location, root: Path) -> om.Location:
    uri, under_root = artifact_uri(loc.path, root)
    return om.Location(
        physical_location=om.PhysicalLocation(
            artifact_location=om.ArtifactLocation(uri=uri, uri_base_id=SRCROOT if under_root else None),
            region=om.Region(start_line=max(1, loc.line), start_column=max(1, loc.column)),
        )
    )


def _message(text: str) -> om.Message:
    # SARIF viewers show messages as sentences; rule messages are written without the final period.
    text = text.strip() or "(no message)"
    return om.Message(text=text if text.endswith((".", "!", "?")) else f"{text}.")


def _result(f: Finding, index: dict[str, int], fingerprint: str, root: Path) -> om.Result:
    return om.Result(
        rule_id=f.rule_id,
        rule_index=index.get(f.rule_id, -1),
        level=_LEVELS.get(f.severity, "warning"),
        message=_message(f.message),
        locations=[_location(f.loc, root)],
        partial_fingerprints={FINGERPRINT_KEY: fingerprint},
    )


def _notification(n: Notification, index: dict[str, int], root: Path) -> om.Notification:
    """A tool notification; a parse error names LP001 both as its descriptor and its associated rule."""
    rule = n.rule_id
    return om.Notification(
        message=_message(n.message),
        level=_LEVELS.get(n.level, "warning"),
        locations=[_location(n.loc, root)] if n.loc is not None else None,
        descriptor=om.ReportingDescriptorReference(id=rule) if rule else None,
        associated_rule=om.ReportingDescriptorReference(id=rule, index=index.get(rule, -1)) if rule else None,
    )


def build(result: ScanResult, meta: dict[str, RuleMeta]) -> om.SarifLog:
    rules = [meta[k] for k in sorted(meta)]
    index = {m.id: i for i, m in enumerate(rules)}
    findings = sorted_findings(result)
    prints = fingerprints(findings, result.root)
    root = result.root
    notes: list[Notification] = [
        Notification("error", f.message, f.loc, PARSE_ERROR) for f in findings if f.rule_id == PARSE_ERROR
    ]
    notes += extra_notifications(result)
    internal_error = any(n.level == "error" and n.rule_id != PARSE_ERROR for n in notes)
    run = om.Run(
        tool=om.Tool(
            driver=om.ToolComponent(
                name=TOOL_NAME,
                version=__version__,
                semantic_version=__version__,
                information_uri=INFORMATION_URI,
                rules=[_descriptor(m) for m in rules],
            )
        ),
        results=[_result(f, index, prints[id(f)], root) for f in findings],
        invocations=[
            om.Invocation(
                execution_successful=not internal_error,
                tool_execution_notifications=[_notification(n, index, root) for n in notes] or None,
            )
        ],
        original_uri_base_ids={SRCROOT: om.ArtifactLocation(uri=_root_uri(root))},
        column_kind="unicodeCodePoints",
    )
    return om.SarifLog(runs=[run], version=SARIF_VERSION, schema_uri=SARIF_SCHEMA)


def _root_uri(root: Path) -> str:
    uri = Path(os.path.abspath(root)).as_uri()
    return uri if uri.endswith("/") else uri + "/"


def render(result: ScanResult, meta: dict[str, RuleMeta], *, color: bool = False) -> str:
    """The SARIF log as JSON text (never coloured)."""
    data = to_data(build(result, meta))
    ordered = {key: data[key] for key in ("$schema", "version", "runs")}  # the conventional order
    return json.dumps(ordered, indent=2, ensure_ascii=False) + "\n"
