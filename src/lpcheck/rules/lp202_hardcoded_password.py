"""LP202 hardcoded-password: a literal in a property AWS documents as a secret, or a secret-looking
parameter/variable with a literal default.

Three sources, one finding per cause:

1. ``SecretProperty`` values (master passwords, auth tokens, MQ users, Directory Service, DMS,
   OpenSearch, Events connections, Glue connections, listener OIDC secrets, ... see the
   ``secret_properties`` handler). A literal is reported at the literal itself (each ``Fn::If``
   branch that holds one, naming its condition); a literal that flowed in from a parameter default
   or tfvars file is reported at its use with the source in the message, once per source.
   Dynamic references, ``NoEcho`` parameters without default, variables without default and
   references are unknown or recognised here, and never reported.
2. Free-form inputs whose name looks like a secret: Terraform module arguments (``password =
   "..."`` in a ``module`` block: the module's input is the secret property seen from the caller),
   provider and backend settings (``provider "datadog" { api_key = "..." }``), and CloudFormation
   nested stack / serverless application ``Parameters`` (adapted as ``Parameters.<name>`` secret
   properties). Skipped when the same literal already reached a secret property inside the module.
3. A parameter/variable whose name looks like a secret (``DbPassword``, ``ApiToken``; not
   ``SecretName``/``PasswordLength``) with a literal default that is not hidden (``NoEcho`` /
   ``sensitive``) and that was not already reported where it is used by (1), (2) or LP203 (an
   environment variable): reported at the default.

Values that are not reported: empty strings, dynamic references and unresolved interpolations,
placeholders (``<password>``, ``REPLACE_ME``, ``xxxx``, ``ENTER YOUR ... HERE``, a value equal to
its own key name), AWS access keys (LP201's), and for the name-based sources (2, 3) values shaped
like something that describes a secret (ARNs, paths, URLs without a password, booleans, numbers).
A weak but real password (``changeme``, ``Password123``) *is* reported: it is what gets deployed.
A Secrets Manager ``SecretString``/``secret_string`` is reported when it is a plain string or when
its JSON has a secret-looking key with a literal value; a JSON of only a user name, host or port is
not a secret.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from lpcheck.findings import Issue
from lpcheck.location import Location
from lpcheck.model.container import Model
from lpcheck.model.resources import EnvironmentVariable, SecretProperty, StringLiteral, TemplateParameter
from lpcheck.model.values import Value
from lpcheck.parsers.nodes import ListNode, MapNode, ScalarNode
from lpcheck.rules.base import rule
from lpcheck.secrets import (
    find_aws_credentials,
    find_other_credentials,
    is_placeholder,
    looks_non_secret_value,
    looks_secret_name,
    mask,
)
from lpcheck.secrets.classify import env_secret
from lpcheck.secrets.scan import partial_text

_SECRET_DOCUMENTS = ("secretstring", "secret_string", "secret_string_wo")
# StringLiteral owners whose keys are free-form inputs: a key named like a secret holds one
# ("tfvars": a variables-file entry no variable consumes).
_NAMED_INPUT_OWNERS = ("module.", "provider.", "terraform.backend", "terraform.cloud", "tfvars")


# Resources whose secret property protects the resource itself (a database's master password, a
# broker's users, a directory's admin): a value that only names the slot (``examplepassword``) is
# the password it is deployed with, a weak one. Elsewhere (a connection's API key, a client secret
# sent to another system) such a value is a dummy that only makes the integration fail.
_OWN_CREDENTIAL_TYPES = frozenset(
    {
        "AWS::RDS::DBInstance",
        "AWS::RDS::DBCluster",
        "AWS::DocDB::DBCluster",
        "AWS::DocDBElastic::Cluster",
        "AWS::Redshift::Cluster",
        "AWS::RedshiftServerless::Namespace",
        "AWS::Lightsail::Database",
        "AWS::Timestream::InfluxDBInstance",
        "AWS::ElastiCache::ReplicationGroup",
        "AWS::ElastiCache::User",
        "AWS::MemoryDB::User",
        "AWS::AmazonMQ::Broker",
        "AWS::DirectoryService::MicrosoftAD",
        "AWS::DirectoryService::SimpleAD",
        "AWS::OpenSearchService::Domain",
        "AWS::Elasticsearch::Domain",
        "AWS::IAM::User",
        "AWS::FSx::FileSystem",
        "AWS::FSx::StorageVirtualMachine",
        "AWS::EMR::Cluster",
        "AWS::Amplify::App",
        "AWS::Amplify::Branch",
        "AWS::ManagedBlockchain::Member",
        "aws_db_instance",
        "aws_rds_cluster",
        "aws_docdb_cluster",
        "aws_docdb_elastic_cluster",
        "aws_redshift_cluster",
        "aws_redshiftserverless_namespace",
        "aws_lightsail_database",
        "aws_timestreaminfluxdb_db_instance",
        "aws_elasticache_replication_group",
        "aws_elasticache_user",
        "aws_memorydb_user",
        "aws_mq_broker",
        "aws_directory_service_directory",
        "aws_opensearch_domain",
        "aws_elasticsearch_domain",
        "aws_fsx_ontap_file_system",
        "aws_fsx_ontap_storage_virtual_machine",
        "aws_fsx_windows_file_system",
        "aws_emr_cluster",
        "aws_cognito_user",
        "aws_amplify_app",
        "aws_amplify_branch",
    }
)


def _is_hardcoded(text: str, key: str | None, *, documented: bool = False) -> bool:
    """A literal that is neither a placeholder nor an AWS key (LP201's). For a resource's own
    password (``documented``), a value that only names the slot (``examplepassword``) is what it is
    deployed with: reported."""
    return not is_placeholder(text, key, slot_words=not documented) and not find_aws_credentials(text, key)


def _named_input_secret(text: str, key: str) -> bool:
    """A free-form input (module argument, provider/backend setting, variables-file entry, nested
    stack parameter) named like a secret that holds one. A value in a known credential format
    (a GitHub token...) is LP203's, which names the format; an AWS key is LP201's."""
    return _is_hardcoded(text, key) and not looks_non_secret_value(text) and not find_other_credentials(text)


def _json_secrets(text: str) -> list[str] | None:
    """Secret-looking members of a JSON object string; None when the text is not a JSON object."""
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(doc, dict):
        return None
    out = []
    for k, v in doc.items():
        if (
            isinstance(v, str)
            and "${" not in v  # partly unknown
            and looks_secret_name(str(k))
            and _is_hardcoded(v, str(k))
            and not looks_non_secret_value(v)
        ):
            out.append(v)
    return out


def _by_name(prop: SecretProperty) -> bool:
    """A secret only by its name: a nested stack input (``Parameters.DbPassword``) or a connection
    parameter (``...BodyParameters[password]``)."""
    return prop.property.startswith("Parameters.") or prop.property.endswith("]")


def _witnesses(prop: SecretProperty, model: Model) -> Iterator[tuple[Value, Location, str]]:
    """(variant, where to report, the secret text) for each hardcoded literal of ``prop``."""
    leaf = prop.property.rsplit(".", 1)[-1]
    document = leaf.lower() in _SECRET_DOCUMENTS
    for v in prop.value.variants():
        if document and v.is_unknown:
            # a JSON secret with an unresolvable part (``!Sub '{"password": "x", "host":
            # "${Db.Endpoint.Address}"}'``): its literal members are still hardcoded
            partial = partial_text(model, prop.address, v.loc)
            found = _json_secrets(partial) if partial else None
            if found:
                yield v, v.at(prop.loc), found[0]
            continue
        if not v.is_literal:
            continue
        raw = v.raw
        if isinstance(raw, MapNode) and document:
            # jsonencode({...}) kept as a structure: report the secret member itself
            for k, child in raw.items.items():
                if (
                    isinstance(child, ScalarNode)
                    and isinstance(child.value, str)
                    and looks_secret_name(k)
                    and _is_hardcoded(child.value, k)
                    and not looks_non_secret_value(child.value)
                ):
                    yield v, child.loc, child.value
            continue
        if isinstance(raw, (MapNode, ListNode, dict, list)):
            continue
        text = v.as_str()
        documented = prop.type in _OWN_CREDENTIAL_TYPES and not document and not _by_name(prop)
        if text is None or not _is_hardcoded(text, leaf, documented=documented):
            continue
        if document:
            found = _json_secrets(text)
            if found is not None:
                if found:
                    yield v, v.at(prop.loc), found[0]
                continue
        yield v, v.at(prop.loc), text


def _key(seen: dict[str, int], base: str) -> str:
    """A stable fingerprint per finding: the second MQ user of a broker gets ``...#2``."""
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}#{seen[base]}"


def _param_kind(p: TemplateParameter) -> str:
    return "variable" if p.address.startswith("var.") or "variable" in p.type.lower() else "parameter"


@rule("LP202")
def hardcoded_password(model: Model) -> Iterable[Issue]:
    reported_origins: set[tuple[str, str]] = set()
    reported_texts: set[str] = set()
    flowed: set[str] = set()  # literals reported at a place of use, with their source
    seen_keys: dict[str, int] = {}
    places: set[tuple[Location, str]] = set()  # one finding per literal and place

    # 1. known secret properties
    props = sorted(model.of(SecretProperty), key=lambda p: (p.loc.path, p.loc.line, p.loc.column))
    for prop in props:
        by_name = _by_name(prop)
        for v, loc, text in _witnesses(prop, model):
            if by_name and not _named_input_secret(text, prop.property):
                continue
            if (loc, text) in places:
                continue  # one literal, two module instances (or SAM Globals) using it
            places.add((loc, text))
            if v.origin:
                key = (v.origin, text)
                if key in reported_origins:
                    continue
                reported_origins.add(key)
                flowed.add(text)
            reported_texts.add(text)
            source = f" (value from {v.origin})" if v.origin else ""
            yield Issue(
                loc=loc,
                message=(
                    f"{prop.address} {prop.property} is a hardcoded secret ('{mask(text)}'){source}"
                    f"{v.describe_condition()}; use a Secrets Manager/SSM SecureString dynamic reference, "
                    "a NoEcho parameter without default, or a generated secret"
                ),
                resource=prop.address,
                key=_key(seen_keys, f"{prop.address}:{prop.property}"),
            )

    # a literal that reached an environment variable is LP203's, reported where it is used
    in_environment: set[str] = set()
    for var in model.of(EnvironmentVariable):
        for v in var.value.variants():
            if v.is_literal and isinstance(v.raw, str) and env_secret(var.name, v.raw):
                in_environment.add(v.raw)
                if v.origin:
                    flowed.add(v.raw)

    # 2. Terraform module arguments, provider and backend settings, unconsumed tfvars entries
    #    named like a secret
    for s in sorted(model.of(StringLiteral), key=lambda s: (s.loc.path, s.loc.line, s.loc.column)):
        if not s.owner.startswith(_NAMED_INPUT_OWNERS) or not s.path:
            continue
        name = s.path[-1]
        if not looks_secret_name(name) or s.value in reported_texts or s.value in in_environment:
            continue
        if not _named_input_secret(s.value, name) or (s.loc, s.value) in places:
            continue
        places.add((s.loc, s.value))
        if s.origin:
            flowed.add(s.value)
        source = f" (value from {s.origin})" if s.origin else ""
        if s.owner == "tfvars":
            what = f"variables file entry {'.'.join(s.path[1:])}"
        else:
            what = f"{s.owner} setting {'.'.join(s.path)}"
        yield Issue(
            loc=s.loc,
            message=(
                f"{what} is a hardcoded secret ('{mask(s.value)}'){source}; "
                "pass a reference to a generated or stored secret instead"
            ),
            resource=s.owner,
            key=f"{s.owner}:{'.'.join(s.path)}",
        )

    # 3. secret-looking parameters and variables with a literal default
    for p in model.of(TemplateParameter):
        if p.hidden or not looks_secret_name(p.name) or not p.default.is_literal:
            continue
        text = p.default.as_str()
        if not isinstance(p.default.raw, str) or not text:
            continue
        if not _named_input_secret(text, p.name):
            continue  # a credential format there is LP203's
        if text in flowed:
            continue  # reported where it is used
        kind = _param_kind(p)
        hidden = "NoEcho" if kind == "parameter" else "sensitive = true"
        yield Issue(
            loc=p.default.at(p.loc),
            message=(
                f"{kind} {p.name} looks like a secret but has a literal default ('{mask(text)}') "
                f"without {hidden}; remove the default and pass the value at deploy time, or use a "
                "dynamic reference"
            ),
            resource=p.address,
            key=f"{p.address}:default",
        )
