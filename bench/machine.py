"""What else the machine did during a run: CPU time spent by processes other than the server and
the load generator, so that a noisy run can be told from a slow server."""
import os
import pathlib
import resource
import subprocess
import sys

TICKS = os.sysconf("SC_CLK_TCK")


def busy_cpu_seconds():
    """CPU time all cores spent on anything but idling, since boot (/proc/stat)."""
    fields = pathlib.Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, idle, iowait, irq, softirq, steal = (int(value) for value in fields[:8])
    return (user + nice + system + irq + softirq + steal) / TICKS


def process_cpu_seconds(pid):
    """User and system time of process PID, all threads (/proc/PID/stat fields 14 and 15)."""
    text = pathlib.Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class OtherLoad:
    """Measures, around a run, the CPU time used neither by the server (PID) nor by the child
    processes this process waits for (the load generator)."""

    def __init__(self, server_pid):
        self.server_pid = server_pid
        self.start = (busy_cpu_seconds(), process_cpu_seconds(server_pid), children_cpu_seconds())

    def cpu_seconds(self):
        busy, server, children = self.start
        other = ((busy_cpu_seconds() - busy) - (process_cpu_seconds(self.server_pid) - server)
                 - (children_cpu_seconds() - children))
        return max(0.0, other)  # each reading is in 10 ms ticks, taken at slightly different times


# A busy loop that notes every time the clock jumped further than a threshold between two turns:
# the moments its core ran something else, or (on a virtual machine) did not run at all.
PAUSE_PROBE = """
import sys, time
seconds, threshold = float(sys.argv[1]), float(sys.argv[2])
clock = time.perf_counter
start = last = clock()
pauses = []
while last - start < seconds:
    now = clock()
    if now - last > threshold:
        pauses.append(now - last)
    last = now
print(len(pauses), max(pauses, default=0.0))
"""


def core_pauses(cores, seconds=3.0, threshold_s=0.001):
    """For each core, how often a busy loop pinned to it lost it for longer than the threshold, and
    the longest loss, all cores probed at once. On an idle virtual machine these pauses are the
    host's: a message caught in one waits as long whatever the server, so they set the floor
    under the latency percentiles."""
    probes = {core: subprocess.Popen(["taskset", "-c", str(core), sys.executable, "-c", PAUSE_PROBE,
                                      str(seconds), str(threshold_s)], stdout=subprocess.PIPE, text=True)
              for core in cores}
    pauses = {}
    for core, probe in probes.items():
        output, _ = probe.communicate()
        count, longest = output.split()
        pauses[core] = (int(count), float(longest))
    return pauses
