"""SSM parameters, for LP206 (plaintext-secret-parameter).

One ``SSMParameter`` per ``AWS::SSM::Parameter``/``aws_ssm_parameter`` with its name, type and
value as written. Terraform's ``insecure_value`` (allowed only for ``String``/``StringList``, and
shown in plan output) is the value when ``value`` is not set. Both formats require a type, so an
absent type stays absent and LP206 stays silent on it (the template is invalid anyway).
"""

from __future__ import annotations

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.registry import cfn, tf
from lpcheck.adapters.view import ResourceView
from lpcheck.model.resources import SSMParameter


def _add(view: ResourceView, ctx: AdaptContext, name: str, kind: str, values: tuple[str, ...]) -> None:
    value = view.value(values[0])
    for other in values[1:]:
        # In a plan, ``value`` is "known after apply" when only ``insecure_value`` is set.
        unset = value.is_absent or (value.as_str() is None and value.is_literal)
        if unset or (value.is_unknown and value.ref is None and view.has(other)):
            candidate = view.value(other)
            if not candidate.is_absent:
                value = candidate
    ctx.model.add(
        SSMParameter(
            address=view.address,
            type=view.type,
            loc=view.loc,
            names=view.names,
            condition=view.condition,
            name=view.value(name),
            param_type=view.value(kind),
            value=value,
        )
    )


@cfn("AWS::SSM::Parameter")
def cfn_parameter(view: ResourceView, ctx: AdaptContext) -> None:
    _add(view, ctx, "Name", "Type", ("Value",))


@tf("aws_ssm_parameter")
def tf_parameter(view: ResourceView, ctx: AdaptContext) -> None:
    _add(view, ctx, "name", "type", ("value", "insecure_value", "value_wo"))
