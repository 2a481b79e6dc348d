"""IAM access keys created for users, for LP204 (long-lived-access-key).

An ``AccessKey`` per ``AWS::IAM::AccessKey``/``aws_iam_access_key`` with the user it belongs to.
A key created with ``Status: Inactive``/``status = "Inactive"`` cannot sign requests and is not
adapted (no finding); under ``Fn::If`` a key that is active in any branch is kept.
"""

from __future__ import annotations

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.registry import cfn, tf
from lpcheck.adapters.view import ResourceView
from lpcheck.model.resources import AccessKey


def _add(view: ResourceView, ctx: AdaptContext, user: str, status: str) -> None:
    state = view.value(status)
    if all((v.as_str() or "").lower() == "inactive" for v in state.variants()):
        return
    ctx.model.add(
        AccessKey(
            address=view.address,
            type=view.type,
            loc=view.loc,
            names=view.names,
            condition=view.condition,
            user=view.value(user),
        )
    )


@cfn("AWS::IAM::AccessKey")
def cfn_access_key(view: ResourceView, ctx: AdaptContext) -> None:
    _add(view, ctx, "UserName", "Status")


@tf("aws_iam_access_key")
def tf_access_key(view: ResourceView, ctx: AdaptContext) -> None:
    _add(view, ctx, "user", "status")
