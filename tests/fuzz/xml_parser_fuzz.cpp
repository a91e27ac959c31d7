// libFuzzer target for the XML stream parser: arbitrary bytes, split at an input-chosen point,
// must end in events or a ParseFailure, never a crash, leak or undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "xml/parser.hpp"
#include "xml/serializer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::size_t split = size > 1 ? data[0] % input.size() : 0;
  tern::xml::Parser parser({.max_element_bytes = 4096, .max_depth = 16, .max_attributes = 16});
  std::vector<tern::xml::ParseEvent> events;
  try {
    parser.feed(input.substr(0, split), events);
    parser.feed(input.substr(split), events);
  } catch (const tern::xml::ParseFailure&) {
  }
  // What was parsed must serialize (escaping is exercised on arbitrary text and attributes).
  for (const auto& event : events) {
    if (auto* element = std::get_if<tern::xml::Element>(&event)) {
      (void)tern::xml::serialize(*element);
    }
  }
  return 0;
}
