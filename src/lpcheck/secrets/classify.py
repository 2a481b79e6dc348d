"""Whether an environment variable's literal value is a secret, shared by LP203 (which reports it)
and LP202 (which then leaves a parameter default that flowed there to LP203: reported where used).
"""

from __future__ import annotations

from lpcheck.secrets.formats import find_aws_credentials, find_other_credentials
from lpcheck.secrets.names import looks_secret_name
from lpcheck.secrets.placeholders import is_placeholder, looks_non_secret_value, url_credentials


def env_secret(name: str, text: str) -> tuple[str, str] | None:
    """(what the value is, the secret text) when variable ``name`` = ``text`` holds a secret
    other than an AWS key (those are LP201's); None otherwise."""
    if find_aws_credentials(text, name):
        return None
    other = find_other_credentials(text)
    if other:
        return other[0].kind, other[0].text
    if looks_secret_name(name) and not is_placeholder(text, name) and not looks_non_secret_value(text):
        return "a literal secret", text
    password = url_credentials(text)
    if password:
        return "a URL with an embedded password", password
    return None
