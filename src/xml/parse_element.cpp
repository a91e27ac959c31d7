// One element from text.
#include "xml/parse_element.hpp"

#include <deque>
#include <stdexcept>

#include "xml/serializer.hpp"

namespace tern::xml {

Element parse_element(std::string_view text, std::string_view default_xmlns, ParserLimits limits) {
  Parser parser(limits);
  std::deque<ParseEvent> events;
  std::string root = "<root";
  if (!default_xmlns.empty()) {
    root += " xmlns='";
    escape_attribute(root, default_xmlns);
    root += "'";
  }
  root += ">";
  parser.feed(root, events);
  parser.feed(text, events);
  for (auto& event : events) {
    if (auto* element = std::get_if<Element>(&event)) return std::move(*element);
  }
  throw std::invalid_argument("no complete element in: " + std::string(text.substr(0, 200)));
}

}  // namespace tern::xml
