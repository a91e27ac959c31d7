// Test helpers for XML.
#include "support/xml.hpp"

#include "xml/parse_element.hpp"
#include "xml/serializer.hpp"

namespace tern::testing {

xml::Element parse_xml(std::string_view text) { return xml::parse_element(text, "jabber:client"); }

std::string to_xml(const xml::Element& element) { return xml::serialize(element, {"jabber:client", {}}); }

}  // namespace tern::testing
