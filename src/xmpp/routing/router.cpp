// Routing of stanzas from local sessions (RFC 6120 §10, RFC 6121 §8.5).
#include "xmpp/routing/router.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "xmpp/namespaces.hpp"
#include "xmpp/random_id.hpp"

namespace tern::xmpp {
namespace {

enum class MessageType { normal, chat, groupchat, headline, error };

// RFC 6121 §5.2.2: no type or an unknown one is processed as "normal".
MessageType message_type(const xml::Element& message) {
  auto type = message.attribute_or("type");
  if (type == "chat") return MessageType::chat;
  if (type == "groupchat") return MessageType::groupchat;
  if (type == "headline") return MessageType::headline;
  if (type == "error") return MessageType::error;
  return MessageType::normal;
}

bool is_request(const xml::Element& iq) {
  auto type = iq.attribute_or("type");
  return type == "get" || type == "set";
}

bool is_subscription(const xml::Element& presence) {
  auto type = presence.attribute_or("type");
  return type == "subscribe" || type == "subscribed" || type == "unsubscribe" ||
         type == "unsubscribed";
}

// Presence that announces availability: no type, or "unavailable".
bool is_availability(const xml::Element& stanza) {
  if (stanza.name() != "presence") return false;
  auto type = stanza.attribute_or("type");
  return type.empty() || type == "unavailable";
}

xml::SharedElement share(xml::Element element) {
  return std::make_shared<const xml::Element>(std::move(element));
}

}  // namespace

Router::Router(std::vector<std::string> domains, SessionRegistry& registry, Pipeline& pipeline,
               Accounts& accounts)
    : domains_(std::move(domains)), registry_(registry), pipeline_(pipeline), accounts_(accounts) {}

bool Router::serves(const std::string& domain) const {
  return std::find(domains_.begin(), domains_.end(), domain) != domains_.end();
}

void Router::deliver_to_sender(xml::Element reply) {
  auto to = Jid::parse(reply.attribute_or("to"));
  if (!to) return;
  if (auto session = registry_.find(*to)) session->deliver(share(std::move(reply)));
}

void Router::bounce(const xml::Element& stanza, const StanzaError& error) {
  if (stanza.attribute_or("type") == "error") return;
  deliver_to_sender(error_reply(stanza, error));
}

asio::awaitable<std::optional<xml::Element>> Router::query(xml::Element iq,
                                                           std::chrono::milliseconds timeout) {
  auto id = "tern-" + random_id(12);
  iq.set_attribute("id", id);
  auto peer = *Jid::parse(iq.attribute_or("to"));
  auto executor = co_await asio::this_coro::executor;
  auto waiter = requests_.expect(id, peer, executor, timeout);
  co_await route(std::move(iq));
  co_return co_await requests_.wait(id, waiter);
}

asio::awaitable<void> Router::answer_iq(const xml::Element& iq, const Jid& from, const Jid& to,
                                        Target target) {
  deliver_to_sender(co_await pipeline_.handle_iq(iq, from, to, target));
}

std::optional<Verdict> Router::verdict_now(const Jid& user, Direction direction, const xml::Element& stanza,
                                           const Jid& peer) const {
  auto* policy = pipeline_.privacy();
  if (!policy || !user.has_localpart() || !serves(user.domainpart())) return Verdict::allow;
  bool same_account = user.localpart() == peer.localpart() && user.domainpart() == peer.domainpart();
  if (same_account || (!peer.has_localpart() && serves(peer.domainpart()))) return Verdict::allow;
  return policy->decided(user, direction, stanza, peer);
}

asio::awaitable<Verdict> Router::sender_verdict(const Jid& from, const xml::Element& stanza, const Jid& to) {
  auto verdict = verdict_now(from, Direction::outbound, stanza, to);
  if (!verdict) verdict = co_await pipeline_.privacy()->decide(from, Direction::outbound, stanza, to);
  co_return *verdict;
}

asio::awaitable<Verdict> Router::recipient_verdict(const Jid& user, const xml::Element& stanza, const Jid& from) {
  auto verdict = verdict_now(user, Direction::inbound, stanza, from);
  if (!verdict) verdict = co_await pipeline_.privacy()->decide(user, Direction::inbound, stanza, from);
  co_return *verdict;
}

void Router::refuse_blocked(const xml::Element& stanza) {
  if (stanza.name() == "message" || (stanza.name() == "iq" && is_request(stanza))) {
    bounce(stanza, StanzaError::service_unavailable());
  }
}

bool Router::deliver_from_service(xml::Outbound stanza, const Jid& from, const Jid& to,
                                  const asio::any_io_executor& executor) {
  auto session = registry_.find(to);
  if (!session) return false;
  if (auto verdict = verdict_now(to, Direction::inbound, xml::shared_element(stanza), from)) {
    if (*verdict == Verdict::allow) session->deliver(std::move(stanza));
    return true;
  }
  asio::co_spawn(executor, deliver_when_decided(std::move(stanza), from, to, std::move(session)), asio::detached);
  return true;
}

asio::awaitable<void> Router::deliver_when_decided(xml::Outbound stanza, Jid from, Jid to,
                                                   std::shared_ptr<SessionLink> session) {
  auto verdict = co_await recipient_verdict(to, xml::shared_element(stanza), from);
  if (verdict == Verdict::allow) session->deliver(std::move(stanza));
}

asio::awaitable<void> Router::route(xml::Element stanza, SenderPrivacy privacy) {
  auto from = *Jid::parse(stanza.attribute_or("from"));
  const std::string* to_text = stanza.attribute("to");
  if (!to_text) {
    // RFC 6120 §10.3: handled as if addressed to the sender's bare JID.
    if (stanza.name() == "iq") {
      if (is_request(stanza)) co_await answer_iq(stanza, from, from.bare(), Target::account);
      co_return;
    }
    co_await to_bare(std::move(stanza), from, from.bare());
    co_return;
  }
  auto to = Jid::parse(*to_text);
  if (!to) {
    bounce(stanza, StanzaError::jid_malformed());
    co_return;
  }
  co_await route(std::move(stanza), from, *to, privacy);
}

asio::awaitable<void> Router::route(xml::Element stanza, const Jid& from, const Jid& to, SenderPrivacy privacy) {
  if (privacy == SenderPrivacy::check) {
    auto verdict = co_await sender_verdict(from, stanza, to);
    if (verdict != Verdict::allow) co_return;
  }
  if (!serves(to.domainpart())) {
    if (const auto* service = pipeline_.service(to.domainpart())) {
      service->handler(std::move(stanza), from, to);
      co_return;
    }
    // No server-to-server yet (RFC 6120 §10.4.3): no remote domain is reachable.
    bounce(stanza, StanzaError::remote_server_not_found());
    co_return;
  }
  if (!to.has_localpart()) {
    co_await to_server(std::move(stanza), from, to);
  } else if (to.is_bare()) {
    co_await to_bare(std::move(stanza), from, to);
  } else {
    co_await to_full(std::move(stanza), from, to);
  }
}

asio::awaitable<void> Router::route_to_resource(xml::Element stanza, const Jid& from, const Jid& to,
                                                const Jid& resource) {
  auto verdict = co_await sender_verdict(from, stanza, to);
  if (verdict != Verdict::allow) co_return;
  co_await to_full(std::move(stanza), from, resource);
}

asio::awaitable<void> Router::to_server(xml::Element stanza, const Jid& from, const Jid& to) {
  // RFC 6120 §10.5.1: the server handles stanzas for its domain itself. Only IQ requests need an
  // answer, and results or errors may answer the server's own requests; messages and presence to
  // the bare domain have no handler yet and are dropped.
  if (stanza.name() != "iq") co_return;
  if (!is_request(stanza)) {
    requests_.complete(stanza);
    co_return;
  }
  if (!to.is_bare()) {
    bounce(stanza, StanzaError::service_unavailable());
    co_return;
  }
  co_await answer_iq(stanza, from, to, Target::server);
}

bool Router::deliver_to_most_available(const std::vector<BoundResource>& resources,
                                       const xml::SharedElement& stanza) {
  int highest = -1;
  for (const auto& resource : resources) {
    if (resource.priority && *resource.priority > highest) highest = *resource.priority;
  }
  if (highest < 0) return false;  // §8.5.2.1.1: never to a negative priority via the bare JID
  for (const auto& resource : resources) {
    if (resource.priority == highest) resource.session->deliver(stanza);
  }
  return true;
}

asio::awaitable<void> Router::to_bare(xml::Element stanza, const Jid& from, const Jid& to) {
  auto resources = registry_.resources(to);
  bool exists = !resources.empty();
  if (!exists && is_availability(stanza)) {
    // §8.5.2.2.2 (and §8.5.1 for no such account): ignored, whatever the account's rules; no
    // feature serves it. A logout's broadcast to offline contacts costs no storage lookup.
    co_return;
  }
  if (!exists) {
    std::optional<bool> found;
    try {
      found = co_await accounts_.exists(to);
    } catch (const std::exception& error) {
      spdlog::error("cannot look up account {}: {}", to.bare_string(), error.what());
    }
    if (!found) {
      bounce(stanza, StanzaError::internal_server_error());
      co_return;
    }
    exists = *found;
  }
  if (stanza.name() == "iq") {
    // §8.5.2.1.3 / §8.5.2.2.3: the server answers for the account and never forwards the IQ.
    if (!is_request(stanza)) co_return;
    if (!exists) {
      bounce(stanza, StanzaError::service_unavailable());
      co_return;
    }
    auto verdict = co_await recipient_verdict(to, stanza, from);
    if (verdict != Verdict::allow) {
      refuse_blocked(stanza);
      co_return;
    }
    co_await answer_iq(stanza, from, to, Target::account);
    co_return;
  }
  if (!exists) {
    // §8.5.1: no such user. Presence, including subscription requests, is ignored.
    if (stanza.name() == "message") {
      auto type = message_type(stanza);
      if (type != MessageType::error && type != MessageType::headline) {
        bounce(stanza, StanzaError::service_unavailable());
      }
    }
    co_return;
  }
  // XEP-0016 §2.2: privacy rules first. Messages and presence notifications meet the rules of
  // each session they could reach; the rest, and what finds no session, the account's.
  bool per_session = !resources.empty() && (stanza.name() == "message" || is_availability(stanza));
  if (per_session) {
    std::vector<BoundResource> allowed;
    for (auto& resource : resources) {
      auto verdict = co_await recipient_verdict(resource.jid, stanza, from);
      if (verdict == Verdict::allow) allowed.push_back(std::move(resource));
    }
    if (allowed.empty()) {
      refuse_blocked(stanza);
      co_return;
    }
    resources = std::move(allowed);
  } else {
    auto verdict = co_await recipient_verdict(to, stanza, from);
    if (verdict != Verdict::allow) {
      refuse_blocked(stanza);
      co_return;
    }
  }
  if (co_await pipeline_.process(Stage::inbound, stanza) == Handled::yes) co_return;
  if (stanza.name() == "message") {
    auto type = message_type(stanza);
    if (type == MessageType::error) co_return;  // §8.3.1: errors are never answered
    auto shared = share(stanza);
    switch (type) {
      case MessageType::groupchat:  // §8.5.2.1.1: never delivered to a bare JID
        bounce(stanza, StanzaError::service_unavailable());
        break;
      case MessageType::headline:  // §8.5.2.1.1: to every non-negative resource, or dropped
        for (const auto& resource : resources) {
          if (resource.priority && *resource.priority >= 0) resource.session->deliver(shared);
        }
        break;
      default:
        if (deliver_to_most_available(resources, shared)) break;
        // §8.5.2.2.1: offline storage, when a feature keeps it; else the sender learns that it
        // was not delivered.
        if (co_await pipeline_.process(Stage::undelivered, stanza) == Handled::no) {
          bounce(stanza, StanzaError::service_unavailable());
        }
    }
    co_return;
  }
  // Presence (§8.5.2.1.2): to every available resource. Subscriptions and probes are answered
  // by features at the inbound stage; whatever they pass on is delivered like any presence.
  if (stanza.attribute_or("type") == "probe") co_return;
  auto shared = share(std::move(stanza));
  for (const auto& resource : resources) {
    if (resource.priority) resource.session->deliver(shared);
  }
}

asio::awaitable<void> Router::to_full(xml::Element stanza, const Jid& from, const Jid& to) {
  // RFC 6121 §3 and §4.3: subscriptions and probes concern the account, not one resource.
  if (stanza.name() == "presence" && (is_subscription(stanza) || stanza.attribute_or("type") == "probe")) {
    co_await to_bare(std::move(stanza), from, to.bare());
    co_return;
  }
  if (auto session = registry_.find(to)) {
    auto verdict = co_await recipient_verdict(to, stanza, from);
    if (verdict != Verdict::allow) {
      refuse_blocked(stanza);
      co_return;
    }
    if (stanza.name() != "iq" && co_await pipeline_.process(Stage::inbound, stanza) == Handled::yes) {
      co_return;
    }
    session->deliver(share(std::move(stanza)));  // §8.5.3.1
    co_return;
  }
  // §8.5.3.2: no such resource.
  if (stanza.name() == "iq") {
    if (is_request(stanza)) bounce(stanza, StanzaError::service_unavailable());
    co_return;
  }
  if (stanza.name() == "message") {
    switch (message_type(stanza)) {
      case MessageType::chat: co_await to_bare(std::move(stanza), from, to.bare()); co_return;
      case MessageType::normal:
      case MessageType::groupchat: bounce(stanza, StanzaError::service_unavailable()); co_return;
      case MessageType::headline:
      case MessageType::error: co_return;
    }
  }
}

}  // namespace tern::xmpp
