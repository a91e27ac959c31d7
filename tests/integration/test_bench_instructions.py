"""bench/instructions.py reads callgrind's dumps: the total, and each called function's inclusive
cost per call, with names given in full once and by number afterwards (bench/README.md)."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "bench"))
import instructions  # noqa: E402

DUMP = """\
# callgrind format
version: 1
events: Ir
summary: 5000

ob=(1) /tmp/tern
fl=(1) ???
fn=(1) main
0 100
cfn=(2) tern::Router::route(int)
calls=3 0
0 900
cfn=(3) tern::SessionRegistry::find(tern::xmpp::Jid const&) const
calls=2 0
0 400

fn=(2)
0 60
cfn=(3)
calls=4 0
0 800
"""


def parsed(tmp_path):
    path = tmp_path / "dump.callgrind.1"
    path.write_text(DUMP)
    return instructions.CallgrindFile(path)


def test_the_total_is_the_summary(tmp_path):
    assert parsed(tmp_path).total == 5000


def test_calls_from_every_caller_add_up_under_the_name_given_once(tmp_path):
    found = parsed(tmp_path).per_call(r"SessionRegistry::find")
    assert found == {"tern::SessionRegistry::find(tern::xmpp::Jid const&) const": (200.0, 6)}


def test_a_functions_own_cost_lines_are_not_calls(tmp_path):
    assert parsed(tmp_path).per_call(r"Router::route") == {"tern::Router::route(int)": (300.0, 3)}
    assert parsed(tmp_path).per_call(r"^main$") == {}
