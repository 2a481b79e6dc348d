"""LP305 store-unencrypted: EFS file systems, ElastiCache replication groups (at rest) and Kinesis
streams without encryption.

AWS defaults (applied by the adapters where they depend on other properties): EFS ``Encrypted``
false; ElastiCache at-rest encryption false for Redis OSS, true for Valkey; a Kinesis stream
without ``StreamEncryption``/with ``encryption_type`` ``NONE`` is unencrypted.
"""

from __future__ import annotations

from collections.abc import Iterable

from lpcheck.findings import Issue
from lpcheck.model.container import Model
from lpcheck.model.resources import EncryptedStore
from lpcheck.model.values import Value
from lpcheck.rules._common import describe_setting, insecure_flag, is_terraform, origin, when
from lpcheck.rules.base import rule

# type -> (CloudFormation property, Terraform attribute, what "absent" means)
_SETTINGS = {
    "EFS file system": ("Encrypted", "encrypted", "defaults to false"),
    "ElastiCache replication group": (
        "AtRestEncryptionEnabled",
        "at_rest_encryption_enabled",
        "defaults to false for Redis OSS",
    ),
    "Kinesis stream": ("StreamEncryption", "encryption_type", "records are stored unencrypted"),
}


def _describe(store: EncryptedStore, witness: Value) -> str:
    cfn, tf, default = _SETTINGS.get(store.kind, ("encryption", "encryption", "defaults to off"))
    if store.kind == "Kinesis stream" and not witness.is_absent:
        setting = 'encryption_type = "NONE"' if is_terraform(store) else "EncryptionType is NONE"
        return setting + origin(witness) + when(witness, store)
    if store.kind == "Kinesis stream" and is_terraform(store):
        default = 'defaults to "NONE"'
    return describe_setting(witness, store, cfn, tf, default)


@rule("LP305")
def store_unencrypted(model: Model) -> Iterable[Issue]:
    for store in model.of(EncryptedStore):
        witness = insecure_flag(store.encrypted)
        if witness is None:
            continue
        kind = store.kind or "data store"
        yield Issue(
            loc=witness.at(store.loc),
            message=f"{kind} {store.address} is not encrypted at rest: {_describe(store, witness)}",
            resource=store.address,
            key=f"{store.address}:encryption",
        )
