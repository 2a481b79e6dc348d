"""LP403 single-az-compute: an Auto Scaling group or a load balancer confined to one AZ or subnet.

A subnet lives in exactly one Availability Zone, so a group or load balancer given one subnet (or
one zone) goes down with that zone. The handlers give the written lists with one entry per element
(``None`` for an element that is a reference or an unknown value): a list of one element is one
subnet even when that element is unknown; a list that is itself unknown never fires.
"""

from __future__ import annotations

from collections.abc import Iterable

from lpcheck.findings import Issue
from lpcheck.model.container import Model
from lpcheck.model.resources import ComputeGroup
from lpcheck.model.values import Value
from lpcheck.rules._common import origin, when, witness
from lpcheck.rules.base import rule


def _distinct(items: tuple) -> int:
    """Distinct elements; unknown ones (``None``) may be anything, so each counts as one more."""
    return len({i for i in items if i is not None}) + sum(1 for i in items if i is None)


def _single(v: Value) -> bool:
    return v.is_literal and isinstance(v.raw, tuple) and _distinct(v.raw) == 1


def _written(v: Value) -> str:
    known = [i for i in v.raw if i is not None]
    return f" ({known[0]})" if known else ""


@rule("LP403")
def check(model: Model) -> Iterable[Issue]:
    for group in model.of(ComputeGroup):
        found, what = witness(group.subnets, _single), "a single subnet"
        if found is None:
            found, what = witness(group.zones, _single), "a single Availability Zone"
        if found is None:
            continue
        cond = when(found, group)
        placed = "places its instances in" if group.kind == "Auto Scaling group" else "spans only"
        yield Issue(
            loc=found.at(group.loc),
            message=(
                f"{group.kind} '{group.address}' {placed} {what}{_written(found)}{origin(found)}{cond}, so "
                "an outage of that Availability Zone takes it down; spread it over subnets in at "
                "least two Availability Zones"
            ),
            resource=group.address,
            key=f"{group.address}:{what}{cond}",
        )
