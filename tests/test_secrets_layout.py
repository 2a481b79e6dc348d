"""Where a credential inside a longer text is reported, and the partial text of an ``Fn::Sub`` /
``Fn::Join`` with unresolvable parts (recorded for the secret rules only).

The fixtures check whole findings; these tests pin the pieces: the span arithmetic of
``lpcheck.secrets.layout`` and what the CloudFormation front-end records.
"""

from __future__ import annotations

from lpcheck.adapters.cloudformation.template import adapt_tree
from lpcheck.location import Location
from lpcheck.model.container import Model
from lpcheck.model.resources import StringLiteral
from lpcheck.parsers.nodes import UnknownNode
from lpcheck.parsers.yamlpos import parse_yaml
from lpcheck.result import AdaptResult
from lpcheck.secrets.layout import Span, TextLayout, locate, span_at

F = "t.yaml"


def at(line: int, col: int = 1, path: str = F) -> Location:
    return Location(path, line, col)


# -- layout arithmetic -------------------------------------------------------------------------------


def test_a_heredoc_at_column_one_maps_lines_and_columns() -> None:
    text = "#!/bin/bash\nexport KEY=AKIA\n"
    assert locate(at(4, 1, "main.tf"), text, text.index("AKIA")) == at(5, 12, "main.tf")


def test_a_quoted_string_stays_at_its_own_position() -> None:
    text = "line1\nexport KEY=AKIA"  # not at column 1: a quoted HCL string with "\n" escapes
    assert locate(at(4, 15, "main.tf"), text, text.index("AKIA")) == at(4, 15, "main.tf")


def test_a_json_file_is_one_physical_line() -> None:
    text = "a\nb AKIA"
    assert locate(at(3, 1, "t.json"), text, text.index("AKIA")) == at(3, 1, "t.json")


def test_verbatim_span_maps_later_lines_to_its_indentation() -> None:
    text = "#!/bin/bash\n\nexport KEY=AKIA\n"
    spans = (Span(0, at(9, 11), 11),)
    assert locate(at(8, 9), text, text.index("AKIA"), spans) == at(11, 22)
    assert locate(at(8, 9), text, 2, spans) == at(9, 13)  # first line continues at the span


def test_pieces_keep_their_own_place_and_origin() -> None:
    # "export T=" written in a block, then a parameter default substituted at the Sub
    text = "export T=ghp_x\nnext"
    spans = (
        Span(0, at(5, 11), 11),
        Span(9, at(4, 20), None, "default of parameter T"),
        Span(14, at(5, 25), 11),
    )
    assert locate(at(4, 20), text, 9, spans) == at(4, 20)
    assert span_at(spans, 9).origin == "default of parameter T"
    assert span_at(spans, 3).origin is None
    assert locate(at(4, 20), text, text.index("next"), spans) == at(6, 11)


# -- the CloudFormation front-end --------------------------------------------------------------------


def adapt(text: str) -> Model:
    result = AdaptResult(Model())
    adapt_tree(parse_yaml(text, F), F, result, "yaml")
    return result.model


TEMPLATE = """\
Resources:
  Box:
    Type: AWS::EC2::Instance
    Properties:
      UserData:
        Fn::Base64: !Sub |
          #!/bin/bash
          echo ${AWS::Region} ${Db.Endpoint.Address}
          export AWS_ACCESS_KEY_ID=AKIAJ7Q2LMXRZ4BNVW3K
      Tags:
        - Key: name
          Value: !Sub "box-${AWS::Partition}"
        - Key: secret
          Value: !Sub "{{resolve:secretsmanager:${Db}:SecretString:password}}"
"""


def test_an_unresolvable_sub_is_recorded_as_its_partial_text() -> None:
    model = adapt(TEMPLATE)
    partial = [s for s in model.of(StringLiteral) if s.path == ("UserData",)]
    assert len(partial) == 1
    assert partial[0].value == (
        "#!/bin/bash\necho ${AWS::Region} ${Db.Endpoint.Address}\n"
        "export AWS_ACCESS_KEY_ID=AKIAJ7Q2LMXRZ4BNVW3K\n"
    )
    layouts = {(t.loc, t.value): t.spans for t in model.of(TextLayout)}
    spans = layouts[(partial[0].loc, partial[0].value)]
    start = partial[0].value.index("AKIA")
    # the !Sub block starts on the line after the tag, two columns right of "Fn::Base64:"
    assert locate(partial[0].loc, partial[0].value, start, spans) == at(9, 36)


def test_a_resolved_sub_is_recorded_once_and_a_dynamic_reference_not_at_all() -> None:
    model = adapt(TEMPLATE)
    values = [s.value for s in model.of(StringLiteral)]
    assert values.count("box-aws") == 1
    assert not any("resolve:" in v for v in values)


def test_the_partial_sub_stays_unknown_for_every_other_rule() -> None:
    from lpcheck.adapters.cloudformation.template import TemplateAdapter

    adapter = TemplateAdapter(parse_yaml(TEMPLATE, F), F, AdaptResult(Model()), "yaml")
    adapter.run()
    user_data = adapter.views["Box"].body.items["UserData"]
    assert isinstance(user_data, UnknownNode)
    assert user_data.reason.startswith("Fn::Sub ")  # read by the policy front-end for JSON templates


def test_join_with_unknown_parts_keeps_each_part_in_place() -> None:
    model = adapt(
        """\
Resources:
  Box:
    Type: AWS::EC2::Instance
    Properties:
      UserData:
        Fn::Base64:
          Fn::Join:
            - ""
            - - "#!/bin/bash\\n"
              - !Ref AWS::StackName
              - "\\n"
              - "export AWS_ACCESS_KEY_ID=AKIAJ7Q2LMXRZ4BNVW3K\\n"
"""
    )
    partial = next(s for s in model.of(StringLiteral) if s.path == ("UserData",))
    assert partial.value == "#!/bin/bash\n${AWS::StackName}\nexport AWS_ACCESS_KEY_ID=AKIAJ7Q2LMXRZ4BNVW3K\n"
    spans = next(t.spans for t in model.of(TextLayout) if t.value == partial.value)
    assert locate(partial.loc, partial.value, partial.value.index("AKIA"), spans) == at(12, 17)
