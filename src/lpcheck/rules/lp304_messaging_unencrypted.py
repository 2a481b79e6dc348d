"""LP304 messaging-unencrypted: an SNS topic without a KMS key, an SQS queue with SSE turned off.

SNS stores messages unencrypted at rest unless a KMS key is set. SQS has encrypted every new queue
with SSE-SQS since October 2022, so an SQS queue is reported only when that default is explicitly
turned off (``SqsManagedSseEnabled``/``sqs_managed_sse_enabled`` false) and no KMS key is given.
"""

from __future__ import annotations

from collections.abc import Iterable

from lpcheck.findings import Issue
from lpcheck.model.container import Model
from lpcheck.model.resources import Queue, Topic
from lpcheck.rules._common import origin, prop, unset, when, witness
from lpcheck.rules.base import rule


@rule("LP304")
def check(model: Model) -> Iterable[Issue]:
    for topic in model.of(Topic):
        found = witness(topic.kms_key, unset)
        if found is None:
            continue
        cond = when(found, topic)
        key_prop = prop(topic, "KmsMasterKeyId", "kms_master_key_id")
        yield Issue(
            loc=found.at(topic.loc),
            message=(
                f"SNS topic '{topic.address}' has no KMS key{origin(found)}{cond}, so its messages "
                f"are stored unencrypted at rest; set {key_prop} to a KMS key, ideally a customer "
                "managed one"
            ),
            resource=topic.address,
            key=f"{topic.address}:kms{cond}",
        )
    for queue in model.of(Queue):
        found = witness(queue.sse_enabled, lambda v: v.as_bool() is False)
        if found is None:
            continue
        if queue.kms_key.find(unset) is None:
            continue  # a KMS key is set (or unknown): SSE-KMS replaces SSE-SQS
        cond = when(found, queue)
        key_prop = prop(queue, "KmsMasterKeyId", "kms_master_key_id")
        yield Issue(
            loc=found.at(queue.loc),
            message=(
                f"SQS queue '{queue.address}' turns SSE-SQS off{origin(found)}{cond} and has no KMS "
                "key, so its messages are stored unencrypted at rest; remove that setting (SSE-SQS "
                f"is the default) or set {key_prop}"
            ),
            resource=queue.address,
            key=f"{queue.address}:sse{cond}",
        )
