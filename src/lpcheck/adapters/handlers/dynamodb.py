"""DynamoDB tables: point-in-time recovery (LP405).

``AWS::DynamoDB::Table``/``aws_dynamodb_table`` carry one PITR flag (default off). An
``AWS::DynamoDB::GlobalTable`` sets it per replica: the table is one ``Table`` whose ``pitr`` is
the first replica that lacks PITR (its flag, or absent at the resource line), true when every
replica has it, unknown when the replica list is. SAM's ``AWS::Serverless::SimpleTable`` cannot
enable PITR at all, so it is a table whose PITR is absent.

Terraform replicas (``replica`` blocks of ``aws_dynamodb_table``, ``aws_dynamodb_table_replica``)
have their own ``point_in_time_recovery`` flag, off by default whatever the table says: each replica
of a table that has PITR is one more ``Table`` of type ``aws_dynamodb_table_replica``, named after
its region, absent located at the table's first line. A table without PITR is reported once, not
once more per replica.
"""

from __future__ import annotations

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.handlers._common import identity, setting, terraform
from lpcheck.adapters.registry import cfn
from lpcheck.adapters.view import ResourceView
from lpcheck.model.resources import Table
from lpcheck.model.values import Value
from lpcheck.parsers.nodes import ListNode

_PITR = "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled"


def _add(view: ResourceView, ctx: AdaptContext, pitr: Value) -> None:
    ctx.model.add(
        Table(
            **identity(view),  # type: ignore[arg-type]
            pitr=pitr,
        )
    )


@cfn("AWS::DynamoDB::Table")
def cfn_table(view: ResourceView, ctx: AdaptContext) -> None:
    _add(view, ctx, setting(view, _PITR))


@cfn("AWS::Serverless::SimpleTable")
def sam_simple_table(view: ResourceView, ctx: AdaptContext) -> None:
    _add(view, ctx, Value.absent(view.loc))


@cfn("AWS::DynamoDB::GlobalTable")
def cfn_global_table(view: ResourceView, ctx: AdaptContext) -> None:
    if not isinstance(view.node("Replicas"), ListNode):
        _add(view, ctx, Value.unknown(view.loc, reason="replicas not resolvable"))
        return
    replicas = view.sub("Replicas")
    values = [setting(replica, _PITR) for replica in replicas]
    missing = [v for v in values if v.find(lambda x: x.is_absent or x.as_bool() is False)]
    unknown = [v for v in values if v.find(lambda x: x.as_bool() is None and not x.is_absent)]
    if missing:
        pitr = missing[0]
    elif unknown or not values:
        pitr = Value.unknown(view.loc, reason="replica PITR not resolvable")
    else:
        pitr = values[0]
    if pitr.is_absent:
        pitr = Value.absent(view.loc)
    _add(view, ctx, pitr)


REPLICA = "aws_dynamodb_table_replica"


def _lacks(v: Value) -> bool:
    return v.is_absent or v.as_bool() is False


@terraform("aws_dynamodb_table")
def tf_table(view: ResourceView, ctx: AdaptContext) -> None:
    own = setting(view, "point_in_time_recovery.enabled")
    _add(view, ctx, own)
    if own.find(_lacks) is not None:
        return  # reported at the table: its replicas repeat the same cause
    for replica in view.sub("replica"):
        pitr = setting(replica, "point_in_time_recovery")
        if pitr.is_absent:
            pitr = Value.absent(view.loc)
        region = setting(replica, "region_name")
        name = region.raw if region.is_literal and isinstance(region.raw, str) else "?"
        fields = {**identity(view), "address": f"{view.address} replica in {name}", "type": REPLICA}
        ctx.model.add(Table(**fields, pitr=pitr))  # type: ignore[arg-type]


@terraform(REPLICA)
def tf_table_replica(view: ResourceView, ctx: AdaptContext) -> None:
    _add(view, ctx, setting(view, "point_in_time_recovery"))
