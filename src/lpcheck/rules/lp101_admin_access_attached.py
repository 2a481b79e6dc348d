"""LP101 admin-access-attached: the AWS managed ``AdministratorAccess`` policy bound to a principal.

Reads ``PolicyAttachment``s, whatever wrote them (CloudFormation ``ManagedPolicyArns``, SAM
``Policies``, Terraform attachments and ``managed_policy_arns``, ``data "aws_iam_policy"`` lookups,
account-authorization dumps), and reports each attachment once, at the element that names the
policy. Choices made:

- The policy is recognised by its ARN in any partition (``arn:aws:``, ``arn:aws-us-gov:``,
  ``arn:aws-cn:``, the ISO partitions) with the AWS account ``aws`` and the root path, or by the bare
  name ``AdministratorAccess`` (SAM ``Policies``, a data source's ``name``, a dump's policy name).
- The name is compared without regard to case. AWS names are case-sensitive, but IAM refuses
  two policies whose names differ only in case, so a differently cased name can only be a typo for
  this policy (or fail to deploy); reporting it costs nothing and misses nothing.
- Not reported: other AWS policies whose names merely contain the word (``AdministratorAccess-
  Amplify``, ``job-function/SystemAdministrator``, ``PowerUserAccess``), a customer managed policy
  named ``AdministratorAccess`` in a real account (its content is judged by LP102 where we see it),
  and unknown values. What a *customer* policy grants is LP102's business.
- Several principals bound by one element (``aws_iam_policy_attachment`` with ``roles = [a, b]``)
  give one finding naming them all: one cause, one place.
- LP101 and LP108 are different causes: an admin policy attached to a user is reported by both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lpcheck.findings import Issue
from lpcheck.location import Location
from lpcheck.model.container import Model
from lpcheck.model.values import Value
from lpcheck.rules.base import rule

ADMIN_POLICY = "AdministratorAccess"
_ADMIN = re.compile(r"^(?:arn:aws(?:-[a-z0-9-]+)?:iam::aws:policy/)?administratoraccess$", re.IGNORECASE)


def is_admin_policy(text: str | None) -> bool:
    """The AWS managed AdministratorAccess policy, by ARN (any partition) or bare name."""
    return bool(text) and _ADMIN.match(text.strip()) is not None


def _admin(value: Value) -> bool:
    return is_admin_policy(value.as_str())


_KIND_LABEL = {"function": "function", "role": "role", "user": "IAM user", "group": "group"}


@rule("LP101")
def admin_access_attached(model: Model) -> Iterable[Issue]:
    found: dict[Location, tuple[Value, list[str]]] = {}
    for attachment in model.attachments:
        if attachment.policy is None:
            continue
        witness = attachment.policy.find(_admin)
        if witness is None:
            continue
        loc = witness.loc or attachment.loc
        kind = _KIND_LABEL.get(attachment.principal_kind, "principal")
        principals = found.setdefault(loc, (witness, []))[1]
        # a principal whose name cannot be resolved (a computed name) is still a principal
        label = f"a {kind}" if attachment.principal == "(unresolved)" else f"{kind} {attachment.principal}"
        if label not in principals:
            principals.append(label)
    for loc, (witness, principals) in found.items():
        origin = witness.origin or ""
        via = f" (from {origin})" if origin and not origin.startswith("pseudo parameter") else ""
        message = (
            f"AWS managed policy {ADMIN_POLICY}{via} is attached to {', '.join(principals)}"
            f"{witness.describe_condition()}: it grants every action on every resource; attach a "
            "policy limited to the actions and resources the principal needs"
        )
        yield Issue(
            loc=loc,
            message=message,
            resource=", ".join(principals),
            key=f"LP101:{'|'.join(principals)}:{ADMIN_POLICY}{witness.describe_condition()}",
        )
