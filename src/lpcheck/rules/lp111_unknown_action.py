"""LP111 unknown-action: an action or service prefix the IAM action catalog does not know (a typo
such as ``s3:GetObjcet``), or a wildcard that matches nothing. Points at the action string itself.
Silent when the catalog cannot be loaded."""

from __future__ import annotations

from collections.abc import Iterator

from lpcheck.findings import Issue
from lpcheck.iam.analysis import origin_note
from lpcheck.iam.catalog import get_catalog
from lpcheck.iam.grammar import action_problem, action_values
from lpcheck.model.container import Model
from lpcheck.rules.base import rule


@rule("LP111")
def unknown_action(model: Model) -> Iterator[Issue]:
    policies = model.policies
    if not policies:
        return
    catalog = get_catalog()
    if not catalog.available:
        return
    for doc in policies:
        for statement in doc.statements:
            for element, value, raw in action_values(statement):
                problem = action_problem(raw, catalog, element)
                if problem is None:
                    continue
                yield Issue(
                    loc=value.loc or statement.loc,
                    message=f"{problem}{origin_note(value)}{value.describe_condition()}",
                    resource=doc.owner,
                    key=f"{doc.owner}:{raw}",
                )
