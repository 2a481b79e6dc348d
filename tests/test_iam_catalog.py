"""The IAM action catalog: loading without importing cfn-lint, wildcard expansion, LP111 checks."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import REPO
from lpcheck.iam.catalog import ActionCatalog, get_catalog, wildcard_match
from lpcheck.iam.grammar import action_problem, recase


@pytest.fixture(scope="module")
def catalog() -> ActionCatalog:
    cat = get_catalog()
    if not cat.available:
        pytest.skip("cfn-lint's Policies.json is not installed")
    return cat


def test_catalog_is_large_and_knows_common_actions(catalog: ActionCatalog) -> None:
    assert len(catalog.all_actions) > 10000
    for action in ("s3:getobject", "iam:passrole", "ec2:runinstances", "sts:assumerole", "kms:decrypt"):
        assert action in catalog.all_actions


def test_loading_does_not_import_cfnlint() -> None:
    code = (
        "import sys; from lpcheck.iam.catalog import ActionCatalog; c = ActionCatalog.load();"
        "assert c.available; assert 'cfnlint' not in sys.modules, 'cfnlint imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env={"PYTHONPATH": str(REPO / "src")})


def test_prefix_wildcard(catalog: ActionCatalog) -> None:
    got = catalog.expand("s3:Get*")
    assert "s3:getobject" in got and "s3:getbucketpolicy" in got
    assert "s3:putobject" not in got
    assert all(a.startswith("s3:get") for a in got)


def test_expansion_is_case_insensitive(catalog: ActionCatalog) -> None:
    assert catalog.expand("S3:GETOBJECT") == {"s3:getobject"}
    assert catalog.expand("s3:get*") == catalog.expand("S3:Get*")
    assert catalog.expand("IAM:PassRole") == {"iam:passrole"}


def test_infix_wildcard(catalog: ActionCatalog) -> None:
    got = catalog.expand("iam:*Policy*")
    assert {"iam:putrolepolicy", "iam:createpolicyversion", "iam:attachuserpolicy"} <= got
    assert "iam:passrole" not in got


def test_question_mark_matches_one_character(catalog: ActionCatalog) -> None:
    assert catalog.expand("s3:GetObjec?") == {"s3:getobject"}
    assert catalog.expand("s3:GetObje?") == frozenset()
    assert "iam:putuserpolicy" in catalog.expand("iam:Put????Policy")
    assert "iam:putrolepolicy" in catalog.expand("iam:Put????Policy")
    assert "iam:putgrouppolicy" not in catalog.expand("iam:Put????Policy")


def test_everything(catalog: ActionCatalog) -> None:
    assert catalog.expand("*") == catalog.all_actions
    assert catalog.expand("*:*") == catalog.all_actions


def test_whole_service(catalog: ActionCatalog) -> None:
    got = catalog.expand("iam:*")
    assert "iam:passrole" in got and "iam:createuser" in got
    assert all(a.startswith("iam:") for a in got)


def test_service_wildcard_spans_services(catalog: ActionCatalog) -> None:
    got = catalog.expand("s3*:*")
    prefixes = {a.split(":")[0] for a in got}
    assert "s3" in prefixes and len(prefixes) > 1
    assert all(p.startswith("s3") for p in prefixes)


def test_unknown_names_expand_to_nothing(catalog: ActionCatalog) -> None:
    assert catalog.expand("s3:GetObjcet") == frozenset()
    assert catalog.expand("nosuchservice:Get*") == frozenset()
    assert catalog.expand("GetObject") == frozenset()


def test_resource_level_support(catalog: ActionCatalog) -> None:
    assert catalog.supports_resources("s3:GetObject")
    assert catalog.supports_resources("iam:PassRole")
    assert not catalog.supports_resources("s3:ListAllMyBuckets")
    assert not catalog.supports_resources("ec2:DescribeInstances")


def test_wildcard_match_for_arns_is_case_sensitive() -> None:
    assert wildcard_match("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/key", case_sensitive=True)
    assert not wildcard_match("arn:aws:s3:::Bucket/*", "arn:aws:s3:::bucket/key", case_sensitive=True)
    assert wildcard_match("S3:Get*", "s3:getobject")


@pytest.mark.parametrize(
    ("action", "fragment"),
    [
        ("s3:GetObjcet", "unknown action 's3:GetObjcet' in Action (did you mean 's3:GetObject'?)"),
        ("S3:ReplicationTags", "(did you mean 's3:ReplicateTags'?)"),
        ("rds:DescribeDBInstnces", "(did you mean 'rds:DescribeDBInstances'?)"),
        ("dynamodb:CreateItem", "(did you mean 'dynamodb:CreateTable'?)"),
        ("s3:Gte*", "matches no action"),
        ("dynamodb:Fetch*", "matches no action"),
        ("s4:GetObject", "unknown service prefix 's4'"),
        ("s3:Foo*", "matches no action"),
        ("nosuch*:Get*", "matches no service prefix"),
    ],
)
def test_action_problems(catalog: ActionCatalog, action: str, fragment: str) -> None:
    problem = action_problem(action, catalog)
    assert problem is not None and fragment in problem


@pytest.mark.parametrize("action", ["s3:GetObject", "S3:getobject", "*", "s3:*", "iam:Put*", "ec2:Describe*"])
def test_valid_actions_have_no_problem(catalog: ActionCatalog, action: str) -> None:
    assert action_problem(action, catalog) is None


def test_family_wildcards_that_match_nothing_are_not_typos(catalog: ActionCatalog) -> None:
    # "<service>:View*" written for a list of services: the verb is common, the service lacks it.
    assert action_problem("tag:View*", catalog) is None
    assert action_problem("health:BatchGet*", catalog) is None


def test_console_default_sns_action_is_accepted(catalog: ActionCatalog) -> None:
    assert action_problem("SNS:Receive", catalog) is None


def test_retired_services_are_not_unknown(catalog: ActionCatalog) -> None:
    # Still present in AWS managed policies, gone from the current service reference.
    assert action_problem("deepracer:*", catalog) is None
    assert action_problem("iotevents:DescribeInput", catalog) is None


def test_missing_data_file_degrades_quietly() -> None:
    empty = ActionCatalog({}, available=False)
    # The actions the rules reason about by name are still known...
    assert "iam:passrole" in empty.expand("iam:Pass*")
    assert "iam:putuserpolicy" in empty.expand("*")
    # ...and nothing crashes.
    assert empty.expand("s3:GetObject") == frozenset()


@pytest.mark.parametrize(
    ("written", "suggestion", "readable"),
    [
        ("s3:GetObjcet", "s3:getobject", "s3:GetObject"),
        ("S3:ReplicationTags", "s3:replicatetags", "s3:ReplicateTags"),
        ("rds:describedbinstnces", "rds:describedbinstances", "rds:DescribeDBInstances"),
        ("a4b:getskilgroup", "a4b:getskillgroup", "a4b:GetSkillGroup"),
    ],
)
def test_suggestions_are_cased_readably(written: str, suggestion: str, readable: str) -> None:
    assert recase(written, suggestion) == readable
