"""LP105 allow-with-not: ``Allow`` combined with ``NotAction`` or ``NotResource``.

Such a statement grants everything except a list, so it silently grows with every new AWS action or
resource. Applies to every kind of policy; a Deny that fully cancels it silences it."""

from __future__ import annotations

from collections.abc import Iterator

from lpcheck.findings import Issue
from lpcheck.iam.analysis import analyze, listing, statement_issue, subject_name, text
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
        parts = []
        if statement.not_actions is not None:
            parts.append(f"every action except NotAction ({_written(statement.not_actions)})")
        if statement.not_resources is not None:
            parts.append(f"on every resource except NotResource ({_written(statement.not_resources)})")
        elements = " and ".join(
            e
            for e, v in (("NotAction", statement.not_actions), ("NotResource", statement.not_resources))
            if v is not None
        )
        values = [*(statement.not_actions or ()), *(statement.not_resources or ())]
        yield statement_issue(
            grant.doc,
            statement,
            f"{subject_name(statement)} combines Allow with {elements}: it grants {' '.join(parts)}, "
            f"including actions and resources AWS adds later{grant.denial_note()}{grant.conditions(*values)}",
        )
