"""Reasons the policy builder gives unknown values whose shape was wrong, so LP109 can say why.

They live here (not in the adapter) so rules and analysis never import a front-end module.
"""

# ``Value.unknown`` reason of a Statement list item that is not an object.
NOT_AN_OBJECT = "statement is not an object"
# Reason of an element whose JSON shape is wrong (a map where a string belongs).
MALFORMED = "malformed"
