"""Relational and graph/document database clusters: RDS, Aurora, DocumentDB, Neptune, Redshift.

One ``DBInstance`` per instance resource (standalone RDS instance, read replica, or cluster
member), one ``DBCluster`` per Aurora/DocumentDB/Neptune/Multi-AZ DB cluster, one
``RedshiftCluster`` per Redshift cluster. The handlers keep what the template wrote (absent stays
absent, so the rules apply AWS's defaults) with three format-neutral interpretations that AWS
itself makes:

- **Encryption that is inherited is unknown, not absent.** A resource restored from a snapshot or
  a point in time, or a cross-region/global replica, takes its storage encryption from its
  source, so an absent ``StorageEncrypted`` there says nothing: it becomes unknown (no finding).
  Under ``Fn::If`` only the branches that restore become unknown.
- **A KMS key without the encryption flag is unknown.** AWS requires ``StorageEncrypted`` for a
  ``KmsKeyId``; a template that names a key clearly intends encryption, and whether the API
  rejects or encrypts is not ours to guess. An explicit ``false`` is still reported.
- **Terraform ``null`` is absent** (``multi_az = var.multi_az`` with a null default).

Cluster membership is recorded, not resolved: an instance's ``cluster`` is the reference or
literal identifier it names (identifiers are lower-cased, as RDS stores them), and the rules link
instances to clusters with ``Model.refers_to``. A Terraform instance block whose cluster has
``count``/``for_each`` counts per cluster (its count divided by the cluster's), and an unknown
cluster count makes the instance count unknown.

The small helpers at the top are shared with the other data-store handlers.
"""

from __future__ import annotations

from dataclasses import replace

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.registry import cfn, tf
from lpcheck.adapters.view import ResourceView
from lpcheck.model.resources import DBCluster, DBInstance, RedshiftCluster
from lpcheck.model.values import Value
from lpcheck.parsers.nodes import ListNode, MapNode, ScalarNode

# --------------------------------------------------------------------------------------------------
# Shared helpers (also used by elasticache, opensearch, dynamodb, efs, kinesis)
# --------------------------------------------------------------------------------------------------


def _present(view: ResourceView, path: str) -> bool:
    """Whether ``path`` holds something other than null or an empty block list."""
    node = view.node(path)
    if node is None:
        return False
    if isinstance(node, ScalarNode) and node.value is None:
        return False
    return not (isinstance(node, (ListNode, MapNode)) and not node.items)


def setting(view: ResourceView, path: str) -> Value:
    """The value at ``path``, located at its key's line (the property line the catalog points at).

    Absent, null and empty-block values are absent, located at the resource's first line; each
    ``Fn::If`` branch keeps its condition (an ``AWS::NoValue`` branch is absent under it, located
    at the property that holds the choice)."""
    if not _present(view, path):
        return Value.absent(view.loc)
    value = view.value(path)
    key_loc = view.key_loc(path)
    out: list[Value] = []
    for v in value.variants():
        empty = isinstance(v.raw, (ListNode, MapNode)) and not v.raw.items
        if v.is_absent or (v.is_literal and v.raw is None) or empty:
            # absent in this branch only (AWS::NoValue): the property line still shows the choice
            out.append(Value.absent(key_loc if value.options else view.loc).with_condition(v.condition))
        else:
            out.append(replace(v, loc=key_loc))
    return Value.choice(out, key_loc)


def first_setting(view: ResourceView, *paths: str) -> Value:
    """The first of several alternative spellings that is present, else absent."""
    for path in paths:
        if _present(view, path):
            return setting(view, path)
    return Value.absent(view.loc)


def inherited(value: Value, source: Value, reason: str) -> Value:
    """``value`` unless it is absent where ``source`` is present: then AWS takes it from the source.

    Only whole-absent values are refined; each branch of a conditional ``source`` yields an
    unknown (the source supplies it) or the original absent value under that branch's condition."""
    if not value.is_absent or source.is_absent:
        return value
    if not source.options:
        return Value.unknown(value.loc, reason=reason)
    return Value.choice(
        [
            value.with_condition(v.condition)
            if v.is_absent
            else Value.unknown(value.loc, reason=reason).with_condition(v.condition)
            for v in source.variants()
        ],
        value.loc,
    )


def literal_names(view: ResourceView, *paths: str, lower: bool = False) -> tuple[str, ...]:
    """The resource's names for linking: the front-end's plus literal identifier properties."""
    names = list(view.names)
    for path in paths:
        v = setting(view, path)
        s = v.raw if v.is_literal and isinstance(v.raw, str) else None
        if s:
            names.append(s)
            if lower:
                names.append(s.lower())
    return tuple(dict.fromkeys(names))


def lower_literal(value: Value) -> Value:
    """RDS identifiers are case-insensitive (stored lower-case): compare them lower-cased."""
    if not value.options:
        return (
            replace(value, raw=value.raw.lower())
            if isinstance(value.raw, str) and value.is_literal
            else value
        )
    return Value.choice([lower_literal(v) for v in value.variants()], value.loc)


def encryption(view: ResourceView, flag: str, kms: str, *sources: str) -> Value:
    """An encryption flag, unknown where a KMS key or an inheriting source makes it so."""
    value = setting(view, flag)
    value = inherited(value, first_setting(view, kms), f"{kms} is set")
    for source in sources:
        value = inherited(value, setting(view, source), f"inherited from {source}")
    return value


def _member_count(view: ResourceView, cluster: Value, ctx: AdaptContext) -> int | None:
    """Instances this block adds to each cluster it names (None when that cannot be known)."""
    count = view.count
    for v in cluster.variants():
        target = ctx.resources.get(v.ref) if v.ref else None
        if target is None:
            continue
        if target.count is None or count is None:
            return None
        if target.count > 1:
            count //= target.count
    return count


def text(value: Value) -> str | None:
    """A literal scalar as lower-case text (``Engine: Aurora-MySQL``), else None (maps, blocks, unknown)."""
    if not value.is_literal or isinstance(value.raw, (ListNode, MapNode, dict, list)):
        return None
    s = value.as_str()
    return s.strip().lower() if s is not None else None


# --------------------------------------------------------------------------------------------------
# RDS DB instances
# --------------------------------------------------------------------------------------------------

_CFN_INSTANCE_RESTORE = ("DBSnapshotIdentifier", "SourceDbiResourceId", "SourceDBInstanceAutomatedBackupsArn")


@cfn("AWS::RDS::DBInstance")
def cfn_db_instance(view: ResourceView, ctx: AdaptContext) -> None:
    source = first_setting(view, "SourceDBInstanceIdentifier", "SourceDBClusterIdentifier")
    # SourceDBInstanceIdentifier with a restore time is a point-in-time restore, not a replica.
    pitr = setting(view, "RestoreTime")
    latest = setting(view, "UseLatestRestorableTime")
    is_restore = not pitr.is_absent or (not latest.is_absent and latest.as_bool() is not False)
    replica = Value.absent(view.loc) if is_restore else source
    encrypted = encryption(view, "StorageEncrypted", "KmsKeyId", *_CFN_INSTANCE_RESTORE)
    if is_restore:
        encrypted = inherited(encrypted, source, "inherited from SourceDBInstanceIdentifier")
    ctx.model.add(
        DBInstance(
            address=view.address,
            type=view.type,
            loc=view.loc,
            names=literal_names(view, "DBInstanceIdentifier", lower=True),
            condition=view.condition,
            engine=setting(view, "Engine"),
            multi_az=setting(view, "MultiAZ"),
            storage_encrypted=encrypted,
            cluster=lower_literal(setting(view, "DBClusterIdentifier")),
            replica_source=replica,
            backup_retention=setting(view, "BackupRetentionPeriod"),
            count=view.count,
        )
    )


@tf("aws_db_instance")
def tf_db_instance(view: ResourceView, ctx: AdaptContext) -> None:
    ctx.model.add(
        DBInstance(
            address=view.address,
            type=view.type,
            loc=view.loc,
            names=literal_names(view, "identifier", lower=True),
            condition=view.condition,
            engine=setting(view, "engine"),
            multi_az=setting(view, "multi_az"),
            storage_encrypted=encryption(
                view, "storage_encrypted", "kms_key_id", "snapshot_identifier", "restore_to_point_in_time"
            ),
            replica_source=setting(view, "replicate_source_db"),
            backup_retention=setting(view, "backup_retention_period"),
            count=view.count,
        )
    )


def _indexed_ref(value: Value, ctx: AdaptContext) -> Value:
    """A plan names a counted cluster ``aws_rds_cluster.x[0]`` while references say
    ``aws_rds_cluster.x``: follow the reference when exactly one instance of it exists."""
    if value.options or not value.ref or value.ref in ctx.resources:
        return value
    matches = [a for a in ctx.resources if a.startswith(value.ref + "[")]
    return replace(value, ref=matches[0]) if len(matches) == 1 else value


def _member(view: ResourceView, ctx: AdaptContext, path: str, engine: Value) -> None:
    """A cluster member instance: its availability and encryption belong to the cluster."""
    cluster = _indexed_ref(lower_literal(setting(view, path)), ctx)
    if cluster.is_absent:  # a member by its type even when the identifier is missing or null
        cluster = Value.unknown(view.loc, reason=f"{path} not set")
    ctx.model.add(
        DBInstance(
            address=view.address,
            type=view.type,
            loc=view.loc,
            names=view.names,
            condition=view.condition,
            engine=engine,
            cluster=cluster,
            count=_member_count(view, cluster, ctx),
        )
    )


@tf("aws_rds_cluster_instance")
def tf_rds_cluster_instance(view: ResourceView, ctx: AdaptContext) -> None:
    _member(view, ctx, "cluster_identifier", setting(view, "engine"))


@tf("aws_docdb_cluster_instance")
def tf_docdb_cluster_instance(view: ResourceView, ctx: AdaptContext) -> None:
    _member(view, ctx, "cluster_identifier", Value.literal("docdb", None))


@tf("aws_neptune_cluster_instance")
def tf_neptune_cluster_instance(view: ResourceView, ctx: AdaptContext) -> None:
    _member(view, ctx, "cluster_identifier", Value.literal("neptune", None))


@cfn("AWS::DocDB::DBInstance")
def cfn_docdb_instance(view: ResourceView, ctx: AdaptContext) -> None:
    _member(view, ctx, "DBClusterIdentifier", Value.literal("docdb", None))


@cfn("AWS::Neptune::DBInstance")
def cfn_neptune_instance(view: ResourceView, ctx: AdaptContext) -> None:
    _member(view, ctx, "DBClusterIdentifier", Value.literal("neptune", None))


# --------------------------------------------------------------------------------------------------
# Clusters
# --------------------------------------------------------------------------------------------------


def _rds_family(engine: Value, instance_class: Value) -> str:
    """Aurora unless it is a Multi-AZ DB cluster (engine mysql/postgres, or a cluster instance class)."""
    if not instance_class.is_absent:
        return "rds"
    if text(engine) in ("mysql", "postgres"):
        return "rds"
    return "aurora"


def _add_cluster(view: ResourceView, ctx: AdaptContext, family: str, engine: Value, **kw: object) -> None:
    ctx.model.add(
        DBCluster(
            address=view.address,
            type=view.type,
            loc=view.loc,
            condition=view.condition,
            family=family,
            engine=engine,
            **kw,  # type: ignore[arg-type]
        )
    )


@cfn("AWS::RDS::DBCluster")
def cfn_rds_cluster(view: ResourceView, ctx: AdaptContext) -> None:
    engine = setting(view, "Engine")
    _add_cluster(
        view,
        ctx,
        _rds_family(engine, setting(view, "DBClusterInstanceClass")),
        engine,
        names=literal_names(view, "DBClusterIdentifier", lower=True),
        storage_encrypted=encryption(
            view,
            "StorageEncrypted",
            "KmsKeyId",
            "SnapshotIdentifier",
            "SourceDBClusterIdentifier",
            "ReplicationSourceIdentifier",
            "GlobalClusterIdentifier",
        ),
        backup_retention=setting(view, "BackupRetentionPeriod"),
        serverless=text(setting(view, "EngineMode")) == "serverless",
    )


@tf("aws_rds_cluster")
def tf_rds_cluster(view: ResourceView, ctx: AdaptContext) -> None:
    engine = setting(view, "engine")
    _add_cluster(
        view,
        ctx,
        _rds_family(engine, setting(view, "db_cluster_instance_class")),
        engine,
        names=literal_names(view, "cluster_identifier", lower=True),
        storage_encrypted=encryption(
            view,
            "storage_encrypted",
            "kms_key_id",
            "snapshot_identifier",
            "restore_to_point_in_time",
            "replication_source_identifier",
            "global_cluster_identifier",
        ),
        backup_retention=setting(view, "backup_retention_period"),
        serverless=text(setting(view, "engine_mode")) == "serverless",
    )


@cfn("AWS::DocDB::DBCluster")
def cfn_docdb_cluster(view: ResourceView, ctx: AdaptContext) -> None:
    _add_cluster(
        view,
        ctx,
        "docdb",
        Value.literal("docdb", None),
        names=literal_names(view, "DBClusterIdentifier", lower=True),
        storage_encrypted=encryption(
            view, "StorageEncrypted", "KmsKeyId", "SnapshotIdentifier", "SourceDBClusterIdentifier"
        ),
        backup_retention=setting(view, "BackupRetentionPeriod"),
    )


@tf("aws_docdb_cluster")
def tf_docdb_cluster(view: ResourceView, ctx: AdaptContext) -> None:
    _add_cluster(
        view,
        ctx,
        "docdb",
        Value.literal("docdb", None),
        names=literal_names(view, "cluster_identifier", lower=True),
        storage_encrypted=encryption(
            view,
            "storage_encrypted",
            "kms_key_id",
            "snapshot_identifier",
            "restore_to_point_in_time",
            "global_cluster_identifier",
        ),
        backup_retention=setting(view, "backup_retention_period"),
    )


@cfn("AWS::Neptune::DBCluster")
def cfn_neptune_cluster(view: ResourceView, ctx: AdaptContext) -> None:
    _add_cluster(
        view,
        ctx,
        "neptune",
        Value.literal("neptune", None),
        names=literal_names(view, "DBClusterIdentifier", lower=True),
        storage_encrypted=encryption(
            view, "StorageEncrypted", "KmsKeyId", "SnapshotIdentifier", "SourceDBClusterIdentifier"
        ),
        backup_retention=setting(view, "BackupRetentionPeriod"),
    )


@tf("aws_neptune_cluster")
def tf_neptune_cluster(view: ResourceView, ctx: AdaptContext) -> None:
    _add_cluster(
        view,
        ctx,
        "neptune",
        Value.literal("neptune", None),
        names=literal_names(view, "cluster_identifier", lower=True),
        storage_encrypted=encryption(
            view,
            "storage_encrypted",
            "kms_key_id",
            "snapshot_identifier",
            "replication_source_identifier",
            "global_cluster_identifier",
        ),
        backup_retention=setting(view, "backup_retention_period"),
    )


# --------------------------------------------------------------------------------------------------
# Redshift (provisioned clusters; Redshift Serverless namespaces are always encrypted)
# --------------------------------------------------------------------------------------------------


@cfn("AWS::Redshift::Cluster")
def cfn_redshift_cluster(view: ResourceView, ctx: AdaptContext) -> None:
    ctx.model.add(
        RedshiftCluster(
            address=view.address,
            type=view.type,
            loc=view.loc,
            names=literal_names(view, "ClusterIdentifier", lower=True),
            condition=view.condition,
            encrypted=encryption(view, "Encrypted", "KmsKeyId", "SnapshotIdentifier"),
        )
    )


@tf("aws_redshift_cluster")
def tf_redshift_cluster(view: ResourceView, ctx: AdaptContext) -> None:
    ctx.model.add(
        RedshiftCluster(
            address=view.address,
            type=view.type,
            loc=view.loc,
            names=literal_names(view, "cluster_identifier", lower=True),
            condition=view.condition,
            encrypted=encryption(view, "encrypted", "kms_key_id", "snapshot_identifier"),
        )
    )
