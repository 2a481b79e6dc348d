"""LP103 service-wildcard-on-all-resources: ``Allow`` of a whole service (``s3:*``) on ``"*"``.

One finding per statement naming every such service, not one per service or per expanded action."""

from __future__ import annotations

from collections.abc import Iterator

from lpcheck.findings import Issue
from lpcheck.iam.analysis import RESOURCE_STAR, analyze, listing, statement_issue, subject_name
from lpcheck.model.container import Model
from lpcheck.rules.base import rule


@rule("LP103")
def service_wildcard_on_all_resources(model: Model) -> Iterator[Issue]:
    analysis = analyze(model)
    for grant in analysis.grants():
        found = analysis.service_wildcards(grant)
        if not found:
            continue
        written = listing([raw for _, raw in found], 6)
        yield statement_issue(
            grant.doc,
            grant.statement,
            f"{subject_name(grant.statement)} allows {written} on all resources ({RESOURCE_STAR}): every "
            f"action of the service{'s' if len(found) > 1 else ''}{grant.denial_note()}"
            f"{grant.conditions(grant.star, *(v for v, _ in found))}",
            key=",".join(sorted(raw.lower() for _, raw in found)),
        )
