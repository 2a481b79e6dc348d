"""LP109 malformed-policy: IAM grammar errors (``lpcheck.iam.grammar``): a bad ``Effect``, missing or
conflicting ``Action``/``NotAction``, an identity statement without ``Resource``, unknown or
wrongly cased keys, a ``Version`` other than 2012-10-17 (a warning when missing or 2008-10-17)."""

from __future__ import annotations

from collections.abc import Iterator

from lpcheck.findings import Issue
from lpcheck.iam.grammar import document_problems
from lpcheck.model.container import Model
from lpcheck.rules.base import rule


@rule("LP109")
def malformed_policy(model: Model) -> Iterator[Issue]:
    for doc in model.policies:
        for problem in document_problems(doc):
            yield Issue(
                loc=problem.loc,
                message=problem.message,
                resource=doc.owner,
                severity=problem.severity,
                key=f"{doc.owner}:{problem.message}",
            )
