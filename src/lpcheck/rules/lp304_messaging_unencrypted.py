"""LP304 messaging-unencrypted: an SNS topic without a KMS key, an SQS queue with SSE turned off.

SNS stores messages unencrypted at rest unless a KMS key is set. SQS has encrypted every new queue
with SSE-SQS since October 2022, so an SQS queue is reported only when that default is explicitly
turned off (``SqsManagedSseEnabled``/``sqs_managed_sse_enabled`` false) and no KMS key is given.
"""

from __future__ import annotations

from collections.abc import Iterable

from lpcheck.findings import Issue
from lpcheck.model.container import Model
from lpcheck.model.resources import Queue, Resource, Topic
from lpcheck.model.values import Value
from lpcheck.rules.base import rule


def _unset(v: Value) -> bool:
    return v.is_absent or (v.is_literal and v.raw in (None, ""))


def _origin(v: Value) -> str:
    return f" (from {v.origin})" if v.origin else ""


def _when(witness: Value, resource: Resource) -> str:
    """The branch condition of the witness and the resource's own condition, if any."""
    conditions = [c for c in (resource.condition, witness.condition) if c]
    return f" (when {' and '.join(dict.fromkeys(conditions))})" if conditions else ""


@rule("LP304")
def check(model: Model) -> Iterable[Issue]:
    for topic in model.of(Topic):
        witness = topic.kms_key.find(_unset)
        if witness is None:
            continue
        yield Issue(
            loc=witness.at(topic.loc),
            message=(
                f"SNS topic '{topic.address}' has no KMS key{_when(witness, topic)}, so its "
                "messages are stored unencrypted at rest; set a KMS key (KmsMasterKeyId / "
                "kms_master_key_id), ideally a customer managed one"
            ),
            resource=topic.address,
            key=f"{topic.address}:kms{_when(witness, topic)}",
        )
    for queue in model.of(Queue):
        witness = queue.sse_enabled.find(lambda v: v.as_bool() is False)
        if witness is None:
            continue
        if queue.kms_key.find(_unset) is None:
            continue  # a KMS key is set (or unknown): SSE-KMS replaces SSE-SQS
        yield Issue(
            loc=witness.at(queue.loc),
            message=(
                f"SQS queue '{queue.address}' turns SSE-SQS off{_origin(witness)}"
                f"{_when(witness, queue)} and has no KMS key, so its messages are stored "
                "unencrypted at rest; remove that setting (SSE-SQS is the default) or set a KMS key"
            ),
            resource=queue.address,
            key=f"{queue.address}:sse{_when(witness, queue)}",
        )
