"""The scan pipeline: discover -> group into units -> adapt -> rules -> findings.

A unit is what must be read together to resolve values: one CloudFormation template, one IAM
policy file, one plan, or one Terraform module (every ``.tf``/``.tf.json``/tfvars file of a
directory). Files passed explicitly (pre-commit) bring their module's siblings as context, but only
the passed files are reported.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
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
    # Absolute directories the scan covers (walked directories; a named file's own directory):
    # a child module inside them is reported by its own scan, one outside by its callers.
    roots: tuple[str, ...] = ()

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


def module_files(directory: Path, skip: set[str] | frozenset[str] = frozenset()) -> list[disc.SourceFile]:
    """The Terraform files (configuration and variable values) of one directory, as read from disk."""
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    files = []
    for name in names:
        low = name.lower()
        if name in skip or not low.endswith(disc.TF_SUFFIXES + disc.TFVARS_SUFFIXES):
            continue
        path = directory / name
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        if low.endswith(disc.TFVARS_SUFFIXES):
            kind = disc.TFVARS
        else:
            kind = disc.TF_JSON if low.endswith(".tf.json") else disc.TF
        files.append(disc.SourceFile(path, disc._display(path), kind, text, False))
    return files


def build_units(found: disc.Discovery) -> list[Unit]:
    units: list[Unit] = []
    modules: dict[Path, list[disc.SourceFile]] = {}
    for f in found.files:
        if f.kind in (disc.TF, disc.TF_JSON, disc.TFVARS):
            modules.setdefault(f.path.parent.absolute(), []).append(f)
        else:
            units.append(Unit(f.kind, [f]))
    for files in modules.values():
        context: set[str] = set()
        if any(f.explicit for f in files):
            # Passed one by one (pre-commit): read the module's other files for values only.
            have = {f.path.name for f in files}
            siblings = module_files(files[0].path.parent, skip=have)
            files.extend(siblings)
            context.update(s.display for s in siblings)
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


def run_rules(
    model: Model, options: Options, severities: dict[str, str], notes: list[Notification]
) -> list[Finding]:
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


PARALLEL_MIN_UNITS = 24  # below this, starting worker processes costs more than it saves


@dataclass(slots=True)
class UnitOutcome:
    findings: list[Finding] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)
    scanned: int = 0


def process_unit(unit: Unit, options: Options, severities: dict[str, str]) -> UnitOutcome:
    """Adapt one unit and run the rules on it; never raises."""
    out = UnitOutcome(scanned=len(unit.files) - len(unit.context_only))

    def parse_error(loc: Location, message: str) -> None:
        if loc.path in unit.context_only:
            return
        out.findings.append(_parse_finding(loc, message, options, severities))
        out.notifications.append(Notification("error", message, loc, PARSE_ERROR))

    try:
        adapted = adapt_unit(unit)
    except ParseFailure as exc:
        parse_error(exc.loc, exc.message)
        return out
    except Exception as exc:
        out.notifications.append(_internal(f"cannot analyse {unit.files[0].display}", exc))
        return out
    for problem in adapted.problems:
        if isinstance(problem, ParseFailure):
            parse_error(problem.loc, problem.message)
        else:
            out.notifications.append(_internal(f"while analysing {unit.files[0].display}", problem))
    for f in run_rules(adapted.model, options, severities, out.notifications):
        if f.loc.path not in unit.context_only:
            out.findings.append(f)
    out.findings = [
        f
        for f in out.findings
        if (f.rule_id != PARSE_ERROR or options.wants(PARSE_ERROR))
        and _reported_here(f, unit, options, severities)
    ]
    return out


# Findings of each Terraform directory scanned on its own, by absolute directory (per process).
_STANDALONE: dict[str, frozenset[tuple[str, Location]] | None] = {}


def _reported_here(f: Finding, unit: Unit, options: Options, severities: dict[str, str]) -> bool:
    """Whether a finding belongs to this unit's report.

    A Terraform module reads its local child modules (``source = "./x"``) to resolve what its
    arguments do. What the arguments cause is located in the caller's files and reported here.
    A finding inside a child's own ``.tf`` files is the child's business when the child, scanned on
    its own, has it too (reported once, by the child's directory); when it does not (the caller's
    arguments switched the resource on, or fed it a value the child only passes along) it is this
    caller's finding, and its message names the module instance."""
    path = f.loc.path
    if path in unit.context_only:
        return False
    if unit.kind != disc.TF or not path.lower().endswith(disc.TF_SUFFIXES):
        return True  # CloudFormation, policies, a policy read with file(): nobody else reports them
    if any(sf.display == path for sf in unit.files):
        return True
    directory = os.path.dirname(os.path.abspath(path))
    if not any(directory == r or directory.startswith(r + os.sep) for r in options.roots):
        return True  # no scan of the child's own directory will report it: the caller does
    own = _standalone(directory, options, severities)
    return (f.rule_id, f.loc) not in own


def _standalone(directory: str, options: Options, severities: dict[str, str]) -> frozenset:
    """What a Terraform directory's own scan reports (cached; a module cycle sees nothing)."""
    if directory in _STANDALONE:
        return _STANDALONE[directory] or frozenset()
    _STANDALONE[directory] = None
    files = module_files(Path(directory))
    keys: frozenset[tuple[str, Location]] = frozenset()
    if any(sf.kind != disc.TFVARS for sf in files):
        outcome = process_unit(Unit(disc.TF, files), options, severities)
        keys = frozenset((g.rule_id, g.loc) for g in outcome.findings)
    _STANDALONE[directory] = keys
    return keys


def _parse_finding(loc: Location, message: str, options: Options, severities: dict[str, str]) -> Finding:
    return Finding(
        rule_id=PARSE_ERROR,
        severity=severities.get(PARSE_ERROR, "error"),
        message=message,
        loc=loc,
        key=message,
    )


def _process_star(args: tuple[Unit, Options, dict[str, str]]) -> UnitOutcome:
    return process_unit(*args)


def _outcomes(units: list[Unit], options: Options, severities: dict[str, str], jobs: int):
    if jobs > 1 and len(units) >= PARALLEL_MIN_UNITS:
        import multiprocessing

        try:
            ctx = multiprocessing.get_context("fork")
        except ValueError:  # no fork on this platform: stay serial
            ctx = None
        if ctx is not None:
            # Load the rules and handlers once in the parent; forked workers inherit them.
            from lpcheck.adapters.registry import load_handlers
            from lpcheck.rules import load_all

            load_handlers()
            load_all()
            with ctx.Pool(jobs) as pool:
                yield from pool.imap(_process_star, [(u, options, severities) for u in units], chunksize=4)
            return
    for unit in units:
        yield process_unit(unit, options, severities)


def scan(paths: Iterable[str], options: Options | None = None, jobs: int | None = None) -> ScanResult:
    """Scan ``paths``; ``jobs`` worker processes for large scans (default: the CPU count)."""
    paths = list(paths)
    options = options or Options()
    if not options.roots:
        roots = {os.path.abspath(p if os.path.isdir(p) else os.path.dirname(p) or ".") for p in paths}
        options = replace(options, roots=tuple(sorted(roots)))
    result = ScanResult(root=Path.cwd())
    found = disc.discover(paths)
    result.skipped = list(found.skipped)
    severities = _severities()
    findings: list[Finding] = []

    for rej in found.rejected:
        loc = Location(rej.display, rej.line, rej.column)
        if options.wants(PARSE_ERROR):
            findings.append(_parse_finding(loc, rej.message, options, severities))
        result.notifications.append(Notification("error", rej.message, loc, PARSE_ERROR))
    for display in found.empty:
        result.notifications.append(
            Notification("note", "empty file, nothing to check", Location(display, 1, 1))
        )

    units = build_units(found)
    jobs = jobs if jobs is not None else min(os.cpu_count() or 1, 8)
    for outcome in _outcomes(units, options, severities, jobs):
        result.files_scanned += outcome.scanned
        findings.extend(outcome.findings)
        result.notifications.extend(outcome.notifications)

    unique: dict[tuple, Finding] = {}
    for f in findings:
        unique.setdefault((f.rule_id, f.loc, f.message), f)
    from lpcheck.suppressions import apply_suppressions

    result.findings = sorted(apply_suppressions(list(unique.values())), key=Finding.sort_key)
    return result
