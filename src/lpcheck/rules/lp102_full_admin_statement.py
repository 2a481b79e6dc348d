"""LP102 full-admin-statement: ``Allow`` of every action (``*``/``*:*``) on ``Resource: "*"``."""

from __future__ import annotations

from collections.abc import Iterator

from lpcheck.findings import Issue
from lpcheck.iam.analysis import (
    RESOURCE_STAR,
    analyze,
    listing,
    origin_note,
    statement_issue,
    statement_label,
    subject_name,
    text,
)
from lpcheck.model.container import Model
from lpcheck.rules.base import rule


@rule("LP102")
def full_admin_statement(model: Model) -> Iterator[Issue]:
    analysis = analyze(model)
    for grant in analysis.grants():
        values = analysis.full_admin(grant)
        if not values:
            continue
        written = listing([f'"{text(v)}"' for v in values])
        remainder = ""
        if grant.denied_by:
            remainder = f" except what {listing([statement_label(s) for s in grant.denied_by], 2)} denies"
        yield statement_issue(
            grant.doc,
            grant.statement,
            f"{subject_name(grant.statement)} allows all actions (Action {written}){remainder} on all "
            f"resources ({RESOURCE_STAR}): full administrator access{origin_note(*values)}"
            f"{grant.conditions(grant.star, *values)}",
        )
