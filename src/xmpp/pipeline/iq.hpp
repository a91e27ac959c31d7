// What a feature's IQ handler receives and returns (RFC 6120 §8.2.3).
#pragma once
#include <optional>
#include <string_view>
#include <variant>

#include "xml/element.hpp"
#include "xmpp/jid.hpp"
#include "xmpp/stanza_error.hpp"

namespace tern::xmpp {

enum class IqType { get, set };

// The one child of an IQ get/set that selects the handler.
struct PayloadName {
  std::string_view xmlns;
  std::string_view name;
};

// Who the IQ is addressed to: the server itself (its domain), a local account's bare JID, which
// the server answers on the account's behalf (RFC 6121 §8.5.2.1.3), or the server asked over a
// secure stream that has not authenticated yet (XEP-0077 registration; `from` is empty then).
enum class Target { server, account, unauthenticated };

class IqRequest {
public:
  IqRequest(const xml::Element& stanza, Jid from, Jid to, Target target)
      : stanza_(stanza), from_(std::move(from)), to_(std::move(to)), target_(target) {}
  const xml::Element& stanza() const { return stanza_; }
  const xml::Element& payload() const { return *stanza_.child_elements().front(); }
  const Jid& from() const { return from_; }
  const Jid& to() const { return to_; }  // the domain or the bare JID served
  Target target() const { return target_; }
  // An account asking about itself (also when the IQ had no 'to', RFC 6120 §10.3.3).
  bool is_to_self() const { return target_ == Target::account && from_.bare() == to_; }

private:
  const xml::Element& stanza_;
  Jid from_;
  Jid to_;
  Target target_;
};

// A handler's answer: an empty result, a result with one payload, or an error.
class IqResult {
public:
  static IqResult empty() { return IqResult(std::monostate{}); }
  // The outcome of a request whose success has nothing to say.
  static IqResult empty_unless(const std::optional<StanzaError>& error) {
    return error ? IqResult(*error) : empty();
  }
  IqResult(xml::Element payload) : value_(std::move(payload)) {}
  IqResult(StanzaError error) : value_(std::move(error)) {}
  const xml::Element* payload() const { return std::get_if<xml::Element>(&value_); }
  const StanzaError* error() const { return std::get_if<StanzaError>(&value_); }

private:
  explicit IqResult(std::monostate) {}
  std::variant<std::monostate, xml::Element, StanzaError> value_;
};

}  // namespace tern::xmpp
