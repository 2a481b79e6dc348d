"""Rules LP201-LP206 on hand-built models: precedence between the rules, "one finding per cause",
values that flowed in from parameter defaults, and Secrets Manager rotation linking.

The models are what the front-ends and handlers produce; building them by hand pins the rules'
decisions independently of the front-ends (the fixtures cover the whole pipeline).
"""

from __future__ import annotations

from lpcheck.findings import Issue
from lpcheck.location import Location
from lpcheck.model.container import Model
from lpcheck.model.resources import (
    AccessKey,
    EnvironmentVariable,
    Secret,
    SecretProperty,
    SecretRotation,
    SSMParameter,
    StringLiteral,
    TemplateParameter,
)
from lpcheck.model.values import Value
from lpcheck.parsers.nodes import MapNode, ScalarNode
from lpcheck.rules.lp201_hardcoded_access_key import hardcoded_access_key
from lpcheck.rules.lp202_hardcoded_password import hardcoded_password
from lpcheck.rules.lp203_secret_in_environment import secret_in_environment
from lpcheck.rules.lp204_long_lived_access_key import long_lived_access_key
from lpcheck.rules.lp205_secret_without_rotation import secret_without_rotation
from lpcheck.rules.lp206_plaintext_secret_parameter import plaintext_secret_parameter

F = "t.yaml"
KEY_ID = "AKIAJ7Q2LMXRZ4BNVW3K"
SECRET_KEY = "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"
GITHUB = "ghp_Zx8cV2bN4mQ7wE1rT6yU9iO3pA5sD0fG8hJ2"


def at(line: int, col: int = 1) -> Location:
    return Location(F, line, col)


def lit(raw: object, line: int, col: int = 1, origin: str | None = None) -> Value:
    return Value.literal(raw, at(line, col), origin)


def model_of(*objs: object) -> Model:
    m = Model()
    for o in objs:
        m.add(o)
    return m


def lines(issues: list[Issue]) -> list[int]:
    return sorted(i.loc.line for i in issues)


def env(name: str, value: Value, owner: str = "Fn", line: int = 1) -> EnvironmentVariable:
    return EnvironmentVariable(
        address=owner, type="AWS::Lambda::Function", loc=at(line), name=name, value=value
    )


def string(value: str, line: int, path: tuple[str, ...], owner: str = "Fn", origin: str | None = None):
    return StringLiteral(value=value, loc=at(line, 5), path=path, owner=owner, origin=origin)


def param(name: str, default: Value, *, hidden: bool = False, used: bool = True) -> TemplateParameter:
    return TemplateParameter(
        address=name, type="parameter", loc=at(2), name=name, default=default, hidden=hidden, used=used
    )


# -- LP201 -------------------------------------------------------------------------------------------------


def test_lp201_same_key_through_env_and_literal_is_one_finding_and_masked() -> None:
    model = model_of(
        env("AWS_ACCESS_KEY_ID", lit(KEY_ID, 10, 5)),
        string(KEY_ID, 10, ("Environment", "Variables", "AWS_ACCESS_KEY_ID")),
    )
    (issue,) = list(hardcoded_access_key(model))
    assert issue.loc == at(10, 5)
    assert KEY_ID not in issue.message and "'AKIA\u2026'" in issue.message


def test_lp201_secret_key_next_to_key_id_in_name_value_pairs() -> None:
    path = ("ContainerDefinitions", "Environment", "Value")
    model = model_of(string(KEY_ID, 5, path, "Task"), string(SECRET_KEY, 6, path, "Task"))
    assert lines(list(hardcoded_access_key(model))) == [5, 6]
    # the same 40-character value with no key ID beside it is not a secret key
    assert list(hardcoded_access_key(model_of(string(SECRET_KEY, 6, path, "Task")))) == []


def test_lp201_provider_block_secret_key_by_attribute_name() -> None:
    model = model_of(string(SECRET_KEY, 4, ("secret_key",), "provider.aws"))
    (issue,) = list(hardcoded_access_key(model))
    assert "provider.aws secret_key" in issue.message and "secret access key" in issue.message


def test_lp201_flowed_default_reported_once_at_first_use_with_source() -> None:
    origin = "default of parameter Key (t.yaml:3)"
    model = model_of(
        param("Key", lit(KEY_ID, 3, 14)),
        string(KEY_ID, 20, ("A",), "R1", origin),
        string(KEY_ID, 12, ("B",), "R2", origin),
    )
    (issue,) = list(hardcoded_access_key(model))
    assert issue.loc.line == 12 and origin in issue.message


def test_lp201_unused_default_reported_at_the_default() -> None:
    model = model_of(param("Key", lit(KEY_ID, 3, 14), used=False))
    (issue,) = list(hardcoded_access_key(model))
    assert issue.loc == at(3, 14)


def test_lp201_key_inside_a_json_string_defers_to_the_parsed_variable() -> None:
    doc = f'[{{"environment": [{{"name": "K", "value": "{KEY_ID}"}}]}}]'
    model = model_of(
        string(doc, 7, ("container_definitions",), "aws_ecs_task_definition.t"),
        env("K", lit(KEY_ID, 9, 30), owner="aws_ecs_task_definition.t"),
    )
    (issue,) = list(hardcoded_access_key(model))
    assert issue.loc == at(9, 30)


# -- LP202 -------------------------------------------------------------------------------------------------


def prop(name: str, value: Value, address: str = "Db", rtype: str = "AWS::RDS::DBInstance") -> SecretProperty:
    return SecretProperty(address=address, type=rtype, loc=at(1), property=name, value=value)


def test_lp202_literal_reference_and_placeholders() -> None:
    model = model_of(
        prop("MasterUserPassword", lit("Sup3rSecret!", 5, 27)),
        prop("MasterUserPassword", Value.unknown(at(6), ref="Secret"), address="B"),
        prop("MasterUserPassword", lit("{{resolve:secretsmanager:db:SecretString:pw}}", 7), address="C"),
        prop("MasterUserPassword", lit("<password>", 8), address="D"),
        prop("MasterUserPassword", lit("", 9), address="E"),
        prop("MasterUserPassword", lit("changeme", 10), address="F"),
    )
    issues = list(hardcoded_password(model))
    assert lines(issues) == [5, 10]
    assert all("Sup3rSecret!" not in i.message for i in issues)


def test_lp202_choice_reports_the_literal_branch_with_its_condition() -> None:
    value = Value.choice(
        [
            lit("legacy-token-123", 8, 20).with_condition("Legacy"),
            Value.unknown(at(8, 40)).with_condition("not"),
        ],
        at(8),
    )
    (issue,) = list(hardcoded_password(model_of(prop("AuthToken", value, "Cache"))))
    assert issue.loc == at(8, 20) and "Legacy" in issue.message


def test_lp202_parameter_default_reported_at_use_not_twice() -> None:
    origin = "default of parameter DbPassword (t.yaml:4)"
    model = model_of(
        param("DbPassword", lit("hunter2hunter2", 4, 14)),
        prop("MasterUserPassword", lit("hunter2hunter2", 30, 27, origin)),
        prop("MasterUserPassword", lit("hunter2hunter2", 40, 27, origin), address="Db2"),
    )
    (issue,) = list(hardcoded_password(model))
    assert issue.loc.line == 30 and "DbPassword" in issue.message


def test_lp202_secret_looking_parameter_with_default() -> None:
    model = model_of(
        param("ApiToken", lit("tok3n-9f8e7d6c", 4, 14)),
        param("HiddenToken", lit("tok3n-9f8e7d6c-2", 5, 14), hidden=True),
        param("SecretName", lit("vscode-password", 6, 14)),
        param("PasswordLength", lit(32, 7, 14)),
        param("SlackToken", lit("xoxb-ENTER YOUR TOKEN HERE", 8, 14)),
        param("AdminPassword", Value.absent(at(9))),
        param("PasswordParam", lit("/app/db/password", 10, 14)),
    )
    (issue,) = list(hardcoded_password(model))
    assert issue.loc == at(4, 14) and "NoEcho" in issue.message


def test_lp202_secret_string_json() -> None:
    plain = prop("SecretString", lit("just-a-secret-value", 3), "S1", "AWS::SecretsManager::Secret")
    with_password = prop("SecretString", lit('{"username": "a", "password": "pw-123456"}', 4), "S2")
    user_only = prop("SecretString", lit('{"username": "a", "host": "db"}', 5), "S3")
    inner = ScalarNode(loc=at(12, 17), value="pw-654321")
    structure = MapNode(
        loc=at(10), items={"username": ScalarNode(loc=at(11, 17), value="a"), "password": inner}
    )
    tf_map = prop("secret_string", Value.literal(structure, at(10)), "aws_secretsmanager_secret_version.v")
    issues = list(hardcoded_password(model_of(plain, with_password, user_only, tf_map)))
    assert [i.loc for i in issues] == [at(3), at(4), at(12, 17)]


def test_lp202_aws_key_in_a_secret_property_is_lp201s() -> None:
    model = model_of(prop("secret_key", lit(SECRET_KEY, 3), "aws_datasync_location_object_storage.s"))
    assert list(hardcoded_password(model)) == []


def test_lp202_module_argument() -> None:
    model = model_of(
        string("UberSecretPassword", 52, ("password_wo",), "module.db"),
        string("client_secret", 60, ("listeners", "oidc", "client_secret"), "module.alb"),
        string("postgres", 61, ("engine",), "module.db"),
    )
    (issue,) = list(hardcoded_password(model))
    assert issue.loc.line == 52 and "module.db setting password_wo" in issue.message


# -- LP203 -------------------------------------------------------------------------------------------------


def test_lp203_names_values_and_precedence() -> None:
    model = model_of(
        env("DB_PASSWORD", lit("hunter2hunter2", 3)),
        env("SECRET_ARN", lit("arn:aws:secretsmanager:eu-west-1:1:secret:x", 4)),
        env("TOKEN_TABLE", lit("tokens", 5)),
        env("NOTIFY", lit(GITHUB, 6)),
        env("AWS_ACCESS_KEY_ID", lit(KEY_ID, 7)),  # LP201's
        env("API_KEY", Value.unknown(at(8), ref="Key")),
        env("DATABASE_URL", lit("mysql://app:Pa55-w0rd@db/app", 9)),
        env("API_TOKEN", lit("{{resolve:secretsmanager:x:SecretString:t}}", 10)),
    )
    assert lines(list(secret_in_environment(model))) == [3, 6, 9]


def test_lp203_formats_anywhere_but_not_in_secret_properties_or_twice() -> None:
    model = model_of(
        string(GITHUB, 5, ("Source", "Auth", "Resource")),
        string(GITHUB, 8, ("Token",), "Cred"),
        prop("Token", Value.literal(GITHUB, at(8, 5)), "Cred", "AWS::CodeBuild::SourceCredential"),
        env("NOTIFY", lit(GITHUB, 12, 5)),
        string(GITHUB, 12, ("Environment", "Variables", "NOTIFY")),
    )
    assert lines(list(secret_in_environment(model))) == [5, 12]


# -- LP204, LP205, LP206 -----------------------------------------------------------------------------------


def test_lp204_each_key() -> None:
    key = AccessKey(
        address="CiKey", type="AWS::IAM::AccessKey", loc=at(7, 3), user=Value.unknown(at(9), ref="Ci")
    )
    (issue,) = list(long_lived_access_key(model_of(key)))
    assert issue.loc == at(7, 3) and "Ci" in issue.message


def secret(address: str, line: int, names: tuple[str, ...] = (), inline: bool = False) -> Secret:
    return Secret(
        address=address, type="AWS::SecretsManager::Secret", loc=at(line), names=names, inline_rotation=inline
    )


def rotation(target: Value) -> SecretRotation:
    return SecretRotation(
        address="R", type="AWS::SecretsManager::RotationSchedule", loc=at(50), secret=target
    )


def test_lp205_linking() -> None:
    model = model_of(
        secret("A", 3),
        secret("B", 10),
        secret("C", 20, names=("app/c",)),
        secret("D", 30, inline=True),
        rotation(Value.unknown(at(51), ref="B")),
        rotation(lit("arn:aws:secretsmanager:eu-west-1:1:secret:app/c", 52)),
        rotation(lit("arn:aws:secretsmanager:eu-west-1:1:secret:elsewhere", 53)),
    )
    assert lines(list(secret_without_rotation(model))) == [3]


def test_lp205_unresolvable_rotation_target_silences_the_unit() -> None:
    model = model_of(secret("A", 3), rotation(Value.unknown(at(51), reason="parameter without default")))
    assert list(secret_without_rotation(model)) == []


def ssm(name: str, kind: str, value: str, line: int) -> SSMParameter:
    return SSMParameter(
        address=f"P{line}",
        type="AWS::SSM::Parameter",
        loc=at(line),
        name=lit(name, line + 1),
        param_type=lit(kind, line + 2, 13),
        value=lit(value, line + 3),
    )


def test_lp206() -> None:
    model = model_of(
        ssm("/app/db_password", "String", "initial", 10),
        ssm("/app/db_password", "SecureString", "initial", 20),
        ssm("/app/config", "String", GITHUB, 30),
        ssm("/app/api-key", "String", "arn:aws:secretsmanager:eu-west-1:1:secret:k", 40),
        ssm("/app/table", "String", "orders", 50),
        ssm("/app/token-ttl", "String", "3600", 60),
    )
    issues = list(plaintext_secret_parameter(model))
    assert [i.loc for i in issues] == [at(12, 13), at(32, 13)]


def test_lp201_secret_key_in_a_default_named_like_one() -> None:
    model = model_of(
        string(SECRET_KEY, 6, ("Parameters", "AwsSecretKey", "Default"), "Parameters.AwsSecretKey")
    )
    (issue,) = list(hardcoded_access_key(model))
    assert issue.loc.line == 6 and "the default of parameter AwsSecretKey" in issue.message


def test_lp202_nested_stack_parameter_and_provider_setting() -> None:
    model = model_of(
        prop("Parameters.DbPassword", lit("Nested-Pa55", 7), "App", "AWS::Serverless::Application"),
        prop("Parameters.ApiToken", lit("arn:aws:secretsmanager:eu-west-1:1:secret:t", 8), "App"),
        string("dd-api-key-literal", 12, ("api_key",), "provider.datadog"),
        string("eu-west-1", 13, ("region",), "provider.aws"),
    )
    assert lines(list(hardcoded_password(model))) == [7, 12]


def test_lp202_parameter_default_used_by_an_environment_variable_is_lp203s() -> None:
    origin = "default of parameter ApiToken (t.yaml:4)"
    model = model_of(
        param("ApiToken", lit("tok3n-9f8e7d6c", 4, 14)),
        env("API_TOKEN", lit("tok3n-9f8e7d6c", 20, 18, origin)),
    )
    assert list(hardcoded_password(model)) == []
    (issue,) = list(secret_in_environment(model))
    assert issue.loc == at(20, 18) and "ApiToken" in issue.message
