"""Lambda functions: memory size and timeout (SAM ``Globals`` are merged by the front-end, so a
value inherited from ``Globals`` arrives here located at the ``Globals`` line)."""

from __future__ import annotations

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.handlers.ec2 import located, settled
from lpcheck.adapters.registry import cfn, tf
from lpcheck.adapters.view import ResourceView
from lpcheck.model.resources import Function


def _function(view: ResourceView, ctx: AdaptContext, name: str, memory: str, timeout: str) -> None:
    names = list(view.names)
    literal = view.value(name).as_str()
    if literal and literal not in names:
        names.append(literal)
    ctx.model.add(
        Function(
            address=view.address,
            type=view.type,
            loc=view.loc,
            names=tuple(names),
            condition=view.condition,
            memory=located(view, memory),
            timeout=located(view, timeout),
        )
    )


@cfn("AWS::Lambda::Function", "AWS::Serverless::Function")
def cfn_function(view: ResourceView, ctx: AdaptContext) -> None:
    _function(view, ctx, "FunctionName", "MemorySize", "Timeout")


@tf("aws_lambda_function")
def tf_function(view: ResourceView, ctx: AdaptContext) -> None:
    view = settled(view, ctx)
    if view.count != 0:
        _function(view, ctx, "function_name", "memory_size", "timeout")
