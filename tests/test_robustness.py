"""Every file of ../shared/corpora is scanned or reported as LP001 — never a traceback, never a hang."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import shared_path
from lpcheck.engine import scan

FOLDERS = [
    "tfam-iam", "tfam-rds", "tfam-s3-bucket", "tfam-lambda", "tfam-autoscaling", "tfam-rds-aurora",
    "tfam-sqs", "tfam-alb", "cfn-templates", "serverless-patterns",
]


@pytest.mark.parametrize("folder", FOLDERS)
def test_corpus_folder_scans_cleanly(folder: str) -> None:
    root = shared_path("corpora", folder)
    result = scan([str(root)])
    internal = [n.message for n in result.notifications if n.message.startswith("internal error")]
    assert not internal, "\n".join(internal[:20])
    assert result.files_scanned > 0
    # These are real, valid repositories: a parse error here is a bug of ours, not of the file.
    lp001 = [f"{f.loc}: {f.message}" for f in result.findings if f.rule_id == "LP001"]
    assert not lp001, "\n".join(lp001)


def test_managed_policies_scan_cleanly() -> None:
    root = shared_path("corpora", "aws-managed-policies", "policies")
    files = sorted(str(p) for p in Path(root).iterdir())
    result = scan(files)
    internal = [n.message for n in result.notifications if n.message.startswith("internal error")]
    assert not internal, "\n".join(internal[:20])
    assert not [f for f in result.findings if f.rule_id in ("LP001", "LP109")]
