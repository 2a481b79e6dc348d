"""LP402 cluster-without-failover: a database cluster, cache or search domain with no second AZ.

- An Aurora/DocumentDB/Neptune cluster with fewer than two instances defined in the same template
  or module. Instances are linked to the cluster through the model (a reference, or a literal
  identifier equal to the cluster's); Terraform ``count``/``for_each`` multiply. A cluster with no
  instance block at all in the unit is reported (nothing fails over); one whose instance blocks
  are switched off by an input (``count = 0``, a ``for_each`` over an empty default: the module's
  caller chooses the instances) or that calls modules which may add them is not. No finding when a count is
  unknown, when an instance of the unit names its cluster in a way that cannot be
  resolved (it may be this cluster's), for Aurora Serverless v1 (no instances to add) and for
  Multi-AZ DB clusters (three instances are built in). An instance under a CloudFormation
  ``Condition`` counts as present.
- An ElastiCache replication group with neither automatic failover nor Multi-AZ (both default to
  false; Multi-AZ requires automatic failover, so failover alone is accepted).
- An OpenSearch/Elasticsearch domain without zone awareness (defaults to false).
"""

from __future__ import annotations

from collections.abc import Iterable

from lpcheck.findings import Issue
from lpcheck.model.container import Model
from lpcheck.model.resources import CacheReplicationGroup, DBCluster, DBInstance, SearchDomain
from lpcheck.model.values import Value
from lpcheck.rules._common import describe_setting, insecure_flag, is_terraform, when
from lpcheck.rules.base import rule

_NONE = Value.absent(None)
_FAMILY = {"aurora": "Aurora DB cluster", "docdb": "DocumentDB cluster", "neptune": "Neptune DB cluster"}


def _unresolved(model: Model, member: DBInstance, clusters: list[DBCluster]) -> bool:
    """A member whose cluster is neither linked to a cluster here nor a name of another cluster."""
    if any(model.refers_to(member.cluster, c) for c in clusters):
        return False
    return any(v.is_unknown and v.ref is None for v in member.cluster.variants())


def _db_clusters(model: Model) -> Iterable[Issue]:
    clusters = [c for c in model.of(DBCluster) if c.family in _FAMILY and not c.serverless]
    if not clusters:
        return
    members = [i for i in model.of(DBInstance) if not i.cluster.is_absent]
    if any(_unresolved(model, m, clusters) for m in members):
        return
    for cluster in clusters:
        place = "module" if is_terraform(cluster) else "template"
        linked = [m for m in members if model.refers_to(m.cluster, cluster)]
        counts = [m.count for m in linked]
        if any(n is None for n in counts):
            continue
        total = sum(n for n in counts if n is not None)
        what = _FAMILY[cluster.family]
        if total == 1:
            detail = f"has one DB instance ({linked[0].address}) in this {place}"
        elif total == 0 and cluster.instance_blocks == 0:
            # No instance block at all: nothing in this template/module serves or fails over.
            # (An instance block switched off by an input, count 0 or a for_each over an empty
            # default, means the instances are the caller's choice: not reported.)
            detail = f"has no DB instance defined in this {place}"
        else:
            continue
        yield Issue(
            loc=cluster.loc,
            message=(
                f"{what} {cluster.address} {detail}{when(_NONE, cluster)}: "
                "there is no replica in another Availability Zone to fail over to"
            ),
            resource=cluster.address,
            key=f"{cluster.address}:instances",
        )


def _caches(model: Model) -> Iterable[Issue]:
    for group in model.of(CacheReplicationGroup):
        if group.multi_az.find(lambda v: v.as_bool() is True) is not None:
            continue
        witness = insecure_flag(group.automatic_failover)
        if witness is None:
            continue
        failover = describe_setting(
            witness, group, "AutomaticFailoverEnabled", "automatic_failover_enabled", "defaults to false"
        )
        multi_az = insecure_flag(group.multi_az)
        extra = ""
        if multi_az is not None:
            extra = " and " + describe_setting(
                multi_az, group, "MultiAZEnabled", "multi_az_enabled", "defaults to false", own=False
            )
        yield Issue(
            loc=witness.at(group.loc),
            message=(
                f"ElastiCache replication group {group.address} has no automatic failover: {failover}{extra}"
            ),
            resource=group.address,
            key=f"{group.address}:failover",
        )


def _domains(model: Model) -> Iterable[Issue]:
    for domain in model.of(SearchDomain):
        witness = insecure_flag(domain.zone_awareness)
        if witness is None:
            continue
        setting = describe_setting(
            witness, domain, "ZoneAwarenessEnabled", "zone_awareness_enabled", "defaults to false"
        )
        yield Issue(
            loc=witness.at(domain.loc),
            message=f"Search domain {domain.address} keeps all its nodes in one Availability Zone: {setting}",
            resource=domain.address,
            key=f"{domain.address}:zone_awareness",
        )


@rule("LP402")
def cluster_without_failover(model: Model) -> Iterable[Issue]:
    yield from _db_clusters(model)
    yield from _caches(model)
    yield from _domains(model)
