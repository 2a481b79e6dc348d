"""Positioned JSON and YAML: every value where it is written, and clear errors."""

from __future__ import annotations

import pickle
import subprocess
import sys

import pytest

from lpcheck.errors import ParseFailure
from lpcheck.parsers.jsonpos import parse_json
from lpcheck.parsers.nodes import ListNode, MapNode, ScalarNode
from lpcheck.parsers.yamlpos import parse_yaml

POLICY = '{\n  "Statement": [\n    {\n      "Action": ["s3:*", 1.5, -2, true, null]\n    }\n  ]\n}\n'


def test_json_positions_of_containers_keys_and_scalars() -> None:
    root = parse_json(POLICY, "p.json")
    assert isinstance(root, MapNode)
    assert (root.loc.line, root.loc.column) == (1, 1)
    assert (root.key_locs["Statement"].line, root.key_locs["Statement"].column) == (2, 3)
    statement = root.items["Statement"].items[0]
    assert (statement.loc.line, statement.loc.column) == (3, 5)  # the opening brace, not the first key
    actions = statement.items["Action"].items
    assert [(a.value, a.loc.line, a.loc.column) for a in actions] == [
        ("s3:*", 4, 18),
        (1.5, 4, 26),
        (-2, 4, 31),
        (True, 4, 35),
        (None, 4, 41),
    ]


@pytest.mark.parametrize(
    ("text", "line", "column", "cause"),
    [
        ('{"a": 1', 1, 8, "expecting ',' or '}'"),
        ('{"a" 1}', 1, 6, "expecting ':'"),
        ("", 1, 1, "empty"),
        ("[1,]", 1, 4, "expecting a value"),
        ("{}x", 1, 3, "extra data"),
        ('{\n  "a": [\n    1,\n    }', 4, 5, "expecting a value"),
    ],
)
def test_json_errors_name_line_column_and_cause(text: str, line: int, column: int, cause: str) -> None:
    with pytest.raises(ParseFailure) as info:
        parse_json(text, "bad.json")
    assert (info.value.loc.line, info.value.loc.column) == (line, column)
    assert cause in info.value.message


def test_json_deep_nesting_is_an_error_not_a_crash() -> None:
    with pytest.raises(ParseFailure, match="nesting too deep"):
        parse_json("[" * 5000 + "]" * 5000, "deep.json")


def test_json_bom_and_duplicate_keys() -> None:
    root = parse_json('\ufeff{"a": 1, "a": 2}', "bom.json")
    assert isinstance(root, MapNode) and root.items["a"].value == 2


def test_yaml_short_tags_and_positions() -> None:
    text = (
        "Resources:\n  B:\n    Properties:\n      MultiAZ: false\n      R: !Ref X\n"
        "      L:\n        - Effect: Allow\n"
    )
    root = parse_yaml(text, "t.yaml")
    props = root.items["Resources"].items["B"].items["Properties"]
    assert isinstance(props.items["MultiAZ"], ScalarNode)
    assert props.items["MultiAZ"].value is False
    assert props.items["MultiAZ"].loc.line == 4  # unmarked scalars take their key's line
    assert props.items["R"].items["Ref"].value == "X"
    first = props.items["L"].items[0]
    assert isinstance(props.items["L"], ListNode) and (first.loc.line, first.loc.column) == (7, 11)


def test_yaml_block_scalars_start_at_their_first_content_line() -> None:
    text = 'a:\n  b: |\n\n    {"x": 1}\n  c: !Sub |\n    line1\n  d: plain\n'
    root = parse_yaml(text, "t.yaml").items["a"]
    assert (root.items["b"].loc.line, root.items["b"].loc.column) == (4, 5)
    assert (root.items["c"].items["Fn::Sub"].loc.line, root.items["c"].items["Fn::Sub"].loc.column) == (6, 5)
    assert root.items["d"].loc.line == 7


def test_yaml_duplicate_keys_are_accepted_last_wins() -> None:
    """PyYAML, the SAM CLI and deploy tooling accept them; a deployable file is never LP001."""
    root = parse_yaml("a: 1\nb: 2\na: 3\n", "d.yaml")
    assert root.items["a"].value == 3 and root.key_locs["a"].line == 3


@pytest.mark.parametrize(
    ("text", "line", "cause"),
    [
        ("a: [\n b: c", 3, "did not find expected"),
        ("Resources:\n  X:curc\n    Type: AWS::S3::Bucket\n", 3, "mapping values are not allowed"),
        ("\tx: 1", 1, "cannot start any token"),
    ],
)
def test_yaml_errors_name_line_and_cause(text: str, line: int, cause: str) -> None:
    with pytest.raises(ParseFailure) as info:
        parse_yaml(text, "b.yaml")
    assert info.value.loc.line == line and cause in info.value.message
    assert "\n" not in info.value.message


def test_yaml_alias_bomb_is_refused() -> None:
    levels = ["a: &a [1, 2]"] + [
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]" for i in range(6)
    ]
    with pytest.raises(ParseFailure, match="alias"):
        parse_yaml("\n".join(levels) + "\n", "bomb.yaml")


def test_nodes_pickle_for_worker_processes() -> None:
    root = parse_yaml("a:\n  b: !GetAtt X.Arn\n", "p.yaml")
    again = pickle.loads(pickle.dumps(root))
    assert again.items["a"].items["b"].items["Fn::GetAtt"].items[0].value == "X"
    assert type(next(iter(again.items))) is str


def test_yaml_parser_does_not_import_all_of_cfn_lint() -> None:
    """cfn-lint's package import costs ~0.6 s; the decoder alone is enough (pre-commit speed)."""
    code = (
        "import sys; from lpcheck.parsers.yamlpos import parse_yaml; parse_yaml('a: !Ref b', 'x');"
        "print('cfnlint.rules._rule' in sys.modules, 'cfnlint.template' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
