"""What else the machine did during a run: CPU time spent by processes other than the server and
the load generator, so that a noisy run can be told from a slow server."""
import os
import pathlib
import resource

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
