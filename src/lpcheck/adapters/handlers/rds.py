"""Relational and graph/document database clusters: RDS, Aurora, DocumentDB, Neptune, Redshift.

One ``DBInstance`` per instance resource (standalone RDS instance, read replica, or cluster
member), one ``DBCluster`` per Aurora/DocumentDB/Neptune/Multi-AZ DB cluster, one
``RedshiftCluster`` per Redshift cluster. The handlers keep what the template wrote (absent stays
absent, so the rules apply AWS's defaults) with three format-neutral interpretations that AWS
itself makes:

- **Encryption that is inherited is unknown, not absent.** A resource restored from a snapshot or
  a point in time, or a cross-region/global replica, takes its storage encryption from its
  source, so an absent ``StorageEncrypted`` there says nothing: it becomes unknown (no finding).
  Under ``Fn::If`` only the branches that restore become unknown. A CloudFormation
  ``SourceDBInstanceIdentifier`` with ``RestoreTime``/``UseLatestRestorableTime`` is such a
  point-in-time restore, not a read replica.
- **A KMS key without the encryption flag is unknown.** AWS requires ``StorageEncrypted`` for a
  ``KmsKeyId``; a template that names a key clearly intends encryption, and whether the API
  rejects or encrypts is not ours to guess. An explicit ``false`` is still reported.
- **Terraform ``null`` is absent** (``multi_az = var.multi_az`` with a null default).

Cluster membership is recorded, not resolved: an instance's ``cluster`` is the reference or
literal identifier it names (identifiers are lower-cased, as RDS stores them), and the rules link
instances to clusters with ``Model.refers_to``. A Terraform instance block whose cluster has
``count``/``for_each`` counts per cluster (its count divided by the cluster's), and an unknown
cluster count makes the instance count unknown. Aurora Auto Scaling of read replicas
(``rds:cluster:ReadReplicaCount``) adds its minimum capacity of members to the cluster it targets.
An Aurora global database
(``AWS::RDS::GlobalCluster``/``aws_rds_global_cluster``) is a ``DBCluster`` of family ``global``:
its encryption, unless taken from a source cluster, is that of every member cluster, which are
unknown (they inherit it).
"""

from __future__ import annotations

from dataclasses import replace

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.handlers._common import (
    encryption,
    first_setting,
    identity,
    inherited,
    is_set,
    literal_names,
    lower_literal,
    setting,
    terraform,
    text,
)
from lpcheck.adapters.registry import cfn
from lpcheck.adapters.view import ResourceView
from lpcheck.model.resources import DBCluster, DBInstance, RedshiftCluster
from lpcheck.model.values import Value

# --------------------------------------------------------------------------------------------------
# RDS DB instances
# --------------------------------------------------------------------------------------------------

_CFN_INSTANCE_RESTORE = ("DBSnapshotIdentifier", "SourceDbiResourceId", "SourceDBInstanceAutomatedBackupsArn")


def _instance(view: ResourceView, ctx: AdaptContext, props: tuple[str, ...], **kw: object) -> None:
    """A DB instance; ``props`` names its identifier, engine, Multi-AZ and retention properties."""
    ident, engine, multi_az, retention = props
    ctx.model.add(
        DBInstance(
            **identity(view, literal_names(view, ident, lower=True)),  # type: ignore[arg-type]
            engine=setting(view, engine),
            multi_az=setting(view, multi_az),
            backup_retention=setting(view, retention),
            count=view.count,
            **kw,  # type: ignore[arg-type]
        )
    )


@cfn("AWS::RDS::DBInstance")
def cfn_db_instance(view: ResourceView, ctx: AdaptContext) -> None:
    source = first_setting(view, "SourceDBInstanceIdentifier", "SourceDBClusterIdentifier")
    # SourceDBInstanceIdentifier with a restore time is a point-in-time restore, not a replica.
    latest = setting(view, "UseLatestRestorableTime")
    is_restore = is_set(setting(view, "RestoreTime")) or (is_set(latest) and latest.as_bool() is not False)
    encrypted = encryption(view, "StorageEncrypted", "KmsKeyId", *_CFN_INSTANCE_RESTORE)
    if is_restore:
        encrypted = inherited(encrypted, source, "inherited from SourceDBInstanceIdentifier")
    _instance(
        view,
        ctx,
        ("DBInstanceIdentifier", "Engine", "MultiAZ", "BackupRetentionPeriod"),
        storage_encrypted=encrypted,
        cluster=lower_literal(setting(view, "DBClusterIdentifier")),
        replica_source=Value.absent(view.loc) if is_restore else source,
    )


@terraform("aws_db_instance")
def tf_db_instance(view: ResourceView, ctx: AdaptContext) -> None:
    _instance(
        view,
        ctx,
        ("identifier", "engine", "multi_az", "backup_retention_period"),
        storage_encrypted=encryption(
            view, "storage_encrypted", "kms_key_id", "snapshot_identifier", "restore_to_point_in_time"
        ),
        replica_source=setting(view, "replicate_source_db"),
    )


# --------------------------------------------------------------------------------------------------
# Cluster members
# --------------------------------------------------------------------------------------------------


def _indexed_ref(value: Value, ctx: AdaptContext) -> Value:
    """A plan names a counted cluster ``aws_rds_cluster.x[0]`` while references say
    ``aws_rds_cluster.x``: follow the reference when exactly one instance of it exists."""
    if value.options or not value.ref or value.ref in ctx.resources:
        return value
    matches = [a for a in ctx.resources if a.startswith(value.ref + "[")]
    return replace(value, ref=matches[0]) if len(matches) == 1 else value


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


def _member(view: ResourceView, ctx: AdaptContext, path: str, engine: Value) -> None:
    """A cluster member instance: its availability and encryption belong to the cluster."""
    cluster = _indexed_ref(lower_literal(setting(view, path)), ctx)
    if cluster.is_absent:  # a member by its type even when the identifier is missing or null
        cluster = Value.unknown(view.loc, reason=f"{path} not set")
    ctx.model.add(
        DBInstance(
            **identity(view),  # type: ignore[arg-type]
            engine=engine,
            cluster=cluster,
            count=_member_count(view, cluster, ctx),
        )
    )


@terraform("aws_rds_cluster_instance")
def tf_rds_cluster_instance(view: ResourceView, ctx: AdaptContext) -> None:
    _member(view, ctx, "cluster_identifier", setting(view, "engine"))


@terraform("aws_docdb_cluster_instance")
def tf_docdb_cluster_instance(view: ResourceView, ctx: AdaptContext) -> None:
    _member(view, ctx, "cluster_identifier", Value.literal("docdb", None))


@terraform("aws_neptune_cluster_instance")
def tf_neptune_cluster_instance(view: ResourceView, ctx: AdaptContext) -> None:
    _member(view, ctx, "cluster_identifier", Value.literal("neptune", None))


@cfn("AWS::DocDB::DBInstance")
def cfn_docdb_instance(view: ResourceView, ctx: AdaptContext) -> None:
    _member(view, ctx, "DBClusterIdentifier", Value.literal("docdb", None))


@cfn("AWS::Neptune::DBInstance")
def cfn_neptune_instance(view: ResourceView, ctx: AdaptContext) -> None:
    _member(view, ctx, "DBClusterIdentifier", Value.literal("neptune", None))


def _scaled_cluster(resource_id: Value) -> Value:
    """The cluster an Aurora replica scaling target names: ``cluster:<identifier>``."""
    out = []
    for v in resource_id.variants():
        name = v.as_str() if v.is_literal else None
        if name is not None:
            ident = name.split(":", 1)[1] if name.lower().startswith("cluster:") else name
            out.append(Value.literal(ident.lower(), v.loc).with_condition(v.condition))
        else:
            out.append(v)
    return Value.choice(out, resource_id.loc)


def _replica_autoscaling(view: ResourceView, ctx: AdaptContext, props: tuple[str, str, str]) -> None:
    """Aurora Auto Scaling of read replicas (``rds:cluster:ReadReplicaCount``) keeps at least its
    minimum capacity of replicas in the cluster: those are members too (unknown minimum, unknown
    count). The target's own address stands for them."""
    dimension, resource_id, minimum = props
    if text(setting(view, dimension)) != "rds:cluster:readreplicacount":
        return
    cluster = _scaled_cluster(setting(view, resource_id))
    if cluster.is_absent:
        cluster = Value.unknown(view.loc, reason=f"{resource_id} not set")
    low = setting(view, minimum).as_int()
    count = None if low is None or view.count is None else low * view.count
    ctx.model.add(
        DBInstance(**identity(view), engine=Value.literal("aurora", None), cluster=cluster, count=count)  # type: ignore[arg-type]
    )


@cfn("AWS::ApplicationAutoScaling::ScalableTarget")
def cfn_replica_autoscaling(view: ResourceView, ctx: AdaptContext) -> None:
    _replica_autoscaling(view, ctx, ("ScalableDimension", "ResourceId", "MinCapacity"))


@terraform("aws_appautoscaling_target")
def tf_replica_autoscaling(view: ResourceView, ctx: AdaptContext) -> None:
    _replica_autoscaling(view, ctx, ("scalable_dimension", "resource_id", "min_capacity"))


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


def _cluster(
    view: ResourceView,
    ctx: AdaptContext,
    family: str,
    engine: Value,
    props: tuple[str, str, str | None, str | None],
    sources: tuple[str, ...],
    **kw: object,
) -> None:
    """A cluster; ``props`` names its identifier, encryption flag, KMS key and retention; an
    absent flag is unknown where one of ``sources`` supplies the encryption."""
    ident, flag, kms, retention = props
    ctx.model.add(
        DBCluster(
            **identity(view, literal_names(view, ident, lower=True)),  # type: ignore[arg-type]
            family=family,
            engine=engine,
            storage_encrypted=encryption(view, flag, kms, *sources),
            backup_retention=setting(view, retention) if retention else Value.absent(view.loc),
            instance_blocks=None if _secondary(view) else _instance_blocks(view, ctx),
            **kw,  # type: ignore[arg-type]
        )
    )


_INSTANCE_TYPES = frozenset(
    {
        "aws_rds_cluster_instance",
        "aws_docdb_cluster_instance",
        "aws_neptune_cluster_instance",
        "AWS::RDS::DBInstance",
        "AWS::DocDB::DBInstance",
        "AWS::Neptune::DBInstance",
    }
)


def _secondary(view: ResourceView) -> bool:
    """A global-database or cross-region replica cluster may be headless (no instances) by design."""
    keys = (
        "GlobalClusterIdentifier",
        "ReplicationSourceIdentifier",
        "global_cluster_identifier",
        "replication_source_identifier",
    )
    return any(not view.value(k).is_absent for k in keys)


def _instance_blocks(view: ResourceView, ctx: AdaptContext) -> int | None:
    """How many cluster-instance blocks of the unit name this cluster, whatever their count (an
    instance naming it in a way that cannot be resolved counts too); None if a module may add some."""
    names = {n.lower() for n in view.names}
    blocks = 0
    for other in ctx.resources.values():
        if other.type == "module":
            return None
        if other.type not in _INSTANCE_TYPES:
            continue
        target = other.value("DBClusterIdentifier" if "::" in other.type else "cluster_identifier")
        for v in target.variants():
            literal = v.as_str()
            if (
                v.ref == view.address
                or (v.is_unknown and v.ref is None)
                or (literal is not None and literal.lower() in names)
            ):
                blocks += 1
                break
    return blocks


_CFN_CLUSTER = ("DBClusterIdentifier", "StorageEncrypted", "KmsKeyId", "BackupRetentionPeriod")
_TF_CLUSTER = ("cluster_identifier", "storage_encrypted", "kms_key_id", "backup_retention_period")


@cfn("AWS::RDS::DBCluster")
def cfn_rds_cluster(view: ResourceView, ctx: AdaptContext) -> None:
    engine = setting(view, "Engine")
    sources = (
        "SnapshotIdentifier",
        "SourceDBClusterIdentifier",
        "ReplicationSourceIdentifier",
        "GlobalClusterIdentifier",
    )
    family = _rds_family(engine, setting(view, "DBClusterInstanceClass"))
    serverless = text(setting(view, "EngineMode")) == "serverless"
    _cluster(view, ctx, family, engine, _CFN_CLUSTER, sources, serverless=serverless)


@terraform("aws_rds_cluster")
def tf_rds_cluster(view: ResourceView, ctx: AdaptContext) -> None:
    engine = setting(view, "engine")
    sources = (
        "snapshot_identifier",
        "restore_to_point_in_time",
        "replication_source_identifier",
        "global_cluster_identifier",
    )
    family = _rds_family(engine, setting(view, "db_cluster_instance_class"))
    serverless = text(setting(view, "engine_mode")) == "serverless"
    _cluster(view, ctx, family, engine, _TF_CLUSTER, sources, serverless=serverless)


_DOCDB = Value.literal("docdb", None)
_NEPTUNE = Value.literal("neptune", None)


@cfn("AWS::DocDB::DBCluster")
def cfn_docdb_cluster(view: ResourceView, ctx: AdaptContext) -> None:
    sources = ("SnapshotIdentifier", "SourceDBClusterIdentifier")
    _cluster(view, ctx, "docdb", _DOCDB, _CFN_CLUSTER, sources)


@terraform("aws_docdb_cluster")
def tf_docdb_cluster(view: ResourceView, ctx: AdaptContext) -> None:
    sources = ("snapshot_identifier", "restore_to_point_in_time", "global_cluster_identifier")
    _cluster(view, ctx, "docdb", _DOCDB, _TF_CLUSTER, sources)


@cfn("AWS::Neptune::DBCluster")
def cfn_neptune_cluster(view: ResourceView, ctx: AdaptContext) -> None:
    sources = ("SnapshotIdentifier", "SourceDBClusterIdentifier")
    _cluster(view, ctx, "neptune", _NEPTUNE, _CFN_CLUSTER, sources)


@terraform("aws_neptune_cluster")
def tf_neptune_cluster(view: ResourceView, ctx: AdaptContext) -> None:
    sources = ("snapshot_identifier", "replication_source_identifier", "global_cluster_identifier")
    _cluster(view, ctx, "neptune", _NEPTUNE, _TF_CLUSTER, sources)


# Aurora global databases: a global cluster built from an existing cluster takes its encryption.


@cfn("AWS::RDS::GlobalCluster")
def cfn_global_cluster(view: ResourceView, ctx: AdaptContext) -> None:
    props = ("GlobalClusterIdentifier", "StorageEncrypted", None, None)
    _cluster(view, ctx, "global", setting(view, "Engine"), props, ("SourceDBClusterIdentifier",))


@terraform("aws_rds_global_cluster")
def tf_global_cluster(view: ResourceView, ctx: AdaptContext) -> None:
    props = ("global_cluster_identifier", "storage_encrypted", None, None)
    _cluster(view, ctx, "global", setting(view, "engine"), props, ("source_db_cluster_identifier",))


# --------------------------------------------------------------------------------------------------
# Redshift (provisioned clusters; Redshift Serverless namespaces are always encrypted)
# --------------------------------------------------------------------------------------------------


def _redshift(view: ResourceView, ctx: AdaptContext, ident: str, flag: str, kms: str, snapshot: str) -> None:
    names = literal_names(view, ident, lower=True)
    encrypted = encryption(view, flag, kms, snapshot)
    ctx.model.add(RedshiftCluster(**identity(view, names), encrypted=encrypted))  # type: ignore[arg-type]


@cfn("AWS::Redshift::Cluster")
def cfn_redshift_cluster(view: ResourceView, ctx: AdaptContext) -> None:
    _redshift(view, ctx, "ClusterIdentifier", "Encrypted", "KmsKeyId", "SnapshotIdentifier")


@terraform("aws_redshift_cluster")
def tf_redshift_cluster(view: ResourceView, ctx: AdaptContext) -> None:
    _redshift(view, ctx, "cluster_identifier", "encrypted", "kms_key_id", "snapshot_identifier")
