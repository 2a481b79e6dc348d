"""Properties AWS documents as secrets (passwords, auth tokens, API keys, private keys): LP202.

Each property that is *present* becomes a ``SecretProperty`` whose ``value`` is what the template
wrote, resolved by the front-end: a literal (possibly flowed in from a parameter default or a
tfvars file, with its origin), an unknown (a reference, a ``NoEcho`` parameter without default,
a variable without default, ``random_password``), or a choice under ``Fn::If``. LP202 decides
which of those are hardcoded. Paths go through lists (MQ ``Users``, listener actions) and
branches, and keys are matched case-insensitively (Glue ``PASSWORD``/``password``).

Not adapted on purpose:
- ``aws_iam_user_login_profile``: its password is generated (optionally PGP-encrypted), never
  written; CloudFormation's ``AWS::IAM::User`` ``LoginProfile.Password`` is.
- an RDS instance/cluster with ``ManageMasterUserPassword``/``manage_master_user_password``
  true: RDS generates and stores the password, so a leftover password property is not used
  (AWS rejects the combination).
- SSM parameters (LP206) and environment variables (LP203) have their own models.

In a plan every value is resolved: a password passed as ``-var`` or read from a data source shows
as a literal. When the plan's configuration writes a reference for the attribute (not a
``constant_value``), the planned value is recorded as unknown, so only constants are reported.
"""

from __future__ import annotations

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.handlers.environment import conditioned, descend, iget, plan_reference
from lpcheck.adapters.registry import cfn, tf
from lpcheck.adapters.view import ResourceView
from lpcheck.model.resources import SecretProperty
from lpcheck.model.values import Value
from lpcheck.parsers.nodes import ListNode, ScalarNode

CFN_SECRET_PROPERTIES: dict[str, tuple[str, ...]] = {
    "AWS::RDS::DBInstance": ("MasterUserPassword", "TdeCredentialPassword"),
    "AWS::RDS::DBCluster": ("MasterUserPassword",),
    "AWS::DocDB::DBCluster": ("MasterUserPassword",),
    "AWS::DocDBElastic::Cluster": ("AdminUserPassword",),
    "AWS::Redshift::Cluster": ("MasterUserPassword",),
    "AWS::RedshiftServerless::Namespace": ("AdminUserPassword",),
    "AWS::Lightsail::Database": ("MasterUserPassword",),
    "AWS::Timestream::InfluxDBInstance": ("Password",),
    "AWS::ElastiCache::ReplicationGroup": ("AuthToken",),
    "AWS::ElastiCache::User": ("Passwords", "AuthenticationMode.Passwords"),
    "AWS::MemoryDB::User": ("AuthenticationMode.Passwords",),
    "AWS::AmazonMQ::Broker": ("Users.Password",),
    "AWS::DirectoryService::MicrosoftAD": ("Password",),
    "AWS::DirectoryService::SimpleAD": ("Password",),
    "AWS::DMS::Endpoint": (
        "Password",
        "KafkaSettings.SaslPassword",
        "RedisSettings.AuthPassword",
        "MongoDbSettings.Password",
        "OracleSettings.AsmPassword",
        "OracleSettings.SecurityDbEncryption",
    ),
    "AWS::OpenSearchService::Domain": ("AdvancedSecurityOptions.MasterUserOptions.MasterUserPassword",),
    "AWS::Elasticsearch::Domain": ("AdvancedSecurityOptions.MasterUserOptions.MasterUserPassword",),
    "AWS::CodeBuild::SourceCredential": ("Token",),
    "AWS::IAM::User": ("LoginProfile.Password",),
    "AWS::SecretsManager::Secret": ("SecretString",),
    "AWS::QuickSight::DataSource": ("Credentials.CredentialPair.Password",),
    "AWS::AppStream::DirectoryConfig": ("ServiceAccountCredentials.AccountPassword",),
    "AWS::FSx::FileSystem": (
        "WindowsConfiguration.SelfManagedActiveDirectoryConfiguration.Password",
        "OntapConfiguration.FsxAdminPassword",
    ),
    "AWS::FSx::StorageVirtualMachine": (
        "SvmAdminPassword",
        "ActiveDirectoryConfiguration.SelfManagedActiveDirectoryConfiguration.Password",
    ),
    "AWS::Glue::Connection": (
        "ConnectionInput.ConnectionProperties.PASSWORD",
        "ConnectionInput.AuthenticationConfiguration.BasicAuthenticationCredentials.Password",
    ),
    "AWS::Events::Connection": (
        "AuthParameters.ApiKeyAuthParameters.ApiKeyValue",
        "AuthParameters.BasicAuthParameters.Password",
        "AuthParameters.OAuthParameters.ClientParameters.ClientSecret",
    ),
    "AWS::Cognito::UserPoolIdentityProvider": ("ProviderDetails.client_secret",),
    "AWS::ElasticLoadBalancingV2::Listener": ("DefaultActions.AuthenticateOidcConfig.ClientSecret",),
    "AWS::ElasticLoadBalancingV2::ListenerRule": ("Actions.AuthenticateOidcConfig.ClientSecret",),
    "AWS::KinesisFirehose::DeliveryStream": (
        "HttpEndpointDestinationConfiguration.EndpointConfiguration.AccessKey",
        "RedshiftDestinationConfiguration.Password",
        "SplunkDestinationConfiguration.HECToken",
        "SnowflakeDestinationConfiguration.PrivateKey",
        "SnowflakeDestinationConfiguration.KeyPassphrase",
    ),
    "AWS::DataSync::LocationSMB": ("Password",),
    "AWS::DataSync::LocationObjectStorage": ("SecretKey",),
    "AWS::DataSync::LocationFSxWindows": ("Password",),
    "AWS::DataSync::LocationFSxONTAP": ("Protocol.SMB.Password",),
    "AWS::DataSync::LocationAzureBlob": ("AzureBlobSasConfiguration.AzureBlobSasToken",),
    "AWS::Amplify::App": ("AccessToken", "OauthToken", "BasicAuthConfig.Password"),
    "AWS::Amplify::Branch": ("BasicAuthConfig.Password",),
    "AWS::CodePipeline::Webhook": ("AuthenticationConfiguration.SecretToken",),
    "AWS::CodePipeline::Pipeline": ("Stages.Actions.Configuration.OAuthToken",),
    "AWS::EMR::Cluster": (
        "KerberosAttributes.KdcAdminPassword",
        "KerberosAttributes.ADDomainJoinPassword",
        "KerberosAttributes.CrossRealmTrustPrincipalPassword",
    ),
    "AWS::Pinpoint::APNSChannel": ("PrivateKey", "TokenKey"),
    "AWS::Pinpoint::APNSSandboxChannel": ("PrivateKey", "TokenKey"),
    "AWS::Pinpoint::APNSVoipChannel": ("PrivateKey", "TokenKey"),
    "AWS::Pinpoint::GCMChannel": ("ApiKey", "ServiceJson"),
    "AWS::Pinpoint::BaiduChannel": ("ApiKey", "SecretKey"),
    "AWS::Pinpoint::ADMChannel": ("ClientSecret",),
    "AWS::ApiGateway::ApiKey": ("Value",),
    "AWS::IAM::ServerCertificate": ("PrivateKey",),
    "AWS::ManagedBlockchain::Member": (
        "MemberConfiguration.MemberFrameworkConfiguration.MemberFabricConfiguration.AdminPassword",
    ),
    "AWS::EC2::VPNConnection": ("VpnTunnelOptionsSpecifications.PreSharedKey",),
    "AWS::OpsWorks::App": ("AppSource.Password", "SslConfiguration.PrivateKey"),
    "AWS::OpsWorks::Stack": ("CustomCookbooksSource.Password", "RdsDbInstances.DbPassword"),
    "AWS::AppFlow::ConnectorProfile": (
        "ConnectorProfileConfig.ConnectorProfileCredentials.*.Password",
        "ConnectorProfileConfig.ConnectorProfileCredentials.*.ClientSecret",
        "ConnectorProfileConfig.ConnectorProfileCredentials.*.SecretKey",
        "ConnectorProfileConfig.ConnectorProfileCredentials.*.AccessToken",
        "ConnectorProfileConfig.ConnectorProfileCredentials.*.RefreshToken",
        "ConnectorProfileConfig.ConnectorProfileCredentials.*.ApiKey",
        "ConnectorProfileConfig.ConnectorProfileCredentials.*.ApiSecretKey",
        "ConnectorProfileConfig.ConnectorProfileCredentials.*.PrivateKey",
    ),
}

TF_SECRET_PROPERTIES: dict[str, tuple[str, ...]] = {
    "aws_db_instance": ("password", "password_wo"),
    "aws_rds_cluster": ("master_password", "master_password_wo"),
    "aws_docdb_cluster": ("master_password", "master_password_wo"),
    "aws_docdb_elastic_cluster": ("admin_user_password",),
    "aws_redshift_cluster": ("master_password", "master_password_wo"),
    "aws_redshiftserverless_namespace": ("admin_user_password", "admin_user_password_wo"),
    "aws_lightsail_database": ("master_password",),
    "aws_timestreaminfluxdb_db_instance": ("password",),
    "aws_elasticache_replication_group": ("auth_token",),
    "aws_elasticache_user": ("passwords", "authentication_mode.passwords"),
    "aws_memorydb_user": ("authentication_mode.passwords",),
    "aws_mq_broker": ("user.password",),
    "aws_directory_service_directory": ("password",),
    "aws_dms_endpoint": ("password", "kafka_settings.sasl_password", "redis_settings.auth_password"),
    "aws_vpn_connection": ("tunnel1_preshared_key", "tunnel2_preshared_key"),
    "aws_dx_private_virtual_interface": ("bgp_auth_key",),
    "aws_dx_public_virtual_interface": ("bgp_auth_key",),
    "aws_dx_transit_virtual_interface": ("bgp_auth_key",),
    "aws_dx_hosted_private_virtual_interface": ("bgp_auth_key",),
    "aws_dx_hosted_public_virtual_interface": ("bgp_auth_key",),
    "aws_dx_hosted_transit_virtual_interface": ("bgp_auth_key",),
    "aws_opsworks_application": ("app_source.password", "ssl_configuration.private_key"),
    "aws_opensearch_domain": ("advanced_security_options.master_user_options.master_user_password",),
    "aws_elasticsearch_domain": ("advanced_security_options.master_user_options.master_user_password",),
    "aws_codebuild_source_credential": ("token",),
    "aws_secretsmanager_secret_version": ("secret_string", "secret_string_wo", "secret_binary"),
    "aws_quicksight_data_source": ("credentials.credential_pair.password",),
    "aws_appstream_directory_config": ("service_account_credentials.account_password",),
    "aws_fsx_windows_file_system": ("self_managed_active_directory.password",),
    "aws_fsx_ontap_file_system": ("fsx_admin_password",),
    "aws_fsx_ontap_storage_virtual_machine": (
        "svm_admin_password",
        "active_directory_configuration.self_managed_active_directory_configuration.password",
    ),
    "aws_glue_connection": ("connection_properties.PASSWORD",),
    "aws_cloudwatch_event_connection": (
        "auth_parameters.api_key.value",
        "auth_parameters.basic.password",
        "auth_parameters.oauth.client_parameters.client_secret",
    ),
    "aws_cognito_identity_provider": ("provider_details.client_secret",),
    "aws_cognito_user": ("password", "temporary_password"),
    "aws_lb_listener": ("default_action.authenticate_oidc.client_secret",),
    "aws_alb_listener": ("default_action.authenticate_oidc.client_secret",),
    "aws_lb_listener_rule": ("action.authenticate_oidc.client_secret",),
    "aws_alb_listener_rule": ("action.authenticate_oidc.client_secret",),
    "aws_kinesis_firehose_delivery_stream": (
        "http_endpoint_configuration.access_key",
        "redshift_configuration.password",
        "splunk_configuration.hec_token",
        "snowflake_configuration.private_key",
        "snowflake_configuration.key_passphrase",
    ),
    "aws_datasync_location_smb": ("password",),
    "aws_datasync_location_object_storage": ("secret_key",),
    "aws_datasync_location_fsx_windows_file_system": ("password",),
    "aws_datasync_location_fsx_ontap_file_system": ("protocol.smb.password",),
    "aws_datasync_location_azure_blob": ("sas_configuration.token",),
    "aws_amplify_app": ("access_token", "oauth_token", "basic_auth_credentials"),
    "aws_amplify_branch": ("basic_auth_credentials",),
    "aws_codepipeline_webhook": ("authentication_configuration.secret_token",),
    "aws_codepipeline": ("stage.action.configuration.OAuthToken",),
    "aws_emr_cluster": (
        "kerberos_attributes.kdc_admin_password",
        "kerberos_attributes.ad_domain_join_password",
        "kerberos_attributes.cross_realm_trust_principal_password",
    ),
    "aws_pinpoint_apns_channel": ("private_key", "token_key"),
    "aws_pinpoint_apns_sandbox_channel": ("private_key", "token_key"),
    "aws_pinpoint_apns_voip_channel": ("private_key", "token_key"),
    "aws_pinpoint_gcm_channel": ("api_key", "service_json"),
    "aws_pinpoint_baidu_channel": ("api_key", "secret_key"),
    "aws_pinpoint_adm_channel": ("client_secret",),
    "aws_api_gateway_api_key": ("value",),
    "aws_iam_server_certificate": ("private_key",),
    "aws_acm_certificate": ("private_key",),
    "aws_api_gateway_domain_name": ("certificate_private_key",),
    "aws_transfer_server": ("host_key",),
    "aws_appflow_connector_profile": (
        "connector_profile_config.connector_profile_credentials.*.password",
        "connector_profile_config.connector_profile_credentials.*.client_secret",
        "connector_profile_config.connector_profile_credentials.*.secret_key",
        "connector_profile_config.connector_profile_credentials.*.access_token",
        "connector_profile_config.connector_profile_credentials.*.refresh_token",
        "connector_profile_config.connector_profile_credentials.*.api_key",
        "connector_profile_config.connector_profile_credentials.*.api_secret_key",
        "connector_profile_config.connector_profile_credentials.*.private_key",
    ),
}

# RDS generates and keeps the password itself when this is true.
_MANAGED_FLAGS = {
    "AWS::RDS::DBInstance": "ManageMasterUserPassword",
    "AWS::RDS::DBCluster": "ManageMasterUserPassword",
    "AWS::Redshift::Cluster": "ManageMasterPassword",
    "AWS::RedshiftServerless::Namespace": "ManageAdminPassword",
    "aws_db_instance": "manage_master_user_password",
    "aws_rds_cluster": "manage_master_user_password",
    "aws_redshift_cluster": "manage_master_password",
    "aws_redshiftserverless_namespace": "manage_admin_password",
}


def add_secret_properties(view: ResourceView, ctx: AdaptContext, paths: tuple[str, ...]) -> None:
    """Record each present secret property of ``view`` (one object per list item / branch)."""
    flag = _MANAGED_FLAGS.get(view.type)
    if flag is not None and view.value(flag).as_bool() is True:
        return
    for path in paths:
        configured = plan_reference(view, path) if ctx.format == "terraform-plan" else None
        parent, _, leaf = path.rpartition(".")
        for m, cond in descend(view.body, parent):
            child = iget(m, leaf)
            if child is None:
                continue
            key_loc = next((loc for k, loc in m.key_locs.items() if k.lower() == leaf.lower()), m.loc)
            items = (
                child.items if isinstance(child, ListNode) and leaf.lower().endswith("passwords") else [child]
            )
            for item in items:
                if isinstance(item, ScalarNode) and item.value is None:
                    continue  # Terraform null: not set
                value = conditioned(item, key_loc, cond)
                if configured is not None and value.is_literal:
                    value = Value.unknown(value.loc, reason=f"planned value of {configured}")
                ctx.model.add(
                    SecretProperty(
                        address=view.address,
                        type=view.type,
                        loc=view.loc,
                        names=view.names,
                        condition=view.condition,
                        property=path.replace(".*", ""),
                        value=value,
                    )
                )


# Inputs of a nested stack or serverless application are free-form: those whose *name* says they
# are a secret are treated as secret properties ("Parameters.<name>"; LP202 then also skips values
# shaped like a pointer, e.g. an ARN). This is the CloudFormation counterpart of a Terraform module
# argument named ``password``.
NESTED_STACK_TYPES = ("AWS::CloudFormation::Stack", "AWS::Serverless::Application")


@cfn(*NESTED_STACK_TYPES)
def cfn_nested_parameters(view: ResourceView, ctx: AdaptContext) -> None:
    from lpcheck.secrets import looks_secret_name

    params = view.node("Parameters")
    for m, cond in descend(params, ""):
        for name, child in m.items.items():
            if not looks_secret_name(name):
                continue
            ctx.model.add(
                SecretProperty(
                    address=view.address,
                    type=view.type,
                    loc=view.loc,
                    names=view.names,
                    condition=view.condition,
                    property=f"Parameters.{name}",
                    value=conditioned(child, m.key_locs.get(name, m.loc), cond),
                )
            )


# EventBridge connections send key/value parameters with every call (an OAuth password grant's
# "password", an "x-api-key" header); EventBridge keeps them in a Secrets Manager secret, so a
# literal value under a key named like a secret is hardcoded. Like nested stack inputs these are
# secrets by name only: recorded as "<path>[<key>]" (LP202 then also skips pointer-shaped values).
_CONNECTION_PAIRS = {
    "AWS::Events::Connection": (
        (
            "AuthParameters.InvocationHttpParameters",
            ("BodyParameters", "HeaderParameters", "QueryStringParameters"),
        ),
        (
            "AuthParameters.OAuthParameters.OAuthHttpParameters",
            ("BodyParameters", "HeaderParameters", "QueryStringParameters"),
        ),
    ),
    "aws_cloudwatch_event_connection": (
        ("auth_parameters.invocation_http_parameters", ("body", "header", "query_string")),
        ("auth_parameters.oauth.oauth_http_parameters", ("body", "header", "query_string")),
    ),
}


@cfn("AWS::Events::Connection")
@tf("aws_cloudwatch_event_connection")
def connection_parameters(view: ResourceView, ctx: AdaptContext) -> None:
    from lpcheck.secrets import looks_secret_name

    for parent, kinds in _CONNECTION_PAIRS.get(view.type, ()):
        for kind in kinds:
            for m, cond in descend(view.body, f"{parent}.{kind}"):
                key = iget(m, "Key")
                value = iget(m, "Value")
                if not (isinstance(key, ScalarNode) and isinstance(key.value, str)) or value is None:
                    continue
                if not looks_secret_name(key.value):
                    continue
                ctx.model.add(
                    SecretProperty(
                        address=view.address,
                        type=view.type,
                        loc=view.loc,
                        names=view.names,
                        condition=view.condition,
                        property=f"{parent}.{kind}[{key.value}]",
                        value=conditioned(value, key.loc, cond),
                    )
                )


def _cfn(view: ResourceView, ctx: AdaptContext) -> None:
    add_secret_properties(view, ctx, CFN_SECRET_PROPERTIES.get(view.type, ()))


def _tf(view: ResourceView, ctx: AdaptContext) -> None:
    add_secret_properties(view, ctx, TF_SECRET_PROPERTIES.get(view.type, ()))


cfn(*CFN_SECRET_PROPERTIES)(_cfn)
tf(*TF_SECRET_PROPERTIES)(_tf)
