"""SQS queues: server-side encryption and dead-letter queues.

``Queue.redrive`` is the queue's effective redrive policy: its own ``RedrivePolicy``/``redrive_policy``
or that of an ``aws_sqs_queue_redrive_policy`` resource whose ``queue_url`` targets it.
``Queue.dlq_target`` is the queue that policy names, so LP404 can tell, format-agnostically, that a
queue is the dead-letter queue of another one.

A queue can also be a dead-letter queue for something other than SQS: a Lambda function's
``DeadLetterConfig`` (SAM ``DeadLetterQueue``), an SNS subscription's ``RedrivePolicy``, an
EventBridge/Scheduler target's ``DeadLetterConfig``, an event source mapping's ``OnFailure``
destination, or a redrive *allow* policy (on the queue itself or an
``aws_sqs_queue_redrive_allow_policy``). Those links are found here, generously (any reference from
a dead-letter-ish property of any resource of the unit), and recorded as an unknown ``redrive``
whose reason names the link: the model has no field for "is a dead-letter queue" yet.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.handlers.ec2 import located, relocate, settled
from lpcheck.adapters.handlers.s3 import ref_address
from lpcheck.adapters.registry import cfn, tf
from lpcheck.adapters.view import ResourceView, value_of
from lpcheck.model.resources import Queue
from lpcheck.model.values import Value
from lpcheck.parsers.nodes import ChoiceNode, ListNode, MapNode, Node, ScalarNode, UnknownNode

# Normalised keys (lower case, letters only) whose values name a dead-letter destination.
_DLQ_KEY = re.compile(r"deadletter|redrivepolicy|dlq|onfailure")
_REDRIVE_POLICY_RESOURCE = "aws_sqs_queue_redrive_policy"
_ALLOW_POLICY_RESOURCE = "aws_sqs_queue_redrive_allow_policy"


def _json(text: str) -> object:
    text = text.strip()
    if not text.startswith(("{", "[")):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _redrive(node: Node | None, absent_at: ResourceView) -> tuple[Value, Value]:
    """(policy, deadLetterTargetArn) of a redrive policy written as a map or a JSON string."""
    if isinstance(node, ChoiceNode):
        pairs = [(label, _redrive(option, absent_at)) for label, option in node.options]
        return (
            Value.choice([p.with_condition(label) for label, (p, _) in pairs], node.loc),
            Value.choice([t.with_condition(label) for label, (_, t) in pairs], node.loc),
        )
    policy = value_of(node, absent_at.loc)
    target = Value.absent(absent_at.loc)
    if isinstance(node, MapNode):
        target = value_of(node.get("deadLetterTargetArn"), node.loc)
    elif isinstance(node, ScalarNode) and isinstance(node.value, str):
        parsed = _json(node.value)
        if isinstance(parsed, dict):
            arn = parsed.get("deadLetterTargetArn")
            target = Value.literal(arn, node.loc, node.origin) if isinstance(arn, str) else target
    elif isinstance(node, UnknownNode):
        target = Value.unknown(node.loc)
    return policy, target


# -- who uses which queue as a dead-letter queue ----------------------------------------------------


def _norm(key: str) -> str:
    return re.sub(r"[^a-z]", "", key.lower())


def _collect(node: Node | None, inside: bool, refs: set[str], texts: list[str]) -> None:
    """References and strings found under dead-letter-ish keys (JSON strings are looked into)."""
    if node is None:
        return
    if isinstance(node, MapNode):
        for key, child in node.items.items():
            norm = _norm(key)
            if "redriveallow" in norm:
                continue  # an allow policy lists the *source* queues
            _collect(child, inside or bool(_DLQ_KEY.search(norm)), refs, texts)
    elif isinstance(node, ListNode):
        for item in node.items:
            _collect(item, inside, refs, texts)
    elif isinstance(node, ChoiceNode):
        for _, option in node.options:
            _collect(option, inside, refs, texts)
    elif isinstance(node, UnknownNode):
        if inside and node.ref:
            refs.add(ref_address(node.ref) or node.ref)
    elif isinstance(node, ScalarNode) and isinstance(node.value, str):
        parsed = _json(node.value)
        if parsed is not None:
            for key_inside, text in _json_strings(parsed, inside):
                if key_inside:
                    texts.append(text)
        elif inside:
            texts.append(node.value)


def _json_strings(data: object, inside: bool) -> Iterator[tuple[bool, str]]:
    if isinstance(data, dict):
        for key, child in data.items():
            norm = _norm(str(key))
            if "redriveallow" not in norm:
                yield from _json_strings(child, inside or bool(_DLQ_KEY.search(norm)))
    elif isinstance(data, list):
        for item in data:
            yield from _json_strings(item, inside)
    elif isinstance(data, str):
        yield inside, data


def _allows_redrive(node: Node | None) -> bool:
    """A redrive allow policy marks its queue as a dead-letter queue unless it is ``denyAll``."""
    if node is None or (isinstance(node, ScalarNode) and node.value in (None, "")):
        return False
    permission: object = None
    if isinstance(node, MapNode):
        perm = node.get("redrivePermission")
        permission = perm.value if isinstance(perm, ScalarNode) else None
    elif isinstance(node, ScalarNode) and isinstance(node.value, str):
        parsed = _json(node.value)
        permission = parsed.get("redrivePermission") if isinstance(parsed, dict) else None
    return not (isinstance(permission, str) and permission.lower() == "denyall")


_cache: tuple[object, set[str], list[str]] | None = None


def _dead_letter_links(ctx: AdaptContext) -> tuple[set[str], list[str]]:
    """Every reference and literal a dead-letter-ish property of the unit names (computed once)."""
    global _cache
    if _cache is not None and _cache[0] is ctx.resources:
        return _cache[1], _cache[2]
    refs: set[str] = set()
    texts: list[str] = []
    for view in ctx.resources.values():
        _collect(view.body, False, refs, texts)
        if view.type == _ALLOW_POLICY_RESOURCE and _allows_redrive(view.node("redrive_allow_policy")):
            _collect(view.node("queue_url"), True, refs, texts)
    _cache = (ctx.resources, refs, texts)
    return refs, texts


def _names_match(text: str, names: tuple[str, ...]) -> bool:
    return any(text == n or text.endswith(":" + n) or text.endswith("/" + n) for n in names)


def _is_dead_letter(
    view: ResourceView, ctx: AdaptContext, names: tuple[str, ...], allow: Node | None
) -> bool:
    if _allows_redrive(allow):
        return True
    refs, texts = _dead_letter_links(ctx)
    return (ref_address(view.address) or view.address) in refs or any(_names_match(t, names) for t in texts)


def _targets(url: Value, address: str, names: tuple[str, ...]) -> str:
    """How an ``aws_sqs_queue_redrive_policy``'s ``queue_url`` relates to a queue: yes/no/maybe."""
    verdict = "no"
    for variant in url.variants():
        if variant.ref is not None:
            if ref_address(variant.ref) == address:
                return "yes"
            continue
        text = variant.as_str()
        if text is not None:
            if _names_match(text, names):
                return "yes"
            if not names:
                verdict = "maybe"
            continue
        verdict = "maybe"
    return verdict


def _queue(view: ResourceView, ctx: AdaptContext, keys: dict[str, str]) -> None:
    names = list(view.names)
    name = view.value(keys["name"]).as_str()
    if name and name not in names:
        names.append(name)
    redrive, target = _redrive(view.node(keys["redrive"]), view)
    redrive = relocate(redrive, view.key_loc(keys["redrive"]), view.loc)
    if redrive.is_absent:
        for other in ctx.resources.values():
            if other.type != _REDRIVE_POLICY_RESOURCE:
                continue
            address = ref_address(view.address) or view.address
            verdict = _targets(other.value("queue_url"), address, tuple(names))
            if verdict == "yes":
                redrive, target = _redrive(other.node("redrive_policy"), other)
                if redrive.is_absent:
                    redrive = Value.unknown(other.loc, reason="redrive policy resource")
                break
            if verdict == "maybe":
                redrive = Value.unknown(other.loc, reason="a redrive policy with an unresolved queue")
    if _is_dead_letter(view, ctx, tuple(names), view.node(keys["allow"])) and (
        redrive.is_absent or (redrive.is_literal and redrive.raw in (None, ""))
    ):
        redrive = Value.unknown(view.loc, reason="the queue is itself a dead-letter queue")
    ctx.model.add(
        Queue(
            address=view.address,
            type=view.type,
            loc=view.loc,
            names=tuple(names),
            condition=view.condition,
            sse_enabled=located(view, keys["sse"]),
            kms_key=located(view, keys["kms"]),
            redrive=redrive,
            dlq_target=target,
            fifo=view.value(keys["fifo"]).as_bool() is True,
        )
    )


_CFN_KEYS = {
    "name": "QueueName",
    "redrive": "RedrivePolicy",
    "allow": "RedriveAllowPolicy",
    "sse": "SqsManagedSseEnabled",
    "kms": "KmsMasterKeyId",
    "fifo": "FifoQueue",
}
_TF_KEYS = {
    "name": "name",
    "redrive": "redrive_policy",
    "allow": "redrive_allow_policy",
    "sse": "sqs_managed_sse_enabled",
    "kms": "kms_master_key_id",
    "fifo": "fifo_queue",
}


@cfn("AWS::SQS::Queue")
def cfn_queue(view: ResourceView, ctx: AdaptContext) -> None:
    _queue(view, ctx, _CFN_KEYS)


@tf("aws_sqs_queue")
def tf_queue(view: ResourceView, ctx: AdaptContext) -> None:
    view = settled(view, ctx)
    if view.count != 0:
        _queue(view, ctx, _TF_KEYS)
