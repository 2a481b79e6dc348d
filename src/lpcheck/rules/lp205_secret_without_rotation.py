"""LP205 secret-without-rotation: a Secrets Manager secret that no rotation schedule targets.

A ``Secret`` is fine when rotation is configured on it (legacy inline ``rotation_rules``) or when a
``SecretRotation`` of the same template/module refers to it (``Model.refers_to``: a reference to its
address, or its literal name/ARN). Choices made:

- A rotation whose target cannot be resolved (a variable, an import, a module output, a resource
  that is not a secret of the unit) might rotate any secret of the unit, so no secret of that unit
  is reported (no finding on the unknown). A rotation of a secret named by a literal that matches
  none of the unit's secrets rotates an external secret and changes nothing.
- A secret with ``GenerateSecretString`` and no rotation is still reported: generating a strong
  value once does not limit how long a stolen copy stays valid.
- Reported at the secret's first line (an absent setting).
"""

from __future__ import annotations

from collections.abc import Iterable

from lpcheck.findings import Issue
from lpcheck.location import Location
from lpcheck.model.container import Model
from lpcheck.model.resources import Secret, SecretRotation
from lpcheck.rules.base import rule


def _unresolvable(rotation: SecretRotation, secrets: list[Secret], model: Model) -> bool:
    """The rotation's target is neither one of the unit's secrets nor a literal name/ARN."""
    if any(model.refers_to(rotation.secret, s) for s in secrets):
        return False
    return any(not (v.is_literal and v.as_str()) for v in rotation.secret.variants())


@rule("LP205")
def secret_without_rotation(model: Model) -> Iterable[Issue]:
    secrets = model.of(Secret)
    if not secrets:
        return
    rotations = model.of(SecretRotation)
    if any(_unresolvable(r, secrets, model) for r in rotations):
        return
    places: set[Location] = set()  # two instances of one module: one finding
    for secret in secrets:
        if secret.loc in places:
            continue
        if secret.inline_rotation or any(model.refers_to(r.secret, secret) for r in rotations):
            continue
        places.add(secret.loc)
        when = f" (when {secret.condition})" if secret.condition else ""
        yield Issue(
            loc=secret.loc,
            message=(
                f"Secrets Manager secret {secret.address} has no rotation schedule{when}; add an "
                "AWS::SecretsManager::RotationSchedule / aws_secretsmanager_secret_rotation that targets it"
            ),
            resource=secret.address,
            key=f"{secret.address}:rotation",
        )
