#include "server_usage.hpp"

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

namespace tern::bench {

namespace {

// "Key:   1234 kB" lines of /proc/PID/status and smaps_rollup.
long kib_field(const std::string& path, const std::string& key) {
  std::ifstream file(path);
  std::string line;
  while (std::getline(file, line)) {
    if (line.starts_with(key + ":")) return std::stol(line.substr(key.size() + 1));
  }
  return 0;
}

}  // namespace

std::optional<ServerUsage> read_server_usage(int pid) {
  if (pid <= 0) return std::nullopt;
  std::string base = "/proc/" + std::to_string(pid);
  std::ifstream stat(base + "/stat");
  std::string text;
  if (!std::getline(stat, text)) return std::nullopt;
  // The command name (field 2) may contain spaces; fields are counted after its ')'.
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  long utime = 0, stime = 0;
  for (int number = 3; fields >> field; ++number) {
    if (number == 14) utime = std::stol(field);
    if (number == 15) {
      stime = std::stol(field);
      break;
    }
  }
  ServerUsage usage;
  usage.cpu_seconds = static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  usage.rss_kib = kib_field(base + "/status", "VmRSS");
  usage.pss_kib = kib_field(base + "/smaps_rollup", "Pss");
  return usage;
}

}  // namespace tern::bench

namespace tern::bench {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

MeasuredInterval::MeasuredInterval(int server_pid)
    : server_pid_(server_pid), started_(now_seconds()), at_start_(read_server_usage(server_pid)) {}

void MeasuredInterval::stop() {
  stopped_ = now_seconds();
  at_stop_ = read_server_usage(server_pid_);
}

double MeasuredInterval::seconds() const { return stopped_ - started_; }

std::optional<double> MeasuredInterval::server_cpu_seconds() const {
  if (!at_start_ || !at_stop_) return std::nullopt;
  return at_stop_->cpu_seconds - at_start_->cpu_seconds;
}

}  // namespace tern::bench
