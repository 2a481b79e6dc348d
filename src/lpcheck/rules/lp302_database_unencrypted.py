"""LP302 database-unencrypted: database storage encryption off or absent.

Covers standalone RDS instances, Aurora/DocumentDB/Neptune/Multi-AZ DB clusters, Aurora global
databases and Redshift provisioned clusters. Not reported: cluster members (they take the
cluster's setting, reported on the cluster), read replicas (they inherit the source's encryption),
Aurora Serverless v1 clusters (always encrypted), and, through the adapters, resources restored
from a snapshot or a point in time, replicas, members of a global database, or named with a KMS
key (their encryption is inherited or intended: unknown).

Redshift: an absent ``Encrypted`` is still reported, as the catalog asks ("off or absent"), but
worded as undeclared: Amazon Redshift encrypts new provisioned clusters by default since January
2025, while clusters created earlier (and restored from their snapshots) are not.
"""

from __future__ import annotations

from collections.abc import Iterable

from lpcheck.findings import Issue
from lpcheck.model.container import Model
from lpcheck.model.resources import DBCluster, DBInstance, RedshiftCluster, Resource
from lpcheck.model.values import Value
from lpcheck.rules._common import describe_setting, insecure_flag, is_member, is_replica
from lpcheck.rules.base import rule

_FAMILY = {
    "aurora": "Aurora DB cluster",
    "docdb": "DocumentDB cluster",
    "neptune": "Neptune DB cluster",
    "rds": "Multi-AZ DB cluster",
    "global": "Aurora global database",
}
_STORAGE = ("StorageEncrypted", "storage_encrypted")
_REDSHIFT = ("Encrypted", "encrypted")


def _issue(resource: Resource, value: Value, what: str, names: tuple[str, str], default: str) -> Issue | None:
    witness = insecure_flag(value)
    if witness is None:
        return None
    setting = describe_setting(witness, resource, names[0], names[1], default)
    verb = "stores data unencrypted"
    if isinstance(resource, RedshiftCluster) and witness.is_absent:
        verb = "does not declare storage encryption"
    return Issue(
        loc=witness.at(resource.loc),
        message=f"{what} {resource.address} {verb}: {setting}",
        resource=resource.address,
        key=f"{resource.address}:storage_encrypted",
    )


@rule("LP302")
def database_unencrypted(model: Model) -> Iterable[Issue]:
    found: list[Issue | None] = []
    for db in model.of(DBInstance):
        if not (is_member(db) or is_replica(db)):
            found.append(_issue(db, db.storage_encrypted, "RDS DB instance", _STORAGE, "defaults to false"))
    for cluster in model.of(DBCluster):
        if not cluster.serverless:
            what = _FAMILY.get(cluster.family, "DB cluster")
            found.append(_issue(cluster, cluster.storage_encrypted, what, _STORAGE, "defaults to false"))
    for rs in model.of(RedshiftCluster):
        default = "unencrypted by default for clusters created before 2025"
        found.append(_issue(rs, rs.encrypted, "Redshift cluster", _REDSHIFT, default))
    yield from (issue for issue in found if issue is not None)
