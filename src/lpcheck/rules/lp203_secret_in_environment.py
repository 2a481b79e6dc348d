"""LP203 secret-in-environment: a secret in a compute environment variable, or any literal that
matches a known credential format.

Environment variables (Lambda incl. SAM ``Globals``, ECS, Batch, CodeBuild ``PLAINTEXT``, App Runner,
Amplify, Elastic Beanstalk, Glue default arguments, SageMaker, Lightsail) are reported when

- the value matches a credential format (GitHub, GitLab, Slack token or webhook, Stripe, Google,
  Twilio, SendGrid, npm, PyPI, OpenAI, Anthropic, Hugging Face, Shopify, Square, Azure storage key,
  a private key block), whatever the name; or
- the name looks secret (``PASSWORD``, ``SECRET``, ``TOKEN``, ``API_KEY``, ``PRIVATE_KEY``,
  ``CREDENTIALS``...; not ``SECRET_ARN``, ``TOKEN_TABLE``, ``PASSWORD_PARAM``, ``SECRET_NAME``...) and
  the value is a literal that is not a placeholder, a dynamic reference, or shaped like a pointer to
  a secret (ARN, SSM path, URL without a password, boolean, number, ``SECRETS_MANAGER``-style enum); or
- the value is a URL with an embedded password (``postgres://app:s3cret@db/app``).

Any other literal of the unit (resource properties, outputs, parameter defaults, module arguments,
provider blocks) that matches a credential format is reported too, except in a known secret
property (LP202 reports those). AWS access keys are LP201's and never reported here. The message
shows the first four characters only; a value from a parameter default or tfvars file is reported
at its first use, naming its source.
"""

from __future__ import annotations

from collections.abc import Iterable

from lpcheck.findings import Issue
from lpcheck.location import Location
from lpcheck.model.container import Model
from lpcheck.model.resources import EnvironmentVariable
from lpcheck.rules.base import rule
from lpcheck.secrets import mask, url_credentials
from lpcheck.secrets.classify import env_secret
from lpcheck.secrets.scan import credential_hits, partial_text, secret_property_locs

_ADVICE = "reference a Secrets Manager secret or SSM SecureString parameter and read it at run time"


@rule("LP203")
def secret_in_environment(model: Model) -> Iterable[Issue]:
    reported: set[tuple[Location, str]] = set()
    seen_origin: set[tuple[str, str]] = set()
    variables = sorted(model.of(EnvironmentVariable), key=lambda e: (e.loc.path, e.loc.line, e.loc.column))
    for var in variables:
        for v in var.value.variants():
            text = v.as_str() if v.is_literal and isinstance(v.raw, str) else None
            if v.is_unknown:
                # partly unknown ("postgres://app:s3cret@${Db.Endpoint.Address}/app"): only a
                # literal password in a URL is certain; the rest is LP201/LP203's format scan
                partial = partial_text(model, var.address, v.loc)
                password = url_credentials(partial) if partial else None
                found = ("a URL with an embedded password", password) if password else None
            elif not text:
                continue
            else:
                found = env_secret(var.name, text)
            if found is None:
                continue
            what, secret = found
            if v.origin:
                if (v.origin, secret) in seen_origin:
                    continue
                seen_origin.add((v.origin, secret))
            loc = v.at(var.loc)
            if (loc, secret) in reported:
                continue  # one literal shared by several functions (SAM Globals): one finding
            reported.add((loc, secret))
            source = f" (value from {v.origin})" if v.origin else ""
            yield Issue(
                loc=loc,
                message=(
                    f"environment variable {var.name} of {var.address} holds {_article(what)} "
                    f"('{mask(secret)}'){source}{v.describe_condition()}; {_ADVICE}"
                ),
                resource=var.address,
                key=f"{var.address}:env:{var.name}",
            )

    in_secret_properties = secret_property_locs(model)
    for hit in credential_hits(model):
        if hit.cred.aws or hit.loc in in_secret_properties:
            continue
        if (hit.loc, hit.cred.text) in reported:
            continue
        if not hit.exact and any(loc.path == hit.loc.path and s == hit.cred.text for loc, s in reported):
            continue  # inside a JSON string whose parsed variable was reported above
        if hit.origin and (hit.origin, hit.cred.text) in seen_origin:
            continue
        when = f" (when {hit.condition})" if hit.condition else ""
        yield Issue(
            loc=hit.loc,
            message=(
                f"{hit.cred.kind} '{hit.cred.masked}' is hardcoded in {hit.where}{hit.source()}{when}; "
                f"revoke it and {_ADVICE}"
            ),
            resource=hit.owner,
            key=f"{hit.where}:{hit.cred.kind}",
        )


def _article(what: str) -> str:
    if what.startswith(("a ", "an ")):
        return what
    vowel_sound = what[:1].lower() in "aeio" or what.startswith(("npm", "NPM"))
    return f"{'an' if vowel_sound else 'a'} {what}"
