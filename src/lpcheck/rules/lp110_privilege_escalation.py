"""LP110 privilege-escalation: ``Allow`` on ``"*"`` of actions that let a principal raise its own
privileges (the list is ``lpcheck.iam.catalog.ESCALATION_ACTIONS``), also through wildcards such as
``iam:Put*`` or a ``NotAction`` that does not exclude them. One finding per statement."""

from __future__ import annotations

from collections.abc import Iterator

from lpcheck.findings import Issue
from lpcheck.iam.analysis import RESOURCE_STAR, analyze, listing, statement_issue, subject_name
from lpcheck.iam.catalog import ESCALATION_ACTIONS
from lpcheck.model.container import Model
from lpcheck.rules.base import rule


@rule("LP110")
def privilege_escalation(model: Model) -> Iterator[Issue]:
    analysis = analyze(model)
    for grant in analysis.grants():
        found = analysis.escalations(grant)
        if not found:
            continue
        names = [a for a in ESCALATION_ACTIONS if a.lower() in found]
        witnesses = grant.witnesses(found, analysis.catalog)
        written = [raw for _, raw in witnesses]
        if not written:
            via = " (not excluded by NotAction)"
        elif {w.lower() for w in written} <= {n.lower() for n in names}:
            via = ""
        else:
            via = f" (through {listing(written, 3)})"
        yield statement_issue(
            grant.doc,
            grant.statement,
            f"{subject_name(grant.statement)} allows privilege escalation on all resources "
            f"({RESOURCE_STAR}): "
            f"{listing(names, 4)}{via}{grant.denial_note()}"
            f"{grant.conditions(grant.star, *(v for v, _ in witnesses))}",
            key=",".join(sorted(found)),
        )
