"""LP306 kms-rotation-disabled: a customer managed symmetric KMS key without automatic rotation.

Without rotation the same key material protects data for the key's whole life, so one exposure
lasts forever and compliance baselines (CIS, PCI DSS) fail. Only symmetric encryption keys with
AWS-generated material in the standard key store can rotate automatically: asymmetric, HMAC,
imported-material and custom-key-store keys are never reported, nor keys whose spec, usage or
origin is unknown.
"""

from __future__ import annotations

from collections.abc import Iterable

from lpcheck.findings import Issue
from lpcheck.model.container import Model
from lpcheck.model.resources import KmsKey, Resource
from lpcheck.model.values import Value
from lpcheck.rules.base import rule


def _is(v: Value, default: str) -> bool:
    """Whether ``v`` is (in every variant) ``default`` or absent."""
    return all(
        x.is_absent or (x.is_literal and x.raw in (None, "")) or (x.as_str() or "").upper() == default
        for x in v.variants()
    )


def _off(v: Value) -> bool:
    return v.is_absent or (v.is_literal and v.raw is None) or v.as_bool() is False


def _when(witness: Value, resource: Resource) -> str:
    """The branch condition of the witness and the resource's own condition, if any."""
    conditions = [c for c in (resource.condition, witness.condition) if c]
    return f" (when {' and '.join(dict.fromkeys(conditions))})" if conditions else ""


@rule("LP306")
def check(model: Model) -> Iterable[Issue]:
    for key in model.of(KmsKey):
        if key.origin_external or not _is(key.key_spec, "SYMMETRIC_DEFAULT"):
            continue
        if not _is(key.key_usage, "ENCRYPT_DECRYPT"):
            continue
        witness = key.rotation.find(_off)
        if witness is None:
            continue
        when = _when(witness, key)
        if witness.as_bool() is False:
            origin = f" (from {witness.origin})" if witness.origin else ""
            state = f"has automatic key rotation disabled{origin}{when}"
        else:
            state = f"does not enable automatic key rotation{when} (off by default)"
        yield Issue(
            loc=witness.at(key.loc),
            message=(
                f"Customer managed symmetric KMS key '{key.address}' {state}; enable key rotation "
                "(EnableKeyRotation / enable_key_rotation = true)"
            ),
            resource=key.address,
            key=f"{key.address}:rotation{when}",
        )
