"""EFS file systems: encryption at rest (LP305).

``Encrypted`` defaults to false in CloudFormation and Terraform (only the console pre-selects it).
A KMS key named without the flag is unknown rather than unencrypted (see ``rds.encryption``).
"""

from __future__ import annotations

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.handlers._common import add_store, encryption, terraform
from lpcheck.adapters.registry import cfn
from lpcheck.adapters.view import ResourceView

KIND = "EFS file system"


@cfn("AWS::EFS::FileSystem")
def cfn_file_system(view: ResourceView, ctx: AdaptContext) -> None:
    add_store(view, ctx, KIND, encryption(view, "Encrypted", "KmsKeyId"))


@terraform("aws_efs_file_system")
def tf_file_system(view: ResourceView, ctx: AdaptContext) -> None:
    add_store(view, ctx, KIND, encryption(view, "encrypted", "kms_key_id"))
