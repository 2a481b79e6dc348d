"""Secret handlers (environment, secret properties, Secrets Manager, SSM, access keys) on hand-built
views, so they are tested independently of the front-ends.

Bodies are JSON parsed with positions; Terraform blocks are written as lists of maps, as the
Terraform front-end produces them. A few nodes are replaced by UnknownNode/ChoiceNode the way the
front-ends resolve references and conditions.
"""

from __future__ import annotations

import json

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.registry import cfn_handlers, tf_handlers
from lpcheck.adapters.view import ResourceView
from lpcheck.location import Location
from lpcheck.model.container import Model
from lpcheck.model.resources import (
    AccessKey,
    EnvironmentVariable,
    Secret,
    SecretProperty,
    SecretRotation,
    SSMParameter,
)
from lpcheck.parsers.jsonpos import parse_json
from lpcheck.parsers.nodes import ChoiceNode, MapNode, ScalarNode, UnknownNode

PATH = "t.json"


def _view(address: str, rtype: str, body: dict | str) -> ResourceView:
    text = body if isinstance(body, str) else json.dumps(body, indent=2)
    node = parse_json(text, PATH)
    assert isinstance(node, MapNode)
    return ResourceView(address, rtype, Location(PATH, 1, 1), node)


def _adapt(fmt: str, *views: ResourceView) -> Model:
    ctx = AdaptContext(Model(), fmt, {v.address: v for v in views})
    for view in views:
        handlers = cfn_handlers(view.type) if fmt == "cloudformation" else tf_handlers(view.type)
        for handler in handlers:
            handler(view, ctx)
    return ctx.model


def _env(model: Model) -> dict[str, object]:
    return {e.name: e.value.raw for e in model.of(EnvironmentVariable)}


# -- environment variables -------------------------------------------------------------------------------


def test_lambda_map_variables_positioned_at_name_and_value() -> None:
    text = '{\n  "Environment": {\n    "Variables": {\n      "API_KEY": "abc123"\n    }\n  }\n}'
    model = _adapt("cloudformation", _view("Fn", "AWS::Lambda::Function", text))
    (var,) = model.of(EnvironmentVariable)
    assert (var.name, var.value.raw, var.address) == ("API_KEY", "abc123", "Fn")
    assert (var.loc.line, var.loc.column) == (4, 7)
    assert (var.value.loc.line, var.value.loc.column) == (4, 18)


def test_ecs_name_value_pairs_and_secrets_ignored() -> None:
    body = {
        "ContainerDefinitions": [
            {
                "Name": "web",
                "Environment": [{"Name": "TOKEN", "Value": "t0k"}, {"Name": "PORT", "Value": "80"}],
                "Secrets": [{"Name": "DB_PASSWORD", "ValueFrom": "arn:aws:ssm:::parameter/x"}],
            },
            {"Name": "sidecar", "Environment": [{"Name": "MODE", "Value": "x"}]},
        ]
    }
    model = _adapt("cloudformation", _view("Task", "AWS::ECS::TaskDefinition", body))
    assert _env(model) == {"TOKEN": "t0k", "PORT": "80", "MODE": "x"}


def test_terraform_container_definitions_json_string_is_parsed_and_shifted() -> None:
    inner = (
        '[\n  {\n    "name": "web",\n    "environment": [\n'
        '      {"name": "API_TOKEN", "value": "abc"}\n    ]\n  }\n]'
    )
    tf = "main.tf"
    body = MapNode(
        loc=Location(tf, 1, 1),
        items={"container_definitions": ScalarNode(loc=Location(tf, 10, 1), value=inner)},  # a heredoc
        key_locs={"container_definitions": Location(tf, 10, 3)},
    )
    view = ResourceView("aws_ecs_task_definition.web", "aws_ecs_task_definition", Location(tf, 9, 1), body)
    model = _adapt("terraform", view)
    (var,) = model.of(EnvironmentVariable)
    assert var.name == "API_TOKEN"
    # line 5 of the string is line 14 of the file, at the value's own column
    assert var.value.loc == Location(tf, 14, 38)


def test_terraform_lambda_environment_block() -> None:
    body = {"function_name": "f", "environment": [{"variables": {"DB_PASSWORD": "pw-literal"}}]}
    model = _adapt("terraform", _view("aws_lambda_function.f", "aws_lambda_function", body))
    assert _env(model) == {"DB_PASSWORD": "pw-literal"}


def test_codebuild_only_plaintext_variables() -> None:
    body = {
        "Environment": {
            "EnvironmentVariables": [
                {"Name": "A", "Value": "1", "Type": "PLAINTEXT"},
                {"Name": "B", "Value": "/ssm/name", "Type": "PARAMETER_STORE"},
                {"Name": "C", "Value": "sm:key", "Type": "SECRETS_MANAGER"},
                {"Name": "D", "Value": "4"},
            ]
        }
    }
    model = _adapt("cloudformation", _view("Build", "AWS::CodeBuild::Project", body))
    assert _env(model) == {"A": "1", "D": "4"}


def test_beanstalk_only_application_environment_namespace() -> None:
    body = {
        "setting": [
            {"namespace": "aws:elasticbeanstalk:application:environment", "name": "SECRET", "value": "s"},
            {"namespace": "aws:autoscaling:launchconfiguration", "name": "IamInstanceProfile", "value": "p"},
        ]
    }
    model = _adapt(
        "terraform", _view("aws_elastic_beanstalk_environment.e", "aws_elastic_beanstalk_environment", body)
    )
    assert _env(model) == {"SECRET": "s"}


def test_glue_default_arguments_strip_dashes() -> None:
    body = {"DefaultArguments": {"--DB_PASSWORD": "x", "--job-language": "python"}}
    model = _adapt("cloudformation", _view("Job", "AWS::Glue::Job", body))
    assert _env(model) == {"DB_PASSWORD": "x", "job-language": "python"}


def test_variables_under_a_condition_name_it() -> None:
    body = _view("Fn", "AWS::Lambda::Function", {"Environment": {"Variables": {}}}).body
    assert body is not None
    env = body.items["Environment"]
    assert isinstance(env, MapNode)
    loc = Location(PATH, 3, 5)
    on = MapNode(loc=loc, items={"TOKEN": ScalarNode(loc=loc, value="a")}, key_locs={"TOKEN": loc})
    env.items["Variables"] = ChoiceNode(loc=loc, options=[("IsProd", on), ("not IsProd", None)])
    model = _adapt("cloudformation", ResourceView("Fn", "AWS::Lambda::Function", Location(PATH, 1, 1), body))
    (var,) = model.of(EnvironmentVariable)
    assert [v.condition for v in var.value.variants()] == ["IsProd"]


# -- secret properties ----------------------------------------------------------------------------------


def test_rds_password_recorded_and_managed_password_skipped() -> None:
    plain = _view("Db", "AWS::RDS::DBInstance", {"MasterUserPassword": "pw"})
    managed = _view(
        "Managed", "AWS::RDS::DBInstance", {"MasterUserPassword": "pw", "ManageMasterUserPassword": True}
    )
    model = _adapt("cloudformation", plain, managed)
    (prop,) = model.of(SecretProperty)
    assert (prop.address, prop.property, prop.value.raw) == ("Db", "MasterUserPassword", "pw")


def test_mq_users_each_password() -> None:
    body = {"user": [{"username": "a", "password": "p1"}, {"username": "b", "password": "p2"}]}
    model = _adapt("terraform", _view("aws_mq_broker.b", "aws_mq_broker", body))
    assert [p.value.raw for p in model.of(SecretProperty)] == ["p1", "p2"]
    assert {p.property for p in model.of(SecretProperty)} == {"user.password"}


def test_elasticache_user_password_list_items() -> None:
    body = {"Passwords": ["first-password-1", "second-password-2"]}
    model = _adapt("cloudformation", _view("U", "AWS::ElastiCache::User", body))
    assert [p.value.raw for p in model.of(SecretProperty)] == ["first-password-1", "second-password-2"]


def test_glue_connection_password_case_insensitive_and_terraform_null_skipped() -> None:
    body = {"connection_properties": {"password": "pw", "USERNAME": "u"}}
    model = _adapt("terraform", _view("aws_glue_connection.c", "aws_glue_connection", body))
    assert [p.value.raw for p in model.of(SecretProperty)] == ["pw"]
    model = _adapt("terraform", _view("aws_db_instance.d", "aws_db_instance", {"password": None}))
    assert model.of(SecretProperty) == []


def test_unknown_password_is_recorded_as_unknown() -> None:
    view = _view("Db", "AWS::RDS::DBCluster", {"MasterUserPassword": "placeholder"})
    assert view.body is not None
    view.body.items["MasterUserPassword"] = UnknownNode(loc=Location(PATH, 2, 25), reason="no default")
    (prop,) = _adapt("cloudformation", view).of(SecretProperty)
    assert prop.value.is_unknown


# -- Secrets Manager, SSM, access keys ----------------------------------------------------------------------


def test_rotation_through_a_target_attachment_targets_the_secret() -> None:
    secret = _view("Db", "AWS::SecretsManager::Secret", {"Name": "db/master"})
    attachment = _view("Attach", "AWS::SecretsManager::SecretTargetAttachment", {"SecretId": "x"})
    assert attachment.body is not None
    attachment.body.items["SecretId"] = UnknownNode(loc=Location(PATH, 2, 1), ref="Db")
    rotation = _view("Rotate", "AWS::SecretsManager::RotationSchedule", {"SecretId": "x"})
    assert rotation.body is not None
    rotation.body.items["SecretId"] = UnknownNode(loc=Location(PATH, 2, 1), ref="Attach")
    model = _adapt("cloudformation", secret, attachment, rotation)
    (sec,) = model.of(Secret)
    (rot,) = model.of(SecretRotation)
    assert sec.names == ("db/master",)
    assert model.refers_to(rot.secret, sec)


def test_terraform_inline_rotation() -> None:
    inline = _view("aws_secretsmanager_secret.a", "aws_secretsmanager_secret", {"rotation_rules": [{"x": 1}]})
    plain = _view("aws_secretsmanager_secret.b", "aws_secretsmanager_secret", {"name": "b"})
    model = _adapt("terraform", inline, plain)
    assert [s.inline_rotation for s in model.of(Secret)] == [True, False]


def test_ssm_insecure_value_is_the_value() -> None:
    body = {"name": "/x/token", "type": "String", "insecure_value": "v"}
    (param,) = _adapt("terraform", _view("aws_ssm_parameter.p", "aws_ssm_parameter", body)).of(SSMParameter)
    assert (param.name.raw, param.param_type.raw, param.value.raw) == ("/x/token", "String", "v")


def test_inactive_access_key_not_adapted() -> None:
    active = _view("K1", "AWS::IAM::AccessKey", {"UserName": "ci"})
    inactive = _view("K2", "AWS::IAM::AccessKey", {"UserName": "ci", "Status": "Inactive"})
    model = _adapt("cloudformation", active, inactive)
    assert [k.address for k in model.of(AccessKey)] == ["K1"]


def test_plan_value_configured_as_a_reference_is_not_a_literal() -> None:
    view = _view("aws_db_instance.db", "aws_db_instance", {"password": "resolved-from-var", "username": "a"})
    view.extra["expressions"] = parse_json(
        json.dumps({"password": {"references": ["var.db_password"]}, "username": {"constant_value": "a"}}),
        PATH,
    )
    ctx = AdaptContext(Model(), "terraform-plan", {view.address: view})
    for handler in tf_handlers(view.type):
        handler(view, ctx)
    (prop,) = ctx.model.of(SecretProperty)
    assert prop.value.is_unknown
    # a constant in the configuration stays a literal
    view.extra["expressions"] = parse_json(json.dumps({"password": {"constant_value": "x"}}), PATH)
    ctx = AdaptContext(Model(), "terraform-plan", {view.address: view})
    for handler in tf_handlers(view.type):
        handler(view, ctx)
    (prop,) = ctx.model.of(SecretProperty)
    assert prop.value.raw == "resolved-from-var"
