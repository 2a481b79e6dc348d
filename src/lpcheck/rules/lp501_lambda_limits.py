"""LP501 lambda-limits: a Lambda function with a timeout over 900 s or memory outside 128-10,240 MB.

AWS rejects such a function, so the deployment fails (or, with a value from a parameter or
variable, fails only in the environment that sets it). Absent values take the defaults (3 s,
128 MB). A value inherited from SAM ``Globals`` is reported at the ``Globals`` line once per
function that inherits it (the message names the function).
"""

from __future__ import annotations

from collections.abc import Iterable

from lpcheck.findings import Issue
from lpcheck.model.container import Model
from lpcheck.model.resources import Function, Resource
from lpcheck.model.values import Value
from lpcheck.rules.base import rule

MAX_TIMEOUT = 900
MIN_MEMORY = 128
MAX_MEMORY = 10240


def _number(v: Value) -> float | None:
    """The numeric value of a literal (ints, and floats such as ``900.5``), else None."""
    if v.as_int() is not None:
        return v.as_int()
    if v.is_literal and isinstance(v.raw, (int, float, str)) and not isinstance(v.raw, bool):
        try:
            return float(v.raw)
        except ValueError:
            return None
    return None


def _timeout_bad(v: Value) -> bool:
    n = _number(v)
    return n is not None and n > MAX_TIMEOUT


def _memory_bad(v: Value) -> bool:
    n = _number(v)
    return n is not None and not MIN_MEMORY <= n <= MAX_MEMORY


def _show(v: Value) -> str:
    n = _number(v)
    return str(int(n)) if n is not None and float(n).is_integer() else str(v.raw)


def _origin(v: Value) -> str:
    return f" (from {v.origin})" if v.origin else ""


def _when(witness: Value, resource: Resource) -> str:
    """The branch condition of the witness and the resource's own condition, if any."""
    conditions = [c for c in (resource.condition, witness.condition) if c]
    return f" (when {' and '.join(dict.fromkeys(conditions))})" if conditions else ""


@rule("LP501")
def check(model: Model) -> Iterable[Issue]:
    for fn in model.of(Function):
        name = f"Lambda function '{fn.address}'"
        witness = fn.timeout.find(_timeout_bad)
        if witness is not None:
            when = _when(witness, fn)
            yield Issue(
                loc=witness.at(fn.loc),
                message=(
                    f"{name} has a timeout of {_show(witness)} s{_origin(witness)}{when}; the maximum "
                    f"is {MAX_TIMEOUT} s (15 minutes), so AWS rejects the function"
                ),
                resource=fn.address,
                key=f"{fn.address}:timeout{when}",
            )
        witness = fn.memory.find(_memory_bad)
        if witness is not None:
            when = _when(witness, fn)
            yield Issue(
                loc=witness.at(fn.loc),
                message=(
                    f"{name} has a memory size of {_show(witness)} MB{_origin(witness)}{when}; AWS "
                    f"accepts {MIN_MEMORY} to {MAX_MEMORY:,} MB, so it rejects the function"
                ),
                resource=fn.address,
                key=f"{fn.address}:memory{when}",
            )
