"""EFS file systems: encryption at rest (LP305).

``Encrypted`` defaults to false in CloudFormation and Terraform (only the console pre-selects it).
A KMS key named without the flag is unknown rather than unencrypted (see ``rds.encryption``).
"""

from __future__ import annotations

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.handlers.rds import encryption
from lpcheck.adapters.registry import cfn, tf
from lpcheck.adapters.view import ResourceView
from lpcheck.model.resources import EncryptedStore
from lpcheck.model.values import Value

KIND = "EFS file system"


def _add(view: ResourceView, ctx: AdaptContext, encrypted: Value) -> None:
    ctx.model.add(
        EncryptedStore(
            address=view.address,
            type=view.type,
            loc=view.loc,
            names=view.names,
            condition=view.condition,
            kind=KIND,
            encrypted=encrypted,
        )
    )


@cfn("AWS::EFS::FileSystem")
def cfn_file_system(view: ResourceView, ctx: AdaptContext) -> None:
    _add(view, ctx, encryption(view, "Encrypted", "KmsKeyId"))


@tf("aws_efs_file_system")
def tf_file_system(view: ResourceView, ctx: AdaptContext) -> None:
    _add(view, ctx, encryption(view, "encrypted", "kms_key_id"))
