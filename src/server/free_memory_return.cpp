// Returning tcmalloc's free memory to the system.
#include "server/free_memory_return.hpp"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>

// gperftools' C interface (malloc_extension_c.h): defined when tcmalloc is linked in.
extern "C" {
int MallocExtension_GetNumericProperty(const char* property, std::size_t* value) __attribute__((weak));
void MallocExtension_ReleaseToSystem(std::size_t bytes) __attribute__((weak));
}

namespace tern::server {
namespace {

std::size_t free_in_page_heap() {
  std::size_t free = 0;
  MallocExtension_GetNumericProperty("tcmalloc.pageheap_free_bytes", &free);
  return free;
}

void return_beyond(std::size_t kept) {
  std::size_t free = free_in_page_heap();
  if (free <= kept) return;
  MallocExtension_ReleaseToSystem(free - kept);
  std::size_t left = free_in_page_heap();
  spdlog::debug("returned {} KiB of free memory to the system", (free - std::min(free, left)) / 1024);
}

}  // namespace

FreeMemoryReturn::FreeMemoryReturn(std::chrono::milliseconds period, std::size_t kept) {
  if (MallocExtension_GetNumericProperty == nullptr || MallocExtension_ReleaseToSystem == nullptr) return;
  thread_ = std::jthread([period, kept](std::stop_token stop) {
    std::mutex mutex;
    std::condition_variable_any stopped;
    std::unique_lock lock(mutex);
    // Woken early only when the server stops (wait_for then returns at once, every time).
    while (!stop.stop_requested()) {
      stopped.wait_for(lock, stop, period, [] { return false; });
      if (!stop.stop_requested()) return_beyond(kept);
    }
  });
}

}  // namespace tern::server
