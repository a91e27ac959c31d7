// What a parse error means for the stream that carried the XML (RFC 6120 §4.9.3, §11).
#pragma once
#include "transport/stream.hpp"
#include "xml/parser.hpp"

namespace tern::transport {

Failure failure_for(xml::ParseError error);

}  // namespace tern::transport
