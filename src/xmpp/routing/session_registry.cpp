// The directory of connected c2s sessions and bound resources.
#include "xmpp/routing/session_registry.hpp"

#include <algorithm>

namespace tern::xmpp {

void SessionRegistry::connected(const std::shared_ptr<SessionLink>& session) {
  {
    std::lock_guard lock(mutex_);
    connected_.insert(session);
    if (!shutting_down_) return;
  }
  session->terminate(StreamError("system-shutdown"));
}

void SessionRegistry::disconnected(const std::shared_ptr<SessionLink>& session) {
  std::lock_guard lock(mutex_);
  connected_.erase(session);
}

std::shared_ptr<SessionLink> SessionRegistry::bind(const Jid& full,
                                                   const std::shared_ptr<SessionLink>& session) {
  std::lock_guard lock(mutex_);
  auto& resources = accounts_[full.bare()];
  for (auto& resource : resources) {
    if (resource.jid == full) {
      auto replaced = std::move(resource.session);
      resource.session = session;
      resource.priority.reset();
      resource.presence.reset();
      resource.interested = false;
      resource.available_order = 0;
      return replaced;
    }
  }
  resources.push_back({full, session, std::nullopt, nullptr, false, 0});
  return nullptr;
}

void SessionRegistry::unbind(const Jid& full, const SessionLink* session) {
  std::lock_guard lock(mutex_);
  auto account = accounts_.find(full);
  if (account == accounts_.end()) return;
  std::erase_if(account->second, [&](const BoundResource& resource) {
    return resource.jid == full && resource.session.get() == session;
  });
  if (account->second.empty()) accounts_.erase(account);
}

void SessionRegistry::set_presence(const Jid& full, const SessionLink* session,
                                   std::optional<int> priority, xml::SharedElement presence) {
  std::lock_guard lock(mutex_);
  auto account = accounts_.find(full);
  if (account == accounts_.end()) return;
  for (auto& resource : account->second) {
    if (resource.jid == full && resource.session.get() == session) {
      if (!priority) resource.available_order = 0;
      else if (!resource.priority) resource.available_order = ++availability_count_;
      resource.priority = priority;
      resource.presence = priority ? std::move(presence) : nullptr;
    }
  }
}

bool SessionRegistry::replace_presence(const Jid& full, const xml::SharedElement& current,
                                       xml::SharedElement updated) {
  std::lock_guard lock(mutex_);
  auto account = accounts_.find(full);
  if (account == accounts_.end()) return false;
  for (auto& resource : account->second) {
    if (resource.jid == full && resource.priority && resource.presence && resource.presence == current) {
      resource.presence = std::move(updated);
      return true;
    }
  }
  return false;
}

void SessionRegistry::set_interested(const Jid& full) {
  std::lock_guard lock(mutex_);
  auto account = accounts_.find(full);
  if (account == accounts_.end()) return;
  for (auto& resource : account->second) {
    if (resource.jid == full) resource.interested = true;
  }
}

std::shared_ptr<SessionLink> SessionRegistry::find(const Jid& full) const {
  std::lock_guard lock(mutex_);
  auto account = accounts_.find(full);
  if (account == accounts_.end()) return nullptr;
  for (const auto& resource : account->second) {
    if (resource.jid == full) return resource.session;
  }
  return nullptr;
}

std::vector<BoundResource> SessionRegistry::resources(const Jid& bare) const {
  std::lock_guard lock(mutex_);
  auto account = accounts_.find(bare);
  return account == accounts_.end() ? std::vector<BoundResource>{} : account->second;
}

void SessionRegistry::shut_down() {
  std::vector<std::shared_ptr<SessionLink>> sessions;
  {
    std::lock_guard lock(mutex_);
    shutting_down_ = true;
    sessions.assign(connected_.begin(), connected_.end());
  }
  for (const auto& session : sessions) session->terminate(StreamError("system-shutdown"));
}

std::size_t SessionRegistry::connection_count() const {
  std::lock_guard lock(mutex_);
  return connected_.size();
}

}  // namespace tern::xmpp
