// Test helpers for XML.
#include "support/xml.hpp"

#include "xml/parse_element.hpp"
#include "xml/serializer.hpp"

namespace tern::testing {

xml::Element parse_xml(std::string_view text) { return xml::parse_element(text, "jabber:client"); }

std::string to_xml(const xml::Element& element) { return xml::serialize(element, {"jabber:client", {}}); }

std::string error_condition(const xml::Element& reply) {
  const xml::Element* error = reply.child("error");
  if (!error || error->child_elements().empty()) return "(no error)";
  return error->child_elements().front()->name();
}

}  // namespace tern::testing
