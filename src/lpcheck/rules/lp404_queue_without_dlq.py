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
from lpcheck.model.resources import Queue
from lpcheck.rules._common import unset, when, witness
from lpcheck.rules.base import rule


@rule("LP404")
def check(model: Model) -> Iterable[Issue]:
    queues = model.of(Queue)
    for queue in queues:
        found = witness(queue.redrive, unset)
        if found is None:
            continue
        if any(other is not queue and model.refers_to(other.dlq_target, queue) for other in queues):
            continue  # it is the dead-letter queue of another queue
        kind = "FIFO queue" if queue.fifo else "queue"
        state = "has no dead-letter queue (no redrive policy)"
        if not found.is_absent:
            origin = f", from {found.origin}" if found.origin else ""
            state = f"has an empty redrive policy{origin}, so no dead-letter queue"
        yield Issue(
            loc=found.at(queue.loc),
            message=(
                f"SQS {kind} '{queue.address}' {state}{when(found, queue)}: messages that "
                "keep failing are retried until they expire and are lost; add a redrive policy whose "
                "deadLetterTargetArn names a dead-letter queue, with a maxReceiveCount"
            ),
            resource=queue.address,
            key=f"{queue.address}:redrive{when(found, queue)}",
        )
