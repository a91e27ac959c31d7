// XML output with correct escaping (XML 1.0 §2.4, §3.3.3; RFC 6120 §11.1).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "xml/element.hpp"

namespace tern::xml {

struct PrefixBinding {
  std::string_view prefix;
  std::string_view xmlns;
};

// What the surrounding document already declares: the default namespace an element inherits
// (no xmlns attribute is written when it matches) and prefixes written instead of an xmlns
// attribute (e.g. "stream" for <stream:features/>).
struct Scope {
  std::string_view default_xmlns;
  std::vector<PrefixBinding> prefixes;
};

void escape_text(std::string& out, std::string_view text);
void escape_attribute(std::string& out, std::string_view value);

std::string serialize(const Element& element, const Scope& scope = {});
void serialize_to(std::string& out, const Element& element, const Scope& scope = {});

// A start tag that stays open (a stream header); attributes are written in their order.
std::string open_tag(std::string_view qualified_name, const Attributes& attributes);

}  // namespace tern::xml
