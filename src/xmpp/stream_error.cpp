// Stream errors (RFC 6120 §4.9).
#include "xmpp/stream_error.hpp"

#include "xmpp/namespaces.hpp"

namespace tern::xmpp {

xml::Element StreamError::element() const {
  xml::Element error("error", std::string(ns::streams));
  error.add_child(condition_, std::string(ns::stream_errors));
  if (!text_.empty()) {
    error.add_child("text", std::string(ns::stream_errors))
        .set_attribute("xml:lang", "en")
        .add_text(text_);
  }
  return error;
}

}  // namespace tern::xmpp
