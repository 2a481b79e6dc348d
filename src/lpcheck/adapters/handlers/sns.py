"""SNS topics: the KMS key that encrypts messages at rest (none = stored unencrypted)."""

from __future__ import annotations

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.handlers.ec2 import located, settled
from lpcheck.adapters.registry import cfn, tf
from lpcheck.adapters.view import ResourceView
from lpcheck.model.resources import Topic


def _topic(view: ResourceView, ctx: AdaptContext, name_key: str, kms_key: str) -> None:
    names = list(view.names)
    name = view.value(name_key).as_str()
    if name and name not in names:
        names.append(name)
    ctx.model.add(
        Topic(
            address=view.address,
            type=view.type,
            loc=view.loc,
            names=tuple(names),
            condition=view.condition,
            kms_key=located(view, kms_key),
        )
    )


@cfn("AWS::SNS::Topic")
def cfn_topic(view: ResourceView, ctx: AdaptContext) -> None:
    _topic(view, ctx, "TopicName", "KmsMasterKeyId")


@tf("aws_sns_topic")
def tf_topic(view: ResourceView, ctx: AdaptContext) -> None:
    view = settled(view, ctx)
    if view.count != 0:
        _topic(view, ctx, "name", "kms_master_key_id")
