"""The real pre-commit, through ``try-repo``, on a temporary git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

BAD_POLICY = """{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
}
"""
GOOD_POLICY = """{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::docs/*"}]
}
"""


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def hook_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        pytest.skip("pre-commit is not installed (pip install -e '.[dev]')")
    env = dict(os.environ)
    env["PRE_COMMIT_HOME"] = str(tmp_path_factory.mktemp("pre-commit-home"))
    env["GIT_AUTHOR_NAME"] = env["GIT_COMMITTER_NAME"] = "test"
    env["GIT_AUTHOR_EMAIL"] = env["GIT_COMMITTER_EMAIL"] = "test@example.com"
    env.pop("NO_COLOR", None)
    return env


def _repo_with(tmp_path: Path, env: dict[str, str], files: dict[str, str]) -> Path:
    repo = tmp_path / "project"
    repo.mkdir()
    _run(["git", "init", "-q"], repo, env)
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    _run(["git", "add", "."], repo, env)
    return repo


def _try_repo(repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return _run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "lpcheck", "--color", "never"], repo, env
    )


def test_staged_bad_file_fails_and_names_the_rule(tmp_path: Path, hook_env: dict[str, str]) -> None:
    repo = _repo_with(tmp_path, hook_env, {"policies/admin.json": BAD_POLICY, "README.md": "# x\n"})
    proc = _try_repo(repo, hook_env)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "LP102" in out, out
    assert "policies/admin.json:3:17" in out, out


def test_staged_clean_file_passes(tmp_path: Path, hook_env: dict[str, str]) -> None:
    repo = _repo_with(tmp_path, hook_env, {"policies/read.json": GOOD_POLICY})
    proc = _try_repo(repo, hook_env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed" in proc.stdout


def test_only_passed_terraform_files_are_reported(tmp_path: Path, hook_env: dict[str, str]) -> None:
    """A staged .tf is evaluated with its siblings as context; an unstaged sibling is not reported."""
    repo = _repo_with(
        tmp_path,
        hook_env,
        {
            "infra/variables.tf": 'variable "multi_az" {\n  default = false\n}\n',
            "infra/main.tf": (
                'resource "aws_db_instance" "db" {\n  engine = "postgres"\n  multi_az = var.multi_az\n'
                "  storage_encrypted = true\n}\n"
            ),
        },
    )
    # Commit both, then stage only a change to main.tf while an unrelated sibling has problems.
    _run(["git", "commit", "-qm", "init"], repo, hook_env)
    (repo / "infra" / "other.tf").write_text('resource "aws_ebs_volume" "v" {\n  size = 1\n}\n')
    (repo / "infra" / "main.tf").write_text((repo / "infra" / "main.tf").read_text() + "\n")
    _run(["git", "add", "infra/main.tf"], repo, hook_env)
    proc = _run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            str(REPO),
            "lpcheck",
            "--color",
            "never",
            "--files",
            "infra/main.tf",
        ],
        repo,
        hook_env,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "infra/main.tf:3:" in out and "LP401" in out, out  # value resolved from variables.tf
    assert "other.tf" not in out, out
