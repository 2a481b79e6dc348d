"""Resource policies (bucket, queue, topic, key, secret, repository, domain, API, ...) and Lambda
permissions, CloudFormation and Terraform, into the model.

Each holder's document is built as ``PolicyKind.RESOURCE``: AWS evaluates it with a ``Principal``
and without requiring ``Resource`` (the holder is the resource), which is what LP107 and LP109
need to know. Owner strings name the holder and its element ("Bucket (PolicyDocument)",
"aws_s3_bucket_policy.b (policy)"). A value may be a map (YAML/JSON, ``jsonencode``), a JSON string
(heredoc, ``Fn::Sub``, plan JSON), a resolved ``aws_iam_policy_document``, a choice, or unknown;
``add_policy`` copes with each.

VPC endpoint policies (``AWS::EC2::VPCEndpoint`` ``PolicyDocument``, ``aws_vpc_endpoint(_policy)``
``policy``) are resource policies too, but they filter what may pass through an endpoint reachable
only from inside the VPC, and AWS requires ``Principal: "*"`` in gateway endpoint policies. Their
owner string starts with ``ENDPOINT_OWNER_PREFIX`` ("VPC endpoint ...", the model has no field for
the holder's type), and LP107 skips such documents; LP105, LP109 and LP111 judge them like any
resource policy.

Left out on purpose:
- SAM ``Events``/``FunctionUrlConfig`` and the shorthand parts of ``AWS::Serverless::Api``
  ``Auth.ResourcePolicy`` (``IpRangeWhitelist``...): SAM generates those permissions in its own
  (non-IAM) shorthand. Its ``CustomStatements`` are real statements (``sam_policies``).
- ``aws_cloudwatch_event_permission`` and the legacy ``Principal``/``Condition`` properties of
  ``AWS::Events::EventBusPolicy``: a single grant, not a document.
"""

from __future__ import annotations

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.handlers.iam import add_policy, exists, owner_of
from lpcheck.adapters.registry import cfn, tf
from lpcheck.adapters.view import ResourceView
from lpcheck.iam.markers import ENDPOINT_OWNER_PREFIX
from lpcheck.model.iam import PolicyKind
from lpcheck.model.resources import LambdaPermission
from lpcheck.parsers.nodes import ListNode, MapNode, ScalarNode

# Resource type -> paths (dotted, as ResourceView.node takes them) of its resource policy documents.
CFN_RESOURCE_POLICIES: dict[str, tuple[str, ...]] = {
    "AWS::S3::BucketPolicy": ("PolicyDocument",),
    "AWS::S3::AccessPoint": ("Policy",),
    "AWS::S3::MultiRegionAccessPointPolicy": ("Policy",),
    "AWS::S3Outposts::BucketPolicy": ("PolicyDocument",),
    "AWS::S3Express::BucketPolicy": ("PolicyDocument",),
    "AWS::SQS::QueuePolicy": ("PolicyDocument",),
    "AWS::SQS::QueueInlinePolicy": ("PolicyDocument",),
    "AWS::SNS::TopicPolicy": ("PolicyDocument",),
    "AWS::SNS::TopicInlinePolicy": ("PolicyDocument",),
    "AWS::KMS::Key": ("KeyPolicy",),
    "AWS::KMS::ReplicaKey": ("KeyPolicy",),
    "AWS::SecretsManager::ResourcePolicy": ("ResourcePolicy",),
    "AWS::ECR::Repository": ("RepositoryPolicyText",),
    "AWS::ECR::PublicRepository": ("RepositoryPolicyText",),
    "AWS::ECR::RegistryPolicy": ("PolicyText",),
    "AWS::OpenSearchService::Domain": ("AccessPolicies",),
    "AWS::Elasticsearch::Domain": ("AccessPolicies",),
    "AWS::ApiGateway::RestApi": ("Policy",),
    "AWS::EFS::FileSystem": ("FileSystemPolicy",),
    "AWS::Logs::ResourcePolicy": ("PolicyDocument",),
    "AWS::Logs::Destination": ("DestinationPolicy",),
    "AWS::Backup::BackupVault": ("AccessPolicy",),
    "AWS::Events::EventBus": ("Policy",),
    "AWS::CodeArtifact::Domain": ("PermissionsPolicyDocument",),
    "AWS::CodeArtifact::Repository": ("PermissionsPolicyDocument",),
    "AWS::DynamoDB::Table": ("ResourcePolicy.PolicyDocument",),
    "AWS::Kinesis::ResourcePolicy": ("ResourcePolicy",),
    "AWS::Kinesis::Stream": ("ResourcePolicy.PolicyDocument",),
    "AWS::MediaStore::Container": ("Policy",),
    "AWS::CloudTrail::ResourcePolicy": ("ResourcePolicy",),
    "AWS::SSM::ResourcePolicy": ("Policy",),
}

TF_RESOURCE_POLICIES: dict[str, tuple[str, ...]] = {
    "aws_s3_bucket_policy": ("policy",),
    "aws_s3_bucket": ("policy",),  # legacy inline argument (AWS provider < 4)
    "aws_s3_access_point": ("policy",),
    "aws_s3control_access_point_policy": ("policy",),
    "aws_s3control_bucket_policy": ("policy",),
    "aws_s3control_multi_region_access_point_policy": ("details.policy",),
    "aws_s3control_object_lambda_access_point_policy": ("policy",),
    "aws_s3_directory_bucket_policy": ("policy",),
    "aws_sqs_queue_policy": ("policy",),
    "aws_sqs_queue": ("policy",),
    "aws_sns_topic_policy": ("policy",),
    "aws_sns_topic": ("policy",),
    "aws_kms_key": ("policy",),
    "aws_kms_key_policy": ("policy",),
    "aws_kms_replica_key": ("policy",),
    "aws_kms_external_key": ("policy",),
    "aws_kms_replica_external_key": ("policy",),
    "aws_secretsmanager_secret_policy": ("policy",),
    "aws_secretsmanager_secret": ("policy",),
    "aws_ecr_repository_policy": ("policy",),
    "aws_ecr_registry_policy": ("policy",),
    "aws_ecrpublic_repository_policy": ("policy",),
    "aws_opensearch_domain": ("access_policies",),
    "aws_opensearch_domain_policy": ("access_policies",),
    "aws_elasticsearch_domain": ("access_policies",),
    "aws_elasticsearch_domain_policy": ("access_policies",),
    "aws_api_gateway_rest_api": ("policy",),
    "aws_api_gateway_rest_api_policy": ("policy",),
    "aws_efs_file_system_policy": ("policy",),
    "aws_cloudwatch_log_resource_policy": ("policy_document",),
    "aws_cloudwatch_log_destination_policy": ("access_policy",),
    "aws_backup_vault_policy": ("policy",),
    "aws_glacier_vault": ("access_policy",),
    "aws_cloudwatch_event_bus_policy": ("policy",),
    "aws_codeartifact_domain_permissions_policy": ("policy_document",),
    "aws_codeartifact_repository_permissions_policy": ("policy_document",),
    "aws_dynamodb_resource_policy": ("policy",),
    "aws_kinesis_resource_policy": ("policy",),
    "aws_media_store_container_policy": ("policy",),
    "aws_glue_resource_policy": ("policy",),
    "aws_ses_identity_policy": ("policy",),
}

TF_ENDPOINT_POLICIES: dict[str, str] = {"aws_vpc_endpoint": "policy", "aws_vpc_endpoint_policy": "policy"}


@cfn(*CFN_RESOURCE_POLICIES)
def cfn_resource_policy(view: ResourceView, ctx: AdaptContext) -> None:
    for path in CFN_RESOURCE_POLICIES[view.type]:
        add_policy(ctx, view.node(path), PolicyKind.RESOURCE, owner_of(view, path))


@cfn("AWS::EC2::VPCEndpoint")
def cfn_endpoint_policy(view: ResourceView, ctx: AdaptContext) -> None:
    owner = ENDPOINT_OWNER_PREFIX + owner_of(view, "PolicyDocument")
    add_policy(ctx, view.node("PolicyDocument"), PolicyKind.RESOURCE, owner)


@tf(*TF_ENDPOINT_POLICIES)
def tf_endpoint_policy(view: ResourceView, ctx: AdaptContext) -> None:
    if exists(view):
        attr = TF_ENDPOINT_POLICIES[view.type]
        add_policy(ctx, view.node(attr), PolicyKind.RESOURCE, ENDPOINT_OWNER_PREFIX + owner_of(view, attr))


@cfn("AWS::DynamoDB::GlobalTable")
def cfn_global_table(view: ResourceView, ctx: AdaptContext) -> None:
    """Each replica carries its own resource policy."""
    for index, replica in enumerate(view.sub("Replicas")):
        region = replica.value("Region").as_str() or str(index)
        node = replica.node("ResourcePolicy.PolicyDocument")
        add_policy(ctx, node, PolicyKind.RESOURCE, owner_of(view, f"Replicas {region} ResourcePolicy"))


@cfn("AWS::Events::EventBusPolicy")
def cfn_event_bus_policy(view: ResourceView, ctx: AdaptContext) -> None:
    """``Statement`` is one statement (or a list) without the document around it: wrap it in a
    document so the IAM rules see it; the wrapper's ``Version`` is what EventBridge itself adds."""
    statement = view.node("Statement")
    if not isinstance(statement, (MapNode, ListNode)):
        return
    document = MapNode(
        loc=statement.loc,
        items={"Version": ScalarNode(loc=statement.loc, value="2012-10-17"), "Statement": statement},
        key_locs={"Version": statement.loc, "Statement": view.key_loc("Statement")},
    )
    add_policy(ctx, document, PolicyKind.RESOURCE, owner_of(view, "Statement"))


@tf(*TF_RESOURCE_POLICIES)
def tf_resource_policy(view: ResourceView, ctx: AdaptContext) -> None:
    if not exists(view):
        return
    for path in TF_RESOURCE_POLICIES[view.type]:
        add_policy(ctx, view.node(path), PolicyKind.RESOURCE, owner_of(view, path))


# --------------------------------------------------------------------------------------------------
# Lambda permissions: a single grant each, modelled as LambdaPermission (LP107 reads them).
# --------------------------------------------------------------------------------------------------


def _permission(view: ResourceView, ctx: AdaptContext, fields: dict[str, str]) -> None:
    ctx.model.add(
        LambdaPermission(
            address=view.address,
            type=view.type,
            loc=view.loc,
            names=view.names,
            condition=view.condition,
            **{field: view.value(path) for field, path in fields.items()},
        )
    )


@cfn("AWS::Lambda::Permission")
def cfn_lambda_permission(view: ResourceView, ctx: AdaptContext) -> None:
    _permission(
        view,
        ctx,
        {
            "principal": "Principal",
            "source_arn": "SourceArn",
            "source_account": "SourceAccount",
            "principal_org": "PrincipalOrgID",
            "function_url_auth": "FunctionUrlAuthType",
        },
    )


@cfn("AWS::Lambda::LayerVersionPermission")
def cfn_layer_permission(view: ResourceView, ctx: AdaptContext) -> None:
    """A layer shared with ``Principal: "*"`` is public unless ``OrganizationId`` limits it."""
    _permission(view, ctx, {"principal": "Principal", "principal_org": "OrganizationId"})


@tf("aws_lambda_permission")
def tf_lambda_permission(view: ResourceView, ctx: AdaptContext) -> None:
    if exists(view):
        _permission(
            view,
            ctx,
            {
                "principal": "principal",
                "source_arn": "source_arn",
                "source_account": "source_account",
                "principal_org": "principal_org_id",
                "function_url_auth": "function_url_auth_type",
            },
        )


@tf("aws_lambda_layer_version_permission")
def tf_layer_permission(view: ResourceView, ctx: AdaptContext) -> None:
    if exists(view):
        _permission(view, ctx, {"principal": "principal", "principal_org": "organization_id"})
