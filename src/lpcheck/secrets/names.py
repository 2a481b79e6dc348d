"""Whether a key, variable, parameter or environment variable *name* says it holds a secret.

Names are split into lowercase words (``DbMasterPassword`` -> db, master, password;
``AWS_SECRET_ACCESS_KEY`` -> aws, secret, access, key) so that the check works the same on
CloudFormation's PascalCase, Terraform's snake_case and shell-style environment variables.

A name is secret-looking when it contains a secret word (password, secret, token, api key,
private key, ...) and no word after it turns it into a *description of* the secret: its name,
ARN, ID, path, length, type, rotation, table... (``SECRET_ARN``, ``PasswordLength``,
``TOKEN_TABLE_NAME``, ``SecretName``). Those are by far the most common false positives of
name-based secret detection in real templates, hence the suffix list is long.
"""

from __future__ import annotations

import functools
import re

_SPLIT = re.compile(r"[^A-Za-z0-9]+")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")

# Words that on their own mark a secret.
_SECRET_WORDS = frozenset(
    {
        "password",
        "passwords",
        "passwd",
        "pwd",
        "pass",
        "passphrase",
        "secret",
        "secrets",
        "token",
        "tokens",
        "apikey",
        "privatekey",
        "secretkey",
        "accesskey",
        "credential",
        "credentials",
        "creds",
        "sastoken",
    }
)

# "key" is a secret only with one of these in front of it: API_KEY, PRIVATE_KEY, SECRET_KEY, ...
_KEY_QUALIFIERS = frozenset(
    {
        "api",
        "private",
        "secret",
        "access",
        "signing",
        "encryption",
        "client",
        "master",
        "auth",
        "app",
        "license",
        "licence",
        "hmac",
        "jwt",
        "account",
        "service",
        "webhook",
        "consumer",
        "integration",
        "subscription",
        "shared",
        "session",
        "crypto",
        "cipher",
        "aes",
    }
)

# Words after the secret word that mean "a description of / pointer to the secret", not the secret.
_DESCRIPTOR_WORDS = frozenset(
    {
        "name",
        "names",
        "arn",
        "arns",
        "id",
        "ids",
        "identifier",
        "table",
        "bucket",
        "url",
        "uri",
        "endpoint",
        "path",
        "paths",
        "file",
        "filename",
        "location",
        "region",
        "type",
        "types",
        "mode",
        "length",
        "len",
        "size",
        "ttl",
        "expiry",
        "expires",
        "expiration",
        "timeout",
        "duration",
        "seconds",
        "minutes",
        "hours",
        "days",
        "validity",
        "enabled",
        "enable",
        "disabled",
        "required",
        "version",
        "versions",
        "header",
        "param",
        "parameter",
        "ssm",
        "store",
        "prefix",
        "suffix",
        "host",
        "port",
        "user",
        "username",
        "field",
        "kms",
        "rotation",
        "rotate",
        "policy",
        "rule",
        "rules",
        "count",
        "format",
        "algorithm",
        "provider",
        "method",
        "scope",
        "scopes",
        "audience",
        "issuer",
        "realm",
        "flow",
        "source",
        "key",  # SECRET_KEY is handled as a pair; "PASSWORD_KEY" (JSON key of a secret) is a name
        "keys",
        "template",
        "generation",
        "generate",
        "reset",
        "hint",
        "question",
        "regex",
        "pattern",
        "complexity",
        "age",
        "history",
        "manager",
        "secretsmanager",
        "vault",
        "role",
        "group",
        "queue",
        "topic",
        "stream",
        "index",
        "attribute",
        "column",
        "property",
        "label",
        "tag",
        "description",
        "ref",
        "reference",
        "hash",
        "hashed",
        "salt",
        "exchange",
        "refresh",  # TOKEN_REFRESH_INTERVAL...
        "interval",
        "limit",
        "max",
        "min",
        "level",
        "status",
        "state",
        "schedule",
        "lambda",
        "function",
        "service",
        "domain",
        "env",
        "var",
        "variable",
        "config",
        "configuration",
        "setting",
        "settings",
        "selector",
        "fingerprint",
        "public",
        "cert",
        "certificate",
        "less",
        "auth",  # SECRET_AUTH(_TYPE)...
        "through",
        "behavior",
        "behaviour",
    }
)

# Words before the secret word that make the whole name a non-secret ("NextToken", "PublicKey").
_NEGATING_PREFIXES = frozenset(
    {"next", "public", "generate", "manage", "random", "no", "num", "http", "max", "min", "use", "require"}
)


def words(name: str) -> list[str]:
    """``AwsSecretAccessKey`` / ``aws-secret_access.key`` -> ["aws", "secret", "access", "key"]."""
    return list(_words(name))


@functools.lru_cache(maxsize=4096)
def _words(name: str) -> tuple[str, ...]:
    out: list[str] = []
    for part in _SPLIT.split(name):
        out.extend(w.lower() for w in _CAMEL.findall(part))
    return tuple(out)


def _merged(ws: list[str]) -> list[str]:
    """Join word pairs that spell one secret word: api+key -> apikey, private+key -> privatekey."""
    out: list[str] = []
    i = 0
    while i < len(ws):
        w = ws[i]
        nxt = ws[i + 1] if i + 1 < len(ws) else None
        if nxt in ("key", "keys") and w in _KEY_QUALIFIERS:
            out.append(w + "key" if w in ("api", "private", "secret", "access") else "apikey")
            i += 2
            continue
        if w == "pass" and nxt in ("word", "phrase"):
            out.append("password" if nxt == "word" else "passphrase")
            i += 2
            continue
        if w == "sas" and nxt == "token":
            out.append("sastoken")
            i += 2
            continue
        out.append(w)
        i += 1
    return out


def looks_secret_name(name: str) -> bool:
    """True for names like ``DB_PASSWORD``, ``MySlackToken``, ``api-key``, ``CLIENT_SECRET``;
    false for ``SECRET_ARN``, ``PasswordLength``, ``TOKEN_TABLE``, ``NextToken``, ``PublicKey``."""
    ws = _merged(words(name))
    last = -1
    for i, w in enumerate(ws):
        if w in _SECRET_WORDS:
            last = i
    if last < 0:
        return False
    if any(w in _DESCRIPTOR_WORDS for w in ws[last + 1 :]):
        return False
    return not (last > 0 and ws[last - 1] in _NEGATING_PREFIXES)


def is_secret_key_context(name: str) -> bool:
    """A name under which a 40-character string is an AWS secret access key:
    ``secret_key``, ``aws_secret_access_key``, ``SecretAccessKey``, ``AWS_SECRET``, ``secret``."""
    ws = words(name)
    if "secret" not in ws and "secrets" not in ws:
        return False
    rest = set(ws) - {"secret", "secrets"}
    if not rest:
        return True
    if rest & {"id", "arn", "name", "names", "arns", "ids"}:
        return False
    return bool(rest & {"aws", "access", "key", "iam"})


def is_access_key_context(name: str) -> bool:
    """A name under which an ``AKIA``-style string is an access key ID (relaxed body check)."""
    ws = words(name)
    return ("access" in ws and "key" in ws) or "accesskeyid" in "".join(ws)
