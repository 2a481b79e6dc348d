"""LP108 policy-on-user: a policy (inline or managed) attached directly to an IAM user.

Reads ``PolicyAttachment``s whose principal is a user: inline user policies (CloudFormation
``AWS::IAM::User`` ``Policies`` items and ``AWS::IAM::UserPolicy``, Terraform
``aws_iam_user_policy``), managed attachments (``ManagedPolicyArns`` of a user, ``Users`` of
``AWS::IAM::Policy``/``ManagedPolicy``, ``aws_iam_user_policy_attachment``, ``users`` of
``aws_iam_policy_attachment``, ``aws_iam_user_policy_attachments_exclusive``) and users' policies in
account-authorization dumps. Choices made:

- Each binding is one finding, at the element that binds it (the policy item, the ``PolicyDocument``
  / ``policy`` / ``policy_arn`` attribute, the ``Users`` item). Several users bound by one element
  (``users = [a, b]``) give one finding naming them all.
- The policy's content does not matter (an unknown document still reports): the anti-pattern is
  where the permissions live, not what they are. A user *list* that cannot be resolved reports
  nothing (it may be empty).
- Group membership is the remedy, not a finding. Permissions boundaries are not attachments.
- Independent of LP101: an ``AdministratorAccess`` attachment to a user is reported by both rules,
  because fixing one cause (a narrower policy, or moving it to a group) leaves the other.
"""

from __future__ import annotations

from collections.abc import Iterable

from lpcheck.findings import Issue
from lpcheck.location import Location
from lpcheck.model.container import Model
from lpcheck.model.iam import PolicyAttachment
from lpcheck.rules.base import rule


def _policy_label(attachment: PolicyAttachment) -> str:
    if attachment.policy is not None:
        for variant in attachment.policy.variants():
            text = variant.as_str()
            if text:
                return f"policy {text.rsplit('/', 1)[-1]}"
            if variant.ref:
                return f"policy {variant.ref}"
    if attachment.inline is not None:
        owner = attachment.inline.owner
        if " inline policy " in owner:  # an IAM dump already names the user: keep the policy's name
            return f"inline policy {owner.rsplit(' inline policy ', 1)[1].rstrip(')')}"
        return f"inline policy {owner}"
    return "a policy"


def _exists(attachment: PolicyAttachment) -> bool:
    """False when every alternative of the bound policy is ``AWS::NoValue``."""
    if attachment.policy is None:
        return True
    return any(not v.is_absent for v in attachment.policy.variants())


@rule("LP108")
def policy_on_user(model: Model) -> Iterable[Issue]:
    found: dict[Location, tuple[str, list[str], str]] = {}
    for attachment in model.attachments:
        if attachment.principal_kind != "user" or not _exists(attachment):
            continue
        condition = attachment.policy.describe_condition() if attachment.policy is not None else ""
        entry = found.setdefault(attachment.loc, (_policy_label(attachment), [], condition))
        if attachment.principal not in entry[1]:
            entry[1].append(attachment.principal)
    for loc, (policy, users, condition) in found.items():
        names = ", ".join(users)
        yield Issue(
            loc=loc,
            message=(
                f"{policy[0].upper()}{policy[1:]} is attached directly to IAM user {names}{condition}; "
                "grant permissions through a group or a role the user assumes instead"
            ),
            resource=names,
            key=f"LP108:{names}:{policy}",
        )
