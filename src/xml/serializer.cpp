// XML output with correct escaping.
#include "xml/serializer.hpp"

namespace tern::xml {

void escape_text(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;  // "]]>" must not appear in character data
      default: out += c;
    }
  }
}

void escape_attribute(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '\'': out += "&apos;"; break;
      case '"': out += "&quot;"; break;
      // Attribute-value normalisation (XML 1.0 §3.3.3) would turn these into spaces.
      case '\t': out += "&#9;"; break;
      case '\n': out += "&#10;"; break;
      case '\r': out += "&#13;"; break;
      default: out += c;
    }
  }
}

namespace {

void write_attributes(std::string& out, const Attributes& attributes) {
  for (const auto& attribute : attributes) {
    out += ' ';
    out += attribute.name;
    out += "='";
    escape_attribute(out, attribute.value);
    out += '\'';
  }
}

void write(std::string& out, const Element& element, const Scope& scope,
           std::string_view inherited_xmlns) {
  if (element.is_text()) {
    escape_text(out, element.text());
    return;
  }
  std::string_view prefix;
  for (const auto& binding : scope.prefixes) {
    if (binding.xmlns == element.xmlns()) prefix = binding.prefix;
  }
  std::string qualified = prefix.empty() ? element.name()
                                         : std::string(prefix) + ':' + element.name();
  out += '<';
  out += qualified;
  // A prefixed element does not change the default namespace its children inherit.
  std::string_view child_xmlns = prefix.empty() ? std::string_view(element.xmlns()) : inherited_xmlns;
  if (prefix.empty() && element.xmlns() != inherited_xmlns) {
    out += " xmlns='";
    escape_attribute(out, element.xmlns());
    out += '\'';
  }
  write_attributes(out, element.attributes());
  if (element.children().empty()) {
    out += "/>";
    return;
  }
  out += '>';
  for (const auto& child : element.children()) write(out, child, scope, child_xmlns);
  out += "</";
  out += qualified;
  out += '>';
}

}  // namespace

void serialize_to(std::string& out, const Element& element, const Scope& scope) {
  write(out, element, scope, scope.default_xmlns);
}

std::string serialize(const Element& element, const Scope& scope) {
  std::string out;
  serialize_to(out, element, scope);
  return out;
}

std::string open_tag(std::string_view qualified_name, const Attributes& attributes) {
  std::string out = "<";
  out += qualified_name;
  write_attributes(out, attributes);
  out += '>';
  return out;
}

}  // namespace tern::xml
