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
- A separate resource whose rule sets no ``apply_server_side_encryption_by_default`` (only a bucket
  key setting) declares no default encryption: AWS's SSE-S3 default applies.
- S3 directory buckets (``AWS::S3Express::DirectoryBucket``, ``aws_s3_directory_bucket``) and S3 on
  Outposts buckets are not modelled: their encryption options and defaults differ from general
  purpose buckets.
"""

from __future__ import annotations

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.handlers._common import (
    has_dynamic,
    identity,
    names_match,
    prepared,
    ref_address,
    setting,
    terraform,
)
from lpcheck.adapters.registry import cfn
from lpcheck.adapters.view import ResourceView
from lpcheck.model.resources import Bucket
from lpcheck.model.values import Value
from lpcheck.parsers.nodes import ListNode, UnknownNode

_CFN_DEFAULT = "BucketEncryption.ServerSideEncryptionConfiguration.ServerSideEncryptionByDefault"
_TF_INLINE = "server_side_encryption_configuration.rule.apply_server_side_encryption_by_default"
_TF_DEFAULT = "apply_server_side_encryption_by_default"
_SSE_CONFIG = "aws_s3_bucket_server_side_encryption_configuration"
_KMS = frozenset({"aws:kms", "aws:kms:dsse"})


def _names(view: ResourceView, name: Value) -> tuple[str, ...]:
    """Literal physical names of a resource, for linking by name/ARN."""
    names = list(view.names)
    literal = name.as_str()
    if literal and literal not in names:
        names.append(literal)
    return tuple(names)


@cfn("AWS::S3::Bucket")
def cfn_bucket(view: ResourceView, ctx: AdaptContext) -> None:
    ctx.model.add(
        Bucket(
            **identity(view, _names(view, view.value("BucketName"))),  # type: ignore[arg-type]
            sse_algorithm=setting(view, f"{_CFN_DEFAULT}.SSEAlgorithm"),
            kms_key=setting(view, f"{_CFN_DEFAULT}.KMSMasterKeyID"),
        )
    )


# -- Terraform ------------------------------------------------------------------------------------


def _unknown(view: ResourceView, reason: str) -> tuple[Value, Value]:
    return Value.unknown(view.loc, reason=reason), Value.unknown(view.loc)


def _dynamic_default(view: ResourceView) -> bool:
    """Whether the rule's default encryption is a ``dynamic`` block the front-end could not count."""
    dynamic = view.extra.get("dynamic_unknown")
    if isinstance(dynamic, (set, frozenset)) and any(str(p).startswith("rule") for p in dynamic):
        return True
    rule = view.node("rule")
    items = rule.items if isinstance(rule, ListNode) else [rule]
    return any(has_dynamic(item, _TF_DEFAULT) for item in items)


def _config_sse(view: ResourceView) -> tuple[Value, Value]:
    """(sse_algorithm, kms key) a separate encryption resource applies; unknown when unreadable.

    A readable rule without ``apply_server_side_encryption_by_default`` (only a bucket key
    setting) declares no default encryption: absent, AWS's SSE-S3 applies."""
    rule = view.node("rule")
    if rule is None or isinstance(rule, UnknownNode) or has_dynamic(view.body, "rule"):
        return _unknown(view, "encryption rules are computed")
    if isinstance(rule, ListNode) and not rule.items:
        return _unknown(view, "no encryption rule")
    if _dynamic_default(view):
        return _unknown(view, "computed default encryption")
    return setting(view, f"rule.{_TF_DEFAULT}.sse_algorithm"), setting(
        view, f"rule.{_TF_DEFAULT}.kms_master_key_id"
    )


def _definitely_not_kms(sse: Value) -> bool:
    """True when every variant of ``sse`` is a literal algorithm other than SSE-KMS, or absent."""
    return all(
        v.is_absent or (v.is_literal and isinstance(v.raw, str) and v.raw.strip().lower() not in _KMS)
        for v in sse.variants()
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
            if names_match(literal, names):
                return "yes"
            if not names:
                verdict = "maybe"  # a literal name can only be a bucket whose name we do not know
            continue
        verdict = "maybe"  # unknown without a reference: a variable, a module output
    return verdict


def _inline(view: ResourceView) -> tuple[Value, Value]:
    """The provider v3 inline ``server_side_encryption_configuration`` block."""
    if has_dynamic(view.body, "server_side_encryption_configuration"):
        return _unknown(view, "dynamic encryption block")
    return setting(view, f"{_TF_INLINE}.sse_algorithm"), setting(view, f"{_TF_INLINE}.kms_master_key_id")


@terraform("aws_s3_bucket")
def tf_bucket(view: ResourceView, ctx: AdaptContext) -> None:
    names = _names(view, view.value("bucket"))
    address = ref_address(view.address) or view.address
    sse, kms = _inline(view)  # in a plan the inline block is computed (provider v4+) unless set
    maybe = False
    for other in ctx.resources.values():
        if other.type != _SSE_CONFIG or other.body is None:
            continue
        verdict = _targets(other.value("bucket"), address, names)
        if verdict == "no":
            continue
        config = prepared(other, ctx) or other
        other_sse, other_kms = _config_sse(config)
        if verdict == "yes" and other.count not in (0, None):
            sse, kms, maybe = other_sse, other_kms, False  # the separate resource wins
            break
        if _definitely_not_kms(other_sse):
            if verdict == "yes":  # created only for some inputs, but never SSE-KMS either way
                sse, kms, maybe = other_sse, other_kms, False
                break
            continue
        # Created under a count that depends on inputs (0 with the defaults, or unknown), or
        # targeting a bucket that cannot be resolved: the bucket's encryption is configurable.
        maybe = True
    if maybe:
        sse, kms = _unknown(view, "an encryption configuration that may apply")
    ctx.model.add(
        Bucket(**identity(view, names), sse_algorithm=sse, kms_key=kms)  # type: ignore[arg-type]
    )
