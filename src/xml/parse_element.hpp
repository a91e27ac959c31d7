// One element from text, for XML the server stored itself (offline messages, subscription
// requests): the same parser and limits as on the wire.
#pragma once
#include <string_view>

#include "xml/element.hpp"
#include "xml/parser.hpp"

namespace tern::xml {

// `default_xmlns` is the namespace the text was serialized in (written without its xmlns).
// Throws ParseFailure for malformed text, std::invalid_argument unless there is exactly one
// element (text around it is ignored).
Element parse_element(std::string_view text, std::string_view default_xmlns = {},
                      ParserLimits limits = {});

}  // namespace tern::xml
