"""The provider-neutral model: what AWS would be told to build, with every value's origin.

Adapters fill it from any format; rules read only it. Nothing here knows a file format.
"""

from lpcheck.model.container import Model
from lpcheck.model.values import State, Value

__all__ = ["Model", "State", "Value"]
