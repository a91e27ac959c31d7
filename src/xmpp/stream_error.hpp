// Stream errors (RFC 6120 §4.9): unrecoverable; the session sends one and closes the stream.
#pragma once
#include <string>

#include "xml/element.hpp"

namespace tern::xmpp {

class StreamError {
public:
  // The condition as the RFC spells it (§4.9.3), e.g. "host-unknown"; text is optional.
  explicit StreamError(std::string condition, std::string text = {})
      : condition_(std::move(condition)), text_(std::move(text)) {}
  const std::string& condition() const { return condition_; }
  const std::string& text() const { return text_; }
  // <stream:error><condition xmlns='...streams'/><text/>?</stream:error>
  xml::Element element() const;

private:
  std::string condition_;
  std::string text_;
};

}  // namespace tern::xmpp
