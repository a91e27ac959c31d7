// The open-file limit.
#include "transport/open_file_limit.hpp"

#include <sys/resource.h>

namespace tern::transport {

OpenFileLimit open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return {};
  return {limit.rlim_cur, limit.rlim_max};
}

OpenFileLimit raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    rlimit raised{limit.rlim_max, limit.rlim_max};
    setrlimit(RLIMIT_NOFILE, &raised);  // may fail (a hard limit above the kernel's nr_open): kept as it was
  }
  return open_file_limit();
}

}  // namespace tern::transport
