"""The IAM action catalog: which actions exist and which support resource-level permissions.

The data is cfn-lint's ``AdditionalSpecs/Policies.json`` (a dependency we already ship), shaped
``{prefix: {"Actions": {lowercase_name: {"Resources": [...]}}}}``; an action with no or empty
``Resources`` cannot be scoped to ARNs. The file is located with ``importlib.util.find_spec`` rather
than ``import cfnlint`` because importing that package costs ~0.6 s, more than a pre-commit run on one
file may take. Loading the 2 MB file and deriving our tables takes ~25 ms (measured), once per
process and only when an IAM policy is seen, so no derived cache is written to disk.

Action names are case-insensitive in IAM, so everything here is lowercase; wildcard patterns use
``*`` (any run of characters) and ``?`` (one character), as IAM does.
"""

from __future__ import annotations

import importlib.util
import json
import re
from functools import lru_cache
from pathlib import Path

# The privilege-escalation set of LP110: each action lets a principal that holds it on "*" grant
# itself more privileges without any other permission. The catalog's list, plus the two single-action
# paths from Rhino Security Labs' list of 21 methods (editing an existing Lambda function's code, or
# an existing Glue dev endpoint, runs code as that resource's possibly more privileged role). The
# PassRole-based combinations of that list are LP106's subject.
ESCALATION_ACTIONS: tuple[str, ...] = (
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:AttachUserPolicy",
    "iam:AttachRolePolicy",
    "iam:AttachGroupPolicy",
    "iam:PutUserPolicy",
    "iam:PutRolePolicy",
    "iam:PutGroupPolicy",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:UpdateAssumeRolePolicy",
    "iam:AddUserToGroup",
    "lambda:UpdateFunctionCode",
    "glue:UpdateDevEndpoint",
)
PASS_ROLE = "iam:PassRole"

# Service prefixes that exist (or existed: retired services keep working in old policies) but are
# missing from the catalog data, which follows AWS's current Service Authorization Reference. Their
# actions cannot be verified, so LP111 accepts any action under them rather than calling the
# service unknown. Found by scanning AWS's own managed policies (all 1,390 of them).
UNLISTED_SERVICES = frozenset(
    {
        "applicationwizard",
        "catalog-admin",
        "catalog-user",
        "crowd",
        "datazonecontrol",
        "deepcomposer",
        "deeplens",
        "deepracer",
        "ec2-reports",
        "elastic-inference",
        "evidently",
        "gamesparks",
        "iot1click",
        "iotevents",
        "iotroborunner",
        "iotthingsgraph",
        "mobilehub",
        "sagemaker-groundtruth-synthetic",
        "sumerian",
        "zocalo",
    }
)

# Display names (IAM's own casing) for the actions we name in messages; the catalog is lowercase.
DISPLAY_NAMES: dict[str, str] = {a.lower(): a for a in (*ESCALATION_ACTIONS, PASS_ROLE)}

_WILDCARD = re.compile(r"[*?]")


def _policies_json() -> Path | None:
    """Where cfn-lint keeps the action catalog, without importing cfn-lint."""
    try:
        spec = importlib.util.find_spec("cfnlint")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for base in spec.submodule_search_locations:
        candidate = Path(base) / "data" / "AdditionalSpecs" / "Policies.json"
        if candidate.is_file():
            return candidate
    return None


class ActionCatalog:
    """Every known action as ``"prefix:name"`` (lowercase) and whether it takes resource ARNs."""

    def __init__(self, services: dict[str, dict[str, bool]], available: bool = True) -> None:
        # Actions we reason about by name must exist even if the data file lags behind AWS.
        for name in DISPLAY_NAMES:
            prefix, _, action = name.partition(":")
            services.setdefault(prefix, {}).setdefault(action, True)
        self.services = services
        self.available = available  # False when the data file is missing: LP111 stays silent
        self._service_sets: dict[str, frozenset[str]] = {}
        self._all: frozenset[str] | None = None
        self._expansions: dict[str, frozenset[str]] = {}

    # -- loading -----------------------------------------------------------------------------
    @classmethod
    def load(cls) -> ActionCatalog:
        path = _policies_json()
        if path is None:
            return cls({}, available=False)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls({}, available=False)
        services: dict[str, dict[str, bool]] = {}
        for prefix, body in raw.items():
            actions = body.get("Actions") if isinstance(body, dict) else None
            if not isinstance(actions, dict):
                continue
            services[prefix.lower()] = {
                name.lower(): bool(spec.get("Resources")) if isinstance(spec, dict) else False
                for name, spec in actions.items()
            }
        return cls(services)

    # -- questions ---------------------------------------------------------------------------
    @property
    def all_actions(self) -> frozenset[str]:
        if self._all is None:
            self._all = frozenset(f"{p}:{a}" for p, acts in self.services.items() for a in acts)
        return self._all

    def service_actions(self, prefix: str) -> frozenset[str]:
        cached = self._service_sets.get(prefix)
        if cached is None:
            cached = frozenset(f"{prefix}:{a}" for a in self.services.get(prefix, ()))
            self._service_sets[prefix] = cached
        return cached

    def has_service(self, prefix: str) -> bool:
        return prefix.lower() in self.services

    def unverifiable(self, prefix: str) -> bool:
        """A real service whose action list the catalog lacks (see ``UNLISTED_SERVICES``)."""
        low = prefix.lower()
        return low in UNLISTED_SERVICES and low not in self.services

    def supports_resources(self, action: str) -> bool:
        """Whether ``action`` ("prefix:name", any case) can be scoped to resource ARNs."""
        prefix, _, name = action.lower().partition(":")
        return self.services.get(prefix, {}).get(name, False)

    def matching_services(self, service_pattern: str) -> list[str]:
        pat = service_pattern.lower()
        if not _WILDCARD.search(pat):
            return [pat] if pat in self.services else []
        rx = _compile(pat)
        return [p for p in self.services if rx.fullmatch(p)]

    def expand(self, pattern: str) -> frozenset[str]:
        """The actions a pattern (``*``, ``*:*``, ``s3:Get*``, ``iam:*Policy*``...) matches."""
        key = pattern.strip().lower()
        hit = self._expansions.get(key)
        if hit is None:
            if len(self._expansions) > 20000:
                self._expansions.clear()
            hit = self._expansions[key] = _expand(self, key)
        return hit


@lru_cache(maxsize=4096)
def _compile(pattern: str) -> re.Pattern[str]:
    """An IAM wildcard as a regex: ``*`` any run, ``?`` one character, the rest literal."""
    out = []
    for ch in pattern:
        if ch == "*":
            out.append(".*")
        elif ch == "?":
            out.append(".")
        else:
            out.append(re.escape(ch))
    return re.compile("".join(out), re.DOTALL)


def is_wildcard(pattern: str) -> bool:
    return bool(_WILDCARD.search(pattern))


def wildcard_match(pattern: str, text: str, *, case_sensitive: bool = False) -> bool:
    """IAM-style wildcard match (actions: case-insensitive; ARNs: case-sensitive)."""
    if not case_sensitive:
        pattern, text = pattern.lower(), text.lower()
    if not _WILDCARD.search(pattern):
        return pattern == text
    return _compile(pattern).fullmatch(text) is not None


def _expand(catalog: ActionCatalog, pattern: str) -> frozenset[str]:
    if ":" not in pattern:
        # Only a bare wildcard is valid without a prefix ("*" = every action).
        return catalog.all_actions if pattern and set(pattern) == {"*"} else frozenset()
    service_pattern, _, action_pattern = pattern.partition(":")
    services = catalog.matching_services(service_pattern)
    if not services:
        return frozenset()
    if action_pattern and set(action_pattern) == {"*"}:
        if len(services) == len(catalog.services):
            return catalog.all_actions
        out: set[str] = set()
        for p in services:
            out |= catalog.service_actions(p)
        return frozenset(out)
    if not _WILDCARD.search(action_pattern):
        return frozenset(f"{p}:{action_pattern}" for p in services if action_pattern in catalog.services[p])
    rx = _compile(action_pattern)
    return frozenset(f"{p}:{a}" for p in services for a in catalog.services[p] if rx.fullmatch(a))


_CATALOG: ActionCatalog | None = None


def get_catalog() -> ActionCatalog:
    """The process-wide catalog, loaded on first use."""
    global _CATALOG
    if _CATALOG is None:
        _CATALOG = ActionCatalog.load()
    return _CATALOG


def display(action: str) -> str:
    """An action for a message: IAM's casing when we know it, else as stored (lowercase)."""
    return DISPLAY_NAMES.get(action.lower(), action)
