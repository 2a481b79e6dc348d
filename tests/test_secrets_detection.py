"""The secrets package on its own: credential formats, secret-looking names, placeholders, masking.

Each case is a concrete string a real template contains (or a trap that looks like one), so a
change in a pattern or a word list that breaks a decision fails here, not only in a fixture.
"""

from __future__ import annotations

import pytest

from lpcheck.secrets import (
    AWS_KEY_ID,
    AWS_SECRET_KEY,
    find_aws_credentials,
    find_aws_key_ids,
    find_aws_secret_keys,
    find_other_credentials,
    is_dynamic_reference,
    is_placeholder,
    looks_non_secret_value,
    looks_secret_name,
    mask,
    url_credentials,
)

SECRET = "9dXk2LmQ7pRvT3sW8yZ1aB4cE6fG0hJ5kN7mP2qR"


# -- AWS access key IDs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "AKIAIOSFODNN7EXAMPLE",  # the AWS documentation example is reported (see formats docstring)
        "ASIAJ7Q2LMXRZ4BNVW3K",
        "export AWS_ACCESS_KEY_ID=AKIAJ7Q2LMXRZ4BNVW3K\n",
        '{"key": "AKIAZ5RT2MQP7LWX3NB4"}',
    ],
)
def test_key_ids_found(text: str) -> None:
    (match,) = find_aws_key_ids(text)
    assert match.kind == AWS_KEY_ID and match.aws
    assert text[match.start : match.start + 20] == match.text


@pytest.mark.parametrize(
    "text",
    [
        "AROAJ2UCCR6DPCEXAMPLE",  # role unique ID
        "AIDAJQABLZS4A3QDU576Q",  # user unique ID
        "AGPAJ2UCCR6DPCEXAMPL",  # group unique ID
        "AKIAXXXXXXXXXXXXXXXX",  # filler
        "XAKIAJ7Q2LMXRZ4BNVW3K",  # part of a longer token
        "AKIAJ7Q2LMXRZ4BNVW3KQ",
        "akiaj7q2lmxrz4bnvw3k",
    ],
)
def test_key_id_lookalikes_ignored(text: str) -> None:
    assert find_aws_key_ids(text) == []


def test_key_id_digits_0_1_8_9_only_under_an_access_key_name() -> None:
    text = "AKIAI44QH8DHBEXAMPLE"  # another AWS docs example, outside the base32 alphabet
    assert find_aws_key_ids(text) == []
    assert [m.text for m in find_aws_key_ids(text, "aws_access_key_id")] == [text]
    assert [m.text for m in find_aws_key_ids(text, "AccessKeyId")] == [text]


# -- AWS secret access keys (context only) ------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["secret_key", "AWS_SECRET_ACCESS_KEY", "SecretAccessKey", "aws_secret", "secret"]
)
def test_secret_key_under_a_secret_key_name(name: str) -> None:
    (match,) = find_aws_secret_keys(SECRET, name)
    assert match.kind == AWS_SECRET_KEY and match.text == SECRET


@pytest.mark.parametrize("name", [None, "value", "client_secret", "SECRET_ARN", "checksum"])
def test_secret_key_without_context_ignored(name: str | None) -> None:
    assert find_aws_secret_keys(SECRET, name) == []


def test_secret_key_beside_a_key_id() -> None:
    assert [m.text for m in find_aws_secret_keys(SECRET, "Value", near_key_id=True)] == [SECRET]


def test_secret_key_assignments_inside_text() -> None:
    text = f"#!/bin/bash\nexport AWS_SECRET_ACCESS_KEY={SECRET}\naws s3 ls\n"
    assert [m.text for m in find_aws_secret_keys(text)] == [SECRET]
    ini = f"[default]\naws_secret_access_key = {SECRET}\n"
    assert [m.text for m in find_aws_secret_keys(ini)] == [SECRET]


def test_secret_key_after_a_cli_flag() -> None:
    text = f"aws configure set --aws-secret-access-key {SECRET} --profile ci"
    assert [m.text for m in find_aws_secret_keys(text)] == [SECRET]


def test_secret_key_in_text_with_a_key_id() -> None:
    text = f"credentials AKIAJ7Q2LMXRZ4BNVW3K {SECRET}"
    found = find_aws_credentials(text)
    assert [(m.kind, m.text) for m in found] == [
        (AWS_KEY_ID, "AKIAJ7Q2LMXRZ4BNVW3K"),
        (AWS_SECRET_KEY, SECRET),
    ]


@pytest.mark.parametrize(
    "value",
    [
        "4f1d2c9e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e",  # SHA-1 hex: no upper case
        "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMN",  # no lower case, no digit
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        SECRET + "x",  # 41 characters
    ],
)
def test_secret_key_shape(value: str) -> None:
    assert find_aws_secret_keys(value, "secret_key") == []


def test_documentation_example_secret_is_reported() -> None:
    assert find_aws_secret_keys("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "secret_key")


# -- other credential formats --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("ghp_Zx8cV2bN4mQ7wE1rT6yU9iO3pA5sD0fG8hJ2", "GitHub token"),
        (
            "github_pat_11ABCDEFG0abcdefghijkl_" + "a1B2c3D4e5F6g7H8i9J0" * 2 + "k1L2m3N4o5P6q7R8s9T",
            "GitHub token",
        ),
        ("xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "Slack token"),
        (
            "https://hooks.slack.com/services/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",
            "Slack webhook URL",
        ),
        ("sk_live_51HqLyjWDarjtT1zdp7dcXGzq9", "Stripe secret key"),
        ("AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY", "Google API key"),
        ("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", "SendGrid API key"),
        ("npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8", "npm token"),
        ("glpat-a1B2c3D4e5F6g7H8i9J0", "GitLab token"),
        (
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7V4f8bXo0zq3Jt5mQ1c9a2kP0sLw3xYz\n",
            "private key",
        ),
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n", "private key"),
        (
            "Xy7Qw2Er5Ty8Ui.atlasv1.Pz3Lk9Mj6Nh2Bg5Vf8Cd1Xs4Za7Qw0Er3Ty6Ui9Op2As5Df8Gh1Jk4Lz7Xc0Vb3Nm6",
            "Terraform Cloud token",
        ),
        ("dop_v1_4f9c2b7e1a8d3f6c0b5e9a2d7c4f1b8e3a6d9c2f5b8e1a4d7c0f3b6e9a2d5c8f", "DigitalOcean token"),
        ("4f9c2b7e1a8d3f6c0b5e9a2d7c4f1b8e-us14", "Mailchimp API key"),  # the random part comes first
        ("dapi4f9c2b7e1a8d3f6c0b5e9a2d7c4f1b8e", "Databricks token"),
        ("NRAK-A1B2C3D4E5F6G7H8I9J0K1L2M3N", "New Relic API key"),
    ],
)
def test_other_formats(text: str, kind: str) -> None:
    found = find_other_credentials(text)
    assert [m.kind for m in found] == [kind]
    assert not found[0].aws


@pytest.mark.parametrize(
    "text",
    [
        "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "xoxb-ENTER YOUR BOT'S ACCESS TOKEN HERE",
        "sk_test_51HqLyjWDarjtT1zdp7dcXGzq9",  # test-mode keys are not reported
        "sk_live_XXXXXXXXXXXXXXXXXXXXXXXX",
        "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----",
        "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA7V4f8bXo0zq3Jt5mQ1c9\n",
        "https://hooks.slack.com/services/YOUR/WEBHOOK/URL",
        "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        "4f9c2b7e1a8d3f6c0b5e9a2d7c4f1b8e",  # an MD5 alone
    ],
)
def test_other_format_lookalikes_ignored(text: str) -> None:
    assert find_other_credentials(text) == []


# -- names ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "DB_PASSWORD",
        "MasterUserPassword",
        "MySlackToken",
        "api-key",
        "x-api-key",
        "OPENAI_API_KEY",
        "CLIENT_SECRET",
        "JWT_SECRET",
        "PRIVATE_KEY",
        "ENCRYPTION_KEY",
        "AWS_SECRET_ACCESS_KEY",
        "authToken",
        "dbCredentials",
        "DB_PASS",
        "password_wo",
        "SalesforceOauthClientSecret",
    ],
)
def test_secret_names(name: str) -> None:
    assert looks_secret_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "SECRET_ARN",
        "SecretName",
        "SecretsManagerSecretArn",
        "PasswordLength",
        "password_wo_version",
        "TOKEN_TABLE",
        "TOKEN_TABLE_NAME",
        "TOKEN_TTL_SECONDS",
        "SSM_PASSWORD_PARAM",
        "NextToken",
        "HttpTokens",
        "PublicKey",
        "KMS_KEY",
        "PARTITION_KEY",
        "AWS_ACCESS_KEY_ID",
        "SLACK_WEBHOOK_URL",
        "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT",
        "MaxTokens",
        "LOG_LEVEL",
    ],
)
def test_non_secret_names(name: str) -> None:
    assert not looks_secret_name(name)


# -- placeholders and non-secret shapes -------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "{{resolve:secretsmanager:db:SecretString:password}}",
        "{{resolve:ssm-secure:/db/master:1}}",
        "${DbPassword}",
        "<your-password>",
        "REPLACE_ME",
        "xxxxxxxx",
        "********",
        "ENTER YOUR SLACK CHANNEL ID",
        "xoxb-ENTER YOUR BOT'S ACCESS TOKEN HERE",
        "https://webhook.site/<<ENTER YOUR UNIQUE URL HERE>>",
        "MyAPIkey",
        "KeyValue",
        "YourApiKey",
        "TODO",
    ],
)
def test_placeholders(value: str) -> None:
    assert is_placeholder(value)


@pytest.mark.parametrize(
    "value", ["changeme", "password", "Sup3rSecret!", "UberSecretPassword", "hunter2", "SuperSecretPassw0rd"]
)
def test_weak_real_passwords_are_not_placeholders(value: str) -> None:
    assert not is_placeholder(value)


def test_slot_naming_values_are_real_where_a_password_is_documented() -> None:
    # deployed as a broker's or database's own password, "examplepassword" is a weak password
    assert is_placeholder("examplepassword")
    assert not is_placeholder("examplepassword", "password", slot_words=False)
    assert not is_placeholder("MyPassword", slot_words=False)
    assert is_placeholder("<your-password>", slot_words=False)  # markers stay markers


def test_value_equal_to_its_key_is_a_placeholder() -> None:
    assert is_placeholder("client_secret", "client_secret")
    assert is_placeholder("ClientSecret", "client_secret")
    assert not is_placeholder("client_secret", "password")


def test_dynamic_reference() -> None:
    assert is_dynamic_reference("prefix-{{resolve:secretsmanager:x}}")
    assert not is_dynamic_reference("{{resolve:other:x}}")


@pytest.mark.parametrize(
    "value",
    [
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
        "/orders/db/password",
        "https://auth.example.com/oauth2/token",
        "true",
        "3600",
        "SECRETS_MANAGER",
        "ops@example.com",
        "postgres://orders@db.internal:5432/orders",
        "rds!db-1b2c3d4e-5f60-4718-92a3-b4c5d6e7f809",  # an RDS-managed secret's name
        "prod/orders/db-password",  # a secret's name
    ],
)
def test_non_secret_shapes(value: str) -> None:
    assert looks_non_secret_value(value)


@pytest.mark.parametrize(
    "value",
    ["hunter2hunter2", "s3ss10n-s1gn1ng-k3y", "postgres://u:Pa55-w0rd@db/x", "wJalrXUtnFEMI/K7MDENG/bPxRf"],
)
def test_secret_shapes(value: str) -> None:
    assert not looks_non_secret_value(value)


def test_url_credentials() -> None:
    assert url_credentials("postgres://app:Pa55-w0rd@db:5432/app") == "Pa55-w0rd"
    assert url_credentials("postgres://app:${DB_PASSWORD}@db/app") is None
    assert url_credentials("postgres://app:pw-${AWS::StackName}@db/app") is None  # partly unknown
    assert url_credentials("postgres://app:<password>@db/app") is None
    assert url_credentials("https://example.com/a:b@c") is None


# -- masking --------------------------------------------------------------------------------------------


def test_mask_shows_four_characters_at_most() -> None:
    assert mask("AKIAIOSFODNN7EXAMPLE") == "AKIA\u2026"
    assert mask("abcd") == "abc\u2026"  # a short secret is never printed whole
    assert mask("a") == "\u2026"
    for secret in ("hunter2", SECRET, "ghp_Zx8cV2bN4mQ7wE1rT6yU9iO3pA5sD0fG8hJ2"):
        assert secret not in mask(secret) and len(mask(secret)) == 5
