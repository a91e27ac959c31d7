// What the server process uses, read from /proc/PID (Linux): CPU time and memory. The load
// generator samples it around the measured phase of a workload (--server-pid).
#pragma once
#include <optional>

namespace tern::bench {

struct ServerUsage {
  double cpu_seconds = 0;  // user + system, the process's threads included
  long rss_kib = 0;
  long pss_kib = 0;  // proportional set size: shared pages divided among their users
};

// nullopt when pid is 0 or the process cannot be read.
std::optional<ServerUsage> read_server_usage(int pid);

}  // namespace tern::bench

namespace tern::bench {

// The measured phase of a workload: its wall time and the server's CPU time over it.
class MeasuredInterval {
public:
  explicit MeasuredInterval(int server_pid);  // starts now
  void stop();
  double seconds() const;
  std::optional<double> server_cpu_seconds() const;

private:
  int server_pid_;
  double started_, stopped_ = 0;
  std::optional<ServerUsage> at_start_, at_stop_;
};

double now_seconds();  // steady clock

}  // namespace tern::bench
