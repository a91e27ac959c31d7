"""bench/report.py lists the runs at full speed whose server had time to spare: there the load
generator set the pace, and their rates are lower bounds (bench/README.md)."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "bench"))
import report  # noqa: E402


def run(server, workload, rate, server_cpu_s, repetition=1, duration="10"):
    return {"server": server, "workload": workload, "repetition": repetition,
            "command": ["taskset", "-c", "1", "tern-bench", workload, "--rate", rate, "--duration", duration],
            "result": {"server_cpu_s": server_cpu_s}}


def test_a_full_speed_run_with_time_to_spare_is_listed():
    notes = report.paced_by_generator([run("tern", "muc", "0", 6.24, repetition=2)])
    assert notes == ["- tern muc #2: the server used 6.24 s of CPU in the 10 s measured"]


def test_a_server_that_used_its_core_is_not_listed():
    assert report.paced_by_generator([run("ejabberd", "muc", "0", 9.98)]) == []


def test_a_run_at_a_fixed_rate_is_not_listed():
    assert report.paced_by_generator([run("tern", "chat-latency", "2000", 0.9)]) == []


def test_a_run_without_the_servers_cpu_is_not_listed():
    idle = {"server": "tern", "workload": "idle", "repetition": 1, "command": ["tern-bench", "idle"],
            "result": {"rss_per_session_kib": 5.1}}
    assert report.paced_by_generator([idle]) == []


def test_the_report_lists_them_under_the_table():
    text = report.markdown_report([run("tern", "chat", "0", 6.92)], [], ["tern"], "preamble")
    assert "Runs at full speed paced by the load generator" in text
    assert "- tern chat #1: the server used 6.92 s of CPU in the 10 s measured" in text
