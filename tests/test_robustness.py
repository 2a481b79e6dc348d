"""Every file of ../shared/corpora is scanned or reported as LP001 — never a traceback, never a hang."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import shared_path
from lpcheck.engine import scan

# Files of the corpora that are genuinely invalid (no YAML parser accepts them; CloudFormation would
# reject them too): these, and only these, must be LP001 with the parser's position.
KNOWN_INVALID = {
    "serverless-patterns/apigw-custom-domain-edge/template.yaml": (35, "could not find expected ':'"),
    "serverless-patterns/rds-sns-event-notification/template.yaml": (3, "did not find expected key"),
}

FOLDERS = [
    "tfam-iam",
    "tfam-rds",
    "tfam-s3-bucket",
    "tfam-lambda",
    "tfam-autoscaling",
    "tfam-rds-aurora",
    "tfam-sqs",
    "tfam-alb",
    "cfn-templates",
    "serverless-patterns",
]


@pytest.mark.parametrize("folder", FOLDERS)
def test_corpus_folder_scans_cleanly(folder: str) -> None:
    root = shared_path("corpora", folder)
    result = scan([str(root)])
    internal = [n.message for n in result.notifications if n.message.startswith("internal error")]
    assert not internal, "\n".join(internal[:20])
    assert result.files_scanned > 0
    # These are real, valid repositories: a parse error here is a bug of ours, not of the file,
    # except for the few files that are genuinely broken upstream.
    corpora = Path(root).parent
    lp001 = {
        Path(f.loc.path).resolve().relative_to(corpora.resolve()).as_posix(): f
        for f in result.findings
        if f.rule_id == "LP001"
    }
    expected = {k: v for k, v in KNOWN_INVALID.items() if k.startswith(folder + "/")}
    assert set(lp001) == set(expected), "\n".join(f"{f.loc}: {f.message}" for f in lp001.values())
    for rel, (line, cause) in expected.items():
        assert lp001[rel].loc.line == line and cause in lp001[rel].message, lp001[rel]


def test_managed_policies_scan_cleanly() -> None:
    root = shared_path("corpora", "aws-managed-policies", "policies")
    files = sorted(str(p) for p in Path(root).iterdir())
    result = scan(files)
    internal = [n.message for n in result.notifications if n.message.startswith("internal error")]
    assert not internal, "\n".join(internal[:20])
    assert not [f for f in result.findings if f.rule_id in ("LP001", "LP109")]
