"""Wording and witness helpers shared by the encryption, availability and Lambda rules (LP3xx-LP5xx).

A rule asks a typed ``Value`` "is this definitely insecure?" in some branch and reports that
branch (the *witness*): its line, where its value came from, and the conditions under which it
holds (the branch's and the resource's own CloudFormation ``Condition``).
"""

from __future__ import annotations

from collections.abc import Callable

from lpcheck.model.resources import DBInstance, Resource
from lpcheck.model.values import Value


def is_terraform(resource: Resource) -> bool:
    """Messages name properties as the user wrote them: ``MultiAZ`` or ``multi_az``."""
    return not resource.type.startswith("AWS::")


def prop(resource: Resource, cfn_name: str, tf_name: str) -> str:
    """The property's name in the resource's own format."""
    return tf_name if is_terraform(resource) else cfn_name


def unset(v: Value) -> bool:
    """Absent, or written as null/empty (a plan's null, an empty string): AWS's default applies."""
    return v.is_absent or (v.is_literal and v.raw in (None, ""))


def off(v: Value) -> bool:
    """A boolean setting that is false, or not set (every such setting defaults to false)."""
    return unset(v) or v.as_bool() is False


def witness(value: Value, predicate: Callable[[Value], bool]) -> Value | None:
    """The branch to report: the first where ``predicate`` holds, preferring one written in the
    template over one that only a parameter or variable default makes insecure (that default is
    often overridden exactly in the branch whose condition tests it)."""
    found = [v for v in value.variants() if predicate(v)]
    if not found:
        return None
    return next((v for v in found if not v.origin), found[0])


def insecure_flag(value: Value) -> Value | None:
    """The branch where a boolean setting is false or absent (the witness to report)."""
    return witness(value, off)


def origin(v: Value) -> str:
    return f" (from {v.origin})" if v.origin else ""


def when(v: Value, resource: Resource) -> str:
    """The branch condition of the witness and the resource's own condition, if any."""
    conditions = [c for c in (resource.condition, v.condition) if c]
    return f" (when {' and '.join(dict.fromkeys(conditions))})" if conditions else ""


def render(raw: object, terraform: bool) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, str) and terraform:
        return f'"{raw}"'
    return str(raw)


def describe_setting(
    value: Value, resource: Resource, cfn_name: str, tf_name: str, default: str, *, own: bool = True
) -> str:
    """``MultiAZ is not set (defaults to false)`` / ``multi_az = false (from <origin>)``, plus the
    condition of the witness and (unless ``own`` is false) the resource's own condition."""
    terraform = is_terraform(resource)
    name = tf_name if terraform else cfn_name
    if value.is_absent:
        text = f"{name} is not set ({default})" if default else f"{name} is not set"
    elif terraform:
        text = f"{name} = {render(value.raw, terraform)}"
    else:
        text = f"{name} is {render(value.raw, terraform)}"
    cond = when(value, resource) if own else value.describe_condition()
    return text + origin(value) + cond


def engine_startswith(value: Value, *prefixes: str) -> bool:
    """Whether any branch of a literal engine name starts with one of ``prefixes`` (any case)."""
    return any(
        v.is_literal and isinstance(v.raw, str) and v.raw.strip().lower().startswith(prefixes)
        for v in value.variants()
    )


def is_member(instance: DBInstance) -> bool:
    """An Aurora/DocumentDB/Neptune cluster member: the cluster holds storage and availability."""
    return not instance.cluster.is_absent or engine_startswith(instance.engine, "aurora", "docdb", "neptune")


def is_replica(instance: DBInstance) -> bool:
    """A read replica in any branch (its storage and backups follow its source)."""
    return not instance.replica_source.is_absent
