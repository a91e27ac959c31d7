// Stanza errors (RFC 6120 §8.3).
#include "xmpp/stanza_error.hpp"

#include "xmpp/namespaces.hpp"

namespace tern::xmpp {
namespace {

std::string_view type_name(StanzaError::Type type) {
  switch (type) {
    case StanzaError::Type::auth: return "auth";
    case StanzaError::Type::cancel: return "cancel";
    case StanzaError::Type::continue_: return "continue";
    case StanzaError::Type::modify: return "modify";
    case StanzaError::Type::wait: return "wait";
  }
  return "cancel";
}

}  // namespace

// The last column is the legacy code of XEP-0086 §3, for clients that still read only that.
#define TERN_STANZA_ERROR(function, condition, type, code)              \
  StanzaError StanzaError::function(std::string text) {                  \
    return StanzaError(Type::type, condition, code, std::move(text));    \
  }
TERN_STANZA_ERROR(bad_request, "bad-request", modify, 400)
TERN_STANZA_ERROR(conflict, "conflict", cancel, 409)
TERN_STANZA_ERROR(feature_not_implemented, "feature-not-implemented", cancel, 501)
TERN_STANZA_ERROR(forbidden, "forbidden", auth, 403)
TERN_STANZA_ERROR(internal_server_error, "internal-server-error", cancel, 500)
TERN_STANZA_ERROR(item_not_found, "item-not-found", cancel, 404)
TERN_STANZA_ERROR(jid_malformed, "jid-malformed", modify, 400)
TERN_STANZA_ERROR(not_acceptable, "not-acceptable", modify, 406)
TERN_STANZA_ERROR(not_allowed, "not-allowed", cancel, 405)
TERN_STANZA_ERROR(not_authorized, "not-authorized", auth, 401)
// policy-violation postdates XEP-0086; it is closest to not-acceptable.
TERN_STANZA_ERROR(policy_violation, "policy-violation", modify, 406)
TERN_STANZA_ERROR(recipient_unavailable, "recipient-unavailable", wait, 404)
TERN_STANZA_ERROR(remote_server_not_found, "remote-server-not-found", cancel, 404)
TERN_STANZA_ERROR(resource_constraint, "resource-constraint", wait, 500)
TERN_STANZA_ERROR(service_unavailable, "service-unavailable", cancel, 503)
TERN_STANZA_ERROR(unexpected_request, "unexpected-request", wait, 400)
#undef TERN_STANZA_ERROR

xml::Element StanzaError::element() const {
  xml::Element error("error", std::string(ns::client));
  error.set_attribute("code", std::to_string(code_));
  error.set_attribute("type", std::string(type_name(type_)));
  error.add_child(condition_, std::string(ns::stanza_errors));
  if (!text_.empty()) {
    error.add_child("text", std::string(ns::stanza_errors))
        .set_attribute("xml:lang", "en")
        .add_text(text_);
  }
  return error;
}

xml::Element error_reply(const xml::Element& stanza, const StanzaError& error) {
  xml::Element reply(stanza.name(), stanza.xmlns());
  for (const auto& attribute : stanza.attributes()) {
    if (attribute.name != "from" && attribute.name != "to" && attribute.name != "type") {
      reply.set_attribute(attribute.name, attribute.value);
    }
  }
  if (auto* from = stanza.attribute("from")) reply.set_attribute("to", *from);
  if (auto* to = stanza.attribute("to")) reply.set_attribute("from", *to);
  reply.set_attribute("type", "error");
  for (const auto& child : stanza.children()) {
    if (!child.is_text() && !child.is("error", stanza.xmlns())) reply.add_child(child);
  }
  reply.add_child(error.element());
  return reply;
}

}  // namespace tern::xmpp
