// XML output with correct escaping.
#include "xml/serializer.hpp"

#include <array>

namespace tern::xml {

namespace {

// What escape() replaces, by byte; nullptr: the byte stands for itself.
using Escapes = std::array<const char*, 256>;

constexpr Escapes text_escapes = [] {
  Escapes escapes{};
  escapes['&'] = "&amp;";
  escapes['<'] = "&lt;";
  escapes['>'] = "&gt;";  // "]]>" must not appear in character data
  return escapes;
}();

constexpr Escapes attribute_escapes = [] {
  Escapes escapes = text_escapes;
  escapes['\''] = "&apos;";
  escapes['"'] = "&quot;";
  // Attribute-value normalisation (XML 1.0 §3.3.3) would turn these into spaces.
  escapes['\t'] = "&#9;";
  escapes['\n'] = "&#10;";
  escapes['\r'] = "&#13;";
  return escapes;
}();

// Most text needs no escaping at all: it goes out in runs, not byte by byte.
void escape(std::string& out, std::string_view text, const Escapes& escapes) {
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char* escaped = escapes[static_cast<unsigned char>(text[i])];
    if (!escaped) continue;
    out.append(text.data() + run, i - run);
    out += escaped;
    run = i + 1;
  }
  out.append(text.data() + run, text.size() - run);
}

}  // namespace

void escape_text(std::string& out, std::string_view text) { escape(out, text, text_escapes); }

void escape_attribute(std::string& out, std::string_view value) { escape(out, value, attribute_escapes); }

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
