"""Terraform front-end: a module's ``.tf``/``.tf.json``/tfvars files, or a plan, -> the model.

``adapt_module`` reads the files of one directory (HCL with positions via python-hcl2's Lark
tree, ``.tf.json`` via the positioned JSON parser), evaluates variables, tfvars, locals, functions
and references between resources into positioned node trees (``evaluate``, ``functions``), renders
``aws_iam_policy_document`` data sources (``policydoc``) and hands each resource to the handlers
registered for its type (``module``); local child modules (``source = "./x"``, ``"../../"``) are
evaluated with the call's arguments into the same model (``source`` parses each directory once,
``types`` applies ``optional()`` object attributes). ``plan.adapt_plan`` does the same for
``terraform show -json`` output. Nothing here raises on user input: parse errors and our own
bugs are returned as ``AdaptResult.problems``. The HCL parser is imported only when a ``.tf`` file is parsed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lpcheck.result import AdaptResult


def adapt_module(files: list[Path], display: Callable[[Path], str]) -> AdaptResult:
    """Adapt the Terraform files of one directory; ``display(path)`` is the path findings show."""
    from lpcheck.adapters.terraform.module import adapt_files

    return adapt_files(files, display)


__all__ = ["adapt_module"]
