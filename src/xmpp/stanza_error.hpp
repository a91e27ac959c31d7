// Stanza errors (RFC 6120 §8.3): the defined conditions with their default types, and the error
// reply built from the stanza that caused one.
#pragma once
#include <string>
#include <string_view>

#include "xml/element.hpp"

namespace tern::xmpp {

class StanzaError {
public:
  enum class Type { auth, cancel, continue_, modify, wait };

  // RFC 6120 §8.3.3, each with the type the RFC gives it.
  static StanzaError bad_request(std::string text = {});
  static StanzaError conflict(std::string text = {});
  static StanzaError feature_not_implemented(std::string text = {});
  static StanzaError forbidden(std::string text = {});
  static StanzaError internal_server_error(std::string text = {});
  static StanzaError item_not_found(std::string text = {});
  static StanzaError jid_malformed(std::string text = {});
  static StanzaError not_acceptable(std::string text = {});
  static StanzaError not_allowed(std::string text = {});
  static StanzaError not_authorized(std::string text = {});
  static StanzaError policy_violation(std::string text = {});
  static StanzaError recipient_unavailable(std::string text = {});
  static StanzaError remote_server_not_found(std::string text = {});
  static StanzaError resource_constraint(std::string text = {});
  static StanzaError service_unavailable(std::string text = {});
  static StanzaError unexpected_request(std::string text = {});

  Type type() const { return type_; }
  const std::string& condition() const { return condition_; }
  const std::string& text() const { return text_; }
  int legacy_code() const { return code_; }
  // <error code='...' type='...'><condition xmlns='...stanzas'/><text/>?</error>
  xml::Element element() const;

private:
  StanzaError(Type type, std::string condition, int code, std::string text)
      : type_(type), condition_(std::move(condition)), code_(code), text_(std::move(text)) {}
  Type type_;
  std::string condition_;
  int code_;
  std::string text_;
};

// RFC 6120 §8.3.1: same element and id, type='error', from/to swapped, the original payload kept.
// Never call it for a stanza that is itself of type error (§8.3.1: no error loops).
xml::Element error_reply(const xml::Element& stanza, const StanzaError& error);

}  // namespace tern::xmpp
