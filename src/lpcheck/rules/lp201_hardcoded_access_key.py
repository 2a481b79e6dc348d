"""LP201 hardcoded-access-key: an AWS access key ID or secret access key written as a literal.

Reads every literal the front-ends recorded (resource bodies, provider and backend blocks, module
arguments, outputs, parameter and variable defaults, IAM JSON) plus environment variables, through
``lpcheck.secrets.scan`` which locates and de-duplicates the matches. Choices made:

- Key IDs are ``AKIA``/``ASIA``/``ABIA``/``ACCA`` + 16 characters of ``[A-Z2-7]`` anywhere (any
  upper-case letter or digit under a name that says "access key"). ``AIDA``/``AROA``/``AGPA``...
  are unique IDs of users, roles and groups, not credentials, and are not reported.
- Secret access keys (40 characters of base64, no prefix) only in context: under a name such as
  ``secret_key``/``AWS_SECRET_ACCESS_KEY``/``SecretAccessKey``, after such a name inside a text
  (``aws_secret_access_key = ...`` in user data), or beside a key ID (same block, same list of
  name/value pairs, same text). A SHA-1 or other hex digest never matches (no upper case).
- The AWS documentation example keys are reported like any other: they are how the anti-pattern
  is written in examples, and a real template has no use for them. Filler bodies
  (``AKIAXXXXXXXXXXXXXXXX``) are not.
- The message shows the first four characters only. A value that flowed in from a parameter
  default or a tfvars file is reported once, at its first use, naming where it was written.
"""

from __future__ import annotations

from collections.abc import Iterable

from lpcheck.findings import Issue
from lpcheck.model.container import Model
from lpcheck.rules.base import rule
from lpcheck.secrets.scan import credential_hits


@rule("LP201")
def hardcoded_access_key(model: Model) -> Iterable[Issue]:
    for hit in credential_hits(model):
        if not hit.cred.aws:
            continue
        when = f" (when {hit.condition})" if hit.condition else ""
        yield Issue(
            loc=hit.loc,
            message=(
                f"{hit.cred.kind} '{hit.cred.masked}' is hardcoded in {hit.where}{hit.source()}{when}; "
                "treat it as leaked, deactivate it, and use a role or the default credential chain"
            ),
            resource=hit.owner,
            key=f"{hit.where}:{hit.cred.kind}:{hit.cred.masked}",
        )
