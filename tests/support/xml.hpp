// Test helpers: parse one XML element from text (in the jabber:client namespace by default).
#pragma once
#include <string>
#include <string_view>

#include "xml/element.hpp"

namespace tern::testing {

xml::Element parse_xml(std::string_view text);
std::string to_xml(const xml::Element& element);  // without the jabber:client xmlns
// The condition of an error reply ("service-unavailable"), or "(no error)".
std::string error_condition(const xml::Element& reply);

}  // namespace tern::testing
