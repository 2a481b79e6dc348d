"""Standalone IAM JSON files: every recognised shape, policy kinds, and AWS's managed policies."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import shared_path
from lpcheck.adapters.iam_json import adapt_policy_file
from lpcheck.errors import ParseFailure
from lpcheck.model.iam import PolicyAttachment, PolicyKind
from lpcheck.model.resources import StringLiteral
from lpcheck.result import AdaptResult
from lpcheck.rules import load_all

IAM_RULES = ("LP102", "LP103", "LP104", "LP105", "LP106", "LP107", "LP109", "LP110", "LP111")

ADMIN_DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def adapt(data: object, name: str = "policy.json") -> AdaptResult:
    text = data if isinstance(data, str) else json.dumps(data, indent=2)
    return adapt_policy_file(Path(name), name, text)


def findings(result: AdaptResult, rule_id: str) -> list:
    return list(load_all()[rule_id](result.model))


def test_plain_document_is_identity() -> None:
    result = adapt(ADMIN_DOC)
    [doc] = result.model.policies
    assert doc.kind is PolicyKind.IDENTITY and doc.owner == "policy.json"
    assert [i.loc.line for i in findings(result, "LP102")] == [4]  # the statement's "{"


def test_document_with_principal_is_resource_policy() -> None:
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
        ],
    }
    result = adapt(doc)
    assert result.model.policies[0].kind is PolicyKind.RESOURCE
    assert len(findings(result, "LP107")) == 1
    assert findings(result, "LP109") == []  # no "Principal in identity policy" error


def test_document_assuming_a_role_is_trust_policy() -> None:
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}
        ],
    }
    result = adapt(doc)
    assert result.model.policies[0].kind is PolicyKind.TRUST
    assert findings(result, "LP109") == []  # a trust policy needs no Resource
    assert len(findings(result, "LP107")) == 1


def test_list_of_documents() -> None:
    result = adapt([ADMIN_DOC, ADMIN_DOC])
    assert [d.owner for d in result.model.policies] == ["policy.json[0]", "policy.json[1]"]
    assert len(findings(result, "LP102")) == 2


def test_get_policy_version_output() -> None:
    result = adapt({"PolicyVersion": {"Document": ADMIN_DOC, "VersionId": "v1", "IsDefaultVersion": True}})
    assert [i.loc.line for i in findings(result, "LP102")] == [6]


def test_get_policy_version_url_encoded_document() -> None:
    encoded = quote(json.dumps(ADMIN_DOC, separators=(",", ":")))
    result = adapt({"PolicyVersion": {"Document": encoded, "VersionId": "v1"}})
    issues = findings(result, "LP102")
    assert len(issues) == 1 and issues[0].loc.line == 3  # the line holding the encoded string


def test_get_role_policy_and_get_role_output() -> None:
    result = adapt({"RoleName": "r", "PolicyName": "p", "PolicyDocument": ADMIN_DOC})
    assert len(findings(result, "LP102")) == 1
    trust = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
    result = adapt({"Role": {"RoleName": "r", "AssumeRolePolicyDocument": trust}})
    assert result.model.policies[0].kind is PolicyKind.TRUST
    assert len(findings(result, "LP107")) == 1


def authorization_details() -> dict:
    return {
        "UserDetailList": [
            {
                "UserName": "alice",
                "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": ADMIN_DOC}],
                "AttachedManagedPolicies": [
                    {
                        "PolicyName": "AdministratorAccess",
                        "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess",
                    }
                ],
            }
        ],
        "GroupDetailList": [{"GroupName": "devs", "GroupPolicyList": [], "AttachedManagedPolicies": []}],
        "RoleDetailList": [
            {
                "RoleName": "app",
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
                },
                "RolePolicyList": [],
                "AttachedManagedPolicies": [
                    {"PolicyName": "custom", "PolicyArn": "arn:aws:iam::123456789012:policy/custom"}
                ],
            }
        ],
        "Policies": [
            {
                "PolicyName": "custom",
                "Arn": "arn:aws:iam::123456789012:policy/custom",
                "DefaultVersionId": "v2",
                "PolicyVersionList": [
                    {
                        "VersionId": "v2",
                        "IsDefaultVersion": True,
                        "Document": {
                            "Version": "2012-10-17",
                            "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}],
                        },
                    },
                    {"VersionId": "v1", "IsDefaultVersion": False, "Document": ADMIN_DOC},
                ],
            },
            {
                "PolicyName": "AdministratorAccess",
                "Arn": "arn:aws:iam::aws:policy/AdministratorAccess",
                "DefaultVersionId": "v1",
                "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": True, "Document": ADMIN_DOC}],
            },
        ],
    }


def test_account_authorization_details() -> None:
    result = adapt(authorization_details(), "auth.json")
    owners = sorted((d.owner, d.kind.value) for d in result.model.policies)
    assert owners == [
        ("managed policy custom (v2)", "identity"),
        ("role app (AssumeRolePolicyDocument)", "trust"),
        ("user alice inline policy inline", "identity"),
    ]
    attachments = result.model.of(PolicyAttachment)
    assert {
        (a.principal_kind, a.principal, a.policy.as_str() if a.policy else None) for a in attachments
    } == {
        ("user", "alice", None),
        ("user", "alice", "arn:aws:iam::aws:policy/AdministratorAccess"),
        ("role", "app", "arn:aws:iam::123456789012:policy/custom"),
    }
    inline = next(a for a in attachments if a.inline is not None)
    assert inline.inline.owner == "user alice inline policy inline"
    # Only the default version of a customer managed policy is checked; AWS managed ones are not.
    assert [i.resource for i in findings(result, "LP102")] == ["user alice inline policy inline"]
    assert [i.resource for i in findings(result, "LP106")] == ["managed policy custom (v2)"]
    assert len(findings(result, "LP107")) == 1


def test_strings_are_recorded_for_secret_rules() -> None:
    result = adapt({**ADMIN_DOC, "Id": "AKIAABCDEFGHIJKLMNOP"})
    strings = result.model.of(StringLiteral)
    assert any(s.value == "AKIAABCDEFGHIJKLMNOP" and s.loc.line == 10 for s in strings)


def test_invalid_json_is_a_parse_problem() -> None:
    result = adapt('{"Statement": [\n  {"Effect": "Allow",}\n]}')
    assert result.model.policies == []
    [problem] = result.problems
    assert isinstance(problem, ParseFailure) and problem.loc.line == 2


@pytest.mark.parametrize(
    "text", ["[]", "{}", '"x"', "[1, 2]", '{"Statement": 5}', '{"PolicyVersion": {"Document": 5}}']
)
def test_odd_files_never_raise(text: str) -> None:
    result = adapt(text)
    for rule_id in IAM_RULES:
        findings(result, rule_id)


# -- AWS managed policies (../shared/corpora) -------------------------------------------------------


def managed(name: str) -> AdaptResult:
    path = shared_path("corpora", "aws-managed-policies", "policies", name)
    return adapt_policy_file(path, name, path.read_text())


def test_managed_administrator_access() -> None:
    result = managed("AdministratorAccess")
    assert [i.loc.line for i in findings(result, "LP102")] == [8]
    assert findings(result, "LP109") == [] and findings(result, "LP111") == []


def test_managed_power_user_access() -> None:
    result = managed("PowerUserAccess")
    issues = findings(result, "LP105")
    assert len(issues) == 1 and "iam:*" in issues[0].message
    assert findings(result, "LP102") == []


def test_managed_iam_full_access() -> None:
    result = managed("IAMFullAccess")
    assert len(findings(result, "LP103")) == 1
    assert len(findings(result, "LP106")) == 1
    assert len(findings(result, "LP110")) == 1


def test_managed_read_only_has_no_escalation() -> None:
    result = managed("ReadOnlyAccess")
    for rule_id in ("LP102", "LP103", "LP105", "LP106", "LP107", "LP109", "LP110"):
        assert findings(result, rule_id) == [], rule_id


def test_all_managed_policies_scan_clean_and_fast() -> None:
    folder = shared_path("corpora", "aws-managed-policies", "policies")
    files = sorted(p for p in folder.iterdir() if p.is_file())
    texts = [(p, p.read_text()) for p in files]
    counts: Counter[str] = Counter()
    start = time.perf_counter()
    for path, text in texts:
        if not text.strip():
            continue  # two files of the snapshot are empty
        result = adapt_policy_file(path, path.name, text)
        assert not result.problems, path.name
        for rule_id in IAM_RULES:
            counts[rule_id] += len(findings(result, rule_id))
    elapsed = time.perf_counter() - start
    assert len(files) > 1000
    assert counts["LP109"] == 0
    assert counts["LP111"] <= 40, counts  # 28 real stale/invalid names in AWS's own policies
    assert counts["LP102"] == 1  # AdministratorAccess itself
    assert elapsed < 6.0, f"{elapsed:.2f}s"  # ~1.5 s measured; generous for a loaded CI machine
