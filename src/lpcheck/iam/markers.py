"""Reasons the policy builder gives unknown values whose shape was wrong, so LP109 can say why.

They live here (not in the adapter) so rules and analysis never import a front-end module.
"""

# ``Value.unknown`` reason of a Statement list item that is not an object.
NOT_AN_OBJECT = "statement is not an object"
# Reason of an element whose JSON shape is wrong (a map where a string belongs).
MALFORMED = "malformed"

# ``PolicyDocument.owner`` of a VPC endpoint policy starts with this (the model has no field for the
# holder's type, and ``owner`` is already what messages print). AWS requires ``Principal: "*"`` in
# gateway endpoint policies, so LP107 skips these documents.
ENDPOINT_OWNER_PREFIX = "VPC endpoint "


def is_endpoint_policy(owner: str) -> bool:
    return owner.startswith(ENDPOINT_OWNER_PREFIX)


# ``PolicyDocument.owner`` of a customer managed policy used only as a permissions boundary starts
# with this: a boundary caps other policies and grants nothing itself, so the rules that judge what
# an identity policy grants (LP102-LP106, LP110) skip it; LP109 and LP111 still check it.
BOUNDARY_OWNER_PREFIX = "Permissions boundary "


def is_boundary_policy(owner: str) -> bool:
    return owner.startswith(BOUNDARY_OWNER_PREFIX)
