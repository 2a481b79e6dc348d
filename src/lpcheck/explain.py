"""Rule documentation rendered from the metadata: ``lpcheck explain``, ``lpcheck rules``, the SARIF
rule help and ``docs/rules.md`` all come from here, so they say the same thing."""

from __future__ import annotations

import textwrap

from lpcheck.metadata import FORMAT_LABELS, Example, RuleMeta

_FENCE_LANGUAGE = {"iam-json": "json", "cloudformation": "yaml", "terraform": "hcl", "terraform-plan": "json"}
_SHORT_FORMAT = {"iam-json": "iam", "cloudformation": "cfn", "terraform": "tf", "terraform-plan": "plan"}
_WIDTH = 100
_INDENT = "    "


def md_escape(text: str) -> str:
    """Plain text (a rule title such as ``s3:* on Resource "*"``) made literal in Markdown."""
    for ch in ("\\", "*", "_", "|", "<", "`"):
        text = text.replace(ch, "\\" + ch)
    return text


def _wrap(text: str, indent: str = _INDENT) -> str:
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    return "\n\n".join(
        textwrap.fill(" ".join(p.split()), _WIDTH, initial_indent=indent, subsequent_indent=indent)
        for p in paragraphs
    )


def _formats(meta: RuleMeta) -> str:
    return ", ".join(FORMAT_LABELS[f] for f in meta.formats)


def _example_label(example: Example) -> str:
    label = f"{'Bad' if example.kind == 'bad' else 'Good'} ({FORMAT_LABELS[example.format]})"
    return f"{label}: {example.title}" if example.title else label


def explain_text(meta: RuleMeta) -> str:
    """Plain-text explanation for the terminal (ruff-style sections)."""
    out = [
        f"{meta.id} {meta.name} ({meta.severity})",
        meta.title,
        "",
        f"Formats: {_formats(meta)}",
        f"Tags: {', '.join(meta.tags)}",
        "",
        "Why is this bad?",
        _wrap(meta.rationale),
        "",
        "Use instead",
        _wrap(meta.remediation),
    ]
    for example in meta.examples:
        out += ["", f"{_example_label(example)}:", textwrap.indent(example.code.rstrip("\n"), _INDENT)]
    if meta.notes:
        out += ["", "Notes"]
        out += [
            textwrap.fill(" ".join(n.split()), _WIDTH, initial_indent="  - ", subsequent_indent="    ")
            for n in meta.notes
        ]
    out += ["", f"More: {meta.help_uri}"]
    return "\n".join(out) + "\n"


def rule_markdown(meta: RuleMeta, *, heading_level: int = 2, with_title: bool = True) -> str:
    """Markdown for one rule: a section of docs/rules.md (``with_title``) or SARIF ``help.markdown``."""
    h = "#" * heading_level
    sub = "#" * (heading_level + 1)
    out: list[str] = []
    if with_title:
        out += [f"{h} {meta.id}: {meta.name}", ""]
    out += [
        f"{md_escape(meta.title)}.",
        "",
        f"**Severity:** {meta.severity} · **Formats:** {_formats(meta)} · "
        f"**Tags:** {', '.join(f'`{t}`' for t in meta.tags)}",
        "",
        f"{sub} Why is this bad?",
        "",
        " ".join(meta.rationale.split()),
        "",
        f"{sub} Use instead",
        "",
        " ".join(meta.remediation.split()),
        "",
        f"{sub} Examples",
    ]
    for example in meta.examples:
        out += [
            "",
            f"**{_example_label(example)}**",
            "",
            f"```{_FENCE_LANGUAGE[example.format]}",
            example.code.rstrip("\n"),
            "```",
        ]
    if meta.notes:
        out += ["", f"{sub} Notes", ""]
        out += [f"- {' '.join(n.split())}" for n in meta.notes]
    return "\n".join(out) + "\n"


def rules_table(meta: dict[str, RuleMeta]) -> str:
    """One aligned line per rule: ID, name, severity, formats, title."""
    rows = [("ID", "Name", "Severity", "Formats", "Title")]
    rows += [
        (m.id, m.name, m.severity, " ".join(_SHORT_FORMAT[f] for f in m.formats), m.title)
        for m in meta.values()
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join([*(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)), r[4]]) for r in rows]
    return "\n".join(line.rstrip() for line in lines) + "\n"
