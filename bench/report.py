"""The markdown report: for each workload metric, each server's median and min–max over the
repetitions, and the ratio of the other servers' medians to Tern's."""
import argparse
import json
import statistics

import workloads as catalog

REFERENCE = "tern"


def number(value):
    """Three significant digits, without exponent notation for the sizes met here."""
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def values_of(results, server, workload, metric):
    """The metric's values from the runs of WORKLOAD on SERVER that went well."""
    values = [metric.value(r["result"]) for r in results
              if r["server"] == server and r["workload"] == workload.name
              and not r.get("problem") and not r.get("skipped")]
    return [value for value in values if value is not None]


def cell(values, runs):
    if not values:
        return "failed" if runs else "n/a"
    text = number(statistics.median(values))
    if len(values) > 1:
        text += f" ({number(min(values))}–{number(max(values))})"
    if len(values) < runs:
        text += f" [{len(values)} of {runs} runs]"
    return text


def ratio(values, reference):
    if not values or not reference or statistics.median(reference) == 0:
        return "–"
    return f"{statistics.median(values) / statistics.median(reference):.2f}"


def metric_label(metric):
    notes = [metric.unit] if metric.unit else []
    if metric.lower_is_better is not None:
        notes.append(f"{'lower' if metric.lower_is_better else 'higher'} is better")
    return f"{metric.label} ({', '.join(notes)})" if notes else metric.label


def markdown_table(results, workloads, servers):
    others = [server for server in servers if server != REFERENCE]
    header = ["Workload", "Metric", *servers]
    if REFERENCE in servers:
        header += [f"{server}/{REFERENCE}" for server in others]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for workload in workloads:
        for metric in workload.metrics:
            runs = {server: sum(1 for r in results if r["server"] == server
                                and r["workload"] == workload.name and not r.get("skipped"))
                    for server in servers}
            values = {server: values_of(results, server, workload, metric) for server in servers}
            row = [workload.title, metric_label(metric)]
            row += [cell(values[server], runs[server]) for server in servers]
            if REFERENCE in servers:
                row += [ratio(values[server], values[REFERENCE]) for server in others]
            lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def problems(results):
    """One line for each run that failed or counted errors, for the notes under the table."""
    notes = []
    for r in results:
        where = f"{r['server']} {r['workload']} #{r['repetition']}"
        if r.get("skipped"):
            continue
        if r.get("problem"):
            notes.append(f"- {where}: {r['problem']}: {r.get('stderr_tail', '').strip()[-300:]}")
        elif r.get("result", {}).get("errors"):
            notes.append(f"- {where}: {r['result']['errors']} errors reported by the load generator")
        # Other processes kept a tenth of a core busy or more: the numbers may suffer.
        if r.get("seconds") and r.get("other_cpu_s", 0) > 0.1 * r["seconds"]:
            notes.append(f"- {where}: other processes used {r['other_cpu_s']} s of CPU "
                         f"during its {r['seconds']} s")
    return notes


def option(command, name):
    """The value given to NAME in a generator command line, or None."""
    return command[command.index(name) + 1] if name in command[:-1] else None


def paced_by_generator(results, busy_share=0.9):
    """One line for each run at full speed (--rate 0) whose server left more than a tenth of its
    core unused: the load generator, with one core, set the pace, so that run's rate is a lower
    bound (its CPU per message or delivery is not)."""
    notes = []
    for r in results:
        command, result = r.get("command", []), r.get("result", {})
        if option(command, "--rate") != "0" or "server_cpu_s" not in result or not option(command, "--duration"):
            continue
        duration = float(option(command, "--duration"))
        if result["server_cpu_s"] < busy_share * duration:
            notes.append(f"- {r['server']} {r['workload']} #{r['repetition']}: the server used "
                         f"{result['server_cpu_s']} s of CPU in the {option(command, '--duration')} s measured")
    return notes


def markdown_report(results, workloads, servers, preamble):
    text = preamble + "\n\n" + markdown_table(results, workloads, servers) + "\n"
    paced = paced_by_generator(results)
    if paced:
        text += ("\nRuns at full speed paced by the load generator (the server had time to spare: their rates "
                 "are lower bounds, their CPU per message or delivery still compares):\n" + "\n".join(paced) + "\n")
    notes = problems(results)
    if notes:
        text += "\nProblems:\n" + "\n".join(notes) + "\n"
    return text


def main():
    """Joins the JSON lines of several run.py runs into one report, as if they were one run with
    all their repetitions (run.py's workload sizes must have been the defaults: they name the
    workloads)."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("jsonl", nargs="+", help="run.py's results (.jsonl next to its --output)")
    args = parser.parse_args()
    results = [json.loads(line) for path in args.jsonl for line in open(path, encoding="utf-8") if line.strip()]
    servers = list(dict.fromkeys(r["server"] for r in results))
    names = set(r["workload"] for r in results)
    measured = [w for w in catalog.workloads(catalog.WorkloadSizes(), "conference.localhost") if w.name in names]
    print(markdown_report(results, measured, servers, f"Runs of {', '.join(args.jsonl)}"), end="")


if __name__ == "__main__":
    main()
