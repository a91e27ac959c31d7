// Bytes built and written within one call: they live in a buffer of the thread's, so that a
// write allocates nothing and an idle connection keeps no buffer of its own.
#pragma once
#include <cstddef>
#include <string>

namespace tern::transport {

// Each use names its own buffer (`Use`): the serialized stanzas and their sealed records are
// alive at once. A use must not nest in itself.
template <typename Use>
class ThreadBuffer {
public:
  ThreadBuffer() { bytes().clear(); }
  ~ThreadBuffer() {
    // What a rare large write grew is not kept for the thread's lifetime.
    if (bytes().capacity() > kept_capacity) std::string().swap(bytes());
  }
  ThreadBuffer(const ThreadBuffer&) = delete;
  ThreadBuffer& operator=(const ThreadBuffer&) = delete;

  std::string& get() { return bytes(); }

private:
  static constexpr std::size_t kept_capacity = 64 * 1024;
  static std::string& bytes() {
    static thread_local std::string buffer;
    return buffer;
  }
};

}  // namespace tern::transport
