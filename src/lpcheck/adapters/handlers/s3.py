"""S3 buckets: where their default encryption is declared, in CloudFormation and Terraform.

The model's ``Bucket.sse_algorithm`` / ``kms_key`` hold the *effective* default encryption of the
bucket, wherever it is written: CloudFormation's ``BucketEncryption``, Terraform's inline
``server_side_encryption_configuration`` block (AWS provider v3 style) or a separate
``aws_s3_bucket_server_side_encryption_configuration`` resource that targets the bucket (v4+). The
linking is done here, where the formats are known, so LP301 stays format-agnostic.

Choices that minimise false positives (documented in LP301's metadata notes):
- A separate encryption resource wins over the inline block (Terraform applies it last).
- A separate resource whose rules cannot be read (a ``dynamic "rule"`` block, as in
  terraform-aws-modules/s3-bucket) makes the bucket's encryption unknown. So does one created
  under a ``count`` that is 0 with the module's defaults or unknown, unless its rule is definitely
  not SSE-KMS: the encryption is then an input of the module, not a decision made here.
- A separate resource whose target cannot be resolved (a variable without default, a module output)
  may configure any bucket of the module: the buckets it could target get an unknown encryption,
  unless that resource itself is definitely not SSE-KMS. A literal target name that matches no bucket
  can only be one of the buckets without a literal name.
- S3 directory buckets (``AWS::S3Express::DirectoryBucket``, ``aws_s3_directory_bucket``) and S3 on
  Outposts buckets are not modelled: their encryption options and defaults differ from general
  purpose buckets.
"""

from __future__ import annotations

import re

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.handlers.ec2 import located, settled
from lpcheck.adapters.registry import cfn, tf
from lpcheck.adapters.view import ResourceView
from lpcheck.model.resources import Bucket
from lpcheck.model.values import Value
from lpcheck.parsers.nodes import ListNode, MapNode, UnknownNode

_CFN_DEFAULT = "BucketEncryption.ServerSideEncryptionConfiguration.ServerSideEncryptionByDefault"
_TF_INLINE = "server_side_encryption_configuration.rule.apply_server_side_encryption_by_default"
_TF_RULE = "rule.apply_server_side_encryption_by_default"
_SSE_CONFIG = "aws_s3_bucket_server_side_encryption_configuration"
_KMS = frozenset({"aws:kms", "aws:kms:dsse"})


def _names(view: ResourceView, name: Value) -> tuple[str, ...]:
    """Literal physical names of a resource, for linking by name/ARN."""
    names = list(view.names)
    literal = name.as_str()
    if literal and literal not in names:
        names.append(literal)
    return tuple(names)


def ref_address(ref: str | None) -> str | None:
    """``aws_s3_bucket.x[0].id`` -> ``aws_s3_bucket.x``; a CloudFormation logical ID is kept."""
    if not ref:
        return None
    ref = re.sub(r"\[[^\]]*\]", "", ref)
    parts = ref.split(".")
    if parts[0] == "data" and len(parts) >= 3:
        return ".".join(parts[:3])
    if len(parts) >= 2 and parts[0].startswith("aws_"):
        return ".".join(parts[:2])
    return ref


@cfn("AWS::S3::Bucket")
def cfn_bucket(view: ResourceView, ctx: AdaptContext) -> None:
    ctx.model.add(
        Bucket(
            address=view.address,
            type=view.type,
            loc=view.loc,
            names=_names(view, view.value("BucketName")),
            condition=view.condition,
            sse_algorithm=located(view, f"{_CFN_DEFAULT}.SSEAlgorithm"),
            kms_key=located(view, f"{_CFN_DEFAULT}.KMSMasterKeyID"),
        )
    )


# -- Terraform ------------------------------------------------------------------------------------


def _has_dynamic(body: MapNode | None, block: str) -> bool:
    """Whether the body keeps a ``dynamic "<block>"`` that the front-end could not expand.

    python-hcl2 reads ``dynamic "rule" { ... }`` as ``dynamic = [{rule = {...}}]``; a front-end
    that expands it replaces it by the blocks themselves."""
    if body is None:
        return False
    dyn = body.get("dynamic")
    items = dyn.items if isinstance(dyn, ListNode) else [dyn] if dyn is not None else []
    return any(isinstance(item, MapNode) and block in item.items for item in items)


def _config_sse(view: ResourceView) -> tuple[Value, Value]:
    """(sse_algorithm, kms key) a separate encryption resource applies; unknown when unreadable."""
    rule = view.node("rule")
    if rule is None or isinstance(rule, UnknownNode) or _has_dynamic(view.body, "rule"):
        return Value.unknown(view.loc, reason="encryption rules are computed"), Value.unknown(view.loc)
    if isinstance(rule, ListNode) and not rule.items:
        return Value.unknown(view.loc, reason="no encryption rule"), Value.unknown(view.loc)
    sse = located(view, f"{_TF_RULE}.sse_algorithm")
    if sse.is_absent:
        # A rule without a readable default (e.g. a dynamic inner block) says nothing certain.
        return Value.unknown(view.loc, reason="no readable default encryption"), Value.unknown(view.loc)
    return sse, located(view, f"{_TF_RULE}.kms_master_key_id")


def _definitely_not_kms(sse: Value) -> bool:
    """True when every variant of ``sse`` is a literal algorithm other than SSE-KMS."""
    variants = list(sse.variants())
    return bool(variants) and all(
        v.is_literal and isinstance(v.raw, str) and v.raw.strip().lower() not in _KMS for v in variants
    )


def _targets(target: Value, address: str, names: tuple[str, ...]) -> str:
    """How a config's ``bucket`` relates to a bucket: "yes", "no" or "maybe" (unresolvable)."""
    verdict = "no"
    for variant in target.variants():
        ref = ref_address(variant.ref)
        if ref is not None:
            if ref == address:
                return "yes"
            continue  # a reference to some other resource (another bucket, a directory bucket)
        literal = variant.as_str()
        if literal is not None:
            if literal in names or any(literal.endswith(":" + n) for n in names):
                return "yes"
            if not names:
                verdict = "maybe"  # a literal name can only be a bucket whose name we do not know
            continue
        verdict = "maybe"  # unknown without a reference: a variable, a module output
    return verdict


@tf("aws_s3_bucket")
def tf_bucket(view: ResourceView, ctx: AdaptContext) -> None:
    if view.count == 0:
        return
    names = _names(view, view.value("bucket"))
    view = settled(view, ctx)  # in a plan the inline block is computed (provider v4+) unless set
    if _has_dynamic(view.body, "server_side_encryption_configuration"):
        sse, kms = Value.unknown(view.loc, reason="dynamic encryption block"), Value.unknown(view.loc)
    else:
        sse = located(view, f"{_TF_INLINE}.sse_algorithm")
        kms = located(view, f"{_TF_INLINE}.kms_master_key_id")

    maybe: list[Value] = []
    for other in ctx.resources.values():
        if other.type != _SSE_CONFIG or other.body is None:
            continue
        verdict = _targets(other.value("bucket"), ref_address(view.address) or view.address, names)
        if verdict == "yes" and other.count not in (0, None):
            sse, kms = _config_sse(other)
            maybe = []
            break
        if verdict == "yes":
            # Created under a count that depends on inputs (0 with the defaults, or unknown): the
            # bucket's encryption is configurable; only a definitely non-KMS rule settles it.
            other_sse, other_kms = _config_sse(other)
            if _definitely_not_kms(other_sse):
                sse, kms = other_sse, other_kms
                maybe = []
                break
            maybe.append(other_sse)
            continue
        if verdict == "maybe":
            other_sse, _ = _config_sse(other)
            if not _definitely_not_kms(other_sse):
                maybe.append(other_sse)
    if maybe:
        sse = Value.unknown(view.loc, reason="an encryption configuration with an unresolved target")
        kms = Value.unknown(view.loc)

    ctx.model.add(
        Bucket(
            address=view.address,
            type=view.type,
            loc=view.loc,
            names=names,
            condition=view.condition,
            sse_algorithm=sse,
            kms_key=kms,
        )
    )
