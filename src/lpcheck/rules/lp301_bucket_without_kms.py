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
from lpcheck.model.resources import Bucket
from lpcheck.model.values import Value
from lpcheck.rules._common import origin, unset, when, witness
from lpcheck.rules.base import rule

KMS_ALGORITHMS = frozenset({"aws:kms", "aws:kms:dsse"})
_FIX = "set the default encryption to aws:kms (or aws:kms:dsse) with a customer managed KMS key"


def _not_kms(v: Value) -> bool:
    if unset(v):
        return True
    s = v.as_str()
    return s is not None and s.strip().lower() not in KMS_ALGORITHMS


@rule("LP301")
def check(model: Model) -> Iterable[Issue]:
    for bucket in model.of(Bucket):
        found = witness(bucket.sse_algorithm, _not_kms)
        if found is None:
            continue
        name = f"S3 bucket '{bucket.address}'"
        cond = when(found, bucket)
        if unset(found):
            message = (
                f"{name} has no default encryption configured{cond}: "
                f"AWS's SSE-S3 default (AES256) applies, not SSE-KMS; {_FIX}"
            )
        else:
            algorithm = found.as_str() or ""
            kind = " (SSE-S3, S3-managed keys)" if algorithm.strip().upper() == "AES256" else ""
            message = (
                f"{name} default encryption is {algorithm}{kind}{origin(found)}{cond}, not SSE-KMS; {_FIX}"
            )
        yield Issue(
            loc=found.at(bucket.loc),
            message=message,
            resource=bucket.address,
            key=f"{bucket.address}:sse{cond}",
        )
