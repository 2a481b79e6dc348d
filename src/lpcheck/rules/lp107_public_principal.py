"""LP107 public-principal: a resource or trust policy that lets anyone in.

An ``Allow`` whose ``Principal`` is ``*``/``{"AWS": "*"}`` (or that uses ``NotPrincipal``, which
admits everyone not listed) with no restricting condition (``lpcheck.iam.exposure``), and a Lambda
permission for principal ``*`` with no ``SourceArn``/``SourceAccount``/``PrincipalOrgID``.

VPC endpoint policies are not judged: AWS requires ``Principal: "*"`` there, and the endpoint is
reachable only from inside its VPC (``lpcheck.iam.markers.is_endpoint_policy``)."""

from __future__ import annotations

from collections.abc import Iterator

from lpcheck.findings import Issue
from lpcheck.iam.analysis import analyze, statement_issue, subject_name
from lpcheck.iam.exposure import closed_by_deny, open_federation, public_witness, restricted, weak_condition
from lpcheck.iam.markers import is_endpoint_policy
from lpcheck.model.container import Model
from lpcheck.model.iam import PolicyKind
from lpcheck.model.resources import LambdaPermission
from lpcheck.rules.base import rule

_KIND = {PolicyKind.RESOURCE: "resource policy", PolicyKind.TRUST: "trust policy"}


@rule("LP107")
def public_principal(model: Model) -> Iterator[Issue]:
    analysis = analyze(model)
    for grant in analysis.grants():
        kind = _KIND.get(grant.doc.kind)
        statement = grant.statement
        if kind is None or grant.cancelled or is_endpoint_policy(grant.doc.owner):
            continue
        found = public_witness(statement.principal)
        witness = found[1] if found else None
        if found is not None:
            who = f"any principal ({found[0]})"
        elif statement.not_principal is not None:
            who = "every principal not listed in NotPrincipal"
        else:
            federation = open_federation(statement) if grant.doc.kind is PolicyKind.TRUST else None
            if federation is not None and not closed_by_deny(grant, analysis):
                who, provider, witness = federation
                yield statement_issue(
                    grant.doc,
                    statement,
                    f"{subject_name(statement)} of the trust policy lets {who} assume this role "
                    f"(Federated {provider} with no condition pinning the subject, such as "
                    f"{provider}:{'sub' if 'github' in provider else 'aud'}){grant.conditions(witness)}",
                )
            continue
        if restricted(statement) or closed_by_deny(grant, analysis):
            continue
        what = "assume this role" if grant.doc.kind is PolicyKind.TRUST else "use it"
        weak = weak_condition(statement)
        unless = (
            f" ({weak})"
            if weak
            else " with no condition on aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID or similar"
        )
        yield statement_issue(
            grant.doc,
            statement,
            f"{subject_name(statement)} of the {kind} lets {who} {what}{unless}{grant.conditions(witness)}",
        )
    for permission in model.of(LambdaPermission):
        public = permission.principal.find(lambda v: v.as_str() is not None and v.as_str().strip() == "*")
        if public is None:
            continue
        if not all(
            v.is_absent for v in (permission.source_arn, permission.source_account, permission.principal_org)
        ):
            continue
        if permission.type == "AWS::Serverless::Function":  # SAM FunctionUrlConfig AuthType NONE
            yield Issue(
                loc=public.at(permission.loc),
                message=f"FunctionUrlConfig of {permission.address} has AuthType NONE: SAM grants "
                f'lambda:InvokeFunctionUrl to any principal ("*"), so anyone on the internet can invoke the '
                f"function{public.describe_condition()}",
                resource=permission.address,
                key=f"{permission.address}:function-url",
            )
            continue
        if "layer" in permission.type.lower():
            what, missing = "shares the layer with any account", "an organization ID"
        else:
            what, missing = "grants invoke to any principal", "SourceArn, SourceAccount or PrincipalOrgID"
        yield Issue(
            loc=public.at(permission.loc),
            message=f'Lambda permission {permission.address} {what} ("*") without {missing}'
            f"{public.describe_condition()}",
            resource=permission.address,
            key=f"{permission.address}:principal",
        )
