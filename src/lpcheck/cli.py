"""Command line: ``lpcheck check``, ``lpcheck rules``, ``lpcheck explain``.

Exit codes are a CI contract: 0 = nothing at or above ``--fail-on``, 1 = findings, 2 = usage error.
Everything heavy (parsers, rules, reporters) is imported inside the commands so that a pre-commit run
on one file pays only for what that file needs.
"""

from __future__ import annotations

import os
import sys

import click

from lpcheck import __version__

FORMATS = ("text", "json", "sarif", "github")
FAIL_ON = ("error", "warning", "note", "never")
REPORTERS = {"text": "text", "json": "json_report", "sarif": "sarif", "github": "github"}


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for v in values:
        out.extend(p.strip().upper() for p in v.split(",") if p.strip())
    return tuple(out)


def _use_color(output: str | None, no_color: bool) -> bool:
    if no_color or output or os.environ.get("NO_COLOR") is not None:
        return False
    return sys.stdout.isatty()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="lpcheck")
def main() -> None:
    """lpcheck: a fast linter for AWS IAM policies, CloudFormation and Terraform."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write the report to FILE instead of standard output.",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default="warning",
    show_default=True,
    help="Exit 1 when a finding at or above this severity exists ('never': always exit 0).",
)
@click.option(
    "--select",
    multiple=True,
    metavar="IDS",
    help="Only these rules or prefixes (e.g. LP1,LP301). Repeatable or comma-separated.",
)
@click.option("--ignore", multiple=True, metavar="IDS", help="Skip these rules or prefixes.")
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False),
    default=None,
    help="An earlier lpcheck JSON or SARIF report: its findings are accepted, only new ones count.",
)
@click.option("-v", "--verbose", is_flag=True, help="Say which files were skipped and why.")
@click.option("--no-color", is_flag=True, help="Never colour the text output (NO_COLOR is honoured too).")
def check(
    paths: tuple[str, ...],
    fmt: str,
    output: str | None,
    fail_on: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    baseline: str | None,
    verbose: bool,
    no_color: bool,
) -> None:
    """Scan PATHS (files or directories; default: the current directory)."""
    from lpcheck.engine import Options, scan
    from lpcheck.findings import SEVERITY_RANK

    missing = [p for p in paths if not os.path.lexists(p)]
    if missing:
        raise click.UsageError(f"no such file or directory: {', '.join(missing)}")
    options = Options(select=_split(select), ignore=_split(ignore))
    accepted = None
    if baseline:
        from lpcheck.baseline import BaselineError, load_fingerprints

        try:
            accepted = load_fingerprints(baseline)
        except BaselineError as exc:
            raise click.UsageError(str(exc)) from None
    result = scan(list(paths) or ["."], options)
    baselined = 0
    if accepted is not None:
        from lpcheck.baseline import apply_baseline

        baselined = apply_baseline(result, accepted)

    import importlib

    from lpcheck.metadata import load_metadata

    meta = load_metadata()
    reporter = importlib.import_module(f"lpcheck.report.{REPORTERS[fmt]}")
    text = reporter.render(result, meta, color=_use_color(output, no_color))
    if output:
        try:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            raise click.UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
    else:
        click.echo(text, nl=not text.endswith("\n"))
    if verbose:
        for path, reason in result.skipped:
            click.echo(f"skipped {path}: {reason}", err=True)
        click.echo(f"{result.files_scanned} files scanned, {len(result.skipped)} skipped", err=True)
    if baselined:
        click.echo(f"{baselined} finding(s) accepted by the baseline {baseline}", err=True)
    if fail_on != "never":
        threshold = SEVERITY_RANK[fail_on]
        if any(SEVERITY_RANK.get(f.severity, 0) >= threshold for f in result.findings):
            sys.exit(1)


@main.command("rules")
@click.option("-f", "--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
def rules_cmd(fmt: str) -> None:
    """List every rule: id, name, severity, formats covered, title."""
    from lpcheck.explain import rules_table
    from lpcheck.metadata import load_metadata

    meta = load_metadata()
    if fmt == "json":
        import json

        click.echo(
            json.dumps(
                [
                    {
                        "id": m.id,
                        "name": m.name,
                        "severity": m.severity,
                        "formats": list(m.formats),
                        "title": m.title,
                    }
                    for m in meta.values()
                ],
                indent=2,
            )
        )
    else:
        click.echo(rules_table(meta))


@main.command()
@click.argument("rule")
def explain(rule: str) -> None:
    """Show a rule's rationale, remediation and examples (by id, e.g. LP101, or name)."""
    from lpcheck.explain import explain_text
    from lpcheck.metadata import load_metadata

    meta = load_metadata()
    key = rule.strip()
    found = meta.get(key.upper()) or next((m for m in meta.values() if m.name == key.lower()), None)
    if found is None:
        raise click.UsageError(f"unknown rule {rule!r}; `lpcheck rules` lists them")
    click.echo(explain_text(found))
