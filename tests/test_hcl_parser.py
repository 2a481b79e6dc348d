"""HCL parsing with positions, python-hcl2 workarounds that keep line numbers, and LP001 causes."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from conftest import shared_path
from lpcheck.errors import ParseFailure
from lpcheck.location import Location
from lpcheck.parsers.hcl import (
    Body,
    Src,
    _cache_file,
    normalize,
    parse_expression,
    parse_hcl,
    read_body,
    split_template,
)


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_attributes_and_blocks_keep_their_positions() -> None:
    text = (
        'locals {\n  a = 1\n}\n\nresource "aws_s3_bucket" "logs" {\n  bucket = "x"\n'
        "  versioning {\n    enabled = true\n  }\n}\n"
    )
    body = parse_hcl(text, "main.tf")
    locals_block, resource = body.blocks
    assert locals_block.type == "locals" and locals_block.loc == Location("main.tf", 1, 1)
    assert locals_block.body.attrs["a"].key_loc == Location("main.tf", 2, 3)
    assert resource.labels == ["aws_s3_bucket", "logs"]
    assert resource.loc == Location("main.tf", 5, 1)
    assert resource.body.attrs["bucket"].key_loc == Location("main.tf", 6, 3)
    assert resource.body.attrs["bucket"].expr.loc == Location("main.tf", 6, 12)
    (versioning,) = resource.body.blocks_of("versioning")
    assert versioning.loc == Location("main.tf", 7, 3)
    assert versioning.body.attrs["enabled"].key_loc == Location("main.tf", 8, 5)


def test_keywords_as_attribute_and_block_names() -> None:
    body = parse_hcl('dynamic "x" {\n  for_each = [1]\n  content {}\n}\nin = 2\n', "k.tf")
    assert body.blocks[0].body.attrs["for_each"].key_loc == Location("k.tf", 2, 3)
    assert "in" in body.attrs


HEREDOC_TRAILING_BLANKS = 'locals {\n  policy = <<EOF\n{\n  "a": 1\n}\nEOF   \n  after = "x"\n}\n'


def test_heredoc_closing_marker_followed_by_blanks_parses_with_lines_kept() -> None:
    # python-hcl2 issue #343: the closing marker must end its line
    body = parse_hcl(HEREDOC_TRAILING_BLANKS, "h.tf")
    attrs = body.blocks[0].body.attrs
    assert attrs["after"].key_loc == Location("h.tf", _line_of(HEREDOC_TRAILING_BLANKS, "after"), 3)
    assert attrs["policy"].expr.loc.line == 2


def test_heredoc_closing_marker_followed_by_a_tab_and_opening_blanks() -> None:
    text = "a = <<-EOT  \n    x\n    EOT\t\nb = 2\n"
    body = parse_hcl(text, "t.tf")
    assert body.attrs["b"].key_loc == Location("t.tf", 4, 1)


def test_heredoc_closing_at_end_of_file_without_newline() -> None:
    body = parse_hcl("a = 1\nb = <<EOF\nhello\nEOF", "e.tf")
    assert body.attrs["b"].key_loc == Location("e.tf", 2, 1)


def test_comment_on_last_line_without_newline() -> None:
    body = parse_hcl("a = 1\n# the end", "c.tf")
    assert set(body.attrs) == {"a"}


def test_crlf_file_has_the_same_positions_as_lf() -> None:
    lf = 'x = 1\nresource "t" "n" {\n  p = <<EOF\nbody\nEOF\n  q = "v"\n}\n'
    crlf = lf.replace("\n", "\r\n")
    a, b = parse_hcl(lf, "f.tf"), parse_hcl(crlf, "f.tf")
    qa = a.blocks[0].body.attrs["q"]
    qb = b.blocks[0].body.attrs["q"]
    assert qa.key_loc == qb.key_loc == Location("f.tf", 6, 3)
    assert qa.expr.loc == qb.expr.loc
    assert "\r" not in normalize(crlf)


def test_byte_order_mark_does_not_shift_the_first_line() -> None:
    body = parse_hcl('\ufeffname = "x"\n', "b.tf")
    assert body.attrs["name"].key_loc == Location("b.tf", 1, 1)


def test_normalize_only_trims_line_ends() -> None:
    """Workarounds drop characters at line ends only: every line number and column stays."""
    for text in (HEREDOC_TRAILING_BLANKS, "a = <<X\nX  ", "# <<EOF in a comment\nEOF  \n", "x = 1\r\ny = 2"):
        before = text.splitlines()
        after = normalize(text).splitlines()
        assert len(after) == len(before)
        for old, new in zip(before, after, strict=True):
            assert old.startswith(new) and not old[len(new) :].strip(), (old, new)
    assert normalize(HEREDOC_TRAILING_BLANKS).splitlines()[5] == "EOF"


def test_many_unclosed_heredoc_openers_are_cheap() -> None:
    text = "".join(f"# <<M{i}\n" for i in range(20000)) + "a = <<EOF\nx\nEOF  \n"
    start = time.process_time()
    out = normalize(text)
    assert time.process_time() - start < 2
    assert out.count("\n") == text.count("\n")


@pytest.mark.parametrize(
    ("text", "line", "column", "cause"),
    [
        ('a = "abc\n', 1, None, "unterminated string"),
        ('resource "x" "y" {\n  a = 1\n', None, None, "expected '}'"),
        ("a = <<EOF\nfoo\n", 1, 5, "unterminated heredoc <<EOF"),
        ("a = 1 +\n", 1, None, "unexpected end of file"),
        ("x = $\n", 1, 5, "unexpected '$'"),
        ("a b c = 1\n", 1, 7, "unexpected '='"),
    ],
)
def test_syntax_errors_become_parse_failures(
    text: str, line: int | None, column: int | None, cause: str
) -> None:
    with pytest.raises(ParseFailure) as info:
        parse_hcl(text, "bad.tf")
    failure = info.value
    assert failure.loc.path == "bad.tf"
    assert failure.message.startswith("invalid HCL: ")
    assert cause in failure.message
    if line is not None:
        assert failure.loc.line == line
    if column is not None:
        assert failure.loc.column == column


def test_binary_and_undecodable_text_are_parse_failures() -> None:
    with pytest.raises(ParseFailure, match="binary"):
        parse_hcl("a = 1\x00\x01", "bin.tf")
    with pytest.raises(ParseFailure, match="UTF-8") as info:
        parse_hcl('a = 1\nb = "x\ufffdy"\n', "latin.tf")
    assert info.value.loc == Location("latin.tf", 2, 7)


def test_split_template_pieces_and_escapes() -> None:
    pieces = split_template('a-${var.x}-$${lit}-%{ if c }y%{ endif }-${ {"k" = "}"}["k"] }')
    kinds = [(p.kind, p.value) for p in pieces]
    assert kinds == [
        ("text", "a-"),
        ("interp", "var.x"),
        ("text", "-${lit}-"),
        ("directive", " if c "),
        ("text", "y"),
        ("directive", " endif "),
        ("text", "-"),
        ("interp", ' {"k" = "}"}["k"] '),
    ]
    assert pieces[1].offset == 4


def test_split_template_strip_markers_and_unterminated() -> None:
    pieces = split_template("a ${~ x ~} b ${unterminated")
    assert (pieces[1].kind, pieces[1].value, pieces[1].strip_left, pieces[1].strip_right) == (
        "interp",
        " x ",
        True,
        True,
    )
    assert pieces[-1].kind == "text" and pieces[-1].value.endswith("${unterminated")


def test_parse_expression_maps_positions_back() -> None:
    expr = parse_expression("var.name", "m.tf.json", 7, 20)
    assert expr.loc == Location("m.tf.json", 7, 20)
    with pytest.raises(ParseFailure):
        parse_expression("var.", "m.tf.json", 1, 1)


def test_corpus_heredocs_with_trailing_blanks_parse_with_exact_lines() -> None:
    """The six corpus files that python-hcl2 8.1.4 rejects (closing marker + blanks)."""
    root = shared_path("corpora", "serverless-patterns")
    names = [
        "amazonmq-rabbitmq-msg-replication/main.tf",
        "apigw-dynamodb-terraform/main.tf",
        "apigw-sqs-terraform/main.tf",
        "eventbridge-cloudwatch-terraform/main.tf",
        "eventbridge-sns-lambda-terraform/main.tf",
        "eventbridge-sns-terraform/main.tf",
    ]
    for name in names:
        path: Path = root / name
        text = path.read_text()
        assert re.search(r"^\s*[A-Z0-9_]+[ \t]+$", text, re.M), f"{name} no longer has the pattern"
        body = parse_hcl(text, name)
        # every top-level block starts on the line where its type keyword is written
        for block in body.blocks:
            line = text.splitlines()[block.loc.line - 1]
            assert line.lstrip().startswith(block.type), (name, block.loc)


RICH = """\
locals {
  a = var.x ? "y" : "z"
  b = [for s in var.l : upper(s) if s != ""]
  c = (1 +
    2) * length(
    local.a)
  d = <<-EOT
    body ${var.x}
    EOT
  e = { for k, v in var.m : k => v... }
}
resource "aws_s3_bucket" "b" {
  dynamic "rule" {
    for_each = var.rules
    content {
      id = rule.value.id
    }
  }
  tags = merge(var.tags, { Name = "x" })
}
"""


def _locations(body: Body) -> list[tuple[str, Location]]:
    out = []
    for name, attr in body.attrs.items():
        out += [(name, attr.key_loc), (name + "=", attr.expr.loc), (name + " text", attr.expr.text())]
    for block in body.blocks:
        out.append((block.type, block.loc))
        out += _locations(block.body)
    return out


def test_positions_from_tokens_match_lark_propagated_positions() -> None:
    """The parser skips Lark's position propagation: tree positions come from their tokens."""
    from hcl2.parser import parser as hcl2_parser

    text = normalize(RICH)
    tree = hcl2_parser().parse(text)  # python-hcl2's own parser: positions propagated
    theirs = read_body(tree.children[0], Src("r.tf", text))
    ours = parse_hcl(RICH, "r.tf")
    assert _locations(ours) == _locations(theirs)
    assert ("a text", 'var.x ? "y" : "z"') in _locations(ours)


def test_grammar_cache_goes_to_the_user_cache_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    found = _cache_file(tmp_path / "hcl2")
    assert found is not None and Path(found).parent == tmp_path / "cache" / "lpcheck"


def test_fast_table_loading_builds_what_lark_builds_and_puts_lark_back() -> None:
    from lark.grammar import NonTerminal, Rule, Terminal
    from lark.parsers.lalr_analysis import IntParseTable, ParseTableBase, Reduce, Shift

    from lpcheck.parsers.hcl import _fast_table_loading

    rule = Rule(NonTerminal("start"), [Terminal("NAME")])
    memo = {0: rule}
    data = {
        "tokens": {0: "NAME", 1: "$END", 2: "start"},
        "states": {0: {0: (0, 1), 2: (0, 2)}, 1: {1: (1, {"@": 0})}, 2: {1: (0, 3)}},
        "start_states": {"start": 0},
        "end_states": {"start": 3},
    }
    original = ParseTableBase.__dict__["deserialize"]
    expected = IntParseTable.deserialize(data, memo)
    with _fast_table_loading():
        assert ParseTableBase.__dict__["deserialize"] is not original
        fast = IntParseTable.deserialize(data, memo)
    assert ParseTableBase.__dict__["deserialize"] is original
    assert isinstance(fast, IntParseTable)
    assert fast.states == expected.states
    assert fast.states[1]["$END"][0] is Reduce and fast.states[1]["$END"][1] is rule
    assert fast.states[0]["NAME"] == (Shift, 1)
    assert (fast.start_states, fast.end_states) == (expected.start_states, expected.end_states)


def test_parsing_does_not_import_the_regex_module() -> None:
    import os
    import subprocess
    import sys

    code = (
        "import sys\nfrom lpcheck.parsers.hcl import parse_hcl\n"
        "parse_hcl('x = 1\\n', 'a.tf')\nprint(sys.modules.get('regex'))\n"
    )
    src = str(Path(__file__).resolve().parents[1] / "src")
    env = {**os.environ, "PYTHONPATH": src}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "None"
