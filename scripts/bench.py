#!/usr/bin/env python3
"""Speed and memory benchmark (``make bench``): targets live here, not in timed unit tests.

Measures, as a user would run it (a fresh ``lpcheck`` process each time):
- single-file wall time of ``lpcheck check one.tf`` / ``one.json`` / ``one.yaml`` (median of 5);
- the whole ../shared/corpora scan and each corpus folder: wall time, files per second, peak RSS;
- the AWS managed policies passed explicitly (1,390 extension-less files);
and compares the folder times with Checkov 3.3.30 measured on this machine (the issue's figures).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"
LPCHECK = shutil.which("lpcheck", path=str(Path(sys.executable).parent)) or "lpcheck"

# Checkov 3.3.30 wall times on this 2-core machine (seconds), from issue 2.
CHECKOV = {"tfam-iam": 37.0, "tfam-rds": 43.0, "cfn-templates": 37.0, "serverless-patterns": 104.0}
TARGET_SPEEDUP = 20.0
SINGLE_TARGETS = {"one.tf": 0.3, "one.json": 0.3, "one.yaml": 0.8}

ONE_TF = """resource "aws_db_instance" "db" {
  engine            = "postgres"
  instance_class    = "db.t3.micro"
  multi_az          = false
  storage_encrypted = true
}
"""
ONE_JSON = """{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
"""
ONE_YAML = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Bucket:
    Type: AWS::S3::Bucket
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
      ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]
"""


# As a user runs it: with the bytecode cache that pip installs write (some shells disable it).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(args: list[str], cwd: Path | None = None) -> tuple[float, int, int, str]:
    """Wall seconds, peak RSS (KiB) of this one child process, exit code, stderr tail."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err, env=ENV)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read()[-500:].decode("utf-8", "replace")
    return wall, usage.ru_maxrss, proc.returncode, tail


def count_files(path: Path) -> int:
    return sum(1 for p in path.rglob("*") if p.is_file())


def main() -> int:
    ok = True
    tmp = Path(os.environ.get("TMPDIR", "/tmp")) / "lpcheck-bench"
    tmp.mkdir(parents=True, exist_ok=True)
    for name, text in (("one.tf", ONE_TF), ("one.json", ONE_JSON), ("one.yaml", ONE_YAML)):
        (tmp / name).write_text(text)
    for name in SINGLE_TARGETS:  # warm the OS cache, the bytecode cache and the lark grammar cache
        run([LPCHECK, "check", name], tmp)
    print("single file (median of 5 runs, process start included)")
    for name, target in SINGLE_TARGETS.items():
        times = [run([LPCHECK, "check", "--fail-on", "never", name], tmp)[0] for _ in range(5)]
        med = statistics.median(times)
        status = "ok" if med < target else "SLOW"
        ok &= med < target
        print(f"  lpcheck check {name:<9} {med:6.3f} s   target < {target} s   {status}")

    if not CORPORA.is_dir():
        print(f"\n{CORPORA} is absent: corpus benchmarks skipped")
        return 0 if ok else 1

    print("\ncorpus scans (one process each)")
    header = ("folder", "files", "wall s", "files/s", "RSS MiB", "Checkov s", "speed-up")
    print("  {:<22} {:>6} {:>8} {:>8} {:>9} {:>10} {:>9}".format(*header))
    folders = sorted(p for p in CORPORA.iterdir() if p.is_dir())
    total_files = 0
    for folder in [*folders, CORPORA]:
        n = count_files(folder)
        wall, peak, code, err = run([LPCHECK, "check", "--fail-on", "never", "--format", "json", str(folder)])
        if code not in (0, 1):
            print(f"  {folder.name}: lpcheck exited {code}: {err}")
            ok = False
        label = "ALL (shared/corpora)" if folder == CORPORA else folder.name
        checkov = CHECKOV.get(folder.name)
        speed = f"{checkov / wall:8.1f}x" if checkov else ""
        if checkov and checkov / wall < TARGET_SPEEDUP:
            ok = False
            speed += " SLOW"
        if folder == CORPORA:
            total_checkov = sum(CHECKOV.values())
            print(f"  {'':<22} (Checkov on its four measured folders: {total_checkov:.0f} s)")
        print(
            f"  {label:<22} {n:>6} {wall:>8.2f} {n / wall:>8.0f} {peak / 1024:>9.0f} "
            f"{checkov if checkov else '':>10} {speed:>9}"
        )
        if folder != CORPORA:
            total_files += n

    policies = CORPORA / "aws-managed-policies" / "policies"
    if policies.is_dir():
        files = sorted(str(p) for p in policies.iterdir())
        wall, peak, code, err = run([LPCHECK, "check", "--fail-on", "never", "--format", "json", *files])
        status = "ok" if wall < 3.0 else "SLOW"
        ok &= wall < 3.0
        print(
            f"\nAWS managed policies passed explicitly: {len(files)} files in {wall:.2f} s "
            f"(target < 3 s) peak {peak / 1024:.0f} MiB {status}"
        )
    print("\nall targets met" if ok else "\nsome targets missed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
