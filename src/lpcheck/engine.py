"""The scan pipeline: discover -> group into units -> adapt -> rules -> findings.

A unit is what must be read together to resolve values: one CloudFormation template, one IAM
policy file, one plan, or one Terraform module (every ``.tf``/``.tf.json``/tfvars file of a
directory). Files passed explicitly (pre-commit) bring their module's siblings as context, but only
the passed files are reported.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lpcheck import discovery as disc
from lpcheck.errors import ParseFailure
from lpcheck.findings import Finding, Issue
from lpcheck.location import Location
from lpcheck.model.container import Model
from lpcheck.result import AdaptResult, Notification, ScanResult

# "One finding per cause": a rule on the left silences those on the right for the same subject.
PRECEDENCE: dict[str, frozenset[str]] = {
    "LP102": frozenset({"LP103", "LP104", "LP106", "LP110"}),
    "LP103": frozenset({"LP104"}),
    "LP105": frozenset({"LP104"}),
    "LP106": frozenset({"LP104"}),
    "LP110": frozenset({"LP104"}),
}

PARSE_ERROR = "LP001"


@dataclass(slots=True)
class Unit:
    kind: str
    files: list[disc.SourceFile]
    context_only: set[str] = field(default_factory=set)  # display paths not to report


@dataclass(slots=True)
class Options:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def wants(self, rule_id: str) -> bool:
        if self.select and not any(rule_id.startswith(s) for s in self.select):
            return False
        return not any(rule_id.startswith(s) for s in self.ignore)


def _severities() -> dict[str, str]:
    try:
        from lpcheck.metadata import load_metadata

        return {rid: meta.severity for rid, meta in load_metadata().items()}
    except Exception:  # metadata missing or broken: still report, as warnings
        return {}


def build_units(found: disc.Discovery) -> list[Unit]:
    units: list[Unit] = []
    modules: dict[Path, list[disc.SourceFile]] = {}
    for f in found.files:
        if f.kind in (disc.TF, disc.TF_JSON, disc.TFVARS):
            modules.setdefault(f.path.parent.absolute(), []).append(f)
        else:
            units.append(Unit(f.kind, [f]))
    for directory, files in modules.items():
        context: set[str] = set()
        if any(f.explicit for f in files):
            # Passed one by one (pre-commit): read the module's other files for values only.
            have = {f.path.name for f in files}
            base = files[0].path.parent
            try:
                names = sorted(os.listdir(directory))
            except OSError:
                names = []
            for name in names:
                low = name.lower()
                if name in have or not low.endswith(disc.TF_SUFFIXES + disc.TFVARS_SUFFIXES):
                    continue
                path = base / name
                try:
                    text = path.read_text(encoding="utf-8-sig")
                except (OSError, UnicodeDecodeError):
                    continue
                kind = disc.TFVARS if low.endswith(disc.TFVARS_SUFFIXES) else (
                    disc.TF_JSON if low.endswith(".tf.json") else disc.TF
                )
                sibling = disc.SourceFile(path, disc._display(path), kind, text, False)
                files.append(sibling)
                context.add(sibling.display)
        if all(f.kind == disc.TFVARS for f in files):
            continue  # variable values with no configuration to apply them to
        units.append(Unit(disc.TF, files, context))
    return units


def adapt_unit(unit: Unit) -> AdaptResult:
    """Run the front-end for one unit (imported lazily: a JSON-only scan never loads HCL)."""
    if unit.kind == disc.TF:
        from lpcheck.adapters.terraform import adapt_module

        displays = {f.path: f.display for f in unit.files}
        return adapt_module([f.path for f in unit.files], lambda p: displays.get(p, disc._display(p)))
    f = unit.files[0]
    if unit.kind in (disc.CFN_JSON, disc.CFN_YAML):
        from lpcheck.adapters.cloudformation import adapt_template

        return adapt_template(f.path, f.display, f.text, "json" if unit.kind == disc.CFN_JSON else "yaml")
    if unit.kind == disc.PLAN_JSON:
        from lpcheck.adapters.terraform.plan import adapt_plan

        return adapt_plan(f.path, f.display, f.text)
    from lpcheck.adapters.iam_json import adapt_policy_file

    return adapt_policy_file(f.path, f.display, f.text)


def run_rules(model: Model, options: Options, severities: dict[str, str], notes: list[Notification]) -> list[Finding]:
    from lpcheck.rules import load_all

    findings: list[Finding] = []
    for rule_id, func in sorted(load_all().items()):
        if not options.wants(rule_id):
            continue
        try:
            issues: Iterable[Issue] = list(func(model))
        except Exception as exc:  # a bug of ours must not hide the other rules' findings
            notes.append(_internal(f"rule {rule_id} failed", exc))
            continue
        default = severities.get(rule_id, "warning")
        for issue in issues:
            findings.append(
                Finding(
                    rule_id=rule_id,
                    severity=issue.severity or default,
                    message=issue.message,
                    loc=issue.loc,
                    resource=issue.resource,
                    key=issue.key or issue.message,
                    subject=issue.subject,
                )
            )
    return apply_precedence(findings)


def apply_precedence(findings: list[Finding]) -> list[Finding]:
    by_subject: dict[object, set[str]] = {}
    for f in findings:
        if f.subject is not None:
            by_subject.setdefault(f.subject, set()).add(f.rule_id)
    kept = []
    for f in findings:
        if f.subject is not None:
            present = by_subject[f.subject]
            if any(f.rule_id in PRECEDENCE.get(other, ()) for other in present if other != f.rule_id):
                continue
        kept.append(f)
    return kept


def _internal(what: str, exc: BaseException) -> Notification:
    detail = f"{type(exc).__name__}: {exc}"
    if os.environ.get("LPCHECK_DEBUG"):
        detail += "\n" + "".join(traceback.format_exception(exc))
    return Notification("error", f"internal error: {what}: {detail}")


def scan(
    paths: Iterable[str],
    options: Options | None = None,
    progress: Callable[[str], None] | None = None,
) -> ScanResult:
    options = options or Options()
    result = ScanResult(root=Path.cwd())
    found = disc.discover(paths)
    result.skipped = list(found.skipped)
    severities = _severities()
    findings: list[Finding] = []

    def parse_error(loc: Location, message: str) -> None:
        if options.wants(PARSE_ERROR):
            findings.append(
                Finding(rule_id=PARSE_ERROR, severity=severities.get(PARSE_ERROR, "error"),
                        message=message, loc=loc, key=message)
            )
        result.notifications.append(Notification("error", message, loc, PARSE_ERROR))

    for rej in found.rejected:
        parse_error(Location(rej.display, rej.line, rej.column), rej.message)
    for display in found.empty:
        result.notifications.append(Notification("note", "empty file, nothing to check", Location(display, 1, 1)))

    for unit in build_units(found):
        result.files_scanned += len(unit.files) - len(unit.context_only)
        if progress:
            progress(unit.files[0].display)
        try:
            adapted = adapt_unit(unit)
        except ParseFailure as exc:
            parse_error(exc.loc, exc.message)
            continue
        except Exception as exc:
            result.notifications.append(_internal(f"cannot analyse {unit.files[0].display}", exc))
            continue
        for problem in adapted.problems:
            if isinstance(problem, ParseFailure):
                if problem.loc.path not in unit.context_only:
                    parse_error(problem.loc, problem.message)
            else:
                result.notifications.append(_internal(f"while analysing {unit.files[0].display}", problem))
        for f in run_rules(adapted.model, options, severities, result.notifications):
            if f.loc.path not in unit.context_only:
                findings.append(f)

    unique: dict[tuple, Finding] = {}
    for f in findings:
        unique.setdefault((f.rule_id, f.loc, f.message), f)
    result.findings = sorted(unique.values(), key=Finding.sort_key)
    return result
