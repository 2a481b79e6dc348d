"""LP206 plaintext-secret-parameter: an SSM parameter of type ``String``/``StringList`` that holds
a secret.

A parameter is reported, at its ``Type``, when its type is literally ``String`` or ``StringList``
(each ``Fn::If`` branch on its own) and

- its name looks like a secret (the words of ``/app/prod/db_password``, ``ApiToken``: password,
  secret, token, api key, private key, credentials; not ``.../secret-arn``, ``.../token-ttl``), unless
  its literal value is shaped like a pointer (an ARN, a path, a URL without a password, a number or
  boolean); or
- its value matches a credential format (AWS key, GitHub/Slack/Stripe token, private key...) or is
  a URL with a literal password (``postgres://app:S3cret@db:5432/app``, a connection string).

When the name is computed (``!Sub /${Env}/db/password`` without a default, ``"/${var.env}/token"``)
its written text counts (the unknown parts left out), or when the front-end has none, the
resource's own name (``DbPassword``, ``aws_ssm_parameter.api_token``); a CloudFormation parameter
without ``Name`` is named after its logical ID, which counts too.

``SecureString`` is fine; an unknown or absent type is not reported (both formats require it).
A placeholder value does not clear a secret-looking name: the parameter is where the real secret
will be put, in plain text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lpcheck.findings import Issue
from lpcheck.location import Location
from lpcheck.model.container import Model
from lpcheck.model.resources import SSMParameter
from lpcheck.rules.base import rule
from lpcheck.secrets import (
    find_aws_credentials,
    find_other_credentials,
    looks_non_secret_value,
    looks_secret_name,
    url_credentials,
)
from lpcheck.secrets.scan import partial_text

_PLAIN = {"string": "String", "stringlist": "StringList"}
_INTERPOLATION = re.compile(r"\$\{[^}]*\}")


def _reason(param: SSMParameter, model: Model) -> str | None:
    for v in param.value.variants():
        text = v.as_str() if v.is_literal else partial_text(model, param.address, v.loc)
        if text:
            creds = find_aws_credentials(text, "value") + find_other_credentials(text)
            if creds:
                return f"its value is {_article(creds[0].kind)}"
            if v.is_literal and url_credentials(text):
                return "its value is a URL with an embedded password"
    names = [v.as_str() for v in param.name.variants() if v.as_str()]
    for v in param.name.variants():
        if v.is_unknown:
            # the name is computed: its written text ("/${Env}/db/password", the unknown parts
            # left out), else the resource's own name tells
            partial = partial_text(model, param.address, v.loc)
            names.append(_INTERPOLATION.sub("/", partial) if partial else _resource_name(param.address))
        elif v.is_absent:
            # CloudFormation names it after the stack and the logical ID
            names.append(_resource_name(param.address))
    if any(n and looks_secret_name(n) for n in names):
        values = [v for v in param.value.variants() if v.is_literal and v.as_str()]
        if values and all(looks_non_secret_value(v.as_str() or "") for v in values):
            return None
        return "its name says it holds a secret"
    return None


def _resource_name(address: str) -> str:
    """``aws_ssm_parameter.db_password`` -> ``db_password``; ``DbPasswordParameter`` ->
    ``DbPassword`` (a trailing Param/Parameter/SSM names the resource type, not its content)."""
    local = address.rsplit(".", 1)[-1]
    return re.sub(r"(?i)[_-]?(ssm)?[_-]?(param|parameter)?$", "", local) or local


def _article(kind: str) -> str:
    vowel_sound = kind[:1].lower() in "aeio" or kind.startswith(("npm", "NPM"))
    return f"an {kind}" if vowel_sound else f"a {kind}"


@rule("LP206")
def plaintext_secret_parameter(model: Model) -> Iterable[Issue]:
    places: set[Location] = set()  # two instances of one module: one finding
    for param in model.of(SSMParameter):
        if param.loc in places:
            continue
        reason = None
        for t in param.param_type.variants():
            kind = _PLAIN.get((t.as_str() or "").strip().lower())
            if kind is None:
                continue
            reason = reason or _reason(param, model)
            if reason is None:
                break
            name = (
                next((v.as_str() for v in param.name.variants() if v.as_str()), None)
                or partial_text(model, param.address, param.name.loc)
                or param.address
            )
            places.add(param.loc)
            yield Issue(
                loc=t.at(param.loc),
                message=(
                    f"SSM parameter {name} is stored as plain {kind} but {reason}{t.describe_condition()}; "
                    "use a SecureString parameter (encrypted with KMS) or Secrets Manager"
                ),
                resource=param.address,
                key=f"{param.address}:type",
            )
            break  # one finding per parameter, at the first branch that stores it in plain text
