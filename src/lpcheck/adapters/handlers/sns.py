"""SNS topics: the KMS key that encrypts messages at rest (none = stored unencrypted)."""

from __future__ import annotations

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.handlers._common import identity, literal_names, setting, terraform
from lpcheck.adapters.registry import cfn
from lpcheck.adapters.view import ResourceView
from lpcheck.model.resources import Topic


def _topic(view: ResourceView, ctx: AdaptContext, name_key: str, kms_key: str) -> None:
    names = literal_names(view, name_key)
    ctx.model.add(Topic(**identity(view, names), kms_key=setting(view, kms_key)))  # type: ignore[arg-type]


@cfn("AWS::SNS::Topic")
def cfn_topic(view: ResourceView, ctx: AdaptContext) -> None:
    _topic(view, ctx, "TopicName", "KmsMasterKeyId")


@terraform("aws_sns_topic")
def tf_topic(view: ResourceView, ctx: AdaptContext) -> None:
    _topic(view, ctx, "name", "kms_master_key_id")
