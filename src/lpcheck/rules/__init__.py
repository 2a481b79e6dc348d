"""Rules: each module ``lpNNN_<name>.py`` holds one rule function registered with ``@rule``.

Rules read only the model (``lpcheck.model``); they never see a file format. Modules are imported
on first use (``load_all``), so adding a rule is: one module here, one ``rules/LPNNN.yaml`` metadata
file, one fixture pair under ``tests/fixtures/LPNNN/``.
"""

from lpcheck.rules.base import REGISTRY, RuleFunc, load_all, rule

__all__ = ["REGISTRY", "RuleFunc", "load_all", "rule"]
