"""Credential formats recognisable from the string alone (plus a little context for AWS secrets).

Patterns are strict on purpose (exact prefixes, lengths and alphabets, in the spirit of the
provider-published formats that gitleaks and GitHub secret scanning use): a format match is
reported without looking at names, so it must almost never match anything else.

AWS access key IDs: only ``AKIA`` (long-term), ``ASIA`` (STS temporary), ``ABIA`` and ``ACCA``
are credentials. ``AIDA``/``AROA``/``AGPA``/``ANPA``... are the unique IDs of users, roles, groups
and policies; they are not secret and appear legitimately in ``aws:userid`` conditions.

AWS secret access keys (40 characters of base64) have no prefix, so they are only recognised in
context: under a name that says so (``secret_key``, ``AWS_SECRET_ACCESS_KEY``), after such a name
inside a text (``aws_secret_access_key = ...`` in user data), or next to an access key ID.

The AWS documentation's example keys (``AKIAIOSFODNN7EXAMPLE``,
``wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY``) *are* reported: intentionally vulnerable projects and
the test suites of other scanners write the anti-pattern with exactly these values, and real
templates never need to contain them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lpcheck.secrets.names import is_access_key_context, is_secret_key_context

AWS_KEY_ID = "AWS access key ID"
AWS_SECRET_KEY = "AWS secret access key"


@dataclass(frozen=True, slots=True)
class CredentialMatch:
    kind: str  # human label: "AWS access key ID", "GitHub token", ...
    text: str  # the matched credential
    start: int  # offset in the scanned string
    aws: bool = False  # LP201's (AWS credentials) rather than LP203's

    @property
    def masked(self) -> str:
        from lpcheck.secrets.mask import mask

        return mask(self.text)


_KEY_ID_STRICT = re.compile(r"(?<![A-Za-z0-9])((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?![A-Za-z0-9])")
_KEY_ID_RELAXED = re.compile(r"(?<![A-Za-z0-9])((?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})(?![A-Za-z0-9])")
# "aws_access_key_id = X", "AWS_ACCESS_KEY_ID=X", "\"AccessKeyId\": \"X\"" inside a text (user data,
# a credentials file): the name says what follows is a key ID, so the relaxed alphabet applies
# (the AWS documentation's AKIAI44QH8DHBEXAMPLE is not base32).
_KEY_ID_ASSIGN = re.compile(
    r"(?i:access[_-]?key(?:[_-]?id)?)[\"']?\s*(?:=|:|=>|\s)\s*[\"']?"
    r"((?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})(?![A-Za-z0-9])"
)
_SECRET_40 = re.compile(r"(?<![A-Za-z0-9/+=])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])")
# "aws_secret_access_key = X", "AWS_SECRET_ACCESS_KEY=X", "\"SecretAccessKey\": \"X\"", "secret_key: X"
_SECRET_ASSIGN = re.compile(
    r"(?i)(aws[_-]?secret[_-]?access[_-]?key|secret[_-]?access[_-]?key|aws[_-]?secret[_-]?key|secret[_-]?key|aws[_-]?secret)"
    r"[\"']?\s*(?:=|:|=>|\s)\s*[\"']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"
)

_OTHER_FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("GitHub token", re.compile(r"(?<![A-Za-z0-9_])(gh[pousr]_[A-Za-z0-9]{36,255})(?![A-Za-z0-9_])")),
    (
        "GitHub token",
        re.compile(r"(?<![A-Za-z0-9_])(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})(?![A-Za-z0-9])"),
    ),
    ("GitLab token", re.compile(r"(?<![A-Za-z0-9_])(glpat-[A-Za-z0-9_-]{20,})(?![A-Za-z0-9_-])")),
    ("Slack token", re.compile(r"(?<![A-Za-z0-9])(xox[abposr]-[0-9]{6,}-[0-9A-Za-z-]{6,})")),
    ("Slack token", re.compile(r"(?<![A-Za-z0-9])(xapp-[0-9]-[A-Z0-9]{6,}-[0-9]{6,}-[a-z0-9]{20,})")),
    (
        "Slack webhook URL",
        re.compile(
            r"(https://hooks\.slack\.com/(?:services|workflows|triggers)/T[A-Z0-9]{6,}/[A-Za-z0-9/]{20,})"
        ),
    ),
    ("Stripe secret key", re.compile(r"(?<![A-Za-z0-9_])((?:sk|rk)_live_[0-9A-Za-z]{20,})")),
    ("Google API key", re.compile(r"(?<![A-Za-z0-9_-])(AIza[0-9A-Za-z_-]{35})(?![A-Za-z0-9_-])")),
    ("Twilio API key", re.compile(r"(?<![A-Za-z0-9])(SK[0-9a-f]{32})(?![A-Za-z0-9])")),
    ("SendGrid API key", re.compile(r"(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})")),
    ("npm token", re.compile(r"(?<![A-Za-z0-9_])(npm_[A-Za-z0-9]{36})(?![A-Za-z0-9])")),
    ("PyPI token", re.compile(r"(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})")),
    ("OpenAI API key", re.compile(r"(sk-(?:proj-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,})")),
    ("Anthropic API key", re.compile(r"(sk-ant-(?:api|admin)\d\d-[A-Za-z0-9_-]{80,})")),
    ("Hugging Face token", re.compile(r"(?<![A-Za-z0-9_])(hf_[A-Za-z]{34})(?![A-Za-z0-9])")),
    ("Shopify token", re.compile(r"(shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})")),
    ("Square token", re.compile(r"(sq0(?:atp|csp)-[0-9A-Za-z_-]{22,})")),
    ("Azure storage account key", re.compile(r"AccountKey=([A-Za-z0-9+/]{86}==)")),
    (
        "Terraform Cloud token",
        re.compile(r"(?<![A-Za-z0-9])([A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70})(?![A-Za-z0-9_=-])"),
    ),
    ("DigitalOcean token", re.compile(r"(?<![A-Za-z0-9_])(do[opr]_v1_[a-f0-9]{64})(?![A-Za-z0-9])")),
    (
        "Discord webhook URL",
        re.compile(
            r"(https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_-]{60,68})"
        ),
    ),
    ("Databricks token", re.compile(r"(?<![A-Za-z0-9_])(dapi[a-f0-9]{32}(?:-\d)?)(?![A-Za-z0-9])")),
    ("Postman API key", re.compile(r"(PMAK-[a-f0-9]{24}-[a-f0-9]{34})")),
    ("New Relic API key", re.compile(r"(?<![A-Za-z0-9_])(NRAK-[A-Z0-9]{27})(?![A-Za-z0-9])")),
    ("Grafana token", re.compile(r"(?<![A-Za-z0-9_])(glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})(?![A-Za-z0-9])")),
    ("Mailchimp API key", re.compile(r"(?<![A-Za-z0-9])([0-9a-f]{32}-us[0-9]{1,2})(?![A-Za-z0-9])")),
    (
        "private key",
        re.compile(
            r"(-----BEGIN (?:RSA |DSA |EC |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----)"
            r"(?=[\s\S]{0,300}?[A-Za-z0-9+/=]{40,})"
        ),
    ),
)


# Cheap pre-checks: most strings of a template contain none of these, and one search is much
# faster than running every pattern.
_KEY_PREFIX = re.compile(r"A(?:KIA|SIA|BIA|CCA)")
_OTHER_PREFIX = re.compile(
    r"gh[pousr]_|github_pat_|glpat-|xox[abposr]-|xapp-|hooks\.slack\.com|[sr]k_live_|AIza|SK[0-9a-f]{32}|"
    r"SG\.|npm_|pypi-|sk-|hf_|shp(?:at|ca|pa|ss)_|sq0|AccountKey=|PRIVATE KEY|\.atlasv1\.|do[opr]_v1_|"
    r"discord(?:app)?\.com/api/webhooks|dapi[a-f0-9]|PMAK-|NRAK-|glsa_|[0-9a-f]{32}-us[0-9]"
)


def _low_entropy(body: str) -> bool:
    """A filler body ("XXXXXXXX", "0000...", "abcabc") is a sample, not a credential."""
    return len(set(body)) < 6 or bool(re.search(r"(.)\1{7,}", body))


def _has_classes(s: str) -> bool:
    """A real AWS secret key mixes upper case, lower case and digits; a SHA-1 (hex) does not."""
    return any(c.isupper() for c in s) and any(c.islower() for c in s) and any(c.isdigit() for c in s)


def find_aws_key_ids(text: str, context: str | None = None) -> list[CredentialMatch]:
    """AWS access key IDs in ``text``; a relaxed alphabet under an ``access_key`` name."""
    if not _KEY_PREFIX.search(text):
        return []
    pattern = _KEY_ID_RELAXED if context and is_access_key_context(context) else _KEY_ID_STRICT
    found = {m.start(1): m.group(1) for m in pattern.finditer(text)}
    if pattern is _KEY_ID_STRICT:
        found.update((m.start(1), m.group(1)) for m in _KEY_ID_ASSIGN.finditer(text))
    return [
        CredentialMatch(AWS_KEY_ID, key, start, aws=True)
        for start, key in sorted(found.items())
        if not _low_entropy(key[4:])
    ]


def find_aws_secret_keys(
    text: str, context: str | None = None, near_key_id: bool = False
) -> list[CredentialMatch]:
    """AWS secret access keys in ``text``, recognised only in context (see the module docstring).

    ``context`` is the name the string is stored under; ``near_key_id`` says that an access key ID
    sits next to it (same block / same list of name-value pairs)."""
    if len(text) < 40:
        return []
    out: dict[int, CredentialMatch] = {}
    for m in _SECRET_ASSIGN.finditer(text):
        s = m.group(2)
        if _has_classes(s) and not _low_entropy(s):
            out[m.start(2)] = CredentialMatch(AWS_SECRET_KEY, s, m.start(2), aws=True)
    whole = text.strip()
    named = bool(context and is_secret_key_context(context))
    has_id_inside = bool(_KEY_ID_STRICT.search(text))
    for m in _SECRET_40.finditer(text):
        s = m.group(1)
        if m.start(1) in out or not _has_classes(s) or _low_entropy(s):
            continue
        # The whole value under a secret-key name or beside a key ID, or any such token in a
        # text that also holds a key ID (user data exporting both).
        if ((named or near_key_id) and whole == s) or has_id_inside:
            out[m.start(1)] = CredentialMatch(AWS_SECRET_KEY, s, m.start(1), aws=True)
    return sorted(out.values(), key=lambda c: c.start)


def find_aws_credentials(
    text: str, context: str | None = None, near_key_id: bool = False
) -> list[CredentialMatch]:
    """Both AWS key IDs and (in context) secret access keys: what LP201 reports."""
    found = find_aws_key_ids(text, context) + find_aws_secret_keys(text, context, near_key_id)
    return sorted(found, key=lambda c: c.start)


def find_other_credentials(text: str) -> list[CredentialMatch]:
    """Non-AWS credential formats (GitHub, Slack, Stripe, private keys...): LP203's."""
    if not _OTHER_PREFIX.search(text):
        return []
    out: list[CredentialMatch] = []
    for kind, pattern in _OTHER_FORMATS:
        for m in pattern.finditer(text):
            token = m.group(1)
            if kind != "private key":
                body = max(re.findall(r"[A-Za-z0-9]+", token), key=len, default=token)  # the random part
                if _low_entropy(body) or re.search(r"(?i)example|sample|dummy|placeholder|your", token):
                    continue
            out.append(CredentialMatch(kind, token, m.start(1)))
    return sorted(out, key=lambda c: c.start)
