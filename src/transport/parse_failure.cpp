// Parse errors as stream failures.
#include "transport/parse_failure.hpp"

namespace tern::transport {

Failure failure_for(xml::ParseError error) {
  switch (error) {
    case xml::ParseError::restricted_xml: return Failure::restricted_xml;
    case xml::ParseError::unsupported_encoding: return Failure::unsupported_encoding;
    case xml::ParseError::too_large:
    case xml::ParseError::too_deep:
    case xml::ParseError::too_many_attributes: return Failure::too_large;
    case xml::ParseError::not_well_formed: break;
  }
  return Failure::not_well_formed;
}

}  // namespace tern::transport
