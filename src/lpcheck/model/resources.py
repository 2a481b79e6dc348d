"""AWS resources the non-IAM rules reason about, each value typed and positioned.

A field left ``Value.absent`` means the template did not set it, so AWS's default applies; the
rules know those defaults (they belong to the catalog's semantics, not to a format).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lpcheck.location import Location
from lpcheck.model.values import Value

_ABSENT = Value.absent(None)


def _absent() -> Value:
    return _ABSENT


@dataclass(slots=True, kw_only=True)
class Resource:
    address: str  # "aws_s3_bucket.logs", "LogsBucket": unique within its template or module
    type: str  # the type as written, for messages: "aws_s3_bucket", "AWS::S3::Bucket"
    loc: Location  # the resource's first line (logical ID / resource block)
    names: tuple[str, ...] = ()  # literal physical names/ARNs, for linking by name
    condition: str | None = None  # CloudFormation resource-level Condition


@dataclass(slots=True, kw_only=True)
class Bucket(Resource):
    sse_algorithm: Value = field(default_factory=_absent)  # "AES256", "aws:kms", "aws:kms:dsse"
    kms_key: Value = field(default_factory=_absent)


@dataclass(slots=True, kw_only=True)
class DBInstance(Resource):
    engine: Value = field(default_factory=_absent)
    multi_az: Value = field(default_factory=_absent)
    storage_encrypted: Value = field(default_factory=_absent)
    cluster: Value = field(default_factory=_absent)  # set when the instance is an Aurora/DocDB member
    replica_source: Value = field(default_factory=_absent)  # set for read replicas
    backup_retention: Value = field(default_factory=_absent)
    count: int | None = 1  # instances this block creates (count/for_each); None = unknown


@dataclass(slots=True, kw_only=True)
class DBCluster(Resource):
    family: str = "aurora"  # "aurora", "docdb", "neptune", "rds" (Multi-AZ DB cluster)
    engine: Value = field(default_factory=_absent)
    storage_encrypted: Value = field(default_factory=_absent)
    backup_retention: Value = field(default_factory=_absent)
    serverless: bool = False  # Aurora Serverless v1 (engine_mode serverless) has no instances
    # Cluster-instance blocks written in the unit, whatever their count (a Terraform block whose
    # count is 0 or unknown creates no DBInstance); None when a module call might add some.
    instance_blocks: int | None = None


@dataclass(slots=True, kw_only=True)
class RedshiftCluster(Resource):
    encrypted: Value = field(default_factory=_absent)


@dataclass(slots=True, kw_only=True)
class SecretProperty(Resource):
    """A property AWS documents as a secret (master passwords, auth tokens, MQ user passwords...)."""

    property: str = ""
    value: Value = field(default_factory=_absent)


@dataclass(slots=True, kw_only=True)
class TemplateParameter(Resource):
    """A CloudFormation parameter or Terraform variable: an input with an optional default."""

    name: str = ""
    default: Value = field(default_factory=_absent)
    hidden: bool = False  # NoEcho / sensitive
    used: bool = True


@dataclass(slots=True, kw_only=True)
class StringLiteral:
    """A literal string as AWS would receive it, with the key path that holds it.

    ``loc`` is where it is used; ``origin`` names where it was written when it flowed in from
    elsewhere (a tfvars file, a parameter default)."""

    value: str
    loc: Location
    path: tuple[str, ...]
    owner: str = ""
    origin: str | None = None


@dataclass(slots=True, kw_only=True)
class EnvironmentVariable(Resource):
    """A Lambda/ECS/Batch environment variable (owner's address in ``address``)."""

    name: str = ""
    value: Value = field(default_factory=_absent)


@dataclass(slots=True, kw_only=True)
class AccessKey(Resource):
    user: Value = field(default_factory=_absent)


@dataclass(slots=True, kw_only=True)
class Secret(Resource):
    inline_rotation: bool = False  # rotation configured on the secret itself


@dataclass(slots=True, kw_only=True)
class SecretRotation(Resource):
    secret: Value = field(default_factory=_absent)  # the secret it targets (ref, name or ARN)


@dataclass(slots=True, kw_only=True)
class SSMParameter(Resource):
    name: Value = field(default_factory=_absent)
    param_type: Value = field(default_factory=_absent)
    value: Value = field(default_factory=_absent)


@dataclass(slots=True, kw_only=True)
class BlockStorage(Resource):
    """An EBS volume, instance block device, or launch template/configuration block device."""

    kind: str = "volume"  # "volume", "block device", "launch template", "launch configuration"
    encrypted: Value = field(default_factory=_absent)
    device: str = ""  # device name, for messages


@dataclass(slots=True, kw_only=True)
class Topic(Resource):
    kms_key: Value = field(default_factory=_absent)


@dataclass(slots=True, kw_only=True)
class Queue(Resource):
    sse_enabled: Value = field(default_factory=_absent)  # SqsManagedSseEnabled
    kms_key: Value = field(default_factory=_absent)
    redrive: Value = field(default_factory=_absent)  # the redrive policy (present = has a DLQ)
    dlq_target: Value = field(default_factory=_absent)  # the queue its redrive policy names
    fifo: bool = False


@dataclass(slots=True, kw_only=True)
class EncryptedStore(Resource):
    """EFS file system, ElastiCache replication group at rest, Kinesis stream."""

    kind: str = ""  # "EFS file system", "ElastiCache replication group", "Kinesis stream"
    encrypted: Value = field(default_factory=_absent)


@dataclass(slots=True, kw_only=True)
class KmsKey(Resource):
    rotation: Value = field(default_factory=_absent)
    key_spec: Value = field(default_factory=_absent)  # SYMMETRIC_DEFAULT when absent
    key_usage: Value = field(default_factory=_absent)  # ENCRYPT_DECRYPT when absent
    origin_external: bool = False  # imported key material cannot rotate automatically


@dataclass(slots=True, kw_only=True)
class CacheReplicationGroup(Resource):
    automatic_failover: Value = field(default_factory=_absent)
    multi_az: Value = field(default_factory=_absent)


@dataclass(slots=True, kw_only=True)
class SearchDomain(Resource):
    zone_awareness: Value = field(default_factory=_absent)


@dataclass(slots=True, kw_only=True)
class ComputeGroup(Resource):
    """An Auto Scaling group or a load balancer: where it places capacity."""

    kind: str = "Auto Scaling group"  # or "load balancer"
    zones: Value = field(default_factory=_absent)  # list of AZ names
    subnets: Value = field(default_factory=_absent)  # list of subnet IDs/refs


@dataclass(slots=True, kw_only=True)
class Table(Resource):
    pitr: Value = field(default_factory=_absent)


@dataclass(slots=True, kw_only=True)
class Function(Resource):
    memory: Value = field(default_factory=_absent)
    timeout: Value = field(default_factory=_absent)


@dataclass(slots=True, kw_only=True)
class LambdaPermission(Resource):
    """``AWS::Lambda::Permission`` / ``aws_lambda_permission``: a resource-policy grant on a function."""

    principal: Value = field(default_factory=_absent)
    source_arn: Value = field(default_factory=_absent)
    source_account: Value = field(default_factory=_absent)
    principal_org: Value = field(default_factory=_absent)
    function_url_auth: Value = field(default_factory=_absent)
