// What a feature may register: IQ handlers by (type, payload, targets), message and presence
// hooks by stage, availability hooks, stream and service discovery features, and the
// specifications it implements.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>

#include "xml/element.hpp"
#include "xmpp/pipeline/hooks.hpp"
#include "xmpp/pipeline/iq.hpp"
#include "xmpp/pipeline/privacy.hpp"

namespace tern::xmpp {

namespace asio = boost::asio;

enum class Support { complete, partial };

struct Implementation {
  std::string_view spec;  // "XEP-0199"
  std::string_view version;
  Support support = Support::complete;
};

using IqHandler = std::function<asio::awaitable<IqResult>(IqRequest&)>;

// Takes every stanza for a domain of its own (a XEP-0045 MUC service, say): 'from' is the local
// sender's full JID, as stamped. It answers through the router and must not block.
using ServiceHandler = std::function<void(xml::Element stanza, const Jid& from, const Jid& to)>;

struct HostedService {
  std::string domain;  // prepared
  std::string name;    // for XEP-0030 items
  ServiceHandler handler;
};

class Registrar {
public:
  virtual ~Registrar() = default;
  virtual void implements(Implementation implementation) = 0;
  virtual void disco_feature(std::string_view var) = 0;
  // A second registration of the same (type, payload, target) stops start-up, naming both features.
  virtual void on_iq(IqType type, PayloadName payload, std::initializer_list<Target> targets,
                     IqHandler handler) = 0;
  virtual void on_message(Stage stage, int priority, StanzaHook hook) = 0;
  virtual void on_presence(Stage stage, int priority, StanzaHook hook) = 0;
  virtual void on_availability(AvailabilityHook hook) = 0;
  virtual void on_account_deleted(AccountHook hook) = 0;
  virtual void stream_feature(Negotiation when, xml::Element feature) = 0;
  // A domain the service serves on its own; a second service at the same domain stops start-up.
  virtual void hosts(HostedService service) = 0;
  // The privacy rules the router applies (one feature at most; a second stops start-up).
  virtual void enforces_privacy(PrivacyPolicy& policy) = 0;
};

}  // namespace tern::xmpp
