"""LP106 passrole-any-resource: ``iam:PassRole`` (literally, through a wildcard, or not excluded by
``NotAction``) allowed on ``Resource: "*"`` or on a Resource naming every role of an account
(``arn:aws:iam::123456789012:role/*``): the holder can hand any role to a service it controls."""

from __future__ import annotations

from collections.abc import Iterator

from lpcheck.findings import Issue
from lpcheck.iam.analysis import RESOURCE_STAR, analyze, listing, shown, statement_issue, subject_name, text
from lpcheck.model.container import Model
from lpcheck.rules.base import rule


@rule("LP106")
def passrole_any_resource(model: Model) -> Iterator[Issue]:
    analysis = analyze(model)
    for grant in analysis.grants():
        target = analysis.passrole_target(grant)
        if target is None:
            continue
        witnesses = grant.witnesses(frozenset({"iam:passrole"}), analysis.catalog)
        written = [raw for _, raw in witnesses]
        if written == ["iam:PassRole"] or [w.lower() for w in written] == ["iam:passrole"]:
            via = ""
        elif written:
            via = f" (through {listing(written, 3)})"
        else:
            via = " (not excluded by NotAction)"
        limited = [
            t
            for c in grant.statement.conditions
            if c.key.strip().lower() == "iam:passedtoservice"
            for v in c.values
            if (t := text(v)) is not None
        ]
        to = f" (to {listing(limited, 2)} only)" if limited else ""
        if target is grant.star:
            where = f"on all resources ({RESOURCE_STAR})"
        else:
            where = f'on every role (Resource "{shown(target)}")'

        yield statement_issue(
            grant.doc,
            grant.statement,
            f"{subject_name(grant.statement)} allows iam:PassRole{via} {where}: "
            f"any role, however privileged, can be passed to a service{to}{grant.denial_note()}"
            f"{grant.conditions(target, *(v for v, _ in witnesses))}",
        )
