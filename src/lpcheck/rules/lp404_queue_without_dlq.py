"""LP404 queue-without-dlq: an SQS queue with no redrive policy that is not itself a dead-letter queue.

Without a dead-letter queue a message that consumers keep failing on ("poison message") is retried
until its retention period ends and then silently dropped, and meanwhile it blocks FIFO groups and
burns consumer capacity. A queue that another queue names as its ``deadLetterTargetArn`` is a
dead-letter queue and needs none; the handlers also record dead-letter use by other services
(Lambda, SNS subscriptions, EventBridge targets, redrive allow policies) as an unknown redrive.
"""

from __future__ import annotations

from collections.abc import Iterable

from lpcheck.findings import Issue
from lpcheck.model.container import Model
from lpcheck.model.resources import Queue, Resource
from lpcheck.model.values import Value
from lpcheck.rules.base import rule


def _none(v: Value) -> bool:
    return v.is_absent or (v.is_literal and v.raw in (None, ""))


def _when(witness: Value, resource: Resource) -> str:
    """The branch condition of the witness and the resource's own condition, if any."""
    conditions = [c for c in (resource.condition, witness.condition) if c]
    return f" (when {' and '.join(dict.fromkeys(conditions))})" if conditions else ""


@rule("LP404")
def check(model: Model) -> Iterable[Issue]:
    queues = model.of(Queue)
    for queue in queues:
        witness = queue.redrive.find(_none)
        if witness is None:
            continue
        if any(other is not queue and model.refers_to(other.dlq_target, queue) for other in queues):
            continue  # it is the dead-letter queue of another queue
        kind = "FIFO queue" if queue.fifo else "queue"
        state = "has no dead-letter queue (no redrive policy)"
        if not witness.is_absent:
            origin = f", from {witness.origin}" if witness.origin else ""
            state = f"has an empty redrive policy{origin}, so no dead-letter queue"
        yield Issue(
            loc=witness.at(queue.loc),
            message=(
                f"SQS {kind} '{queue.address}' {state}{_when(witness, queue)}: messages that "
                "keep failing are retried until they expire and are lost; add a redrive policy whose "
                "deadLetterTargetArn names a dead-letter queue, with a maxReceiveCount"
            ),
            resource=queue.address,
            key=f"{queue.address}:redrive{_when(witness, queue)}",
        )
