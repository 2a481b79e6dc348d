"""LP301 bucket-without-kms: an S3 bucket whose default encryption is not SSE-KMS.

Since January 2023 AWS encrypts every new object with SSE-S3 (AES256) when nothing else is set, so
"no encryption configured" and ``AES256`` both mean S3-managed keys: no key policy, no CloudTrail
record of each decryption, no way to revoke access by disabling a key. Unknown algorithms (a
variable without default, a computed configuration) never fire.
"""

from __future__ import annotations

from collections.abc import Iterable

from lpcheck.findings import Issue
from lpcheck.model.container import Model
from lpcheck.model.resources import Bucket, Resource
from lpcheck.model.values import Value
from lpcheck.rules.base import rule

KMS_ALGORITHMS = frozenset({"aws:kms", "aws:kms:dsse"})
_FIX = "set the default encryption to aws:kms (or aws:kms:dsse) with a customer managed KMS key"


def _unset(v: Value) -> bool:
    """Absent, or written as null/empty (a plan's null, an empty string): AWS's default applies."""
    return v.is_absent or (v.is_literal and (v.raw is None or v.raw == ""))


def _not_kms(v: Value) -> bool:
    if _unset(v):
        return True
    s = v.as_str()
    return s is not None and s.strip().lower() not in KMS_ALGORITHMS


def _origin(v: Value) -> str:
    return f" (from {v.origin})" if v.origin else ""


def _when(witness: Value, resource: Resource) -> str:
    """The branch condition of the witness and the resource's own condition, if any."""
    conditions = [c for c in (resource.condition, witness.condition) if c]
    return f" (when {' and '.join(dict.fromkeys(conditions))})" if conditions else ""


@rule("LP301")
def check(model: Model) -> Iterable[Issue]:
    for bucket in model.of(Bucket):
        witness = bucket.sse_algorithm.find(_not_kms)
        if witness is None:
            continue
        name = f"S3 bucket '{bucket.address}'"
        if _unset(witness):
            message = (
                f"{name} has no default encryption configured{_when(witness, bucket)}: "
                f"AWS's SSE-S3 default (AES256) applies, not SSE-KMS; {_FIX}"
            )
        else:
            algorithm = witness.as_str() or ""
            kind = " (SSE-S3, S3-managed keys)" if algorithm.strip().upper() == "AES256" else ""
            message = (
                f"{name} default encryption is {algorithm}{kind}"
                f"{_origin(witness)}{_when(witness, bucket)}, not SSE-KMS; {_FIX}"
            )
        yield Issue(
            loc=witness.at(bucket.loc),
            message=message,
            resource=bucket.address,
            key=f"{bucket.address}:sse{_when(witness, bucket)}",
        )
