"""KMS keys: automatic rotation, and whether the key can rotate at all.

Only customer managed *symmetric* keys with AWS-generated material in the standard key store can
rotate automatically. ``origin_external`` is set for every key that cannot: imported material
(``Origin: EXTERNAL``), keys in a custom key store (CloudHSM or external key store), and keys whose
origin cannot be known statically (no finding on the unknown). Asymmetric and HMAC keys are told
apart by ``key_spec``/``key_usage``, which the rule reads. Replica keys
(``AWS::KMS::ReplicaKey``, ``aws_kms_replica_key``) take the primary's rotation and
``aws_kms_external_key`` always has imported material: none of them is modelled.
"""

from __future__ import annotations

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.handlers._common import identity, setting, terraform
from lpcheck.adapters.registry import cfn
from lpcheck.adapters.view import ResourceView
from lpcheck.model.resources import KmsKey
from lpcheck.model.values import Value


def _rotatable_origin(origin: Value) -> bool:
    """Origin absent or AWS_KMS (every variant); anything else or unknown cannot be shown to rotate."""
    return all(
        v.is_absent or (v.is_literal and v.raw in (None, "")) or (v.as_str() or "").upper() == "AWS_KMS"
        for v in origin.variants()
    )


def _unset(v: Value) -> bool:
    return all(x.is_absent or (x.is_literal and x.raw in (None, "")) for x in v.variants())


def _key(
    view: ResourceView, ctx: AdaptContext, *, rotation: str, spec: str, usage: str, external: bool
) -> None:
    ctx.model.add(
        KmsKey(
            **identity(view),  # type: ignore[arg-type]
            rotation=setting(view, rotation),
            key_spec=view.value(spec),
            key_usage=view.value(usage),
            origin_external=external,
        )
    )


@cfn("AWS::KMS::Key")
def cfn_key(view: ResourceView, ctx: AdaptContext) -> None:
    external = not _rotatable_origin(view.value("Origin"))
    _key(view, ctx, rotation="EnableKeyRotation", spec="KeySpec", usage="KeyUsage", external=external)


@terraform("aws_kms_key")
def tf_key(view: ResourceView, ctx: AdaptContext) -> None:
    external = not (_unset(view.value("custom_key_store_id")) and _unset(view.value("xks_key_id")))
    _key(
        view,
        ctx,
        rotation="enable_key_rotation",
        spec="customer_master_key_spec",
        usage="key_usage",
        external=external,
    )
