"""Load balancers (ALB, NLB, Gateway LB, Classic): the subnets and zones they span.

A Gateway Load Balancer is included: confined to one AZ, the appliances behind it are a single
point of failure for all the traffic it inspects. Lists are read as in ``autoscaling.place_list``:
the count of a written list is known even when its elements are references.
"""

from __future__ import annotations

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.handlers._common import terraform
from lpcheck.adapters.handlers.autoscaling import add_group, place_list
from lpcheck.adapters.registry import cfn
from lpcheck.adapters.view import ResourceView
from lpcheck.model.values import Value

_KINDS = {
    "application": "Application Load Balancer",
    "network": "Network Load Balancer",
    "gateway": "Gateway Load Balancer",
}


def _kind(lb_type: Value) -> str:
    if lb_type.is_absent:
        return _KINDS["application"]
    return _KINDS.get((lb_type.as_str() or "").lower(), "load balancer")


def _subnets(view: ResourceView, subnets_key: str, mappings_key: str, id_key: str) -> Value:
    """Subnets as written, or the subnet mappings when the list itself says nothing."""
    subnets = place_list(view, subnets_key)
    mappings = place_list(view, mappings_key, id_key)
    dynamic = view.extra.get("dynamic_unknown")
    if isinstance(dynamic, (set, frozenset)) and mappings_key in dynamic:
        # ``dynamic "subnet_mapping"`` over an unknown collection: how many blocks is unknown
        mappings = Value.unknown(view.loc, reason="dynamic subnet mappings")
    if (subnets.is_absent or subnets.is_unknown) and not mappings.is_absent:
        return mappings
    return subnets


@cfn("AWS::ElasticLoadBalancingV2::LoadBalancer")
def cfn_lb(view: ResourceView, ctx: AdaptContext) -> None:
    subnets = _subnets(view, "Subnets", "SubnetMappings", "SubnetId")
    add_group(view, ctx, _kind(view.value("Type")), Value.absent(view.loc), subnets)


@cfn("AWS::ElasticLoadBalancing::LoadBalancer")
def cfn_classic(view: ResourceView, ctx: AdaptContext) -> None:
    zones = place_list(view, "AvailabilityZones")
    subnets = place_list(view, "Subnets")
    add_group(view, ctx, "Classic Load Balancer", zones, subnets)


@terraform("aws_lb", "aws_alb")
def tf_lb(view: ResourceView, ctx: AdaptContext) -> None:
    subnets = _subnets(view, "subnets", "subnet_mapping", "subnet_id")
    add_group(view, ctx, _kind(view.value("load_balancer_type")), Value.absent(view.loc), subnets)


@terraform("aws_elb")
def tf_classic(view: ResourceView, ctx: AdaptContext) -> None:
    zones = place_list(view, "availability_zones")
    subnets = place_list(view, "subnets")
    add_group(view, ctx, "Classic Load Balancer", zones, subnets)
