"""Find the files to scan and decide what each one is, by content as well as by extension.

Directory walks only look at files whose extension can hold IaC or policies; a file named on the
command line is always read and classified by content (policy dumps are often extension-less).
Unrelated JSON/YAML (package.json, Kubernetes manifests, workflows) is skipped silently, with the
reason kept for ``--verbose``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_BYTES = 20 * 1024 * 1024  # larger files are reported, not parsed: no single file may stall a scan

SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".terraform",
        ".terragrunt-cache",
        "node_modules",
        ".venv",
        "venv",
        "virtualenv",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".aws-sam",
        ".serverless",
        "site-packages",
    }
)
TF_SUFFIXES = (".tf", ".tf.json")
TFVARS_SUFFIXES = (".tfvars", ".tfvars.json")
DATA_SUFFIXES = (".json", ".yaml", ".yml", ".template")

# Kinds
CFN_JSON, CFN_YAML = "cloudformation-json", "cloudformation-yaml"
IAM_JSON, PLAN_JSON = "iam-json", "terraform-plan"
TF, TF_JSON, TFVARS = "terraform", "terraform-json", "terraform-vars"

_CFN_YAML_SNIFF = re.compile(
    r"^AWSTemplateFormatVersion\s*:|^Transform\s*:.*AWS::Serverless|"
    r"^\s+Type\s*:\s*[\"']?(?:AWS|Custom|Alexa)::[A-Za-z0-9]+(?:::|[\"']?\s*$)",
    re.MULTILINE,
)
_RESOURCES_KEY = re.compile(r"^Resources\s*:", re.MULTILINE)


@dataclass(slots=True)
class SourceFile:
    path: Path
    display: str
    kind: str
    text: str = ""
    explicit: bool = False
    data: Any = None  # the stdlib-parsed JSON used for classification, when there was one


@dataclass(slots=True)
class Rejected:
    """A file that looks like IaC but cannot be read (binary, not UTF-8, too large)."""

    display: str
    message: str
    line: int = 1
    column: int = 1


@dataclass(slots=True)
class Discovery:
    files: list[SourceFile] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)


def _display(path: Path) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


def _walk(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        keep = []
        for d in sorted(dirnames):
            if d in SKIP_DIRS or (d.startswith(".") and d not in (".",)):
                continue
            if os.path.exists(os.path.join(dirpath, d, "pyvenv.cfg")):
                continue
            keep.append(d)
        dirnames[:] = keep
        for name in sorted(filenames):
            yield Path(dirpath, name)


def _interesting(name: str) -> bool:
    low = name.lower()
    return low.endswith(TF_SUFFIXES + TFVARS_SUFFIXES + DATA_SUFFIXES)


def _decode(raw: bytes) -> tuple[str | None, str]:
    """Text of a file, or None with the reason it is not text."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), ""
        except UnicodeDecodeError:
            return None, "not valid UTF-16 text"
    if b"\x00" in raw[:8192]:
        return None, "binary content (NUL bytes), not a text file"
    try:
        return raw.decode("utf-8-sig"), ""
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return None, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at line {line})"


def classify_json(data: Any) -> str | None:
    """The kind of an already-parsed JSON document, or None when lpcheck has nothing to say."""
    if isinstance(data, dict):
        if "AWSTemplateFormatVersion" in data or _has_cfn_resources(data.get("Resources")):
            return CFN_JSON
        if "format_version" in data and any(
            k in data for k in ("planned_values", "resource_changes", "values", "terraform_version")
        ):
            return PLAN_JSON
        if _is_iam(data):
            return IAM_JSON
        return None
    if isinstance(data, list) and data and all(isinstance(d, dict) and _is_iam(d) for d in data):
        return IAM_JSON
    return None


def _has_cfn_resources(resources: Any) -> bool:
    if not isinstance(resources, dict) or not resources:
        return False
    return any(
        isinstance(r, dict) and isinstance(r.get("Type"), str) and "::" in r["Type"]
        for r in resources.values()
    )


def _is_iam(data: dict) -> bool:
    if "Statement" in data or "statement" in data:
        return True
    version = data.get("PolicyVersion")
    if isinstance(version, dict) and "Document" in version:
        return True
    if any(k in data for k in ("UserDetailList", "RoleDetailList", "GroupDetailList")):
        return True
    if "PolicyDocument" in data and isinstance(data.get("PolicyDocument"), (dict, str)):
        return True  # get-role-policy / get-user-policy / get-group-policy output
    policies = data.get("Policies")
    return (
        isinstance(policies, list)
        and bool(policies)
        and all(isinstance(p, dict) and "PolicyVersionList" in p for p in policies)
    )


def _classify_text(path: Path, text: str, explicit: bool) -> tuple[str | None, Any, str]:
    """(kind, parsed JSON or None, reason when skipped)."""
    name = path.name.lower()
    if name.endswith(TFVARS_SUFFIXES):
        return TFVARS, None, ""
    if name.endswith(".tf.json"):
        return TF_JSON, None, ""
    if name.endswith(".tf"):
        return TF, None, ""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("{", "[")):
        try:
            data = json.loads(text.lstrip("\ufeff"))
        except (ValueError, RecursionError):
            # Broken JSON: report it when it was meant to be IaC or policy (LP001), else skip.
            if explicit or _looks_like_iac(text):
                return _guess_json_kind(text), None, ""
            return None, None, "not valid JSON and does not look like IaC or a policy"
        kind = classify_json(data)
        if kind is None:
            return None, None, "JSON without CloudFormation resources, IAM statements or plan data"
        return kind, data, ""
    if name.endswith(".json"):
        if explicit or _looks_like_iac(text):
            return _guess_json_kind(text), None, ""
        return None, None, "not a JSON document"
    if _CFN_YAML_SNIFF.search(text) and (_RESOURCES_KEY.search(text) or "AWSTemplateFormatVersion" in text):
        return CFN_YAML, None, ""
    return None, None, "no CloudFormation template, IAM policy or Terraform content recognised"


def _looks_like_iac(text: str) -> bool:
    return any(
        s in text for s in ('"Statement"', "AWSTemplateFormatVersion", '"Resources"', '"PolicyVersion"')
    )


def _guess_json_kind(text: str) -> str:
    if "AWSTemplateFormatVersion" in text or '"Resources"' in text:
        return CFN_JSON
    if '"format_version"' in text and '"terraform_version"' in text:
        return PLAN_JSON
    return IAM_JSON


def discover(paths: Iterable[str]) -> Discovery:
    """Resolve the command-line paths into classified source files."""
    out = Discovery()
    seen: set[Path] = set()
    for raw in paths:
        root = Path(raw)
        if root.is_dir():
            for path in _walk(root):
                if _interesting(path.name):
                    _add(out, path, explicit=False, seen=seen)
        else:
            _add(out, root, explicit=True, seen=seen)
    return out


def _add(out: Discovery, path: Path, *, explicit: bool, seen: set[Path]) -> None:
    try:
        key = path.resolve()
    except OSError:
        key = path.absolute()
    if key in seen:
        return
    seen.add(key)
    display = _display(path)
    try:
        if not path.is_file():
            if explicit:
                out.rejected.append(Rejected(display, "not a regular file"))
            return
        size = path.stat().st_size
    except OSError as exc:
        out.rejected.append(Rejected(display, f"cannot read the file: {exc.strerror or exc}"))
        return
    iac_ext = path.name.lower().endswith(TF_SUFFIXES + TFVARS_SUFFIXES + (".template",))
    if size > MAX_BYTES:
        message = (
            f"file too large to scan ({size / 1048576:.1f} MiB; the limit is {MAX_BYTES // 1048576} MiB)"
        )
        if explicit or iac_ext:
            out.rejected.append(Rejected(display, message))
        else:
            out.skipped.append((display, message))
        return
    try:
        raw = path.read_bytes()
    except OSError as exc:
        out.rejected.append(Rejected(display, f"cannot read the file: {exc.strerror or exc}"))
        return
    text, problem = _decode(raw)
    if text is None:
        # A binary or wrongly encoded file is only an error when it was meant to be IaC.
        if explicit or iac_ext:
            out.rejected.append(Rejected(display, problem))
        else:
            probe = raw.decode("latin-1")
            if _looks_like_iac(probe) or _CFN_YAML_SNIFF.search(probe):
                out.rejected.append(Rejected(display, problem))
            else:
                out.skipped.append((display, problem))
        return
    if not text.strip():
        if path.name.lower().endswith(TF_SUFFIXES + TFVARS_SUFFIXES):
            out.files.append(
                SourceFile(path, display, _classify_text(path, text, explicit)[0] or TF, text, explicit)
            )
        elif explicit:
            out.empty.append(display)
        return
    kind, data, reason = _classify_text(path, text, explicit)
    if kind is None:
        out.skipped.append((display, reason))
        return
    out.files.append(SourceFile(path, display, kind, text, explicit, data))
