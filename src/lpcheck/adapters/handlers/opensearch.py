"""OpenSearch Service and legacy Elasticsearch domains: zone awareness (LP402).

``ZoneAwarenessEnabled`` defaults to false, so a domain that does not set it keeps every node in
one Availability Zone. Multi-AZ with standby (``MultiAZWithStandbyEnabled``) only exists on a
zone-aware domain, so a domain that turns it on counts as zone aware even when the flag itself is
left out. OpenSearch Serverless collections are always multi-AZ and are not adapted.
"""

from __future__ import annotations

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.handlers._common import identity, setting, terraform
from lpcheck.adapters.registry import cfn
from lpcheck.adapters.view import ResourceView
from lpcheck.model.resources import SearchDomain


def _add(view: ResourceView, ctx: AdaptContext, block: str, zone: str, standby: str) -> None:
    zone_awareness = setting(view, f"{block}.{zone}")
    with_standby = setting(view, f"{block}.{standby}")
    if zone_awareness.find(lambda v: v.as_bool() is True) is None and with_standby.as_bool() is True:
        zone_awareness = with_standby
    ctx.model.add(
        SearchDomain(
            **identity(view),  # type: ignore[arg-type]
            zone_awareness=zone_awareness,
        )
    )


@cfn("AWS::OpenSearchService::Domain")
def cfn_opensearch_domain(view: ResourceView, ctx: AdaptContext) -> None:
    _add(view, ctx, "ClusterConfig", "ZoneAwarenessEnabled", "MultiAZWithStandbyEnabled")


@cfn("AWS::Elasticsearch::Domain")
def cfn_elasticsearch_domain(view: ResourceView, ctx: AdaptContext) -> None:
    _add(view, ctx, "ElasticsearchClusterConfig", "ZoneAwarenessEnabled", "MultiAZWithStandbyEnabled")


@terraform("aws_opensearch_domain", "aws_elasticsearch_domain")
def tf_search_domain(view: ResourceView, ctx: AdaptContext) -> None:
    _add(view, ctx, "cluster_config", "zone_awareness_enabled", "multi_az_with_standby_enabled")
