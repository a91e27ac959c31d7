// Test helpers for XML.
#include "support/xml.hpp"

#include <deque>
#include <stdexcept>

#include "xml/parser.hpp"
#include "xml/serializer.hpp"

namespace tern::testing {

xml::Element parse_xml(std::string_view text) {
  xml::Parser parser;
  std::deque<xml::ParseEvent> events;
  parser.feed("<root xmlns='jabber:client'>", events);
  parser.feed(text, events);
  for (auto& event : events) {
    if (auto* element = std::get_if<xml::Element>(&event)) return std::move(*element);
  }
  throw std::invalid_argument("no complete element in: " + std::string(text));
}

std::string to_xml(const xml::Element& element) { return xml::serialize(element, {"jabber:client", {}}); }

}  // namespace tern::testing
