"""LP401 single-az-database: an RDS DB instance without Multi-AZ.

Applies to standalone RDS instances only: Aurora/DocumentDB/Neptune cluster members get their
availability from the cluster (LP402), read replicas follow their source, and RDS Custom for
Oracle cannot be Multi-AZ. SQL Server is not exempt (its Multi-AZ uses mirroring/Always On, but
the property is the same). ``MultiAZ`` absent means false (the AWS default).

``describe_setting`` and the membership helpers are shared by the other data-store rules.
"""

from __future__ import annotations

from collections.abc import Iterable

from lpcheck.findings import Issue
from lpcheck.model.container import Model
from lpcheck.model.resources import DBInstance, Resource
from lpcheck.model.values import Value
from lpcheck.rules.base import rule


def is_terraform(resource: Resource) -> bool:
    """Messages name properties as the user wrote them: ``MultiAZ`` or ``multi_az``."""
    return not resource.type.startswith("AWS::")


def render(raw: object, terraform: bool) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, str) and terraform:
        return f'"{raw}"'
    return str(raw)


def describe_setting(value: Value, resource: Resource, cfn_name: str, tf_name: str, default: str) -> str:
    """``MultiAZ is not set (defaults to false)`` / ``multi_az = false (from <origin>)``, plus the
    ``Fn::If`` condition of the witness branch."""
    terraform = is_terraform(resource)
    name = tf_name if terraform else cfn_name
    if value.is_absent:
        text = f"{name} is not set ({default})"
    elif terraform:
        text = f"{name} = {render(value.raw, terraform)}"
    else:
        text = f"{name} is {render(value.raw, terraform)}"
    if value.origin:
        text += f" (from {value.origin})"
    return text + value.describe_condition()


def engine_startswith(value: Value, *prefixes: str) -> bool:
    """Whether any branch of a literal engine name starts with one of ``prefixes`` (any case)."""
    for v in value.variants():
        if v.is_literal and isinstance(v.raw, str) and v.raw.strip().lower().startswith(prefixes):
            return True
    return False


def is_member(instance: DBInstance) -> bool:
    """An Aurora/DocumentDB/Neptune cluster member: the cluster holds storage and availability."""
    return not instance.cluster.is_absent or engine_startswith(instance.engine, "aurora", "docdb", "neptune")


def is_replica(instance: DBInstance) -> bool:
    """A read replica in any branch (its storage and backups follow its source)."""
    return not instance.replica_source.is_absent


def insecure_flag(value: Value) -> Value | None:
    """The first branch where a boolean setting is false or absent (the witness to report)."""
    return value.find(lambda v: v.is_absent or v.as_bool() is False)


@rule("LP401")
def single_az_database(model: Model) -> Iterable[Issue]:
    for db in model.of(DBInstance):
        if is_member(db) or is_replica(db) or engine_startswith(db.engine, "custom-oracle"):
            continue
        witness = insecure_flag(db.multi_az)
        if witness is None:
            continue
        setting = describe_setting(witness, db, "MultiAZ", "multi_az", "defaults to false")
        yield Issue(
            loc=witness.at(db.loc),
            message=f"RDS DB instance {db.address} runs in a single Availability Zone: {setting}",
            resource=db.address,
            key=f"{db.address}:multi_az",
        )
