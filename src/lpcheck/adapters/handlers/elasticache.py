"""ElastiCache (Valkey/Redis OSS) replication groups: failover (LP402) and encryption at rest (LP305).

Each replication group becomes a ``CacheReplicationGroup`` and an ``EncryptedStore``. AWS
defaults applied here because they depend on other properties the model does not carry:

- At-rest encryption defaults to **true for the Valkey engine** and false for Redis OSS (the
  engine itself defaults to ``redis``); with an unresolved engine an absent flag is unknown.
- A member of a global datastore (``global_replication_group_id``) and a group built around an
  existing primary cluster (``PrimaryClusterId``) take their encryption from it: unknown.
- A cluster-mode-enabled group (more than one node group, ``ClusterMode: enabled``) cannot exist
  without automatic failover, so an absent ``AutomaticFailoverEnabled`` there is unknown rather
  than the documented default false.

Single-node ``AWS::ElastiCache::CacheCluster``/``aws_elasticache_cluster`` resources are not
replication groups (Memcached and single-node Redis OSS cannot encrypt at rest or fail over) and
serverless caches are always encrypted and Multi-AZ, so neither is adapted.
"""

from __future__ import annotations

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.handlers._common import (
    add_store,
    first_setting,
    identity,
    inherited,
    setting,
    terraform,
    text,
)
from lpcheck.adapters.registry import cfn
from lpcheck.adapters.view import ResourceView
from lpcheck.model.resources import CacheReplicationGroup
from lpcheck.model.values import Value

KIND = "ElastiCache replication group"


def _cluster_mode(view: ResourceView, groups: str, config: str, mode: str, params: str) -> bool:
    """Whether the group is cluster-mode enabled (several shards, or a ``*.cluster.on`` parameter
    group such as ``default.redis7.cluster.on``)."""
    group = text(setting(view, params))
    if group is not None and group.endswith(".cluster.on"):
        return True
    n = setting(view, groups).as_int()
    if n is not None and n > 1:
        return True
    node = setting(view, config)
    if node.is_literal and isinstance(getattr(node.raw, "items", None), list) and len(node.raw.items) > 1:
        return True
    return text(setting(view, mode)) == "enabled"


def _at_rest(view: ResourceView, flag: str, engine_path: str, kms: str, *sources: str) -> Value:
    value = setting(view, flag)
    value = inherited(value, first_setting(view, kms), f"{kms} is set")
    for source in sources:
        value = inherited(value, setting(view, source), f"inherited from {source}")
    if not value.is_absent:
        return value
    engine = setting(view, engine_path)
    name = text(engine)
    if engine.is_absent or name == "redis":
        return value  # Redis OSS: the documented default is false
    if name == "valkey":
        return Value.literal(True, view.loc, origin="the default for the valkey engine")
    return Value.unknown(view.loc, reason="encryption default depends on the unresolved engine")


def _add(view: ResourceView, ctx: AdaptContext, failover: Value, multi_az: Value, encrypted: Value) -> None:
    group = CacheReplicationGroup(**identity(view), automatic_failover=failover, multi_az=multi_az)  # type: ignore[arg-type]
    ctx.model.add(group)
    add_store(view, ctx, KIND, encrypted)


@cfn("AWS::ElastiCache::ReplicationGroup")
def cfn_replication_group(view: ResourceView, ctx: AdaptContext) -> None:
    failover = setting(view, "AutomaticFailoverEnabled")
    if failover.is_absent and _cluster_mode(
        view, "NumNodeGroups", "NodeGroupConfiguration", "ClusterMode", "CacheParameterGroupName"
    ):
        failover = Value.unknown(view.loc, reason="cluster mode enabled requires automatic failover")
    encrypted = _at_rest(view, "AtRestEncryptionEnabled", "Engine", "KmsKeyId", "PrimaryClusterId")
    _add(view, ctx, failover, setting(view, "MultiAZEnabled"), encrypted)


@terraform("aws_elasticache_replication_group")
def tf_replication_group(view: ResourceView, ctx: AdaptContext) -> None:
    failover = setting(view, "automatic_failover_enabled")
    if failover.is_absent and (
        _cluster_mode(view, "num_node_groups", "node_groups", "cluster_mode", "parameter_group_name")
        or (setting(view, "cluster_mode.num_node_groups").as_int() or 0) > 1
    ):
        failover = Value.unknown(view.loc, reason="cluster mode enabled requires automatic failover")
    encrypted = _at_rest(
        view, "at_rest_encryption_enabled", "engine", "kms_key_id", "global_replication_group_id"
    )
    _add(view, ctx, failover, setting(view, "multi_az_enabled"), encrypted)
