"""Credential detection shared by the LP2xx rules: formats, names, placeholders, masking.

Kept apart from the rules so each question ("is this an AWS key?", "does this name hold a
secret?", "is this value a placeholder?") is answered once, the same way, for every rule and
format, and is unit-tested on its own.
"""

from lpcheck.secrets.formats import (
    AWS_KEY_ID,
    AWS_SECRET_KEY,
    CredentialMatch,
    find_aws_credentials,
    find_aws_key_ids,
    find_aws_secret_keys,
    find_other_credentials,
)
from lpcheck.secrets.mask import mask
from lpcheck.secrets.names import is_access_key_context, is_secret_key_context, looks_secret_name, words
from lpcheck.secrets.placeholders import (
    is_dynamic_reference,
    is_placeholder,
    looks_non_secret_value,
    url_credentials,
)

__all__ = [
    "AWS_KEY_ID",
    "AWS_SECRET_KEY",
    "CredentialMatch",
    "find_aws_credentials",
    "find_aws_key_ids",
    "find_aws_secret_keys",
    "find_other_credentials",
    "is_access_key_context",
    "is_dynamic_reference",
    "is_placeholder",
    "is_secret_key_context",
    "looks_non_secret_value",
    "looks_secret_name",
    "mask",
    "url_credentials",
    "words",
]
