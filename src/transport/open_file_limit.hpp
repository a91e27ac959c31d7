// The process's limit on open files: every connection holds one descriptor, so it caps the
// connections the server can hold (RLIMIT_NOFILE).
#pragma once
#include <cstdint>

namespace tern::transport {

struct OpenFileLimit {
  std::uint64_t soft = 0;  // what the process may open now
  std::uint64_t hard = 0;  // what the soft limit may be raised to without privileges
};

OpenFileLimit open_file_limit();

// Raises the soft limit to the hard one, as a server holding a connection per descriptor
// needs: shells and service managers often start processes at 1 024 (systemd's default soft
// limit) under a far higher hard limit. Returns the limit in force afterwards.
OpenFileLimit raise_open_file_limit();

}  // namespace tern::transport
