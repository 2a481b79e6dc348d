"""LP401 single-az-database: an RDS DB instance without Multi-AZ.

Applies to standalone RDS instances only: Aurora/DocumentDB/Neptune cluster members get their
availability from the cluster (LP402), read replicas follow their source, and engines that cannot
be Multi-AZ are not reported (RDS Custom for Oracle, SQL Server Express Edition). Other SQL Server
editions are not exempt (their Multi-AZ uses mirroring, Always On or block-level replication, but
the property is the same). ``MultiAZ`` absent means false (the AWS default).
"""

from __future__ import annotations

from collections.abc import Iterable

from lpcheck.findings import Issue
from lpcheck.model.container import Model
from lpcheck.model.resources import DBInstance
from lpcheck.rules._common import describe_setting, engine_startswith, insecure_flag, is_member, is_replica
from lpcheck.rules.base import rule

# Engines with no Multi-AZ option at all: reporting them would ask for the impossible.
_NO_MULTI_AZ = ("custom-oracle", "sqlserver-ex")


@rule("LP401")
def single_az_database(model: Model) -> Iterable[Issue]:
    for db in model.of(DBInstance):
        if is_member(db) or is_replica(db) or engine_startswith(db.engine, *_NO_MULTI_AZ):
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
