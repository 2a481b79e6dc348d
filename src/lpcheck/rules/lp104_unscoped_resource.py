"""LP104 unscoped-resource: ``Allow`` on ``"*"`` of actions that could be scoped to ARNs.

Names the written patterns that grant such actions (a few, never one line per expanded action).
Silent where LP102/LP103/LP105/LP106/LP110 already report the statement (one finding per cause)."""

from __future__ import annotations

from collections.abc import Iterator

from lpcheck.findings import Issue
from lpcheck.iam.analysis import RESOURCE_STAR, analyze, listing, statement_issue, subject_name
from lpcheck.iam.catalog import is_wildcard
from lpcheck.model.container import Model
from lpcheck.rules.base import rule


@rule("LP104")
def unscoped_resource(model: Model) -> Iterator[Issue]:
    analysis = analyze(model)
    for grant in analysis.grants():
        found = analysis.scopable(grant)
        if not found:
            continue
        written = listing([raw for _, raw, _ in found], 3)
        count = len(frozenset().union(*(actions for _, _, actions in found)))
        if count == 1 and len(found) == 1 and not is_wildcard(found[0][1]):
            which = "this action supports"
        elif count == 1:
            which = "1 of the actions it grants supports"
        else:
            which = f"{count} of the actions it grants support"
        yield statement_issue(
            grant.doc,
            grant.statement,
            f"{subject_name(grant.statement)} allows {written} on all resources ({RESOURCE_STAR}), although "
            f"{which} resource-level permissions: scope Resource to the ARNs it needs"
            f"{grant.denial_note()}{grant.conditions(grant.star, *(v for v, _, _ in found))}",
        )
