"""LP204 long-lived-access-key: an IAM access key created for a user by the template.

Every ``AccessKey`` (``AWS::IAM::AccessKey``, ``aws_iam_access_key``) is reported at the resource's
first line: the key itself is the anti-pattern, whatever the user. A key created ``Inactive`` is
not adapted (it cannot sign requests), so it is not reported.
"""

from __future__ import annotations

from collections.abc import Iterable

from lpcheck.findings import Issue
from lpcheck.location import Location
from lpcheck.model.container import Model
from lpcheck.model.resources import AccessKey
from lpcheck.rules.base import rule


def _user(key: AccessKey) -> str:
    for v in key.user.variants():
        if v.as_str():
            return f" for IAM user {v.as_str()}"
        if v.ref:
            return f" for IAM user {v.ref}"
    return ""


@rule("LP204")
def long_lived_access_key(model: Model) -> Iterable[Issue]:
    places: set[Location] = set()  # two instances of one module: one finding
    for key in model.of(AccessKey):
        if key.loc in places:
            continue
        places.add(key.loc)
        when = f" (when {key.condition})" if key.condition else ""
        yield Issue(
            loc=key.loc,
            message=(
                f"{key.address} creates a long-lived IAM access key{_user(key)}{when}; use a role with "
                "temporary credentials (instance/task/function role, OIDC federation, IAM Identity Center)"
            ),
            resource=key.address,
            key=f"{key.address}:access-key",
        )
