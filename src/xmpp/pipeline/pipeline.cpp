// The feature registry and the dispatch to features.
#include "xmpp/pipeline/pipeline.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

namespace tern::xmpp {

class PipelineRegistrar final : public Registrar {
public:
  PipelineRegistrar(Pipeline& pipeline, std::string feature)
      : pipeline_(pipeline), feature_(std::move(feature)) {}

  void implements(Implementation implementation) override {
    pipeline_.implementations_.push_back(implementation);
  }
  void disco_feature(std::string_view var) override {
    pipeline_.disco_features_.emplace_back(var);
  }
  void on_iq(IqType type, PayloadName payload, std::initializer_list<Target> targets,
             IqHandler handler) override {
    for (Target target : targets) {
      Pipeline::Key key{type, target, std::string(payload.xmlns), std::string(payload.name)};
      auto [it, inserted] = pipeline_.iq_handlers_.try_emplace(key, Pipeline::Registration{feature_, handler});
      if (!inserted) {
        throw std::logic_error("features '" + it->second.feature + "' and '" + feature_ +
                               "' both handle <" + std::string(payload.name) + " xmlns='" +
                               std::string(payload.xmlns) + "'/>");
      }
    }
  }

  void on_message(Stage stage, int priority, StanzaHook hook) override {
    pipeline_.add_hook("message", stage, {feature_, priority, std::move(hook)});
  }
  void on_presence(Stage stage, int priority, StanzaHook hook) override {
    pipeline_.add_hook("presence", stage, {feature_, priority, std::move(hook)});
  }
  void on_availability(AvailabilityHook hook) override {
    pipeline_.availability_hooks_.emplace_back(feature_, std::move(hook));
  }
  void on_account_deleted(AccountHook hook) override {
    pipeline_.account_hooks_.emplace_back(feature_, std::move(hook));
  }
  void stream_feature(Negotiation when, xml::Element feature) override {
    (when == Negotiation::authenticated ? pipeline_.authenticated_features_
                                        : pipeline_.unauthenticated_features_)
        .push_back(std::move(feature));
  }

  void hosts(HostedService service) override {
    if (pipeline_.service(service.domain)) {
      throw std::logic_error("feature '" + feature_ + "' hosts " + service.domain + ", which a service has already");
    }
    pipeline_.services_.push_back(std::move(service));
  }

  void enforces_privacy(PrivacyPolicy& policy) override {
    if (pipeline_.privacy_) {
      throw std::logic_error("features '" + pipeline_.privacy_feature_ + "' and '" + feature_ +
                             "' both enforce privacy rules");
    }
    pipeline_.privacy_ = &policy;
    pipeline_.privacy_feature_ = feature_;
  }

private:
  Pipeline& pipeline_;
  std::string feature_;
};

Pipeline::Pipeline() = default;
Pipeline::~Pipeline() = default;

void Pipeline::install(std::unique_ptr<Feature> feature) {
  PipelineRegistrar registrar(*this, std::string(feature->name()));
  feature->install(registrar);
  features_.push_back(std::move(feature));
}

const HostedService* Pipeline::service(std::string_view domain) const {
  for (const auto& service : services_) {
    if (service.domain == domain) return &service;
  }
  return nullptr;
}

void Pipeline::add_hook(std::string_view kind, Stage stage, Hook hook) {
  auto& hooks = stanza_hooks_[{std::string(kind), stage}];
  auto position = std::find_if(hooks.begin(), hooks.end(),
                               [&](const Hook& other) { return other.priority < hook.priority; });
  hooks.insert(position, std::move(hook));
}

asio::awaitable<Handled> Pipeline::process(Stage stage, xml::Element& stanza) {
  auto found = stanza_hooks_.find({stanza.name(), stage});
  if (found == stanza_hooks_.end()) co_return Handled::no;
  for (const auto& hook : found->second) {
    bool failed = false;
    try {
      if (co_await hook.hook(stanza) == Handled::yes) co_return Handled::yes;
    } catch (const std::exception& e) {
      spdlog::error("{} failed on a {} from {}: {}", hook.feature, stanza.name(),
                    stanza.attribute_or("from"), e.what());
      failed = true;
    }
    if (failed) co_return Handled::yes;
  }
  co_return Handled::no;
}

asio::awaitable<void> Pipeline::availability_changed(const AvailabilityChange& change) {
  for (const auto& [feature, hook] : availability_hooks_) {
    try {
      co_await hook(change);
    } catch (const std::exception& e) {
      spdlog::error("{} failed on a presence change of {}: {}", feature, change.resource.full(),
                    e.what());
    }
  }
}

asio::awaitable<void> Pipeline::account_deleted(const Jid& account) {
  for (const auto& [feature, hook] : account_hooks_) {
    try {
      co_await hook(account);
    } catch (const std::exception& e) {
      spdlog::error("{} failed before the deletion of {}: {}", feature, account.bare_string(), e.what());
    }
  }
}

bool Pipeline::handles(const xml::Element& iq, Target target) const {
  auto payloads = iq.child_elements();
  if (payloads.size() != 1) return false;
  auto type = iq.attribute_or("type");
  if (type != "get" && type != "set") return false;
  return iq_handlers_.contains(Key{type == "get" ? IqType::get : IqType::set, target,
                                   payloads.front()->xmlns(), payloads.front()->name()});
}

asio::awaitable<xml::Element> Pipeline::handle_iq(const xml::Element& iq, Jid from, Jid to,
                                                  Target target) {
  auto payload = iq.child_elements().front();
  IqType type = iq.attribute_or("type") == "get" ? IqType::get : IqType::set;
  auto found = iq_handlers_.find(Key{type, target, payload->xmlns(), payload->name()});
  if (found == iq_handlers_.end()) {
    co_return error_reply(iq, StanzaError::service_unavailable());
  }
  IqRequest request(iq, std::move(from), std::move(to), target);
  std::optional<IqResult> result;
  try {
    result = co_await found->second.handler(request);
  } catch (const std::exception& e) {
    spdlog::error("{} failed on an IQ from {}: {}", found->second.feature, request.from().full(),
                  e.what());
  }
  if (!result) co_return error_reply(iq, StanzaError::internal_server_error());
  if (auto* error = result->error()) co_return error_reply(iq, *error);
  xml::Element reply("iq", iq.xmlns());
  if (auto* id = iq.attribute("id")) reply.set_attribute("id", *id);
  if (auto* requester = iq.attribute("from")) reply.set_attribute("to", *requester);
  if (auto* addressee = iq.attribute("to")) reply.set_attribute("from", *addressee);
  reply.set_attribute("type", "result");
  if (auto* payload_out = result->payload()) reply.add_child(*payload_out);
  co_return reply;
}

}  // namespace tern::xmpp
