"""Data-store handlers (RDS/Aurora/DocDB/Neptune/Redshift, ElastiCache, OpenSearch, DynamoDB, EFS,
Kinesis) and rules LP302, LP305, LP401, LP402, LP405, on hand-built resource bodies.

Bodies are built as the front-ends hand them over (Terraform: attributes plus nested blocks as lists
of maps, references as ``UnknownNode(ref=...)``; null as a ``None`` scalar), each key on its own
line, so the tests pin both the decision and the line a finding points at without depending on a
parser. The fixture cases under tests/fixtures/LP3xx|LP4xx cover the real pipeline.
"""

from __future__ import annotations

from typing import Any

import pytest

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.registry import cfn_handlers, tf_handlers
from lpcheck.adapters.view import ResourceView
from lpcheck.findings import Issue
from lpcheck.location import Location
from lpcheck.model.container import Model
from lpcheck.model.resources import DBCluster, DBInstance, EncryptedStore
from lpcheck.parsers.nodes import ChoiceNode, ListNode, MapNode, Node, ScalarNode, UnknownNode
from lpcheck.rules.base import load_all

PATH = "main.tf"


class Ref:
    """A reference to another resource (or an unresolvable value when ``ref`` is None)."""

    def __init__(self, ref: str | None = None) -> None:
        self.ref = ref


class If:
    """A CloudFormation ``Fn::If``: (label, value) options; ``None`` = AWS::NoValue."""

    def __init__(self, *options: tuple[str, Any]) -> None:
        self.options = options


class Origin:
    """A literal that flowed in from elsewhere (a variable default, a tfvars file)."""

    def __init__(self, value: Any, origin: str) -> None:
        self.value = value
        self.origin = origin


class Builder:
    """Builds positioned nodes, one line per key, in document order."""

    def __init__(self) -> None:
        self.line = 1

    def loc(self) -> Location:
        return Location(PATH, self.line, 3)

    def value(self, obj: Any, loc: Location) -> Node:
        if isinstance(obj, Ref):
            return UnknownNode(loc=loc, ref=obj.ref, reason="reference")
        if isinstance(obj, Origin):
            return ScalarNode(loc=loc, value=obj.value, origin=obj.origin)
        if isinstance(obj, If):
            return ChoiceNode(
                loc=loc,
                options=[(label, None if v is None else self.value(v, loc)) for label, v in obj.options],
            )
        if isinstance(obj, dict):
            return self.map(obj)
        if isinstance(obj, list):
            return ListNode(loc=loc, items=[self.value(v, self.loc()) for v in obj])
        return ScalarNode(loc=loc, value=obj)

    def map(self, obj: dict[str, Any]) -> MapNode:
        node = MapNode(loc=self.loc())
        for key, val in obj.items():
            self.line += 1
            loc = self.loc()
            node.key_locs[key] = loc
            node.items[key] = self.value(val, loc)
        return node


class Unit:
    """One template/module: resources added in order, then adapted and checked."""

    def __init__(self, fmt: str = "terraform") -> None:
        self.fmt = fmt
        self.builder = Builder()
        self.views: dict[str, ResourceView] = {}
        self.lines: dict[str, int] = {}

    def add(self, address: str, body: dict[str, Any], *, rtype: str = "", count: int | None = 1) -> int:
        """Add a resource (Terraform type from its address unless given); returns its first line."""
        rtype = rtype or address.rsplit(".", 1)[0]
        self.builder.line += 2
        start = self.builder.line
        node = self.builder.map(body)
        self.views[address] = ResourceView(address, rtype, Location(PATH, start, 1), node, count=count)
        self.lines[address] = start
        return start

    def key_line(self, address: str, path: str) -> int:
        return self.views[address].key_loc(path).line

    def model(self) -> Model:
        model = Model()
        ctx = AdaptContext(model=model, format=self.fmt, resources=self.views)
        lookup = tf_handlers if self.fmt.startswith("terraform") else cfn_handlers
        for view in self.views.values():
            for handler in lookup(view.type):
                handler(view, ctx)
        return model

    def issues(self, rule_id: str) -> list[Issue]:
        return list(load_all()[rule_id](self.model()))


def lines(issues: list[Issue]) -> list[int]:
    return sorted(i.loc.line for i in issues)


# ------------------------------------------------------------------------------------------------
# LP401 single-az-database
# ------------------------------------------------------------------------------------------------


def test_lp401_absent_points_at_resource_and_false_at_attribute() -> None:
    u = Unit()
    absent = u.add("aws_db_instance.a", {"engine": "mysql"})
    u.add("aws_db_instance.b", {"engine": "postgres", "multi_az": False})
    u.add("aws_db_instance.c", {"engine": "postgres", "multi_az": None})
    found = u.issues("LP401")
    assert lines(found) == sorted(
        [absent, u.key_line("aws_db_instance.b", "multi_az"), u.lines["aws_db_instance.c"]]
    )
    by_res = {i.resource: i.message for i in found}
    assert "multi_az is not set (defaults to false)" in by_res["aws_db_instance.a"]
    assert "multi_az = false" in by_res["aws_db_instance.b"]
    assert "multi_az is not set" in by_res["aws_db_instance.c"]  # null is absent


def test_lp401_names_the_variable_default_it_came_from() -> None:
    u = Unit()
    origin = "default of variable multi_az (variables.tf:40)"
    u.add("aws_db_instance.this", {"engine": "mysql", "multi_az": Origin(False, origin)})
    (issue,) = u.issues("LP401")
    assert issue.loc.line == u.key_line("aws_db_instance.this", "multi_az")
    assert "multi_az = false (from default of variable multi_az (variables.tf:40))" in issue.message
    assert issue.key == "aws_db_instance.this:multi_az"  # no line numbers in the fingerprint key


@pytest.mark.parametrize(
    "body",
    [
        {"engine": "mysql", "multi_az": True},
        {"engine": "mysql", "multi_az": "true"},
        {"engine": "mysql", "multi_az": Ref()},
        {"replicate_source_db": Ref("aws_db_instance.main"), "multi_az": False},
        {"engine": "aurora-mysql"},
        {"engine": "custom-oracle-ee"},
    ],
)
def test_lp401_silent(body: dict[str, Any]) -> None:
    u = Unit()
    u.add("aws_db_instance.x", body)
    assert u.issues("LP401") == []


def test_lp401_cluster_instance_is_never_single_az() -> None:
    u = Unit()
    u.add("aws_rds_cluster_instance.x", {"instance_class": "db.r6g.large"})
    assert u.issues("LP401") == []
    (inst,) = u.model().of(DBInstance)
    assert not inst.cluster.is_absent  # a member by its type, even without cluster_identifier


def test_lp401_cfn_condition_is_named() -> None:
    u = Unit("cloudformation")
    u.add(
        "Db",
        {
            "Engine": "mysql",
            "MultiAZ": If(("condition IsProd is true", True), ("condition IsProd is false", None)),
        },
        rtype="AWS::RDS::DBInstance",
    )
    (issue,) = u.issues("LP401")
    assert issue.loc.line == u.key_line("Db", "MultiAZ")
    assert "MultiAZ is not set (defaults to false) (when condition IsProd is false)" in issue.message


# ------------------------------------------------------------------------------------------------
# LP302 database-unencrypted
# ------------------------------------------------------------------------------------------------


def test_lp302_instances_clusters_and_redshift() -> None:
    u = Unit()
    db = u.add("aws_db_instance.a", {"engine": "mysql"})
    u.add("aws_rds_cluster.c", {"engine": "aurora-postgresql", "storage_encrypted": False})
    docdb = u.add("aws_docdb_cluster.d", {"cluster_identifier": "docs"})
    u.add("aws_neptune_cluster.n", {"storage_encrypted": "false"})
    rs = u.add("aws_redshift_cluster.r", {"node_type": "ra3.xlplus"})
    member = u.add(
        "aws_rds_cluster_instance.m",
        {"cluster_identifier": Ref("aws_rds_cluster.c")},
    )
    found = u.issues("LP302")
    assert lines(found) == sorted(
        [
            db,
            u.key_line("aws_rds_cluster.c", "storage_encrypted"),
            docdb,
            u.key_line("aws_neptune_cluster.n", "storage_encrypted"),
            rs,
        ]
    )
    assert member not in lines(found)
    messages = " | ".join(i.message for i in found)
    assert "Aurora DB cluster aws_rds_cluster.c" in messages
    assert "DocumentDB cluster aws_docdb_cluster.d" in messages
    assert "Neptune DB cluster" in messages and "Redshift cluster" in messages


@pytest.mark.parametrize(
    ("rtype", "body"),
    [
        ("aws_db_instance", {"storage_encrypted": True}),
        ("aws_db_instance", {"kms_key_id": Ref("aws_kms_key.k")}),  # intent to encrypt
        ("aws_db_instance", {"snapshot_identifier": "final-2024"}),  # inherited from the snapshot
        ("aws_db_instance", {"restore_to_point_in_time": [{"source_db_instance_identifier": "orders"}]}),
        ("aws_db_instance", {"replicate_source_db": "orders"}),  # replica inherits
        ("aws_db_instance", {"storage_encrypted": Ref()}),
        ("aws_rds_cluster", {"engine": "aurora-mysql", "engine_mode": "serverless"}),  # always encrypted
        ("aws_rds_cluster", {"engine": "aurora-mysql", "replication_source_identifier": "arn:aws:rds:x"}),
        (
            "aws_rds_cluster",
            {"engine": "aurora-mysql", "global_cluster_identifier": Ref("aws_rds_global_cluster.g")},
        ),
        ("aws_redshift_cluster", {"encrypted": True}),
        ("aws_redshift_cluster", {"snapshot_identifier": "nightly"}),
    ],
)
def test_lp302_silent(rtype: str, body: dict[str, Any]) -> None:
    u = Unit()
    u.add(f"{rtype}.x", body)
    assert u.issues("LP302") == []


def test_lp302_explicit_false_with_key_still_reported() -> None:
    u = Unit()
    u.add("aws_db_instance.x", {"storage_encrypted": False, "kms_key_id": "arn:aws:kms:k"})
    (issue,) = u.issues("LP302")
    assert issue.loc.line == u.key_line("aws_db_instance.x", "storage_encrypted")


def test_lp302_snapshot_in_one_branch_only() -> None:
    u = Unit("cloudformation")
    start = u.add(
        "Db",
        {
            "Engine": "mysql",
            "DBSnapshotIdentifier": If(
                ("condition Restore is true", "snap"), ("condition Restore is false", None)
            ),
        },
        rtype="AWS::RDS::DBInstance",
    )
    (issue,) = u.issues("LP302")
    assert issue.loc.line == start
    assert "(when condition Restore is false)" in issue.message


# ------------------------------------------------------------------------------------------------
# LP402 cluster-without-failover
# ------------------------------------------------------------------------------------------------


def _aurora(u: Unit, **body: Any) -> int:
    return u.add("aws_rds_cluster.this", {"engine": "aurora-postgresql", **body})


@pytest.mark.parametrize(("count", "fires"), [(1, True), (2, False), (3, False), (None, False)])
def test_lp402_instance_count(count: int | None, fires: bool) -> None:
    u = Unit()
    start = _aurora(u)
    u.add(
        "aws_rds_cluster_instance.this",
        {"cluster_identifier": Ref("aws_rds_cluster.this")},
        count=count,
    )
    found = u.issues("LP402")
    assert lines(found) == ([start] if fires else [])


def test_lp402_counts_separate_instance_blocks_and_literal_names() -> None:
    u = Unit()
    _aurora(u, cluster_identifier="Orders")
    u.add(
        "aws_rds_cluster_instance.a",
        {"cluster_identifier": Ref("aws_rds_cluster.this")},
    )
    u.add("aws_rds_cluster_instance.b", {"cluster_identifier": "orders"})
    assert u.issues("LP402") == []


def test_lp402_no_instances_and_per_cluster_count() -> None:
    u = Unit()
    docs = u.add("aws_docdb_cluster.docs", {"storage_encrypted": True})
    assert lines(u.issues("LP402")) == [docs]  # no instance block at all: nothing fails over
    u.add("aws_docdb_cluster_instance.docs", {"cluster_identifier": Ref("aws_docdb_cluster.docs")}, count=0)
    assert u.issues("LP402") == []  # instances switched off by an input: the caller's choice

    u = Unit()
    start = u.add("aws_rds_cluster.this", {"engine": "aurora-mysql"}, count=2)
    u.add(
        "aws_rds_cluster_instance.this",
        {"cluster_identifier": Ref("aws_rds_cluster.this")},
        count=2,  # one per cluster
    )
    assert lines(u.issues("LP402")) == [start]


@pytest.mark.parametrize(
    "cluster",
    [
        {"engine": "aurora-mysql", "engine_mode": "serverless"},
        {"engine": "mysql", "db_cluster_instance_class": "db.m6gd.large"},  # Multi-AZ DB cluster
        {"engine": "postgres"},
    ],
)
def test_lp402_clusters_without_instances_by_design(cluster: dict[str, Any]) -> None:
    u = Unit()
    u.add("aws_rds_cluster.this", cluster)
    assert u.issues("LP402") == []


def test_lp402_unresolvable_member_silences() -> None:
    u = Unit()
    _aurora(u)
    u.add("aws_rds_cluster_instance.x", {"cluster_identifier": Ref(None)})
    assert u.issues("LP402") == []


def test_lp402_unknown_cluster_count_makes_instances_unknown() -> None:
    u = Unit()
    u.add("aws_neptune_cluster.g", {"storage_encrypted": True}, count=None)
    u.add(
        "aws_neptune_cluster_instance.g",
        {"cluster_identifier": Ref("aws_neptune_cluster.g")},
    )
    assert u.issues("LP402") == []


def test_lp402_elasticache() -> None:
    u = Unit()
    absent = u.add("aws_elasticache_replication_group.a", {"num_cache_clusters": 2})
    u.add(
        "aws_elasticache_replication_group.b",
        {"automatic_failover_enabled": False, "multi_az_enabled": False},
    )
    u.add(
        "aws_elasticache_replication_group.ok",
        {"automatic_failover_enabled": True},
    )
    u.add(
        "aws_elasticache_replication_group.sharded",
        {"num_node_groups": 3},
    )
    u.add(
        "aws_elasticache_replication_group.cluster_on",
        {"parameter_group_name": "default.redis7.cluster.on"},
    )
    u.add(
        "aws_elasticache_replication_group.unknown",
        {"automatic_failover_enabled": Ref()},
    )
    found = u.issues("LP402")
    assert lines(found) == sorted(
        [absent, u.key_line("aws_elasticache_replication_group.b", "automatic_failover_enabled")]
    )
    assert "automatic_failover_enabled is not set (defaults to false)" in found[0].message


def test_lp402_search_domains() -> None:
    u = Unit()
    absent = u.add("aws_opensearch_domain.a", {"engine_version": "OpenSearch_2.11"})
    u.add(
        "aws_elasticsearch_domain.b",
        {"cluster_config": [{"zone_awareness_enabled": False}]},
    )
    u.add(
        "aws_opensearch_domain.ok",
        {"cluster_config": [{"zone_awareness_enabled": True}]},
    )
    u.add(
        "aws_opensearch_domain.standby",
        {"cluster_config": [{"multi_az_with_standby_enabled": True}]},
    )
    found = u.issues("LP402")
    assert lines(found) == sorted(
        [absent, u.key_line("aws_elasticsearch_domain.b", "cluster_config.zone_awareness_enabled")]
    )


# ------------------------------------------------------------------------------------------------
# LP305 store-unencrypted
# ------------------------------------------------------------------------------------------------


def test_lp305_tf_stores() -> None:
    u = Unit()
    efs = u.add("aws_efs_file_system.a", {"creation_token": "a"})
    u.add("aws_efs_file_system.ok", {"encrypted": True})
    u.add("aws_efs_file_system.key", {"kms_key_id": Ref("aws_kms_key.k")})
    cache = u.add("aws_elasticache_replication_group.r", {"engine": "redis"})
    u.add("aws_elasticache_replication_group.v", {"engine": "valkey"})
    u.add("aws_elasticache_replication_group.e", {"engine": Ref()})
    u.add(
        "aws_elasticache_replication_group.g",
        {"global_replication_group_id": Ref("aws_elasticache_global_replication_group.g")},
    )
    stream = u.add("aws_kinesis_stream.s", {"shard_count": 1})
    u.add("aws_kinesis_stream.none", {"encryption_type": "NONE"})
    u.add(
        "aws_kinesis_stream.kms",
        {"encryption_type": "KMS", "kms_key_id": "alias/aws/kinesis"},
    )
    u.add("aws_kinesis_stream.key", {"kms_key_id": "alias/aws/kinesis"})
    found = u.issues("LP305")
    assert lines(found) == sorted(
        [efs, cache, stream, u.key_line("aws_kinesis_stream.none", "encryption_type")]
    )
    messages = {i.resource: i.message for i in found}
    assert 'encryption_type = "NONE"' in messages["aws_kinesis_stream.none"]
    assert 'encryption_type is not set (defaults to "NONE")' in messages["aws_kinesis_stream.s"]
    assert "EFS file system" in messages["aws_efs_file_system.a"]
    kinds = {s.kind for s in u.model().of(EncryptedStore)}
    assert kinds == {"EFS file system", "ElastiCache replication group", "Kinesis stream"}


# ------------------------------------------------------------------------------------------------
# LP405 backups-disabled
# ------------------------------------------------------------------------------------------------


def test_lp405_rds_retention_and_dynamodb_note() -> None:
    u = Unit()
    u.add("aws_db_instance.zero", {"backup_retention_period": 0})
    u.add("aws_db_instance.default", {"engine": "mysql"})
    u.add(
        "aws_db_instance.replica",
        {"replicate_source_db": "x", "backup_retention_period": 0},
    )
    table = u.add("aws_dynamodb_table.t", {"hash_key": "id"})
    u.add("aws_dynamodb_table.off", {"point_in_time_recovery": [{"enabled": False}]})
    u.add("aws_dynamodb_table.on", {"point_in_time_recovery": [{"enabled": True}]})
    found = u.issues("LP405")
    assert lines(found) == sorted(
        [
            u.key_line("aws_db_instance.zero", "backup_retention_period"),
            table,
            u.key_line("aws_dynamodb_table.off", "point_in_time_recovery.enabled"),
        ]
    )
    severities = {i.resource: i.severity for i in found}
    assert severities == {
        "aws_db_instance.zero": None,
        "aws_dynamodb_table.t": "note",
        "aws_dynamodb_table.off": "note",
    }


def test_cluster_family_and_lowercased_names() -> None:
    u = Unit("cloudformation")
    u.add("C", {"Engine": "Aurora-MySQL", "DBClusterIdentifier": "Orders"}, rtype="AWS::RDS::DBCluster")
    u.add("M", {"Engine": "postgres", "DBClusterInstanceClass": "db.m6gd.large"}, rtype="AWS::RDS::DBCluster")
    clusters = {c.address: c for c in u.model().of(DBCluster)}
    assert clusters["C"].family == "aurora" and "orders" in clusters["C"].names
    assert clusters["M"].family == "rds"


# ------------------------------------------------------------------------------------------------
# Aurora replica auto scaling, global databases, plans
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scaling", "fires"),
    [
        ({"min_capacity": 1, "resource_id": Ref("aws_rds_cluster.this")}, False),
        ({"min_capacity": 1, "resource_id": "cluster:Orders"}, False),  # identifiers are case-insensitive
        ({"min_capacity": 0, "resource_id": Ref("aws_rds_cluster.this")}, True),
        ({"min_capacity": Ref(), "resource_id": Ref("aws_rds_cluster.this")}, False),  # unknown minimum
        ({"min_capacity": 1, "resource_id": Ref()}, False),  # may target this cluster
        ({"min_capacity": 1, "resource_id": "cluster:other"}, True),
    ],
)
def test_lp402_replica_auto_scaling_adds_its_minimum(scaling: dict[str, Any], fires: bool) -> None:
    u = Unit()
    start = _aurora(u, cluster_identifier="orders", storage_encrypted=True)
    u.add("aws_rds_cluster_instance.writer", {"cluster_identifier": Ref("aws_rds_cluster.this")})
    u.add(
        "aws_appautoscaling_target.replicas",
        {"service_namespace": "rds", "scalable_dimension": "rds:cluster:ReadReplicaCount", **scaling},
    )
    assert lines(u.issues("LP402")) == ([start] if fires else [])
    assert u.issues("LP401") == [] and u.issues("LP302") == []  # the target is no DB instance of its own


def test_lp302_global_database_and_its_members() -> None:
    u = Unit()
    bare = u.add("aws_rds_global_cluster.g", {"global_cluster_identifier": "g", "engine": "aurora-mysql"})
    u.add(
        "aws_rds_cluster.member",
        {"engine": "aurora-mysql", "global_cluster_identifier": Ref("aws_rds_global_cluster.g")},
    )
    u.add(
        "aws_rds_global_cluster.copy", {"source_db_cluster_identifier": "arn:aws:rds:us-east-1:1:cluster:c"}
    )
    found = u.issues("LP302")
    assert lines(found) == [bare]
    assert "Aurora global database" in found[0].message
    assert u.issues("LP402") == []  # a global database holds clusters, not instances


def test_plan_values_known_only_after_apply_are_unset_unless_they_reference_something() -> None:
    u = Unit("terraform-plan")
    computed = u.add("aws_db_instance.a", {"engine": "mysql", "multi_az": Ref(), "storage_encrypted": Ref()})
    u.add("aws_db_instance.b", {"engine": "mysql", "multi_az": True, "kms_key_id": Ref("aws_kms_key.k")})
    assert lines(u.issues("LP401")) == [computed]
    assert lines(u.issues("LP302")) == [computed]


def test_lp401_engines_without_multi_az_are_not_reported() -> None:
    u = Unit()
    u.add("aws_db_instance.express", {"engine": "sqlserver-ex"})
    u.add("aws_db_instance.custom", {"engine": "custom-oracle-ee"})
    web = u.add("aws_db_instance.web", {"engine": "sqlserver-web"})
    assert lines(u.issues("LP401")) == [web]
