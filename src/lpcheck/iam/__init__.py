"""IAM policy semantics shared by the IAM rules: the action catalog (``catalog``), grants, Deny
subtraction and rule predicates (``analysis``), public principals and restricting conditions
(``exposure``) and the policy grammar (``grammar``).

Kept import-light: modules load the catalog only when a policy is analysed.
"""
