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
from lpcheck.model.resources import KmsKey
from lpcheck.model.values import Value
from lpcheck.rules._common import off, origin, prop, unset, when, witness
from lpcheck.rules.base import rule


def _is(v: Value, default: str) -> bool:
    """Whether ``v`` is (in every variant) ``default`` or absent."""
    return all(unset(x) or (x.as_str() or "").upper() == default for x in v.variants())


@rule("LP306")
def check(model: Model) -> Iterable[Issue]:
    for key in model.of(KmsKey):
        if key.origin_external or not _is(key.key_spec, "SYMMETRIC_DEFAULT"):
            continue
        if not _is(key.key_usage, "ENCRYPT_DECRYPT"):
            continue
        found = witness(key.rotation, off)
        if found is None:
            continue
        cond = when(found, key)
        if found.as_bool() is False:
            state = f"has automatic key rotation disabled{origin(found)}{cond}"
        else:
            state = f"does not enable automatic key rotation{cond} (off by default)"
        setting = prop(key, "EnableKeyRotation: true", "enable_key_rotation = true")
        yield Issue(
            loc=found.at(key.loc),
            message=f"Customer managed symmetric KMS key '{key.address}' {state}; set {setting}",
            resource=key.address,
            key=f"{key.address}:rotation{cond}",
        )
