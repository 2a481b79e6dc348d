"""LP303 volume-unencrypted: EBS volumes and declared block devices with encryption off or absent.

A new EBS volume is unencrypted unless encryption is requested (or the account turns on EBS
encryption by default, which a template cannot be assumed to rely on): its data, its snapshots and
every copy of them are readable by anyone who gets hold of a snapshot. Devices built from a
snapshot, and unknown settings, never fire (the handlers make those unknown).
"""

from __future__ import annotations

from collections.abc import Iterable

from lpcheck.findings import Issue
from lpcheck.model.container import Model
from lpcheck.model.resources import BlockStorage
from lpcheck.rules._common import off, origin, when, witness
from lpcheck.rules.base import rule

_FIX = "set encryption to true, ideally with a customer managed KMS key"
_OWNER = {
    "block device": "instance",
    "launch template": "launch template",
    "launch configuration": "launch configuration",
}


def _subject(storage: BlockStorage) -> str:
    if storage.kind == "volume":
        return f"EBS volume '{storage.address}'"
    owner = _OWNER.get(storage.kind, storage.kind)
    if storage.device == "root":
        return f"The root block device of {owner} '{storage.address}'"
    device = f" {storage.device}" if storage.device else ""
    return f"EBS block device{device} of {owner} '{storage.address}'"


@rule("LP303")
def check(model: Model) -> Iterable[Issue]:
    for storage in model.of(BlockStorage):
        found = witness(storage.encrypted, off)
        if found is None:
            continue
        cond = when(found, storage)
        if found.as_bool() is False:
            state = f"has encryption explicitly disabled{origin(found)}{cond}"
        else:
            state = f"does not enable encryption{cond}, so AWS creates it unencrypted"
        message = f"{_subject(storage)} {state}; {_FIX}"
        yield Issue(
            loc=found.at(storage.loc),
            message=message,
            resource=storage.address,
            key=f"{storage.address}:{storage.kind}:{storage.device}:encrypted{cond}",
        )
