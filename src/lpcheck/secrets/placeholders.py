"""Values that are not secrets although they sit where a secret goes.

Two different questions, kept apart on purpose:

- :func:`is_placeholder`: the value is a "fill me in" marker, an unresolved interpolation or a
  dynamic reference, so the template does not actually hardcode a secret (``<password>``,
  ``${DbPassword}``, ``{{resolve:secretsmanager:...}}``, ``REPLACE_ME``, ``xxxx``, ``ENTER YOUR
  TOKEN HERE``). Every secret rule skips these.
- :func:`looks_non_secret_value`: the value has the shape of something that describes a secret
  rather than being one (an ARN, a URL without credentials, a path, a boolean, a number, an SSM
  parameter name). Only the *name-based* heuristics (LP203 environment variables, LP202's
  "secret-looking parameter") use it; a literal in a property AWS documents as a password is a
  password whatever it looks like.

Weak but real passwords (``changeme``, ``password123``) are deliberately *not* placeholders: a
template deployed with them creates a database with exactly that password. A value made only of
words that name the slot (``MyPassword``, ``examplepassword``, ``YourSecretToken``) is a placeholder
where only the *name* says a secret goes (an environment variable, a parameter), but in a property
AWS documents as a password (``slot_words=False``) it is what gets deployed, and is reported.
"""

from __future__ import annotations

import re

_DYNAMIC_REF = re.compile(r"\{\{resolve:(secretsmanager|ssm-secure|ssm):", re.IGNORECASE)
_WHOLE_INTERPOLATION = re.compile(
    r"^\s*(\$\{[^}]*\}|\$\([^)]*\)|\{\{[^}]*\}\}|<[^<>]*>|%[A-Za-z0-9_]+%|\[[A-Z0-9_ -]+\])\s*$"
)
_PLACEHOLDER_WORDS = re.compile(
    r"(enter[ _-]?your|your[ _-]?(own[ _-]?)?[a-z]*[ _-]?(here|value|password|secret|token|key)|"
    r"replace[ _-]?(me|this|with)|change[ _-]?this|insert[ _-]?(here|your)|put[ _-]?your|"
    r"placeholder|_here\b|\bhere$|\btodo\b|\btbd\b|\bfixme\b|redacted|\bnot[ _-]?set\b|"
    r"\bdummy\b|\bsample[ _-]?(secret|token|password|key)\b)",
    re.IGNORECASE,
)
_EXACT_PLACEHOLDERS = frozenset(
    {
        "none",
        "null",
        "nil",
        "undefined",
        "n/a",
        "na",
        "tbd",
        "todo",
        "example",
        "sample",
        "dummy",
        "placeholder",
        "value",
        "string",
        "unset",
        "empty",
        "default",
        "replaceme",
        "replace_me",
        "changeme_in_console",
    }
)


# "MyAPIkey", "KeyValue", "YourSecretToken": words that only name the slot, with a filler word.
_SLOT_WORDS = frozenset(
    {"my", "your", "the", "some", "api", "key", "value", "secret", "token", "password", "passwd", "pass"}
    | {"auth", "here", "string", "text", "example", "sample", "client", "access", "private"}
)
_FILLER_WORDS = frozenset({"my", "your", "some", "the", "value", "example", "sample", "here"})


def _segment(text: str) -> list[str] | None:
    """Split ``text`` into slot words (``myapikey`` -> my, api, key); None when impossible."""
    best: list[list[str] | None] = [None] * (len(text) + 1)
    best[0] = []
    for end in range(1, len(text) + 1):
        for start in range(max(0, end - 8), end):
            prefix = best[start]
            if prefix is not None and text[start:end] in _SLOT_WORDS:
                best[end] = [*prefix, text[start:end]]
                break
    return best[len(text)]


def _names_the_slot(value: str) -> bool:
    if not re.fullmatch(r"[A-Za-z _-]+", value):
        return False
    ws = _segment(re.sub(r"[ _-]", "", value.lower()))
    return ws is not None and len(ws) >= 2 and bool(set(ws) & _FILLER_WORDS)


def is_dynamic_reference(value: str) -> bool:
    """A CloudFormation dynamic reference: the value is fetched at deploy time, not hardcoded."""
    return bool(_DYNAMIC_REF.search(value))


def _norm(s: str) -> str:
    return re.sub(r"[^a-z0-9]", "", s.lower())


def is_placeholder(value: str, key: str | None = None, *, slot_words: bool = True) -> bool:
    """Whether ``value`` is a marker rather than a real secret (see the module docstring).

    ``key`` is the name the value is stored under: a value equal to its own key name
    (``client_secret = "client_secret"``) is a placeholder too. ``slot_words=False`` keeps values
    that only name the slot (``examplepassword``) as real: they are deployed as written."""
    s = value.strip()
    if not s:
        return True
    if is_dynamic_reference(s):
        return True
    if _WHOLE_INTERPOLATION.match(s):
        return True
    low = s.lower()
    if low in _EXACT_PLACEHOLDERS:
        return True
    if len(set(s)) == 1 and len(s) >= 2:  # "xxxx", "****", "0000"
        return True
    if re.fullmatch(r"[x*#.\-_ ]{3,}", low):  # "xxx-xxx", "***..."
        return True
    if _PLACEHOLDER_WORDS.search(s):
        return True
    if key is not None and _norm(s) and _norm(s) == _norm(key):
        return True
    if slot_words and _names_the_slot(s):
        return True
    # Masked sample with a long run of the same filler character: "sk_live_xxxxxxxxxxxx".
    return bool(re.search(r"(x{6,}|X{6,}|\*{4,}|#{4,})", s))


_BOOL_WORDS = frozenset(
    {"true", "false", "yes", "no", "on", "off", "enabled", "disabled", "optional", "required", "none"}
)
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?[smhdSMHD]?$")
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://([^/@\s]*@)?[^\s]*$")
_ARN = re.compile(r"^arn:[a-z0-9-]*:", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
# lower-case words joined by "/" (a secret or parameter name without the leading slash); a random
# secret with a "/" (base64) mixes cases and digits
_SECRET_NAME = re.compile(r"^[a-z][a-z0-9_.-]*(/[a-z][a-z0-9_.-]*)+$")


def url_credentials(value: str) -> str | None:
    """The password of a ``scheme://user:password@host`` URL, if it has a literal one."""
    m = re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://([^/:@\s]*):([^/@\s]+)@", value.strip())
    if not m:
        return None
    password = m.group(2)
    return None if is_placeholder(password) or "${" in password or password.startswith("$") else password


def looks_non_secret_value(value: str) -> bool:
    """Shapes that describe rather than are a secret: ARNs, URLs without a password, paths,
    booleans and enum words, numbers, e-mail addresses, SSM parameter names and paths."""
    s = value.strip()
    low = s.lower()
    if low in _BOOL_WORDS or _NUMBER.match(s):
        return True
    if _ARN.match(s):
        return True
    if _URL.match(s):
        return url_credentials(s) is None
    if s.startswith(("/", "./", "../", "~/", "s3://")) and " " not in s:
        return True
    if _EMAIL.match(s):
        return True
    # A Secrets Manager secret name: "rds!db-<uuid>" (RDS-managed), "prod/app/db-password".
    if s.startswith(("rds!", "rds-db-credentials/")) or _SECRET_NAME.match(s):
        return True
    # Uppercase enum words: "SECRETS_MANAGER", "API_KEY", "PARAMETER_STORE".
    return bool(re.fullmatch(r"[A-Z]+(_[A-Z]+)+", s) and len(s) <= 30)
