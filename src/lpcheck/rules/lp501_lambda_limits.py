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
from lpcheck.model.resources import Function
from lpcheck.model.values import Value
from lpcheck.rules._common import origin, when, witness
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


_PROBLEMS = (
    (
        "timeout",
        "a timeout of {} s",
        f"the maximum is {MAX_TIMEOUT} s (15 minutes), so AWS rejects the function",
    ),
    (
        "memory",
        "a memory size of {} MB",
        f"AWS accepts {MIN_MEMORY} to {MAX_MEMORY:,} MB, so it rejects the function",
    ),
)


@rule("LP501")
def check(model: Model) -> Iterable[Issue]:
    for fn in model.of(Function):
        checks = ((fn.timeout, _timeout_bad), (fn.memory, _memory_bad))
        for (what, shown, limit), (value, bad) in zip(_PROBLEMS, checks, strict=True):
            found = witness(value, bad)
            if found is None:
                continue
            cond = when(found, fn)
            yield Issue(
                loc=found.at(fn.loc),
                message=(
                    f"Lambda function '{fn.address}' has {shown.format(_show(found))}"
                    f"{origin(found)}{cond}; {limit}"
                ),
                resource=fn.address,
                key=f"{fn.address}:{what}{cond}",
            )
