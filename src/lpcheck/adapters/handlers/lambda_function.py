"""Lambda functions: memory size and timeout (SAM ``Globals`` are merged by the front-end, so a
value inherited from ``Globals`` arrives here located at the ``Globals`` line)."""

from __future__ import annotations

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.handlers._common import identity, literal_names, setting, terraform
from lpcheck.adapters.registry import cfn
from lpcheck.adapters.view import ResourceView
from lpcheck.model.resources import Function


def _function(view: ResourceView, ctx: AdaptContext, name: str, memory: str, timeout: str) -> None:
    ctx.model.add(
        Function(
            **identity(view, literal_names(view, name)),  # type: ignore[arg-type]
            memory=setting(view, memory),
            timeout=setting(view, timeout),
        )
    )


@cfn("AWS::Lambda::Function", "AWS::Serverless::Function")
def cfn_function(view: ResourceView, ctx: AdaptContext) -> None:
    _function(view, ctx, "FunctionName", "MemorySize", "Timeout")


@terraform("aws_lambda_function")
def tf_function(view: ResourceView, ctx: AdaptContext) -> None:
    _function(view, ctx, "function_name", "memory_size", "timeout")
