// One element from text.
#include "xml/parse_element.hpp"

#include <optional>
#include <stdexcept>

#include "xml/serializer.hpp"

namespace tern::xml {

Element parse_element(std::string_view text, std::string_view default_xmlns, ParserLimits limits) {
  Parser parser(limits);
  std::vector<ParseEvent> events;
  std::string root = "<root";
  if (!default_xmlns.empty()) {
    root += " xmlns='";
    escape_attribute(root, default_xmlns);
    root += "'";
  }
  root += ">";
  parser.feed(root, events);
  parser.feed(text, events);
  parser.feed("</root>", events);
  std::optional<Element> found;
  for (auto& event : events) {
    auto* element = std::get_if<Element>(&event);
    if (!element) continue;
    if (found) throw std::invalid_argument("more than one element in: " + std::string(text.substr(0, 200)));
    found = std::move(*element);
  }
  if (!found) throw std::invalid_argument("no element in: " + std::string(text.substr(0, 200)));
  return std::move(*found);
}

}  // namespace tern::xml
