"""Secrets Manager secrets and their rotation schedules, for LP205 (secret-without-rotation).

A ``Secret`` per ``AWS::SecretsManager::Secret``/``aws_secretsmanager_secret`` (its literal
``Name``/``name`` as a linkable name), a ``SecretRotation`` per
``AWS::SecretsManager::RotationSchedule``/``aws_secretsmanager_secret_rotation`` whose ``secret``
is the target as written (``Ref``/``.id``/``.arn`` -> a reference to the secret's address, or a
literal name/ARN; a ``Ref`` to a ``SecretTargetAttachment`` is followed to the attachment's
secret, as AWS's examples write it, and a reference to a ``data "aws_secretsmanager_secret"`` to
the name or ARN it looks up); LP205 links them with ``Model.refers_to``.

Rotation written on the secret itself counts too: the legacy inline ``rotation_rules`` /
``rotation_lambda_arn`` of ``aws_secretsmanager_secret`` (provider < 5) sets ``inline_rotation``.

The literal ``SecretString``/``secret_string`` is a hardcoded secret and is adapted as a
``SecretProperty`` (LP202) in ``secret_properties``.
"""

from __future__ import annotations

import re

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.registry import cfn, tf
from lpcheck.adapters.view import ResourceView
from lpcheck.model.resources import Secret, SecretRotation
from lpcheck.model.values import Value


def _names(view: ResourceView, key: str) -> tuple[str, ...]:
    name = view.value(key).as_str()
    names = tuple(view.names)
    return (*names, name) if name and name not in names else names


@cfn("AWS::SecretsManager::Secret")
def cfn_secret(view: ResourceView, ctx: AdaptContext) -> None:
    ctx.model.add(
        Secret(
            address=view.address,
            type=view.type,
            loc=view.loc,
            names=_names(view, "Name"),
            condition=view.condition,
        )
    )


def _written_arn(view: ResourceView, ctx: AdaptContext, target: Value) -> Value:
    """An ARN built with unresolvable parts (``arn:aws:secretsmanager:${AWS::Region}:...:secret:
    app/db``) still names its secret when the name part is literal: the partial text stands in."""
    if not target.is_unknown:
        return target
    from lpcheck.secrets.scan import partial_text

    text = partial_text(ctx.model, view.address, target.loc)
    if text and ":secret:" in text and "${" not in text.rsplit(":secret:", 1)[1]:
        return Value.literal(text, target.loc)
    return target


def _without_suffix(target: Value) -> Value:
    """A secret's full ARN ends in "-" and six random characters that its name does not have
    (``...:secret:app/db-AbCdEf``): the ARN without them names the secret too."""
    text = target.as_str() if target.is_literal else None
    m = re.fullmatch(r"(arn:[^:]*:secretsmanager:[^:]*:[^:]*:secret:.+)-[A-Za-z0-9]{6}", text or "")
    if not m:
        return target
    return Value.choice([target, Value.literal(m.group(1), target.loc)], target.loc)


@cfn("AWS::SecretsManager::RotationSchedule")
def cfn_rotation(view: ResourceView, ctx: AdaptContext) -> None:
    target = view.value("SecretId")
    attachment = ctx.resources.get(target.ref) if target.ref else None
    if attachment is not None and attachment.type == "AWS::SecretsManager::SecretTargetAttachment":
        # AWS's own examples rotate through the attachment, whose Ref is the secret's ARN.
        target = attachment.value("SecretId")
    target = _without_suffix(_written_arn(view, ctx, target))
    ctx.model.add(
        SecretRotation(
            address=view.address,
            type=view.type,
            loc=view.loc,
            names=view.names,
            condition=view.condition,
            secret=target,
        )
    )


@tf("aws_secretsmanager_secret")
def tf_secret(view: ResourceView, ctx: AdaptContext) -> None:
    inline = view.has("rotation_rules") or view.value("rotation_lambda_arn").as_str() not in (None, "")
    if not inline and view.value("rotation_lambda_arn").is_unknown:
        inline = True  # an unresolved rotation function: rotation is configured
    ctx.model.add(
        Secret(
            address=view.address,
            type=view.type,
            loc=view.loc,
            names=_names(view, "name"),
            condition=view.condition,
            inline_rotation=inline,
        )
    )


@tf("aws_secretsmanager_secret_rotation")
def tf_rotation(view: ResourceView, ctx: AdaptContext) -> None:
    target = view.value("secret_id")
    source = ctx.resources.get(target.ref) if target.ref else None
    if source is not None and source.type == "data.aws_secretsmanager_secret":
        # a secret looked up by its literal name or ARN: the rotation targets that name (an
        # external secret, or one of the unit's own looked up by name)
        for key in ("arn", "name"):
            written = source.value(key).as_str()
            if written:
                target = Value.literal(written, target.loc)
                break
    target = _without_suffix(_written_arn(view, ctx, target))
    ctx.model.add(
        SecretRotation(
            address=view.address,
            type=view.type,
            loc=view.loc,
            names=view.names,
            condition=view.condition,
            secret=target,
        )
    )
