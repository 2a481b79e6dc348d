"""Storage, messaging, KMS, compute-placement and Lambda handlers with rules LP301, LP303, LP304,
LP306, LP403, LP404 and LP501, on hand-built resource bodies.

Bodies are built as the front-ends hand them over (Terraform: attributes plus nested blocks as lists
of maps, references as ``UnknownNode(ref=...)``, null as a ``None`` scalar), one key per line, so the
tests pin both the decision and the line a finding points at without depending on a parser. The
fixture cases under tests/fixtures/LP301 ... LP501 run the real pipeline.
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
from lpcheck.model.resources import Bucket, ComputeGroup, Queue
from lpcheck.parsers.nodes import ChoiceNode, ListNode, MapNode, Node, ScalarNode, UnknownNode
from lpcheck.rules.base import load_all

PATH = "main.tf"


class Ref:
    """A value that cannot be known statically; ``ref`` is the resource it points at, if any."""

    def __init__(self, ref: str | None = None) -> None:
        self.ref = ref


class If:
    """A choice under a condition: (label, value) options; ``None`` = absent in that branch."""

    def __init__(self, *options: tuple[str, Any]) -> None:
        self.options = options


class Origin:
    """A literal that flowed in from elsewhere (a variable default, a parameter default)."""

    def __init__(self, value: Any, origin: str) -> None:
        self.value = value
        self.origin = origin


class Builder:
    """Positioned nodes, one line per key and per list item, in document order."""

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
                loc=loc, options=[(lb, None if v is None else self.value(v, loc)) for lb, v in obj.options]
            )
        if isinstance(obj, dict):
            return self.map(obj)
        if isinstance(obj, list):
            items = []
            for v in obj:
                if isinstance(v, dict):
                    self.line += 1
                items.append(self.value(v, self.loc()))
            return ListNode(loc=loc, items=items)
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
    """One module/template: resources added in order, then adapted and checked."""

    def __init__(self, fmt: str = "terraform") -> None:
        self.fmt = fmt
        self.builder = Builder()
        self.views: dict[str, ResourceView] = {}
        self.lines: dict[str, int] = {}

    def add(
        self, address: str, body: dict[str, Any], *, rtype: str = "", count: int | None = 1, names=()
    ) -> int:
        rtype = rtype or address.rsplit(".", 1)[0]
        self.builder.line += 2
        start = self.builder.line
        node = self.builder.map(body)
        view = ResourceView(address, rtype, Location(PATH, start, 1), node, tuple(names), count=count)
        self.views[address] = view
        self.lines[address] = start
        return start

    def key_line(self, address: str, path: str) -> int:
        return self.views[address].key_loc(path).line

    def model(self) -> Model:
        model = Model()
        ctx = AdaptContext(model=model, format=self.fmt, resources=self.views)
        lookup = cfn_handlers if self.fmt == "cloudformation" else tf_handlers
        for view in self.views.values():
            for handler in lookup(view.type):
                handler(view, ctx)
        return model

    def issues(self, rule_id: str) -> list[Issue]:
        return list(load_all()[rule_id](self.model()))


def lines(issues: list[Issue]) -> list[int]:
    return sorted(i.loc.line for i in issues)


def by_resource(issues: list[Issue]) -> dict[str, str]:
    return {i.resource: i.message for i in issues}


def sse_rule(algorithm: Any, key: Any = None) -> list[dict[str, Any]]:
    inner: dict[str, Any] = {"sse_algorithm": algorithm}
    if key is not None:
        inner["kms_master_key_id"] = key
    return [{"apply_server_side_encryption_by_default": [inner]}]


# ------------------------------------------------------------------------------------------------
# LP301 bucket-without-kms
# ------------------------------------------------------------------------------------------------


def test_lp301_inline_configuration_and_absence() -> None:
    u = Unit()
    plain = u.add("aws_s3_bucket.plain", {"bucket": "plain"})
    u.add("aws_s3_bucket.aes", {"server_side_encryption_configuration": [{"rule": sse_rule("AES256")}]})
    u.add("aws_s3_bucket.kms", {"server_side_encryption_configuration": [{"rule": sse_rule("aws:kms")}]})
    u.add(
        "aws_s3_bucket.dsse", {"server_side_encryption_configuration": [{"rule": sse_rule("aws:kms:dsse")}]}
    )
    u.add("aws_s3_bucket.unknown", {"server_side_encryption_configuration": [{"rule": sse_rule(Ref())}]})
    found = u.issues("LP301")
    aes_line = u.views["aws_s3_bucket.aes"].key_loc(
        "server_side_encryption_configuration.rule.apply_server_side_encryption_by_default.sse_algorithm"
    )
    assert lines(found) == sorted([plain, aes_line.line])
    msgs = by_resource(found)
    assert "AWS's SSE-S3 default (AES256) applies" in msgs["aws_s3_bucket.plain"]
    assert "default encryption is AES256" in msgs["aws_s3_bucket.aes"]


def test_lp301_separate_configuration_by_reference_wins_over_inline() -> None:
    u = Unit()
    u.add(
        "aws_s3_bucket.a",
        {"bucket": "a", "server_side_encryption_configuration": [{"rule": sse_rule("aws:kms")}]},
    )
    u.add(
        "aws_s3_bucket_server_side_encryption_configuration.a",
        {"bucket": Ref("aws_s3_bucket.a"), "rule": sse_rule("AES256")},
    )
    u.add(
        "aws_s3_bucket.b",
        {"bucket": "b", "server_side_encryption_configuration": [{"rule": sse_rule("AES256")}]},
    )
    u.add(
        "aws_s3_bucket_server_side_encryption_configuration.b",
        {"bucket": Ref("aws_s3_bucket.b[0].id"), "rule": sse_rule("aws:kms", Ref("aws_kms_key.k"))},
    )
    (issue,) = u.issues("LP301")
    cfg = u.views["aws_s3_bucket_server_side_encryption_configuration.a"]
    assert issue.resource == "aws_s3_bucket.a"
    assert issue.loc.line == cfg.key_loc("rule.apply_server_side_encryption_by_default.sse_algorithm").line
    (bucket_b,) = [b for b in u.model().of(Bucket) if b.address == "aws_s3_bucket.b"]
    assert bucket_b.sse_algorithm.as_str() == "aws:kms"


def test_lp301_separate_configuration_by_literal_name() -> None:
    u = Unit()
    u.add("aws_s3_bucket.logs", {"bucket": "my-logs"})
    u.add(
        "aws_s3_bucket_server_side_encryption_configuration.logs",
        {"bucket": "my-logs", "rule": sse_rule("aws:kms")},
    )
    assert u.issues("LP301") == []


def test_lp301_computed_rules_make_the_bucket_unknown_whatever_the_count() -> None:
    """terraform-aws-modules/s3-bucket: ``dynamic "rule"`` over a variable, count from a variable."""
    u = Unit()
    u.add("aws_s3_bucket.this", {"bucket": Ref()})
    u.add(
        "aws_s3_bucket_server_side_encryption_configuration.this",
        {
            "bucket": If(
                ("var.is_directory_bucket", Ref("aws_s3_directory_bucket.this")),
                ("not", Ref("aws_s3_bucket.this")),
            ),
            "rule": Ref(),
        },
        count=0,
    )
    assert u.issues("LP301") == []
    u2 = Unit()
    u2.add("aws_s3_bucket.this", {"bucket": "x"})
    u2.add(
        "aws_s3_bucket_server_side_encryption_configuration.this",
        {"bucket": Ref("aws_s3_bucket.this"), "dynamic": [{"rule": {"for_each": Ref(), "content": [{}]}}]},
    )
    assert u2.issues("LP301") == []


def test_lp301_configuration_under_an_input_count_is_configurable() -> None:
    """A KMS rule that exists only for some inputs leaves the encryption open; an AES256 one does not."""
    for count in (0, None):
        u = Unit()
        u.add("aws_s3_bucket.b", {"bucket": "b"})
        u.add(
            "aws_s3_bucket_server_side_encryption_configuration.b",
            {"bucket": Ref("aws_s3_bucket.b"), "rule": sse_rule("aws:kms")},
            count=count,
        )
        assert u.issues("LP301") == [], count
    u = Unit()
    u.add("aws_s3_bucket.b", {"bucket": "b"})
    u.add(
        "aws_s3_bucket_server_side_encryption_configuration.b",
        {"bucket": Ref("aws_s3_bucket.b"), "rule": sse_rule("AES256")},
        count=None,
    )
    (issue,) = u.issues("LP301")
    cfg = u.views["aws_s3_bucket_server_side_encryption_configuration.b"]
    assert issue.loc.line == cfg.key_loc("rule.apply_server_side_encryption_by_default.sse_algorithm").line


def test_lp301_unresolved_target_silences_only_buckets_it_could_configure() -> None:
    u = Unit()
    u.add("aws_s3_bucket.named", {"bucket": "named"})
    unnamed = u.add("aws_s3_bucket.unnamed", {"bucket_prefix": "tmp-"})
    # a literal name that is no bucket of ours could only be the unnamed bucket
    u.add(
        "aws_s3_bucket_server_side_encryption_configuration.x",
        {"bucket": "elsewhere", "rule": sse_rule("aws:kms")},
    )
    found = u.issues("LP301")
    assert [i.resource for i in found] == ["aws_s3_bucket.named"]
    assert unnamed not in lines(found)

    u2 = Unit()
    u2.add("aws_s3_bucket.a", {"bucket": "a"})
    u2.add(
        "aws_s3_bucket_server_side_encryption_configuration.x", {"bucket": Ref(), "rule": sse_rule("aws:kms")}
    )
    assert u2.issues("LP301") == []  # a variable target may be this bucket

    u3 = Unit()
    a = u3.add("aws_s3_bucket.a", {"bucket": "a"})
    u3.add(
        "aws_s3_bucket_server_side_encryption_configuration.x", {"bucket": Ref(), "rule": sse_rule("AES256")}
    )
    assert lines(u3.issues("LP301")) == [a]  # whatever it targets, it is not SSE-KMS


def test_lp301_dynamic_inline_block_is_unknown_and_count_zero_is_skipped() -> None:
    u = Unit()
    u.add("aws_s3_bucket.dyn", {"dynamic": [{"server_side_encryption_configuration": {"for_each": Ref()}}]})
    u.add("aws_s3_bucket.off", {"bucket": "off"}, count=0)
    assert u.issues("LP301") == []


def test_lp301_plan_computed_inline_block_is_the_default() -> None:
    u = Unit("terraform-plan")
    start = u.add("aws_s3_bucket.b", {"bucket": "b", "server_side_encryption_configuration": Ref()})
    (issue,) = u.issues("LP301")
    assert issue.loc.line == start


def test_lp301_origin_and_condition_are_named() -> None:
    u = Unit("cloudformation")
    path = "BucketEncryption.ServerSideEncryptionConfiguration.ServerSideEncryptionByDefault.SSEAlgorithm"
    u.add(
        "Param",
        {
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {
                        "ServerSideEncryptionByDefault": {
                            "SSEAlgorithm": Origin("AES256", "default of parameter Alg (t.yaml:4)")
                        }
                    }
                ]
            }
        },
        rtype="AWS::S3::Bucket",
    )
    u.add(
        "Cond",
        {
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {
                        "ServerSideEncryptionByDefault": {
                            "SSEAlgorithm": If(
                                ("condition P is true", "aws:kms"), ("condition P is false", "AES256")
                            )
                        }
                    }
                ]
            }
        },
        rtype="AWS::S3::Bucket",
    )
    found = u.issues("LP301")
    msgs = by_resource(found)
    assert "(from default of parameter Alg (t.yaml:4))" in msgs["Param"]
    assert "(when condition P is false)" in msgs["Cond"]
    assert lines(found) == sorted([u.key_line("Param", path), u.key_line("Cond", path)])
    assert all(str(i.loc.line) not in i.key for i in found if i.resource == "Param")


# ------------------------------------------------------------------------------------------------
# LP303 volume-unencrypted
# ------------------------------------------------------------------------------------------------


def test_lp303_volumes() -> None:
    u = Unit()
    absent = u.add("aws_ebs_volume.absent", {"availability_zone": "us-east-1a", "size": 10})
    u.add("aws_ebs_volume.off", {"size": 10, "encrypted": False})
    u.add("aws_ebs_volume.on", {"size": 10, "encrypted": True})
    u.add("aws_ebs_volume.snap", {"snapshot_id": "snap-1"})
    u.add("aws_ebs_volume.snap_off", {"snapshot_id": Ref("aws_ebs_snapshot.s"), "encrypted": False})
    u.add("aws_ebs_volume.kms", {"size": 10, "kms_key_id": Ref("aws_kms_key.k")})
    u.add("aws_ebs_volume.unknown", {"size": 10, "encrypted": Ref()})
    found = u.issues("LP303")
    assert lines(found) == sorted([absent, u.key_line("aws_ebs_volume.off", "encrypted")])
    msgs = by_resource(found)
    assert "does not enable encryption" in msgs["aws_ebs_volume.absent"]
    assert "explicitly disabled" in msgs["aws_ebs_volume.off"]


def test_lp303_instance_devices_absent_at_resource_false_at_attribute() -> None:
    u = Unit()
    u.add("aws_instance.ami_only", {"ami": "ami-1", "instance_type": "t3.micro"})
    u.add(
        "aws_instance.web",
        {
            "ami": "ami-1",
            "root_block_device": [{"volume_size": 20}],
            "ebs_block_device": [
                {"device_name": "/dev/sdf", "encrypted": False},
                {"device_name": "/dev/sdg", "snapshot_id": "snap-1"},
                {"device_name": "/dev/sdh", "no_device": True},
                {"device_name": "/dev/sdi", "encrypted": True},
            ],
        },
    )
    found = u.issues("LP303")
    body = u.views["aws_instance.web"].body
    sdf = body.items["ebs_block_device"].items[0]
    # absent: the resource's first line (catalog); false: the attribute's own line
    assert lines(found) == sorted([u.lines["aws_instance.web"], sdf.key_loc("encrypted").line])
    messages = sorted(i.message for i in found)
    assert messages[0].startswith("EBS block device /dev/sdf of instance 'aws_instance.web'")
    assert messages[1].startswith("The root block device of instance 'aws_instance.web'")


def test_lp303_launch_template_string_booleans_and_launch_configuration() -> None:
    u = Unit()
    u.add(
        "aws_launch_template.lt",
        {
            "block_device_mappings": [
                {"device_name": "/dev/xvda", "ebs": [{"volume_size": 20, "encrypted": "false"}]},
                {"device_name": "/dev/xvdb", "ebs": [{"volume_size": 20, "encrypted": "true"}]},
                {"device_name": "/dev/xvdc", "ebs": [{"volume_size": 20}]},
                {"device_name": "/dev/xvdd", "no_device": "true"},
                {"device_name": "/dev/xvde", "virtual_name": "ephemeral0"},
                {"device_name": "/dev/xvdf", "no_device": "", "ebs": [{"encrypted": "true"}]},
            ]
        },
    )
    u.add("aws_launch_configuration.lc", {"image_id": "ami-1", "root_block_device": [{"encrypted": False}]})
    found = u.issues("LP303")
    mappings = u.views["aws_launch_template.lt"].body.items["block_device_mappings"].items
    lt_false = mappings[0].items["ebs"].items[0].key_loc("encrypted").line
    lt_absent = u.lines["aws_launch_template.lt"]  # absent: the resource's first line
    lc = u.views["aws_launch_configuration.lc"].body.items["root_block_device"].items[0].key_loc("encrypted")
    assert lines(found) == sorted([lt_false, lt_absent, lc.line])
    assert any("launch configuration 'aws_launch_configuration.lc'" in i.message for i in found)


def test_lp303_account_encryption_by_default_covers_every_device() -> None:
    u = Unit()
    u.add("aws_ebs_encryption_by_default.this", {})
    u.add("aws_ebs_volume.v", {"size": 10})
    u.add("aws_instance.i", {"root_block_device": [{"encrypted": False}]})
    assert u.issues("LP303") == []
    u2 = Unit()
    u2.add("aws_ebs_encryption_by_default.this", {"enabled": False})
    u2.add("aws_ebs_volume.v", {"size": 10})
    assert len(u2.issues("LP303")) == 1


def test_lp303_cfn_conditional_device_list() -> None:
    u = Unit("cloudformation")
    u.add(
        "Server",
        {
            "BlockDeviceMappings": If(
                ("condition Enc is true", [{"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": True}}]),
                ("condition Enc is false", [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8}}]),
            )
        },
        rtype="AWS::EC2::Instance",
    )
    (issue,) = u.issues("LP303")
    assert "(when condition Enc is false)" in issue.message


# ------------------------------------------------------------------------------------------------
# LP304 messaging-unencrypted
# ------------------------------------------------------------------------------------------------


def test_lp304_topics_and_queues() -> None:
    u = Unit()
    topic = u.add("aws_sns_topic.plain", {"name": "plain"})
    u.add("aws_sns_topic.kms", {"name": "kms", "kms_master_key_id": "alias/aws/sns"})
    u.add("aws_sns_topic.unknown", {"kms_master_key_id": Ref()})
    u.add("aws_sqs_queue.default", {"name": "default"})
    u.add("aws_sqs_queue.off", {"sqs_managed_sse_enabled": False})
    u.add(
        "aws_sqs_queue.off_kms", {"sqs_managed_sse_enabled": False, "kms_master_key_id": Ref("aws_kms_key.k")}
    )
    u.add("aws_sqs_queue.on", {"sqs_managed_sse_enabled": True})
    u.add(
        "aws_sqs_queue.var", {"sqs_managed_sse_enabled": Origin("false", "default of variable sse (v.tf:3)")}
    )
    found = u.issues("LP304")
    assert lines(found) == sorted(
        [
            topic,
            u.key_line("aws_sqs_queue.off", "sqs_managed_sse_enabled"),
            u.key_line("aws_sqs_queue.var", "sqs_managed_sse_enabled"),
        ]
    )
    msgs = by_resource(found)
    assert "no KMS key" in msgs["aws_sns_topic.plain"]
    assert "default of variable sse" in msgs["aws_sqs_queue.var"]


# ------------------------------------------------------------------------------------------------
# LP306 kms-rotation-disabled
# ------------------------------------------------------------------------------------------------


def test_lp306_symmetric_keys_only() -> None:
    u = Unit()
    absent = u.add("aws_kms_key.absent", {"description": "x"})
    u.add("aws_kms_key.off", {"enable_key_rotation": False})
    u.add("aws_kms_key.on", {"enable_key_rotation": True})
    u.add(
        "aws_kms_key.explicit",
        {"customer_master_key_spec": "SYMMETRIC_DEFAULT", "key_usage": "ENCRYPT_DECRYPT"},
    )
    u.add("aws_kms_key.rsa", {"customer_master_key_spec": "RSA_4096", "key_usage": "ENCRYPT_DECRYPT"})
    u.add("aws_kms_key.hmac", {"customer_master_key_spec": "HMAC_512", "key_usage": "GENERATE_VERIFY_MAC"})
    u.add("aws_kms_key.sign", {"key_usage": "SIGN_VERIFY"})
    u.add("aws_kms_key.hsm", {"custom_key_store_id": "cks-1"})
    u.add("aws_kms_key.spec_unknown", {"customer_master_key_spec": Ref()})
    u.add("aws_kms_replica_key.r", {"primary_key_arn": Ref("aws_kms_key.absent")})
    u.add("aws_kms_external_key.e", {"description": "imported"})
    found = u.issues("LP306")
    assert lines(found) == sorted(
        [absent, u.key_line("aws_kms_key.off", "enable_key_rotation"), u.lines["aws_kms_key.explicit"]]
    )


def test_lp306_cfn_external_origin_is_silent() -> None:
    u = Unit("cloudformation")
    u.add("Imported", {"Origin": "EXTERNAL"}, rtype="AWS::KMS::Key")
    u.add("UnknownOrigin", {"Origin": Ref()}, rtype="AWS::KMS::Key")
    default = u.add("Default", {"Origin": "AWS_KMS"}, rtype="AWS::KMS::Key")
    assert lines(u.issues("LP306")) == [default]


# ------------------------------------------------------------------------------------------------
# LP403 single-az-compute
# ------------------------------------------------------------------------------------------------


def test_lp403_counts_written_lists() -> None:
    u = Unit()
    u.add("aws_autoscaling_group.one_ref", {"vpc_zone_identifier": [Ref("aws_subnet.a")]})
    u.add(
        "aws_autoscaling_group.two_refs", {"vpc_zone_identifier": [Ref("aws_subnet.a"), Ref("aws_subnet.b")]}
    )
    u.add("aws_autoscaling_group.var", {"vpc_zone_identifier": Ref()})
    u.add("aws_autoscaling_group.zone", {"availability_zones": ["us-east-1a"]})
    u.add("aws_autoscaling_group.same", {"availability_zones": ["us-east-1a", "us-east-1a"]})
    u.add("aws_autoscaling_group.maybe_same", {"vpc_zone_identifier": ["subnet-1", Ref()]})
    u.add("aws_lb.alb", {"subnets": [Ref("aws_subnet.a")]})
    u.add(
        "aws_lb.nlb",
        {"load_balancer_type": "network", "subnet_mapping": [{"subnet_id": Ref("aws_subnet.a")}]},
    )
    u.add(
        "aws_lb.gwlb",
        {"load_balancer_type": "gateway", "subnet_mapping": [{"subnet_id": "s-1"}, {"subnet_id": "s-2"}]},
    )
    u.add("aws_alb.computed", {"subnets": Ref("data.aws_subnets.x")})
    u.add("aws_elb.classic", {"availability_zones": ["eu-west-1a"]})
    found = u.issues("LP403")
    assert sorted(i.resource for i in found) == sorted(
        [
            "aws_autoscaling_group.one_ref",
            "aws_autoscaling_group.zone",
            "aws_autoscaling_group.same",
            "aws_lb.alb",
            "aws_lb.nlb",
            "aws_elb.classic",
        ]
    )
    assert {i.loc.line for i in found if i.resource == "aws_autoscaling_group.one_ref"} == {
        u.key_line("aws_autoscaling_group.one_ref", "vpc_zone_identifier")
    }
    msgs = by_resource(found)
    assert "Network Load Balancer 'aws_lb.nlb' spans only a single subnet" in msgs["aws_lb.nlb"]
    assert "single Availability Zone (us-east-1a)" in msgs["aws_autoscaling_group.same"]


def test_lp403_dynamic_subnet_mappings_over_an_unknown_collection_are_uncounted() -> None:
    u = Unit()
    u.add("aws_lb.dyn", {"load_balancer_type": "network", "subnet_mapping": [{"subnet_id": Ref()}]})
    u.views["aws_lb.dyn"].extra["dynamic_unknown"] = frozenset({"subnet_mapping"})
    assert u.issues("LP403") == []


def test_lp403_comma_separated_default_is_split() -> None:
    u = Unit("cloudformation")
    u.add(
        "Two",
        {"VPCZoneIdentifier": Origin("subnet-1,subnet-2", "default of parameter S")},
        rtype="AWS::AutoScaling::AutoScalingGroup",
    )
    u.add(
        "One",
        {"VPCZoneIdentifier": Origin("subnet-1", "default of parameter S")},
        rtype="AWS::AutoScaling::AutoScalingGroup",
    )
    (issue,) = u.issues("LP403")
    assert issue.resource == "One" and "default of parameter S" in issue.message
    groups = {g.address: g for g in u.model().of(ComputeGroup)}
    assert groups["Two"].subnets.raw == ("subnet-1", "subnet-2")


# ------------------------------------------------------------------------------------------------
# LP404 queue-without-dlq
# ------------------------------------------------------------------------------------------------


def test_lp404_redrive_and_dead_letter_queues() -> None:
    u = Unit()
    lonely = u.add("aws_sqs_queue.lonely", {"name": "lonely"})
    u.add(
        "aws_sqs_queue.src",
        {"redrive_policy": {"deadLetterTargetArn": Ref("aws_sqs_queue.dlq"), "maxReceiveCount": 4}},
    )
    u.add("aws_sqs_queue.dlq", {"name": "dlq"})
    u.add(
        "aws_sqs_queue.src2",
        {"redrive_policy": '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:1:named-dlq","maxReceiveCount":3}'},
    )
    u.add("aws_sqs_queue.named", {"name": "named-dlq"})
    found = u.issues("LP404")
    assert lines(found) == [lonely]
    assert "add a redrive policy" in found[0].message


def test_lp404_standalone_redrive_resources() -> None:
    u = Unit()
    u.add("aws_sqs_queue.main", {"name": "main"})
    u.add("aws_sqs_queue.dead", {"name": "dead"})
    u.add(
        "aws_sqs_queue_redrive_policy.p",
        {
            "queue_url": Ref("aws_sqs_queue.main[0].url"),
            "redrive_policy": {"deadLetterTargetArn": Ref("aws_sqs_queue.dead")},
        },
    )
    u.add("aws_sqs_queue.other_dead", {"name": "other-dead"})
    u.add(
        "aws_sqs_queue_redrive_allow_policy.a",
        {
            "queue_url": Ref("aws_sqs_queue.other_dead"),
            "redrive_allow_policy": {"redrivePermission": "allowAll"},
        },
    )
    assert u.issues("LP404") == []
    queues = {q.address: q for q in u.model().of(Queue)}
    assert queues["aws_sqs_queue.main"].dlq_target.ref == "aws_sqs_queue.dead"


def test_lp404_dead_letter_use_by_other_services() -> None:
    u = Unit()
    u.add("aws_sqs_queue.fn_dlq", {"name": "fn-dlq"})
    u.add(
        "aws_lambda_function.f",
        {"function_name": "f", "dead_letter_config": [{"target_arn": Ref("aws_sqs_queue.fn_dlq")}]},
    )
    u.add("aws_sqs_queue.sub_dlq", {"name": "sub-dlq"})
    u.add(
        "aws_sns_topic_subscription.s",
        {"redrive_policy": '{"deadLetterTargetArn": "arn:aws:sqs:eu-west-1:1:sub-dlq"}'},
    )
    u.add("aws_sqs_queue.evt_dlq", {"name": "evt-dlq"})
    u.add("aws_cloudwatch_event_target.t", {"dead_letter_config": [{"arn": Ref("aws_sqs_queue.evt_dlq")}]})
    u.add("aws_sqs_queue.esm_dlq", {"name": "esm-dlq"})
    u.add(
        "aws_lambda_event_source_mapping.m",
        {"destination_config": [{"on_failure": [{"destination_arn": Ref("aws_sqs_queue.esm_dlq")}]}]},
    )
    u.add(
        "aws_sqs_queue.allow",
        {
            "redrive_allow_policy": '{"redrivePermission":"byQueue",'
            '"sourceQueueArns":["arn:aws:sqs:eu-west-1:1:x"]}'
        },
    )
    assert u.issues("LP404") == []


def test_lp404_still_fires_when_nothing_uses_the_queue_as_dlq() -> None:
    u = Unit()
    deny = u.add("aws_sqs_queue.deny", {"redrive_allow_policy": {"redrivePermission": "denyAll"}})
    empty = u.add(
        "aws_sqs_queue.empty", {"redrive_policy": Origin("", "default of variable redrive_policy (v.tf:9)")}
    )
    u.add(
        "aws_sqs_queue.src",
        {
            "redrive_allow_policy": {
                "redrivePermission": "byQueue",
                "sourceQueueArns": [Ref("aws_sqs_queue.deny")],
            }
        },
    )
    found = u.issues("LP404")
    # the allow policy's source list names *sources*, so "deny" is no dead-letter queue; "src" is one
    assert lines(found) == sorted([deny, u.key_line("aws_sqs_queue.empty", "redrive_policy")])
    assert "default of variable redrive_policy" in by_resource(found)["aws_sqs_queue.empty"]
    assert empty != u.key_line("aws_sqs_queue.empty", "redrive_policy")


def test_lp404_unresolved_redrive_resource_target_is_silent() -> None:
    u = Unit()
    u.add("aws_sqs_queue.q", {"name": "q"})
    u.add("aws_sqs_queue_redrive_policy.p", {"queue_url": Ref(), "redrive_policy": Ref()})
    assert u.issues("LP404") == []


# ------------------------------------------------------------------------------------------------
# LP501 lambda-limits
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"timeout": 901}, "timeout of 901 s"),
        ({"timeout": "1000"}, "timeout of 1000 s"),
        ({"memory_size": 64}, "memory size of 64 MB"),
        ({"memory_size": 10241}, "memory size of 10241 MB"),
        ({"timeout": 900, "memory_size": 10240}, None),
        ({"timeout": 1, "memory_size": 128}, None),
        ({}, None),
        ({"timeout": Ref(), "memory_size": Ref()}, None),
    ],
)
def test_lp501_limits(body: dict[str, Any], expected: str | None) -> None:
    u = Unit()
    u.add("aws_lambda_function.f", {"function_name": "f", **body})
    found = u.issues("LP501")
    if expected is None:
        assert found == []
    else:
        (issue,) = found
        assert expected in issue.message
        key = next(iter(body))
        assert issue.loc.line == u.key_line("aws_lambda_function.f", key)


def test_lp501_one_finding_per_function_for_a_shared_value() -> None:
    """A SAM global arrives in each function at the Globals line: messages name each function."""
    u = Unit("cloudformation")
    shared = ScalarNode(loc=Location(PATH, 5, 14), value=1000)
    for name in ("A", "B"):
        body = MapNode(
            loc=Location(PATH, 20, 5), items={"Timeout": shared}, key_locs={"Timeout": Location(PATH, 5, 5)}
        )
        u.views[name] = ResourceView(name, "AWS::Serverless::Function", Location(PATH, 19, 3), body)
    found = u.issues("LP501")
    assert [i.loc.line for i in found] == [5, 5]
    assert sorted(i.resource for i in found) == ["A", "B"]
    assert all(f"'{i.resource}' has a timeout of 1000 s" in i.message for i in found)
    assert len({i.message for i in found}) == 2  # distinct, so the engine's dedupe keeps both


# ------------------------------------------------------------------------------------------------
# Shared helpers and cross-cutting behaviour
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "address"),
    [
        ("aws_s3_bucket.x[0].id", "aws_s3_bucket.x"),
        ('module.a[0].module.b["k"].aws_s3_bucket.x.arn', "module.a.module.b.aws_s3_bucket.x"),
        ("data.aws_iam_policy_document.p.json", "data.aws_iam_policy_document.p"),
        ("module.m.data.aws_caller_identity.me", "module.m.data.aws_caller_identity.me"),
        ("LogsBucket", "LogsBucket"),
    ],
)
def test_ref_address_reduces_references_to_resource_addresses(ref: str, address: str) -> None:
    from lpcheck.adapters.handlers._common import ref_address

    assert ref_address(ref) == address


def test_setting_points_at_the_property_line_of_each_branch() -> None:
    """A choice inside a list keeps each branch's own property line; an absent branch points at
    the property that holds the choice, a plain absence at the resource line."""
    from lpcheck.adapters.handlers._common import setting

    b = Builder()
    body = b.map(
        {
            "Rules": [
                If(
                    ("condition K is true", {"Algorithm": "aws:kms"}),
                    ("condition K is false", {"Other": 1}),
                )
            ]
        }
    )
    # the two branches share a location in this builder: give the first its own line
    choice = body.items["Rules"].items[0]  # type: ignore[union-attr]
    kms_branch = choice.options[0][1]  # type: ignore[union-attr]
    kms_branch.key_locs["Algorithm"] = Location(PATH, 40, 7)  # type: ignore[union-attr]
    view = ResourceView("R", "AWS::S3::Bucket", Location(PATH, 1, 1), body)
    value = setting(view, "Rules.Algorithm")
    by_condition = {v.condition: v for v in value.variants()}
    assert by_condition["condition K is true"].loc == Location(PATH, 40, 7)
    assert by_condition["condition K is false"].is_absent
    assert by_condition["condition K is false"].loc == body.key_locs["Rules"]
    assert setting(view, "Missing.Path").loc == Location(PATH, 1, 1)


def test_module_expanded_addresses_link_like_root_ones() -> None:
    u = Unit()
    line = u.add("module.m.aws_s3_bucket.b", {"bucket": "b"}, rtype="aws_s3_bucket")
    u.add(
        "module.m.aws_s3_bucket_server_side_encryption_configuration.b",
        {"bucket": Ref("module.m.aws_s3_bucket.b"), "rule": sse_rule("AES256")},
        rtype="aws_s3_bucket_server_side_encryption_configuration",
    )
    u.add("module.m.aws_sqs_queue.dead", {"name": Ref()}, rtype="aws_sqs_queue")
    u.add(
        "module.m.aws_sqs_queue.main",
        {"redrive_policy": {"deadLetterTargetArn": Ref("module.m.aws_sqs_queue.dead[0]")}},
        rtype="aws_sqs_queue",
    )
    found = u.issues("LP301")
    assert len(found) == 1 and found[0].loc.line > line
    assert u.issues("LP404") == []


@pytest.mark.parametrize("count", [1, 0, None])
def test_lp404_redrive_resource_under_an_input_count_leaves_the_queue_open(count: int | None) -> None:
    """A redrive policy created for some inputs only (``count = var.x ? 1 : 0``) makes the queue's
    dead-letter queue configurable: no finding whatever the count evaluates to."""
    u = Unit()
    u.add("aws_sqs_queue.main", {"name": "main"})
    u.add("aws_sqs_queue.retry", {"name": "retry"}, count=count)
    u.add(
        "aws_sqs_queue_redrive_policy.p",
        {
            "queue_url": Ref("aws_sqs_queue.main"),
            "redrive_policy": {"deadLetterTargetArn": Ref("aws_sqs_queue.retry")},
        },
        count=count,
    )
    assert u.issues("LP404") == []


def test_lp404_a_queue_named_as_a_dead_letter_queue_is_one() -> None:
    u = Unit()
    u.add("aws_sqs_queue.orders_dlq", {"name": Ref()})
    u.add("aws_sqs_queue.q", {"name": "payments-dead-letter"})
    plain = u.add("aws_sqs_queue.orders", {"name": "orders"})
    assert lines(u.issues("LP404")) == [plain]


def test_messages_name_the_property_as_each_format_writes_it() -> None:
    tf = Unit()
    tf.add("aws_kms_key.k", {"description": "k"})
    tf.add("aws_sns_topic.t", {"name": "t"})
    cfn = Unit("cloudformation")
    cfn.add("Key", {"Description": "k"}, rtype="AWS::KMS::Key")
    cfn.add("Topic", {"TopicName": "t"}, rtype="AWS::SNS::Topic")
    assert "enable_key_rotation = true" in tf.issues("LP306")[0].message
    assert "EnableKeyRotation: true" in cfn.issues("LP306")[0].message
    assert "set kms_master_key_id" in tf.issues("LP304")[0].message
    assert "set KmsMasterKeyId" in cfn.issues("LP304")[0].message


def test_witness_prefers_a_written_branch_over_a_parameter_default() -> None:
    """``!If [HasKey, !Ref Key, !Ref AWS::NoValue]`` with ``Key`` defaulting to "": the branch
    without a key is reported, not the one where the (overridden) default is empty."""
    u = Unit("cloudformation")
    u.add(
        "Topic",
        {
            "KmsMasterKeyId": If(
                ("condition HasKey is true", Origin("", "default of parameter Key (t.yaml:3)")),
                ("condition HasKey is false", None),
            )
        },
        rtype="AWS::SNS::Topic",
    )
    (issue,) = u.issues("LP304")
    assert "(when condition HasKey is false)" in issue.message
