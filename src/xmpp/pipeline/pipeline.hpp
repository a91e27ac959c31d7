// The feature registry and the dispatch to features: IQs the server answers itself (RFC 6120
// §8.2.3, §10.3.3; RFC 6121 §8.5.2.1.3), message and presence hooks, availability changes.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "xmpp/pipeline/feature.hpp"
#include "xmpp/pipeline/registrar.hpp"

namespace tern::xmpp {

class Pipeline {
public:
  Pipeline();
  ~Pipeline();

  template <typename F, typename... Args>
  F& add(Args&&... args) {
    auto feature = std::make_unique<F>(std::forward<Args>(args)...);
    F& added = *feature;
    install(std::move(feature));
    return added;
  }

  // The reply to an IQ get/set addressed to the server or to an account the server answers for:
  // the handler's result or error, service-unavailable when nothing handles the payload, and
  // internal-server-error (logged) when the handler throws. `from` and `to` are as stamped.
  asio::awaitable<xml::Element> handle_iq(const xml::Element& iq, Jid from, Jid to, Target target);

  // The hooks registered for this stanza's kind at `stage`, highest priority first, until one
  // handles it. A hook that throws is logged and counts as having handled (dropped) the stanza.
  asio::awaitable<Handled> process(Stage stage, xml::Element& stanza);
  asio::awaitable<void> availability_changed(const AvailabilityChange& change);
  asio::awaitable<void> account_deleted(const Jid& account);
  // Whether a handler serves this IQ get/set for `target`.
  bool handles(const xml::Element& iq, Target target) const;

  const std::vector<std::string>& disco_features() const { return disco_features_; }
  const std::vector<xml::Element>& stream_features(Negotiation when) const {
    return when == Negotiation::authenticated ? authenticated_features_ : unauthenticated_features_;
  }
  // The service at this domain, if a feature hosts one.
  const HostedService* service(std::string_view domain) const;
  const std::vector<HostedService>& services() const { return services_; }
  const std::vector<Implementation>& implementations() const { return implementations_; }
  PrivacyPolicy* privacy() const { return privacy_; }

private:
  void install(std::unique_ptr<Feature> feature);
  friend class PipelineRegistrar;

  using Key = std::tuple<IqType, Target, std::string, std::string>;  // type, target, xmlns, name
  struct Registration {
    std::string feature;
    IqHandler handler;
  };
  std::vector<std::unique_ptr<Feature>> features_;
  std::map<Key, Registration> iq_handlers_;
  struct Hook {
    std::string feature;
    int priority;
    StanzaHook hook;
  };
  void add_hook(std::string_view kind, Stage stage, Hook hook);
  std::map<std::pair<std::string, Stage>, std::vector<Hook>> stanza_hooks_;  // by (kind, stage)
  std::vector<std::pair<std::string, AvailabilityHook>> availability_hooks_;
  std::vector<std::pair<std::string, AccountHook>> account_hooks_;
  std::vector<xml::Element> unauthenticated_features_;
  std::vector<xml::Element> authenticated_features_;
  std::vector<std::string> disco_features_;
  std::vector<Implementation> implementations_;
  std::vector<HostedService> services_;
  PrivacyPolicy* privacy_ = nullptr;
  std::string privacy_feature_;
};

}  // namespace tern::xmpp
