"""CloudFormation intrinsic functions resolved into the positioned node tree.

Each case is a small template parsed by the real YAML/JSON parsers; expected lines are found in the
template text itself (``line_of``), so the assertions pin "the place of use" without magic numbers.
"""

from __future__ import annotations

import textwrap

import pytest

from lpcheck.adapters import registry
from lpcheck.adapters.cloudformation.intrinsics import combine_labels
from lpcheck.adapters.cloudformation.template import TemplateAdapter
from lpcheck.adapters.view import ResourceView
from lpcheck.model.container import Model
from lpcheck.parsers.jsonpos import parse_json
from lpcheck.parsers.nodes import ChoiceNode, ListNode, MapNode, ScalarNode, UnknownNode, to_python
from lpcheck.parsers.yamlpos import parse_yaml
from lpcheck.result import AdaptResult

PATH = "t.yaml"


@pytest.fixture(autouse=True)
def _no_handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Resolution is tested alone: other helpers' handlers neither run nor get imported."""
    monkeypatch.setattr(registry, "_loaded", True)
    monkeypatch.setattr(registry, "CFN", {})


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line of the nth line containing ``needle``."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) >= nth, f"{needle!r} not in template"
    return hits[nth - 1]


def adapt(text: str, fmt: str = "yaml") -> tuple[dict[str, ResourceView], AdaptResult]:
    text = textwrap.dedent(text)
    root = parse_json(text, PATH) if fmt == "json" else parse_yaml(text, PATH)
    result = AdaptResult(Model())
    adapter = TemplateAdapter(root, PATH, result)
    adapter.run()
    assert result.problems == []
    return adapter.views, result


def body(text: str, resource: str = "R") -> MapNode:
    views, _ = adapt(text)
    node = views[resource].body
    assert isinstance(node, MapNode)
    return node


PARAMS = """\
    Parameters:
      DbPassword:
        Type: String
        Default: s3cr3t-Passw0rd
      NoDefault:
        Type: String
      Port:
        Type: Number
        Default: "5432"
      Subnets:
        Type: CommaDelimitedList
        Default: "subnet-a , subnet-b,subnet-c"
      Ami:
        Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>
        Default: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64
      Env:
        Type: String
        Default: prod
    Mappings:
      Sizes:
        prod:
          Class: db.r6g.large
          MultiAZ: true
        dev:
          Class: db.t4g.micro
"""


# -- Ref ------------------------------------------------------------------------------------------


def test_ref_to_parameter_is_its_default_at_the_place_of_use_with_origin() -> None:
    text = (
        PARAMS
        + """\
    Resources:
      R:
        Type: AWS::RDS::DBInstance
        Properties:
          MasterUserPassword: !Ref DbPassword
    """
    )
    node = body(text).items["MasterUserPassword"]
    assert isinstance(node, ScalarNode)
    assert node.value == "s3cr3t-Passw0rd"
    assert node.loc.line == line_of(textwrap.dedent(text), "MasterUserPassword")
    default_line = line_of(textwrap.dedent(text), "Default: s3cr3t-Passw0rd")
    assert node.origin == f"default of parameter DbPassword ({PATH}:{default_line})"


def test_parameter_defaults_are_typed_per_type() -> None:
    text = (
        PARAMS
        + """\
    Resources:
      R:
        Type: AWS::RDS::DBInstance
        Properties:
          Port: !Ref Port
          Subnets: !Ref Subnets
          ImageId: !Ref Ami
          Missing: !Ref NoDefault
    """
    )
    b = body(text)
    assert isinstance(b.items["Port"], ScalarNode) and b.items["Port"].value == 5432
    subnets = b.items["Subnets"]
    assert isinstance(subnets, ListNode)
    assert to_python(subnets) == ["subnet-a", "subnet-b", "subnet-c"]
    use_line = line_of(textwrap.dedent(text), "Subnets: !Ref Subnets")
    assert {i.loc.line for i in subnets.items} == {use_line}
    assert all(i.origin and i.origin.startswith("default of parameter Subnets") for i in subnets.items)
    # An SSM parameter's default is the parameter *name*, not the value: unknown.
    assert isinstance(b.items["ImageId"], UnknownNode)
    missing = b.items["Missing"]
    assert isinstance(missing, UnknownNode) and missing.ref is None
    assert "NoDefault" in missing.reason


def test_pseudo_parameters() -> None:
    text = """\
    Resources:
      R:
        Type: AWS::IAM::Role
        Properties:
          Partition: !Ref AWS::Partition
          Suffix: !Ref AWS::URLSuffix
          Region: !Ref AWS::Region
          Account: !Ref AWS::AccountId
          Stack: !Ref AWS::StackName
          Gone: !Ref AWS::NoValue
          List:
            - keep
            - !Ref AWS::NoValue
    """
    b = body(text)
    assert b.items["Partition"].value == "aws"  # type: ignore[union-attr]
    assert b.items["Suffix"].value == "amazonaws.com"  # type: ignore[union-attr]
    for key in ("Region", "Account", "Stack"):
        node = b.items[key]
        assert isinstance(node, UnknownNode) and node.ref is None
    assert "Gone" not in b.items  # AWS::NoValue removes the key
    assert to_python(b.items["List"]) == ["keep"]  # ... and the list item


def test_ref_and_getatt_to_a_resource_are_unknown_with_ref() -> None:
    text = """\
    Resources:
      Key:
        Type: AWS::KMS::Key
      R:
        Type: AWS::SNS::Topic
        Properties:
          ByRef: !Ref Key
          Short: !GetAtt Key.Arn
          Long:
            Fn::GetAtt: [Key, Arn]
          Nested: !GetAtt Stack.Outputs.KeyArn
    """
    t = textwrap.dedent(text)
    views, _ = adapt(text)
    b = views["R"].body
    assert isinstance(b, MapNode)
    for key, target in (("ByRef", "Key"), ("Short", "Key"), ("Long", "Key"), ("Nested", "Stack")):
        node = b.items[key]
        assert isinstance(node, UnknownNode), key
        assert node.ref == target, key
        assert views["R"].key_loc(key).line == line_of(t, f"{key}:"), key
    # The value sits where the function is written; the property line stays the key's.
    assert b.items["Short"].loc.line == line_of(t, "Short:")
    assert b.items["Long"].loc.line == line_of(t, "Fn::GetAtt: [Key, Arn]")


def test_getatt_string_form_in_json() -> None:
    text = """\
    {"Resources": {"R": {"Type": "AWS::SNS::Topic", "Properties": {
        "KmsMasterKeyId": {"Fn::GetAtt": "Key.Arn"}}}}}
    """
    views, _ = adapt(text, "json")
    node = views["R"].body.items["KmsMasterKeyId"]  # type: ignore[union-attr]
    assert isinstance(node, UnknownNode) and node.ref == "Key"


# -- Fn::Sub --------------------------------------------------------------------------------------


def test_sub_forms() -> None:
    text = (
        PARAMS
        + """\
    Resources:
      Bucket:
        Type: AWS::S3::Bucket
      R:
        Type: AWS::IAM::Role
        Properties:
          Literal: !Sub "arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess"
          WithParam: !Sub "postgres://admin:${DbPassword}@db:${Port}"
          Escaped: !Sub "${!NotAVariable}-${Env}"
          WithVars: !Sub
            - "${Name}-${Env}"
            - Name: !Ref Env
          OneResource: !Sub "arn:aws:s3:::${Bucket}/*"
          ResourceAndAccount: !Sub "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:${Bucket.Name}"
          TwoResources: !Sub "${Bucket}-${Other}"
          NoDefault: !Sub "x-${NoDefault}"
    """
    )
    t = textwrap.dedent(text)
    b = body(text)
    lit = b.items["Literal"]
    assert isinstance(lit, ScalarNode)
    assert lit.value == "arn:aws:iam::aws:policy/AdministratorAccess"
    assert lit.loc.line == line_of(t, "Literal:")
    assert lit.origin is None
    with_param = b.items["WithParam"]
    assert isinstance(with_param, ScalarNode)
    assert with_param.value == "postgres://admin:s3cr3t-Passw0rd@db:5432"
    assert "default of parameter DbPassword" in (with_param.origin or "")
    assert "default of parameter Port" in (with_param.origin or "")
    assert b.items["Escaped"].value == "${NotAVariable}-prod"  # type: ignore[union-attr]
    assert b.items["WithVars"].value == "prod-prod"  # type: ignore[union-attr]
    one = b.items["OneResource"]
    assert isinstance(one, UnknownNode) and one.ref == "Bucket"
    mixed = b.items["ResourceAndAccount"]
    assert isinstance(mixed, UnknownNode) and mixed.ref == "Bucket"
    two = b.items["TwoResources"]
    assert isinstance(two, UnknownNode) and two.ref is None
    nodef = b.items["NoDefault"]
    assert isinstance(nodef, UnknownNode) and nodef.ref is None


# -- Fn::Join / Select / Split / FindInMap --------------------------------------------------------


def test_join_cdk_style() -> None:
    text = """\
    {
      "Resources": {
        "Bucket": {"Type": "AWS::S3::Bucket"},
        "R": {
          "Type": "AWS::IAM::Role",
          "Properties": {
            "ManagedPolicyArns": [
              {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/AdministratorAccess"]]}
            ],
            "Objects": {"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "/*"]]},
            "Csv": {"Fn::Join": [",", {"Fn::Split": ["|", "a|b"]}]}
          }
        }
      }
    }
    """
    t = textwrap.dedent(text)
    views, _ = adapt(text, "json")
    b = views["R"].body
    assert isinstance(b, MapNode)
    arns = b.items["ManagedPolicyArns"]
    assert isinstance(arns, ListNode)
    arn = arns.items[0]
    assert isinstance(arn, ScalarNode)
    assert arn.value == "arn:aws:iam::aws:policy/AdministratorAccess"
    assert arn.loc.line == line_of(t, '"Fn::Join": ["", ["arn:"')
    objects = b.items["Objects"]
    assert isinstance(objects, UnknownNode) and objects.ref == "Bucket"
    assert b.items["Csv"].value == "a,b"  # type: ignore[union-attr]


def test_select_split_findinmap() -> None:
    text = (
        PARAMS
        + """\
    Resources:
      R:
        Type: AWS::RDS::DBInstance
        Properties:
          Second: !Select [1, !Ref Subnets]
          FromSplit: !Select [0, !Split [",", "x,y"]]
          Zone: !Select [0, !GetAZs ""]
          OutOfRange: !Select [5, [a, b]]
          Class: !FindInMap [Sizes, !Ref Env, Class]
          MultiAZ: !FindInMap [Sizes, prod, MultiAZ]
          ByRegion: !FindInMap [Sizes, !Ref AWS::Region, Class]
          Fallback: !FindInMap [Sizes, test, Class, {DefaultValue: db.m5.large}]
          NoEntry: !FindInMap [Sizes, test, Class]
    """
    )
    t = textwrap.dedent(text)
    b = body(text)
    second = b.items["Second"]
    assert isinstance(second, ScalarNode) and second.value == "subnet-b"
    assert second.loc.line == line_of(t, "Second:")
    assert second.origin and "parameter Subnets" in second.origin
    assert b.items["FromSplit"].value == "x"  # type: ignore[union-attr]
    assert isinstance(b.items["Zone"], UnknownNode)
    assert isinstance(b.items["OutOfRange"], UnknownNode)
    cls = b.items["Class"]
    assert isinstance(cls, ScalarNode) and cls.value == "db.r6g.large"
    assert cls.loc.line == line_of(t, "Class: !FindInMap")
    assert cls.origin == f"mapping Sizes.prod.Class ({PATH}:{line_of(t, 'Class: db.r6g.large')})"
    assert b.items["MultiAZ"].value is True  # type: ignore[union-attr]
    assert isinstance(b.items["ByRegion"], UnknownNode)
    assert b.items["Fallback"].value == "db.m5.large"  # type: ignore[union-attr]
    assert isinstance(b.items["NoEntry"], UnknownNode)


# -- Fn::If ---------------------------------------------------------------------------------------


IF_TEMPLATE = """\
    Conditions:
      IsProd: !Equals [!Ref AWS::Region, us-east-1]
      Shared: !Equals [!Ref AWS::Region, eu-west-1]
    Resources:
      R:
        Type: AWS::IAM::Role
        Properties:
          Scalar: !If [IsProd, true, false]
          ManagedPolicyArns:
            - arn:aws:iam::aws:policy/ReadOnlyAccess
            - !If [IsProd, arn:aws:iam::aws:policy/AdministratorAccess, !Ref AWS::NoValue]
          Optional: !If [IsProd, !Ref AWS::NoValue, enabled]
          Never: !If [IsProd, !Ref AWS::NoValue, !Ref AWS::NoValue]
          Nested: !If [IsProd, a, !If [Shared, b, c]]
          Joined: !Join ["-", [!If [IsProd, x, y], !If [IsProd, "1", "2"]]]
          MapValue:
            Fn::If:
              - IsProd
              - {Enabled: true}
              - {Enabled: false, Extra: 1}
    """


def test_if_in_a_scalar_gives_both_branches_with_condition_labels() -> None:
    b = body(IF_TEMPLATE)
    node = b.items["Scalar"]
    assert isinstance(node, ChoiceNode)
    assert node.loc.line == line_of(textwrap.dedent(IF_TEMPLATE), "Scalar:")
    assert [(label, to_python(n)) for label, n in node.options] == [
        ("condition IsProd is true", True),
        ("condition IsProd is false", False),
    ]


def test_if_in_a_list_with_novalue_stays_a_choice_item() -> None:
    views, _ = adapt(IF_TEMPLATE)
    arns = views["R"].body.items["ManagedPolicyArns"]  # type: ignore[union-attr]
    assert isinstance(arns, ListNode) and len(arns.items) == 2
    choice = arns.items[1]
    assert isinstance(choice, ChoiceNode)
    assert choice.options[0][0] == "condition IsProd is true"
    assert choice.options[1] == ("condition IsProd is false", None)
    # Through the view, a rule finds the insecure branch and its condition.
    value = views["R"].value("ManagedPolicyArns.1")
    witness = value.find(lambda v: "AdministratorAccess" in (v.as_str() or ""))
    assert witness is not None and witness.condition == "condition IsProd is true"


def test_if_with_novalue_in_a_map_value() -> None:
    b = body(IF_TEMPLATE)
    optional = b.items["Optional"]
    assert isinstance(optional, ChoiceNode)
    assert optional.options[0] == ("condition IsProd is true", None)
    assert "Never" not in b.items  # absent in every branch: the key is gone


def test_nested_and_combined_ifs_label_every_condition_and_drop_contradictions() -> None:
    b = body(IF_TEMPLATE)
    nested = b.items["Nested"]
    assert isinstance(nested, ChoiceNode)
    assert [(label, to_python(n)) for label, n in nested.options] == [
        ("condition IsProd is true", "a"),
        ("condition IsProd is false and condition Shared is true", "b"),
        ("condition IsProd is false and condition Shared is false", "c"),
    ]
    joined = b.items["Joined"]
    assert isinstance(joined, ChoiceNode)
    # Two Fn::If on the same condition: 2 consistent combinations, not 4.
    assert sorted(to_python(n) for _, n in joined.options) == ["x-1", "y-2"]


def test_if_over_a_map() -> None:
    b = body(IF_TEMPLATE)
    node = b.items["MapValue"]
    assert isinstance(node, ChoiceNode)
    assert [to_python(n) for _, n in node.options] == [{"Enabled": True}, {"Enabled": False, "Extra": 1}]


def test_if_over_whole_properties_becomes_a_map_of_choices() -> None:
    text = """\
    Conditions:
      Enc: !Equals [!Ref AWS::Region, us-east-1]
    Resources:
      R:
        Type: AWS::RDS::DBInstance
        Properties:
          Fn::If:
            - Enc
            - StorageEncrypted: true
              Engine: postgres
            - Engine: postgres
    """
    views, _ = adapt(text)
    view = views["R"]
    enc = view.value("StorageEncrypted")
    assert [(v.condition, v.raw, v.is_absent) for v in enc.variants()] == [
        ("condition Enc is true", True, False),
        ("condition Enc is false", None, True),
    ]


def test_combine_labels_rejects_contradictions() -> None:
    assert combine_labels(["condition A is true", "condition B is false"]) == (
        "condition A is true and condition B is false"
    )
    assert combine_labels(["condition A is true", "condition A is false"]) is None
    assert combine_labels(["condition A is true", "condition A is true"]) == "condition A is true"


# -- the rest -------------------------------------------------------------------------------------


def test_deploy_time_functions_are_unknown() -> None:
    text = """\
    Resources:
      Fn:
        Type: AWS::Lambda::Function
      R:
        Type: AWS::EC2::Instance
        Properties:
          Imported: !ImportValue shared-vpc
          Zones: !GetAZs ""
          Cidrs: !Cidr ["10.0.0.0/16", 4, 8]
          Macro:
            Fn::Transform:
              Name: Upper
              Parameters: {Input: x}
          Unsupported: !SomethingNew x
          Dynamic: "{{resolve:secretsmanager:db:SecretString:password}}"
          UserData: !Base64 "#!/bin/bash\\necho hi"
          UserDataRef: !Base64 {"Fn::GetAtt": [Fn, Arn]}
    """
    b = body(text)
    for key in ("Imported", "Zones", "Cidrs", "Macro", "Unsupported", "Dynamic"):
        assert isinstance(b.items[key], UnknownNode), key
    # Fn::Base64 keeps the author's text, so secret rules see what was written.
    assert b.items["UserData"].value == "#!/bin/bash\necho hi"  # type: ignore[union-attr]
    ud = b.items["UserDataRef"]
    assert isinstance(ud, UnknownNode) and ud.ref == "Fn"


def test_to_json_string_and_length() -> None:
    text = """\
    Transform: AWS::LanguageExtensions
    Resources:
      Q:
        Type: AWS::SQS::Queue
      R:
        Type: AWS::SSM::Parameter
        Properties:
          Value:
            Fn::ToJsonString: {user: admin, ports: [1, 2]}
          Computed:
            Fn::ToJsonString: {queue: !Ref Q}
          Count:
            Fn::Length: [a, b, c]
    """
    b = body(text)
    assert b.items["Value"].value == '{"user":"admin","ports":[1,2]}'  # type: ignore[union-attr]
    computed = b.items["Computed"]
    assert isinstance(computed, UnknownNode) and computed.ref == "Q"
    assert b.items["Count"].value == 3  # type: ignore[union-attr]


def test_malformed_intrinsics_become_unknown_not_errors() -> None:
    text = """\
    Resources:
      R:
        Type: AWS::S3::Bucket
        Properties:
          A: !Join [only-one]
          B: !Select [x, [a]]
          C: !If [OnlyCondition]
          D: !FindInMap [NoSuchMap, a, b]
          E: !Sub [1, 2]
          F: !Split [",", !Ref AWS::StackName]
          G: {Ref: [not, a, name]}
    """
    b = body(text)
    for key in "ABCDEFG":
        assert isinstance(b.items[key], UnknownNode), key
