"""Kinesis data streams: server-side encryption (LP305).

CloudFormation: a stream is encrypted when ``StreamEncryption`` is present (its only valid
``EncryptionType`` is ``KMS``); absent means unencrypted. Terraform: ``encryption_type`` is
``KMS`` or ``NONE`` (the default). The model's ``encrypted`` is the boolean those mean, located
at the property that says so; a ``kms_key_id`` without ``encryption_type`` is unknown (intent to
encrypt, see ``rds.encryption``).
"""

from __future__ import annotations

from dataclasses import replace

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.handlers._common import (
    add_store,
    first_setting,
    inherited,
    setting,
    terraform,
    text,
)
from lpcheck.adapters.registry import cfn
from lpcheck.adapters.view import ResourceView
from lpcheck.model.values import Value

KIND = "Kinesis stream"


def _as_flag(value: Value) -> Value:
    """``KMS`` -> true, ``NONE`` -> false, per branch; anything else stays as it is (unknown)."""
    out = []
    for v in value.variants():
        name = text(v)
        if name == "kms":
            out.append(replace(v, raw=True))
        elif name == "none":
            out.append(replace(v, raw=False))
        elif v.is_literal:
            out.append(
                Value.unknown(v.loc, reason=f"unexpected encryption type {v.raw!r}").with_condition(
                    v.condition
                )
            )
        else:
            out.append(v)
    return Value.choice(out, value.loc)


@cfn("AWS::Kinesis::Stream")
def cfn_stream(view: ResourceView, ctx: AdaptContext) -> None:
    spec = setting(view, "StreamEncryption")
    out = []
    for v in spec.variants():
        if v.is_absent or v.is_unknown:
            out.append(v)
        else:  # present: KMS is the only encryption type CloudFormation accepts
            out.append(replace(v, raw=True))
    add_store(view, ctx, KIND, Value.choice(out, spec.loc))


@terraform("aws_kinesis_stream")
def tf_stream(view: ResourceView, ctx: AdaptContext) -> None:
    encrypted = _as_flag(setting(view, "encryption_type"))
    encrypted = inherited(encrypted, first_setting(view, "kms_key_id"), "kms_key_id is set")
    add_store(view, ctx, KIND, encrypted)
