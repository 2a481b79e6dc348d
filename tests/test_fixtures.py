"""Data-driven rule tests: every case under tests/fixtures/<RULE>/ against its .expect file.

A case is a file (scanned alone, copied into an empty directory so no sibling becomes Terraform
context) or a directory (scanned as it is: a Terraform module or several files). Its ``.expect``
lists the findings of that rule, one per line: ``LINE[:COL]`` or ``RELPATH:LINE[:COL]``, optionally
followed by ``# text the message must contain``. An empty ``.expect`` means the rule must stay silent.
No valid fixture may produce LP001.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import FIXTURES
from lpcheck.engine import scan

# A path holds at least one non-digit, so "12:5" is line 12, column 5, and "main.tf:12" a path and line.
_EXPECT = re.compile(
    r"^(?:(?P<path>[^:#\s]*[^\d:#\s][^:#\s]*):)?(?P<line>\d+)(?::(?P<col>\d+))?\s*(?:#\s*(?P<text>.*))?$"
)


@dataclass(frozen=True)
class Expected:
    path: str | None
    line: int
    col: int | None
    text: str | None


def _cases() -> list[tuple[str, Path, Path]]:
    cases = []
    if not FIXTURES.is_dir():
        return cases
    for rule_dir in sorted(FIXTURES.iterdir()):
        if not re.fullmatch(r"LP\d{3}", rule_dir.name):
            continue
        for expect in sorted(rule_dir.glob("*.expect")):
            case = expect.with_suffix("")  # bad.tf.expect -> bad.tf ; module.expect -> module
            if case.exists():
                cases.append((rule_dir.name, case, expect))
    return cases


def _parse_expect(path: Path) -> list[Expected]:
    out = []
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _EXPECT.match(line)
        assert m, f"{path}: cannot read expectation {raw!r}"
        out.append(
            Expected(
                m["path"],
                int(m["line"]),
                int(m["col"]) if m["col"] else None,
                (m["text"] or "").strip() or None,
            )
        )
    return out


CASES = _cases()


@pytest.mark.parametrize(("rule_id", "case", "expect"), CASES, ids=[f"{r}/{c.name}" for r, c, _ in CASES])
def test_fixture(rule_id: str, case: Path, expect: Path, tmp_path: Path) -> None:
    if case.is_dir():
        target = tmp_path / case.name
        shutil.copytree(case, target)
    else:
        target = tmp_path / case.name
        shutil.copy(case, target)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = scan([case.name])
    finally:
        os.chdir(cwd)
    if rule_id != "LP001":
        errors = [f"{f.loc}: {f.message}" for f in result.findings if f.rule_id == "LP001"]
        assert not errors, f"valid fixture {case.name} failed to parse: {errors}"
    internal = [n.message for n in result.notifications if n.message.startswith("internal error")]
    assert not internal, internal
    got = [f for f in result.findings if f.rule_id == rule_id]
    expected = _parse_expect(expect)

    def rel(path: str) -> str:
        return os.path.relpath(path, case.name) if case.is_dir() else path

    unmatched = list(got)
    missing = []
    for exp in expected:
        hit = next(
            (
                f
                for f in unmatched
                if f.loc.line == exp.line
                and (exp.col is None or f.loc.column == exp.col)
                and (exp.path is None or rel(f.loc.path) == exp.path)
                and (exp.text is None or exp.text in f.message)
            ),
            None,
        )
        if hit is None:
            missing.append(exp)
        else:
            unmatched.remove(hit)
    report = "\n".join(f"  got {rel(f.loc.path)}:{f.loc.line}:{f.loc.column} {f.message}" for f in got)
    assert not missing, f"expected findings not produced: {missing}\n{report}"
    assert not unmatched, "unexpected findings:\n" + "\n".join(
        f"  {rel(f.loc.path)}:{f.loc.line}:{f.loc.column} {f.message}" for f in unmatched
    )
