"""LP105 allow-with-not: ``Allow`` combined with ``NotAction`` or ``NotResource``.

Such a statement grants everything except a list, so it silently grows with every new AWS action or
resource. Applies to every kind of policy; a Deny that fully cancels it silences it."""

from __future__ import annotations

from collections.abc import Iterator

from lpcheck.findings import Issue
from lpcheck.iam.analysis import analyze, listing, not_elements, statement_issue, subject_name, text
from lpcheck.model.container import Model
from lpcheck.model.values import Value
from lpcheck.rules.base import rule


def _written(values: list[Value]) -> str:
    literal = [t for v in values if (t := text(v)) is not None]
    return listing(literal, 3) if literal else "unresolved values"


@rule("LP105")
def allow_with_not(model: Model) -> Iterator[Issue]:
    analysis = analyze(model)
    for grant in analysis.grants():
        if not analysis.uses_not(grant):
            continue
        statement = grant.statement
        found = dict(not_elements(statement))
        parts = []
        if "NotAction" in found:
            parts.append(f"every action except NotAction ({_written(found['NotAction'])})")
        if "NotResource" in found:
            parts.append(f"on every resource except NotResource ({_written(found['NotResource'])})")
        elements = " and ".join(found)
        values = [v for element in found.values() for v in element]
        yield statement_issue(
            grant.doc,
            statement,
            f"{subject_name(statement)} combines Allow with {elements}: it grants {' '.join(parts)}, "
            f"including actions and resources AWS adds later{grant.denial_note()}{grant.conditions(*values)}",
        )
