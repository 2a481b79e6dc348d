"""What a front-end hands every resource handler: the model to fill and shared helpers."""

from __future__ import annotations

from dataclasses import dataclass, field

from lpcheck.adapters.view import ResourceView
from lpcheck.model.container import Model
from lpcheck.model.iam import PolicyDocument, PolicyKind
from lpcheck.model.resources import StringLiteral
from lpcheck.parsers.nodes import Node, iter_scalars


@dataclass(slots=True)
class AdaptContext:
    model: Model
    format: str  # "cloudformation", "terraform", "terraform-plan", "iam-json"
    # Every resource of the unit by address, for handlers that need a neighbour (e.g. a cluster's
    # instances); linking by reference is otherwise done in the model (Model.refers_to).
    resources: dict[str, ResourceView] = field(default_factory=dict)

    def policy(self, node: Node | None, kind: PolicyKind, owner: str) -> PolicyDocument | None:
        """Build and record a policy document from a resolved node (a map, or a JSON string)."""
        if node is None:
            return None
        from lpcheck.adapters.policy import build_policy

        doc = build_policy(node, kind, owner)
        if doc is not None:
            self.model.add(doc)
        return doc

    def add_strings(self, node: Node | None, owner: str, prefix: tuple[str, ...] = ()) -> None:
        """Record every literal string under ``node`` for the secret rules."""
        for path, scalar in iter_scalars(node, prefix):
            if isinstance(scalar.value, str) and scalar.value:
                self.model.add(
                    StringLiteral(
                        value=scalar.value, loc=scalar.loc, path=path, owner=owner, origin=scalar.origin
                    )
                )
