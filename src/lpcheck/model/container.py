"""The model of one unit of analysis: a template, a Terraform module, or a policy file."""

from __future__ import annotations

from collections import defaultdict
from typing import TypeVar

from lpcheck.model.iam import PolicyAttachment, PolicyDocument
from lpcheck.model.resources import Resource, StringLiteral
from lpcheck.model.values import Value

T = TypeVar("T")


class Model:
    """Everything adapters found, by class; rules ask ``model.of(Bucket)``."""

    def __init__(self) -> None:
        self._by_type: dict[type, list[object]] = defaultdict(list)

    def add(self, obj: object) -> None:
        self._by_type[type(obj)].append(obj)

    def of(self, cls: type[T]) -> list[T]:
        return list(self._by_type.get(cls, ()))  # type: ignore[arg-type]

    @property
    def policies(self) -> list[PolicyDocument]:
        return self.of(PolicyDocument)

    @property
    def attachments(self) -> list[PolicyAttachment]:
        return self.of(PolicyAttachment)

    @property
    def strings(self) -> list[StringLiteral]:
        return self.of(StringLiteral)

    def refers_to(self, value: Value, resource: Resource) -> bool:
        """Whether ``value`` (a reference, name or ARN) designates ``resource``.

        Links are format-neutral: a reference carries the target's address, a literal is matched
        against the resource's physical names, or as an ARN ending in one of them."""
        for v in value.variants():
            if v.ref is not None and v.ref == resource.address:
                return True
            s = v.as_str()
            if s and resource.names:
                for name in resource.names:
                    if s == name or s.endswith(":" + name) or s.endswith("/" + name):
                        return True
        return False

    def find_referenced(self, value: Value, cls: type[T]) -> list[T]:
        return [r for r in self.of(cls) if isinstance(r, Resource) and self.refers_to(value, r)]
