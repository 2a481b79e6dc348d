"""LP405 backups-disabled: RDS automated backups off; DynamoDB tables without PITR (note).

- An RDS DB instance with ``BackupRetentionPeriod``/``backup_retention_period`` 0. Absent is the
  AWS default of 1 day (no finding). Read replicas are skipped (0 is their normal setting: the
  source holds the backups) and cluster members too (Aurora/DocumentDB/Neptune keep backups on
  the cluster, whose retention cannot be below 1).
- An Aurora/DocumentDB/Neptune/Multi-AZ DB cluster whose retention is written as 0: AWS rejects
  it (the minimum is 1), but the code states the intent to run without backups, the same
  anti-pattern (deliberately vulnerable samples write exactly this). Absent is 1 day.
- A DynamoDB table (``AWS::DynamoDB::Table``, each replica of ``AWS::DynamoDB::GlobalTable``,
  SAM ``AWS::Serverless::SimpleTable``, ``aws_dynamodb_table``) without point-in-time recovery
  (off by default): reported with severity ``note``.
"""

from __future__ import annotations

from collections.abc import Iterable

from lpcheck.findings import Issue
from lpcheck.model.container import Model
from lpcheck.model.resources import DBCluster, DBInstance, Table
from lpcheck.rules._common import describe_setting, insecure_flag, is_member, is_replica, witness
from lpcheck.rules.base import rule


def _instances(model: Model) -> Iterable[Issue]:
    for db in model.of(DBInstance):
        if is_member(db) or is_replica(db):
            continue
        found = witness(db.backup_retention, lambda v: v.as_int() == 0)
        if found is None:
            continue
        setting = describe_setting(found, db, "BackupRetentionPeriod", "backup_retention_period", "")
        yield Issue(
            loc=found.at(db.loc),
            message=f"RDS DB instance {db.address} has automated backups disabled: {setting}",
            resource=db.address,
            key=f"{db.address}:backup_retention",
        )


_CLUSTER_KIND = {
    "aurora": "Aurora DB cluster",
    "docdb": "DocumentDB cluster",
    "neptune": "Neptune DB cluster",
    "rds": "Multi-AZ DB cluster",
}


def _clusters(model: Model) -> Iterable[Issue]:
    for cluster in model.of(DBCluster):
        what = _CLUSTER_KIND.get(cluster.family)
        if what is None:
            continue
        found = witness(cluster.backup_retention, lambda v: v.as_int() == 0)
        if found is None:
            continue
        setting = describe_setting(found, cluster, "BackupRetentionPeriod", "backup_retention_period", "")
        yield Issue(
            loc=found.at(cluster.loc),
            message=f"{what} {cluster.address} has automated backups disabled: {setting}",
            resource=cluster.address,
            key=f"{cluster.address}:backup_retention",
        )


def _tables(model: Model) -> Iterable[Issue]:
    for table in model.of(Table):
        if table.type == "AWS::Serverless::SimpleTable":
            yield Issue(
                loc=table.loc,
                message=(
                    f"DynamoDB table {table.address} has no point-in-time recovery: "
                    "AWS::Serverless::SimpleTable cannot enable it (use AWS::DynamoDB::Table with "
                    "PointInTimeRecoverySpecification)"
                ),
                resource=table.address,
                key=f"{table.address}:pitr",
                severity="note",
            )
            continue
        found = insecure_flag(table.pitr)
        if found is None:
            continue
        cfn = "PointInTimeRecoveryEnabled"
        if found.is_absent and table.type == "AWS::DynamoDB::Table":
            cfn = "PointInTimeRecoverySpecification"
        tf = (
            "point_in_time_recovery"
            if table.type == "aws_dynamodb_table_replica"
            else "point_in_time_recovery.enabled"
        )
        setting = describe_setting(found, table, cfn, tf, "defaults to false")
        yield Issue(
            loc=found.at(table.loc),
            message=f"DynamoDB table {table.address} has no point-in-time recovery: {setting}",
            resource=table.address,
            key=f"{table.address}:pitr",
            severity="note",
        )


@rule("LP405")
def backups_disabled(model: Model) -> Iterable[Issue]:
    yield from _instances(model)
    yield from _clusters(model)
    yield from _tables(model)
