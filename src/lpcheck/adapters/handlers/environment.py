"""Environment variables of compute resources, for LP203 (secret-in-environment) and LP201.

Each variable becomes an ``EnvironmentVariable`` (address/type of its owner, ``loc`` at the
variable's name, ``value`` at the value) whatever shape the format gives it:

- a map of name -> value: Lambda ``Environment.Variables`` (also SAM functions, with ``Globals``
  already merged by the front-end), ``aws_lambda_function`` ``environment { variables }``,
  App Runner / Amplify / SageMaker / Lightsail maps, Glue ``DefaultArguments`` (``--NAME``);
- a list of ``{Name, Value}`` pairs: ECS container definitions, Batch job definitions (container,
  multi-node, EKS ``Env``, ECS task properties), CodeBuild ``EnvironmentVariables`` (only type
  ``PLAINTEXT``; ``PARAMETER_STORE``/``SECRETS_MANAGER`` values are names, not secrets), App Runner,
  Amplify, Elastic Beanstalk option settings in the ``aws:elasticbeanstalk:application:environment``
  namespace;
- Terraform ``container_definitions``/``container_properties`` written as ``jsonencode(...)``
  (a structure) or as a JSON string/heredoc, parsed with positions and shifted onto the file like
  IAM policy strings, so a finding points at the variable's own line.

In a plan every value is resolved; a variable whose configuration expression is not a constant
(``var.db_password``, a map mixing constants and references) is recorded as unknown, as LP202
does for secret properties: only constants of the code count.

Keys are matched case-insensitively: the JSON of ECS/Batch in Terraform is camelCase
(``environment``, ``name``, ``value``) while CloudFormation is PascalCase.
"""

from __future__ import annotations

from collections.abc import Iterator

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.registry import cfn, tf
from lpcheck.adapters.view import ResourceView, value_of
from lpcheck.location import Location
from lpcheck.model.resources import EnvironmentVariable
from lpcheck.model.values import Value
from lpcheck.parsers.nodes import ChoiceNode, ListNode, MapNode, Node, ScalarNode

# -- node helpers shared by the secret handlers ------------------------------------------------------


def iget(node: Node | None, key: str) -> Node | None:
    """A map member by case-insensitive key (None if absent or not a map)."""
    if not isinstance(node, MapNode):
        return None
    found = node.items.get(key)
    if found is not None:
        return found
    hit = node.iget(key)
    return hit[1] if hit else None


def embedded(node: Node | None) -> Node | None:
    """A JSON document written as a string (heredoc, ``file()``, a quoted string) as positioned
    nodes; a structure (``jsonencode`` kept as a tree) is returned as is."""
    if isinstance(node, ScalarNode) and isinstance(node.value, str):
        from lpcheck.adapters.policy import parse_embedded

        return parse_embedded(node)
    return node


def maps(node: Node | None, condition: str | None = None) -> Iterator[tuple[MapNode, str | None]]:
    """The maps under ``node``: the node itself, each item of a list, each branch of a choice
    (with the branch's condition label joined to ``condition``)."""
    yield from _maps(node, condition)


def _maps(node: Node | None, condition: str | None) -> Iterator[tuple[MapNode, str | None]]:
    if isinstance(node, MapNode):
        yield node, condition
    elif isinstance(node, ListNode):
        for item in node.items:
            yield from _maps(item, condition)
    elif isinstance(node, ChoiceNode):
        for label, option in node.options:
            yield from _maps(option, join_conditions(condition, label))


def descend(node: Node | None, path: str) -> Iterator[tuple[MapNode, str | None]]:
    """Every map reached by following ``path`` (dotted, case-insensitive) through maps, lists and
    choices (``*`` = every member): ``descend(body, "ContainerDefinitions.Environment")`` yields
    each environment entry."""
    current: list[tuple[Node | None, str | None]] = [(node, None)]
    for part in path.split(".") if path else []:
        nxt: list[tuple[Node | None, str | None]] = []
        for n, cond in current:
            for m, c in _maps(n, cond):
                children = list(m.items.values()) if part == "*" else [iget(m, part)]
                for child in children:
                    if child is not None:
                        nxt.append((embedded(child) if _is_json_text(child) else child, c))
        current = nxt
    for n, cond in current:
        yield from _maps(n, cond)


def _is_json_text(node: Node) -> bool:
    return (
        isinstance(node, ScalarNode)
        and isinstance(node.value, str)
        and node.value.lstrip().startswith(("{", "["))
    )


def join_conditions(outer: str | None, inner: str | None) -> str | None:
    if outer and inner:
        return f"{outer} and {inner}"
    return outer or inner


def conditioned(node: Node | None, fallback: Location, condition: str | None) -> Value:
    """The typed value of ``node``, each variant also naming the outer ``condition``."""
    value = value_of(node, fallback)
    if not condition:
        return value
    return Value.choice(
        [v.with_condition(join_conditions(condition, v.condition)) for v in value.variants()], value.loc
    )


def plan_reference(view: ResourceView, path: str) -> str | None:
    """In a plan, what the configuration writes instead of a constant for ``path`` (e.g.
    ``var.db_password``): the planned value is then resolved, not hardcoded in the code.

    Reads ``view.extra["expressions"]`` (the resource's ``configuration`` expressions) and stops at
    the first expression on the way (``container_definitions`` is one expression for the whole
    document; ``environment[0].variables`` one for the whole map, so a map mixing constants and
    references counts as not constant). Without expressions every planned value is taken as written."""
    node = view.extra.get("expressions")
    for part in path.split("."):
        while isinstance(node, ListNode) and node.items:
            node = node.items[0]
        if _is_expression(node):
            break
        node = iget(node, part) if part != "*" else None
        if node is None:
            return None
    while isinstance(node, ListNode) and node.items:
        node = node.items[0]
    if not _is_expression(node) or "constant_value" in node.items:  # type: ignore[union-attr]
        return None
    refs = node.items.get("references")  # type: ignore[union-attr]
    if isinstance(refs, ListNode) and refs.items and isinstance(refs.items[0], ScalarNode):
        return str(refs.items[0].value)
    return None


def _is_expression(node: Node | None) -> bool:
    return isinstance(node, MapNode) and ("constant_value" in node.items or "references" in node.items)


def _unplanned(value: Value, configured: str | None) -> Value:
    """A planned value the configuration takes from ``configured`` is not a literal of the code."""
    if configured is None or not any(v.is_literal for v in value.variants()):
        return value
    return Value.unknown(value.loc, reason=f"planned value of {configured}")


# -- building the model --------------------------------------------------------------------------------


def _add(
    view: ResourceView,
    ctx: AdaptContext,
    name: str,
    name_loc: Location | None,
    value: Value,
    configured: str | None = None,
) -> None:
    if not name:
        return
    value = _unplanned(value, configured)
    ctx.model.add(
        EnvironmentVariable(
            address=view.address,
            type=view.type,
            loc=name_loc or value.loc or view.loc,
            names=view.names,
            condition=view.condition,
            name=name,
            value=value,
        )
    )


def add_map(
    view: ResourceView,
    ctx: AdaptContext,
    node: Node | None,
    strip: str = "",
    condition: str | None = None,
    configured: str | None = None,
) -> None:
    """Variables written as a map ``{NAME: value}``."""
    for m, cond in maps(node, condition):
        for key, child in m.items.items():
            name = key.lstrip(strip) if strip else key
            key_loc = m.key_locs.get(key, m.loc)
            _add(view, ctx, name, key_loc, conditioned(child, key_loc, cond), configured)


def add_pairs(
    view: ResourceView,
    ctx: AdaptContext,
    node: Node | None,
    name_key: str = "Name",
    value_key: str = "Value",
    *,
    type_key: str | None = None,
    namespace: str | None = None,
    condition: str | None = None,
    configured: str | None = None,
) -> None:
    """Variables written as a list of ``{Name: ..., Value: ...}`` maps."""
    for m, cond in maps(node, condition):
        name_node = iget(m, name_key)
        if not isinstance(name_node, ScalarNode) or not isinstance(name_node.value, str):
            continue
        if type_key is not None:
            kind = iget(m, type_key)
            if kind is not None and not (
                isinstance(kind, ScalarNode) and str(kind.value).upper() == "PLAINTEXT"
            ):
                continue  # PARAMETER_STORE / SECRETS_MANAGER (or unknown): the value is a name
        if namespace is not None:
            ns = iget(m, "Namespace")
            if not (isinstance(ns, ScalarNode) and str(ns.value).lower() == namespace):
                continue
        value_node = iget(m, value_key)
        if value_node is None:
            continue
        value = conditioned(value_node, name_node.loc, cond)
        _add(view, ctx, name_node.value, name_node.loc, value, configured)


def add_under(view: ResourceView, ctx: AdaptContext, path: str, kind: str = "pairs", **kw: str) -> None:
    """Follow ``path`` (through lists, choices and JSON strings) and add what is there. In a plan,
    values the configuration does not write as constants are not the code's literals."""
    configured = plan_reference(view, path) if ctx.format == "terraform-plan" else None
    parent, _, leaf = path.rpartition(".")
    for m, cond in descend(view.body, parent):
        child = iget(m, leaf)
        if child is None:
            continue
        if _is_json_text(child):
            child = embedded(child)
        if kind == "map":
            add_map(view, ctx, child, condition=cond, configured=configured, **kw)
        else:
            add_pairs(view, ctx, child, condition=cond, configured=configured, **kw)


# -- CloudFormation -------------------------------------------------------------------------------------


@cfn("AWS::Lambda::Function", "AWS::Serverless::Function")
def cfn_lambda(view: ResourceView, ctx: AdaptContext) -> None:
    add_under(view, ctx, "Environment.Variables", "map")


@cfn("AWS::ECS::TaskDefinition")
def cfn_ecs(view: ResourceView, ctx: AdaptContext) -> None:
    add_under(view, ctx, "ContainerDefinitions.Environment")


@cfn("AWS::Batch::JobDefinition")
def cfn_batch(view: ResourceView, ctx: AdaptContext) -> None:
    add_under(view, ctx, "ContainerProperties.Environment")
    add_under(view, ctx, "NodeProperties.NodeRangeProperties.Container.Environment")
    add_under(view, ctx, "EksProperties.PodProperties.Containers.Env")
    add_under(view, ctx, "EcsProperties.TaskProperties.Containers.Environment")


@cfn("AWS::CodeBuild::Project")
def cfn_codebuild(view: ResourceView, ctx: AdaptContext) -> None:
    add_under(view, ctx, "Environment.EnvironmentVariables", type_key="Type")


@cfn("AWS::AppRunner::Service")
def cfn_apprunner(view: ResourceView, ctx: AdaptContext) -> None:
    add_under(view, ctx, "SourceConfiguration.ImageRepository.ImageConfiguration.RuntimeEnvironmentVariables")
    add_under(
        view,
        ctx,
        "SourceConfiguration.CodeRepository.CodeConfiguration.CodeConfigurationValues.RuntimeEnvironmentVariables",
    )


@cfn("AWS::Amplify::App", "AWS::Amplify::Branch")
def cfn_amplify(view: ResourceView, ctx: AdaptContext) -> None:
    add_under(view, ctx, "EnvironmentVariables")


@cfn("AWS::ElasticBeanstalk::Environment", "AWS::ElasticBeanstalk::ConfigurationTemplate")
def cfn_beanstalk(view: ResourceView, ctx: AdaptContext) -> None:
    add_under(
        view,
        ctx,
        "OptionSettings",
        name_key="OptionName",
        namespace="aws:elasticbeanstalk:application:environment",
    )


@cfn("AWS::Glue::Job")
def cfn_glue(view: ResourceView, ctx: AdaptContext) -> None:
    add_under(view, ctx, "DefaultArguments", "map", strip="-")


@cfn("AWS::SageMaker::Model")
def cfn_sagemaker(view: ResourceView, ctx: AdaptContext) -> None:
    add_under(view, ctx, "PrimaryContainer.Environment", "map")
    add_under(view, ctx, "Containers.Environment", "map")


@cfn("AWS::Lightsail::Container")
def cfn_lightsail(view: ResourceView, ctx: AdaptContext) -> None:
    add_under(view, ctx, "ContainerServiceDeployment.Containers.Environment", name_key="Variable")


# -- Terraform ------------------------------------------------------------------------------------------


@tf("aws_lambda_function")
def tf_lambda(view: ResourceView, ctx: AdaptContext) -> None:
    add_under(view, ctx, "environment.variables", "map")


@tf("aws_ecs_task_definition")
def tf_ecs(view: ResourceView, ctx: AdaptContext) -> None:
    add_under(view, ctx, "container_definitions.environment", name_key="name", value_key="value")


@tf("aws_batch_job_definition")
def tf_batch(view: ResourceView, ctx: AdaptContext) -> None:
    pairs = {"name_key": "name", "value_key": "value"}
    add_under(view, ctx, "container_properties.environment", **pairs)
    add_under(view, ctx, "node_properties.nodeRangeProperties.container.environment", **pairs)
    add_under(view, ctx, "ecs_properties.taskProperties.containers.environment", **pairs)
    add_under(view, ctx, "eks_properties.pod_properties.containers.env", **pairs)


@tf("aws_codebuild_project")
def tf_codebuild(view: ResourceView, ctx: AdaptContext) -> None:
    add_under(
        view, ctx, "environment.environment_variable", name_key="name", value_key="value", type_key="type"
    )


@tf("aws_apprunner_service")
def tf_apprunner(view: ResourceView, ctx: AdaptContext) -> None:
    add_under(
        view,
        ctx,
        "source_configuration.image_repository.image_configuration.runtime_environment_variables",
        "map",
    )
    add_under(
        view,
        ctx,
        "source_configuration.code_repository.code_configuration.code_configuration_values"
        ".runtime_environment_variables",
        "map",
    )


@tf("aws_amplify_app", "aws_amplify_branch")
def tf_amplify(view: ResourceView, ctx: AdaptContext) -> None:
    add_under(view, ctx, "environment_variables", "map")


@tf("aws_elastic_beanstalk_environment", "aws_elastic_beanstalk_configuration_template")
def tf_beanstalk(view: ResourceView, ctx: AdaptContext) -> None:
    add_under(
        view,
        ctx,
        "setting",
        name_key="name",
        value_key="value",
        namespace="aws:elasticbeanstalk:application:environment",
    )


@tf("aws_glue_job")
def tf_glue(view: ResourceView, ctx: AdaptContext) -> None:
    add_under(view, ctx, "default_arguments", "map", strip="-")


@tf("aws_sagemaker_model")
def tf_sagemaker(view: ResourceView, ctx: AdaptContext) -> None:
    add_under(view, ctx, "primary_container.environment", "map")
    add_under(view, ctx, "container.environment", "map")


@tf("aws_lightsail_container_service_deployment_version")
def tf_lightsail(view: ResourceView, ctx: AdaptContext) -> None:
    add_under(view, ctx, "container.environment", "map")
