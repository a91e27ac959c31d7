// Gives the memory the allocator holds free back to the system after a burst. Thousands of
// clients logging in at once (a reconnect storm after a restart, a load test) each hold a TLS
// handshake's worth of memory (about 80 KiB) for a moment; tcmalloc keeps what they freed for
// reuse, and an idle server would go on holding several times its sessions' memory.
#pragma once
#include <chrono>
#include <cstddef>
#include <thread>

namespace tern::server {

class FreeMemoryReturn {
public:
  // Every `period`, what tcmalloc holds free beyond `kept` goes back to the system: a steady
  // load reuses what it frees and stays below `kept`; a burst's leftovers go within a period.
  // Does nothing without tcmalloc (sanitized builds, TERN_ALLOCATOR=system).
  explicit FreeMemoryReturn(std::chrono::milliseconds period = std::chrono::seconds(1),
                            std::size_t kept = 16 * 1024 * 1024);

private:
  std::jthread thread_;
};

}  // namespace tern::server
