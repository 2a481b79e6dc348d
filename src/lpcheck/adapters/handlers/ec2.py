"""EBS storage: volumes, and the block devices that instances, launch templates and launch
configurations declare, as one ``BlockStorage`` per volume or declared device.

Choices (documented in LP303's metadata notes):
- Only *declared* block devices are modelled. An instance without block device mappings gets the
  AMI's volumes, whose encryption follows the AMI's snapshots: unknown here, no finding.
- A volume or device created from a snapshot (``SnapshotId``/``snapshot_id``) inherits the
  snapshot's encryption: unknown unless encryption is requested. ``NoDevice`` suppresses a device
  and ``VirtualName`` (``ephemeralN``) is instance store: neither is EBS.
- A KMS key given without ``Encrypted`` is read as a request for encryption (AWS rejects the
  combination otherwise), so it is not reported.
- A missing ``Encrypted`` is located, as every absent setting in the catalog, at the resource's
  first line (the instance, launch template or configuration), once per declared device: the
  message names the device. An ``Encrypted: false`` points at its own line.
- Terraform ``aws_ebs_encryption_by_default`` (enabled) in the same module encrypts every new volume
  of the account and region: its devices are then encrypted whatever they say.
"""

from __future__ import annotations

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.handlers._common import (
    identity,
    item_view,
    live,
    map_items,
    setting,
    terraform,
    under,
)
from lpcheck.adapters.registry import cfn
from lpcheck.adapters.view import ResourceView, walk
from lpcheck.model.resources import BlockStorage
from lpcheck.model.values import Value
from lpcheck.parsers.nodes import MapNode, Node, ScalarNode


def _set(node: Node | None) -> bool:
    """Whether a setting is present with a meaningful value (not null, empty or false)."""
    if node is None:
        return False
    if isinstance(node, ScalarNode):
        return node.value not in (None, "", False)
    return True  # a map (CFN ``NoDevice: {}``), a list, unknown or a choice: present


def _present(node: Node | None) -> bool:
    """Whether a key is written at all with a non-null value (``NoDevice: ""`` counts)."""
    if node is None:
        return False
    return not (isinstance(node, ScalarNode) and node.value in (None, False))


def _encryption(ebs: ResourceView, *, enc: str, snap: str | None, kms: str) -> Value:
    """The effective ``encrypted`` of a volume or device, honouring snapshots and KMS keys."""
    value = setting(ebs, enc)
    if snap is not None and _set(ebs.node(snap)) and value.as_bool() is not True:
        return Value.unknown(ebs.loc, reason="inherits the snapshot's encryption")
    if value.is_absent and _set(ebs.node(kms)):
        return Value.unknown(ebs.loc, reason="a KMS key is given")
    return value


def _by_default(ctx: AdaptContext) -> Value | None:
    """Encryption forced by ``aws_ebs_encryption_by_default`` in the same Terraform module."""
    for view in live(ctx, "aws_ebs_encryption_by_default"):
        enabled = view.value("enabled")
        if enabled.is_absent or enabled.as_bool() is True:
            return Value.literal(True, view.loc)
    return None


def _add(ctx: AdaptContext, view: ResourceView, *, kind: str, device: str, enc: Value) -> None:
    forced = _by_default(ctx) if ctx.format.startswith("terraform") else None
    ctx.model.add(BlockStorage(**identity(view), kind=kind, encrypted=forced or enc, device=device))


def _device_name(item: MapNode, key: str) -> str:
    node = item.get(key)
    return str(node.value) if isinstance(node, ScalarNode) and node.value not in (None, "") else ""


# -- CloudFormation -------------------------------------------------------------------------------


@cfn("AWS::EC2::Volume")
def cfn_volume(view: ResourceView, ctx: AdaptContext) -> None:
    enc = _encryption(view, enc="Encrypted", snap="SnapshotId", kms="KmsKeyId")
    _add(ctx, view, kind="volume", device="", enc=enc)


def _cfn_mappings(view: ResourceView, ctx: AdaptContext, path: str, kind: str) -> None:
    """``BlockDeviceMappings`` items: ``{DeviceName, Ebs{Encrypted, SnapshotId, KmsKeyId}, ...}``."""
    for item, label in map_items(view.node(path)):
        if _present(item.get("NoDevice")) or _set(item.get("VirtualName")):
            continue
        for ebs, ebs_label in map_items(item.get("Ebs"), label):
            ebs_view = item_view(view, ebs)
            enc = _encryption(ebs_view, enc="Encrypted", snap="SnapshotId", kms="KmsKeyId")
            device = _device_name(item, "DeviceName")
            _add(ctx, view, kind=kind, device=device, enc=under(enc, ebs_label))


@cfn("AWS::EC2::Instance")
def cfn_instance(view: ResourceView, ctx: AdaptContext) -> None:
    _cfn_mappings(view, ctx, "BlockDeviceMappings", "block device")


@cfn("AWS::EC2::LaunchTemplate")
def cfn_launch_template(view: ResourceView, ctx: AdaptContext) -> None:
    _cfn_mappings(view, ctx, "LaunchTemplateData.BlockDeviceMappings", "launch template")


@cfn("AWS::AutoScaling::LaunchConfiguration")
def cfn_launch_configuration(view: ResourceView, ctx: AdaptContext) -> None:
    _cfn_mappings(view, ctx, "BlockDeviceMappings", "launch configuration")


@cfn("AWS::EC2::SpotFleet")
def cfn_spot_fleet(view: ResourceView, ctx: AdaptContext) -> None:
    _cfn_mappings(
        view, ctx, "SpotFleetRequestConfigData.LaunchSpecifications.BlockDeviceMappings", "block device"
    )


# -- Terraform ------------------------------------------------------------------------------------


@terraform("aws_ebs_volume")
def tf_volume(view: ResourceView, ctx: AdaptContext) -> None:
    enc = _encryption(view, enc="encrypted", snap="snapshot_id", kms="kms_key_id")
    _add(ctx, view, kind="volume", device="", enc=enc)


def _tf_instance_devices(
    view: ResourceView, ctx: AdaptContext, body: Node | None, kind: str, outer: str | None = None
) -> None:
    """``root_block_device`` and ``ebs_block_device`` blocks (instances, launch configurations).

    Terraform writes an unset ``no_device``/``virtual_name`` as false or "" (plans do): not set."""
    for item, label in map_items(walk(body, ["root_block_device"]), outer):
        enc = _encryption(item_view(view, item), enc="encrypted", snap=None, kms="kms_key_id")
        _add(ctx, view, kind=kind, device="root", enc=under(enc, label))
    for item, label in map_items(walk(body, ["ebs_block_device"]), outer):
        if _set(item.get("no_device")) or _set(item.get("virtual_name")):
            continue
        enc = _encryption(item_view(view, item), enc="encrypted", snap="snapshot_id", kms="kms_key_id")
        device = _device_name(item, "device_name")
        _add(ctx, view, kind=kind, device=device, enc=under(enc, label))


@terraform("aws_instance", "aws_spot_instance_request")
def tf_instance(view: ResourceView, ctx: AdaptContext) -> None:
    _tf_instance_devices(view, ctx, view.body, "block device")


@terraform("aws_launch_configuration")
def tf_launch_configuration(view: ResourceView, ctx: AdaptContext) -> None:
    _tf_instance_devices(view, ctx, view.body, "launch configuration")


@terraform("aws_spot_fleet_request")
def tf_spot_fleet(view: ResourceView, ctx: AdaptContext) -> None:
    for spec, label in map_items(view.node("launch_specification")):
        _tf_instance_devices(view, ctx, spec, "block device", label)


@terraform("aws_launch_template")
def tf_launch_template(view: ResourceView, ctx: AdaptContext) -> None:
    """``block_device_mappings { device_name, no_device, virtual_name, ebs { encrypted } }``;
    ``encrypted`` is a string there ("true"/"false"), which ``Value.as_bool`` reads."""
    for item, label in map_items(view.node("block_device_mappings")):
        if _set(item.get("no_device")) or _set(item.get("virtual_name")):
            continue
        for ebs, ebs_label in map_items(item.get("ebs"), label):
            ebs_view = item_view(view, ebs)
            enc = _encryption(ebs_view, enc="encrypted", snap="snapshot_id", kms="kms_key_id")
            device = _device_name(item, "device_name")
            _add(ctx, view, kind="launch template", device=device, enc=under(enc, ebs_label))
