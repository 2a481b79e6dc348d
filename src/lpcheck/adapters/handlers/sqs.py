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
a dead-letter-ish property of any resource of the unit, module calls included; a literal name
or ARN there, also inside a ``Fn::Sub`` with pseudo parameters), and recorded as an unknown
``redrive`` whose reason names the link: the model has no field for "is a dead-letter queue" yet.
A queue whose own name says it is one (``dlq``, ``dead-letter``, ``DeadLetterQueue`` in its
logical ID, Terraform label or queue name) is taken at its word: its users may live in another
stack or module.

A redrive policy resource that targets the queue but is created only for some inputs (a
``count``/``for_each`` of 0 with the defaults, or unknown) makes the redrive configurable:
unknown, as does one whose target cannot be resolved.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.handlers._common import (
    branches,
    identity,
    literal_names,
    local_name,
    names_match,
    prepared,
    ref_address,
    setting,
    terraform,
)
from lpcheck.adapters.registry import cfn
from lpcheck.adapters.view import ResourceView, value_of
from lpcheck.model.resources import Queue
from lpcheck.model.values import Value
from lpcheck.parsers.nodes import ChoiceNode, ListNode, MapNode, Node, PartialText, ScalarNode, UnknownNode

# Normalised keys (lower case, letters only) whose values name a dead-letter destination.
_DLQ_KEY = re.compile(r"deadletter|redrivepolicy|dlq|onfailure")
_DLQ_NAME = re.compile(r"dlq|dead[-_ .]?letter", re.IGNORECASE)
_SUB_TEMPLATE = re.compile(r"^Fn::Sub (.*)$", re.DOTALL)
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


def _target_of(node: Node | None, loc: Value) -> Value:
    """The ``deadLetterTargetArn`` of one redrive policy, written as a map or a JSON string."""
    if isinstance(node, MapNode):
        return value_of(node.get("deadLetterTargetArn"), node.loc)
    if isinstance(node, ScalarNode) and isinstance(node.value, str):
        parsed = _json(node.value)
        arn = parsed.get("deadLetterTargetArn") if isinstance(parsed, dict) else None
        if isinstance(arn, str):
            return Value.literal(arn, node.loc, node.origin)
    if isinstance(node, UnknownNode):
        return Value.unknown(node.loc)
    return loc


def _redrive(view: ResourceView, path: str) -> tuple[Value, Value]:
    """(policy, deadLetterTargetArn) of the redrive policy at ``path``, per branch."""
    policies: list[Value] = []
    targets: list[Value] = []
    for label, node, where in branches(view, path):
        at = where or view.loc
        if node is None:
            policies.append(Value.absent(at).with_condition(label))
            targets.append(Value.absent(at).with_condition(label))
            continue
        policies.append(replace(value_of(node, view.loc), loc=at).with_condition(label))
        targets.append(_target_of(node, Value.absent(at)).with_condition(label))
    if all(p.is_absent for p in policies):
        return Value.absent(view.loc), Value.absent(view.loc)
    return Value.choice(policies, policies[0].loc), Value.choice(targets, targets[0].loc)


# -- who uses which queue as a dead-letter queue ----------------------------------------------------


def _norm(key: str) -> str:
    return re.sub(r"[^a-z]", "", key.lower())


def _partial_tail(node: UnknownNode) -> str | None:
    """The literal name at the end of a partly unknown ARN or URL (``Fn::Sub``/template with
    ``${AWS::AccountId}`` and such): ``arn:aws:sqs:${AWS::Region}:${Account}:my-dlq`` -> ``my-dlq``."""
    written = getattr(node, "text", None)
    if not isinstance(written, str) or not written:
        m = _SUB_TEMPLATE.match(node.reason or "")
        written = m.group(1) if m else ""
    tail = re.split(r"[:/]", written)[-1]
    return tail if tail and "${" not in tail and "}" not in tail else None


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
    elif isinstance(node, UnknownNode) and inside:
        if node.ref:
            refs.add(ref_address(node.ref) or node.ref)
        tail = _partial_tail(node)
        if tail:
            texts.append(tail)
    elif isinstance(node, ScalarNode) and isinstance(node.value, str):
        parsed = _json(node.value)
        if parsed is not None:
            texts.extend(text for key_inside, text in _json_strings(parsed, inside) if key_inside)
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
        if view.count == 0:
            continue  # never created (count 0): uses no queue as its dead-letter queue
        _collect(view.body, False, refs, texts)
        if view.type == _ALLOW_POLICY_RESOURCE and _allows_redrive(view.node("redrive_allow_policy")):
            _collect(view.node("queue_url"), True, refs, texts)
    _cache = (ctx.resources, refs, texts)
    return refs, texts


_INTERPOLATION = re.compile(r"\$\{[^}]*\}")


def _written_names(view: ResourceView, paths: tuple[str, ...]) -> list[str]:
    """The written text of the name properties (``name_prefix`` too), including names that are only
    partly known (``"${var.prefix}-dlq"``, ``!Sub "${AWS::StackName}-dlq"``) with their unknown
    parts removed, in every branch."""
    out: list[str] = []
    for path in paths:
        for _label, node, _where in branches(view, path):
            if isinstance(node, PartialText):
                out.append(_INTERPOLATION.sub(" ", node.text))
            elif isinstance(node, ScalarNode) and isinstance(node.value, str):
                out.append(node.value)
    return out


def _is_dead_letter(
    view: ResourceView,
    ctx: AdaptContext,
    names: tuple[str, ...],
    allow: Node | None,
    name_paths: tuple[str, ...],
) -> str:
    """Why the queue is a dead-letter queue (empty when nothing says so)."""
    if _allows_redrive(allow):
        return "its redrive allow policy lets queues use it as a dead-letter queue"
    refs, texts = _dead_letter_links(ctx)
    if (ref_address(view.address) or view.address) in refs or any(names_match(t, names) for t in texts):
        return "another resource uses it as a dead-letter queue"
    if any(
        _DLQ_NAME.search(n) for n in (local_name(view.address), *names, *_written_names(view, name_paths))
    ):
        return "its name says it is a dead-letter queue"
    return ""


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
            if names_match(text, names):
                return "yes"
            if not names:
                verdict = "maybe"
            continue
        verdict = "maybe"
    return verdict


def _separate_redrive(view: ResourceView, ctx: AdaptContext, names: tuple[str, ...]) -> tuple[Value, Value]:
    """The redrive policy an ``aws_sqs_queue_redrive_policy`` gives the queue (absent if none)."""
    address = ref_address(view.address) or view.address
    found = (Value.absent(view.loc), Value.absent(view.loc))
    for other in ctx.resources.values():
        if other.type != _REDRIVE_POLICY_RESOURCE or other.body is None:
            continue
        verdict = _targets(other.value("queue_url"), address, names)
        if verdict == "yes" and other.count not in (0, None):
            redrive, target = _redrive(prepared(other, ctx) or other, "redrive_policy")
            if redrive.is_absent:
                redrive = Value.unknown(other.loc, reason="redrive policy resource")
            return redrive, target
        if verdict != "no":
            found = (
                Value.unknown(other.loc, reason="a redrive policy that may apply"),
                Value.unknown(other.loc),
            )
    return found


def _unset(v: Value) -> bool:
    return v.is_absent or (v.is_literal and v.raw in (None, ""))


def _queue(view: ResourceView, ctx: AdaptContext, keys: dict[str, Any]) -> None:
    names = literal_names(view, keys["name"])
    redrive, target = _redrive(view, keys["redrive"])
    if redrive.is_absent:
        redrive, target = _separate_redrive(view, ctx, names)
    if redrive.find(_unset) is not None:
        why = _is_dead_letter(view, ctx, names, view.node(keys["allow"]), keys["names"])
        if why:
            redrive = Value.unknown(view.loc, reason=why)
    ctx.model.add(
        Queue(
            **identity(view, names),  # type: ignore[arg-type]
            sse_enabled=setting(view, keys["sse"]),
            kms_key=setting(view, keys["kms"]),
            redrive=redrive,
            dlq_target=target,
            fifo=view.value(keys["fifo"]).as_bool() is True,
        )
    )


_CFN_KEYS: dict[str, Any] = {
    "name": "QueueName",
    "names": ("QueueName",),
    "redrive": "RedrivePolicy",
    "allow": "RedriveAllowPolicy",
    "sse": "SqsManagedSseEnabled",
    "kms": "KmsMasterKeyId",
    "fifo": "FifoQueue",
}
_TF_KEYS: dict[str, Any] = {
    "name": "name",
    "names": ("name", "name_prefix"),
    "redrive": "redrive_policy",
    "allow": "redrive_allow_policy",
    "sse": "sqs_managed_sse_enabled",
    "kms": "kms_master_key_id",
    "fifo": "fifo_queue",
}


@cfn("AWS::SQS::Queue")
def cfn_queue(view: ResourceView, ctx: AdaptContext) -> None:
    _queue(view, ctx, _CFN_KEYS)


@terraform("aws_sqs_queue")
def tf_queue(view: ResourceView, ctx: AdaptContext) -> None:
    _queue(view, ctx, _TF_KEYS)
