// The directory of connected c2s sessions: every open stream (for shutdown), and the bound
// resources of each account with their presence priority (for RFC 6121 §8.5 delivery).
//
// Lookups and updates are short and never suspend, so one mutex guards the maps; the sessions
// themselves are only touched on their own strands (deliver() and terminate() post there).
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "xml/element.hpp"
#include "xml/fan_out.hpp"
#include "xmpp/jid.hpp"
#include "xmpp/stream_error.hpp"

namespace tern::xmpp {

// A session as others see it. Safe to call from any thread; the calls of one thread take effect
// in the order made (a stanza delivered before terminate() is still sent).
class SessionLink {
public:
  virtual ~SessionLink() = default;
  virtual void deliver(xml::Outbound stanza) = 0;
  virtual void terminate(StreamError error) = 0;
};

struct BoundResource {
  Jid jid;
  std::shared_ptr<SessionLink> session;
  std::optional<int> priority;  // set while the resource is available (RFC 6121 §4.7.2.3)
  xml::SharedElement presence;  // its last available presence, while available
  bool interested = false;      // it requested the roster (RFC 6121 §2.1.6: gets roster pushes)
  // When it became available, in the order of all resources' becoming available (0 while
  // unavailable). Of two resources coming online at once, the later one learns the earlier one's
  // presence and the earlier one's broadcast skips it: each gets the other's presence once.
  std::uint64_t available_order = 0;
};

class SessionRegistry {
public:
  // During shutdown a newly connected session is terminated at once with <system-shutdown/>.
  void connected(const std::shared_ptr<SessionLink>& session);
  void disconnected(const std::shared_ptr<SessionLink>& session);

  // Binds a full JID; returns the session that had it (RFC 6120 §7.7.2.2: it is replaced).
  std::shared_ptr<SessionLink> bind(const Jid& full, const std::shared_ptr<SessionLink>& session);
  // Only removes the binding when it is still this session's (a replacement may own it now).
  void unbind(const Jid& full, const SessionLink* session);
  // Available with this priority and presence; no priority: unavailable.
  void set_presence(const Jid& full, const SessionLink* session, std::optional<int> priority,
                    xml::SharedElement presence = nullptr);
  void set_interested(const Jid& full);
  // Replaces an available resource's presence with `updated` when it is still `current`, for a
  // feature that changes what the server adds to it (XEP-0153 avatar hashes); false when the
  // resource has sent other presence meanwhile or is gone. Priority and order stay as they are.
  bool replace_presence(const Jid& full, const xml::SharedElement& current,
                        xml::SharedElement updated);

  std::shared_ptr<SessionLink> find(const Jid& full) const;
  std::vector<BoundResource> resources(const Jid& bare) const;

  // RFC 6120 §4.9.3.20: every connected session, and any that connects from now on, ends with
  // <system-shutdown/>.
  void shut_down();
  std::size_t connection_count() const;

private:
  mutable std::mutex mutex_;
  std::unordered_set<std::shared_ptr<SessionLink>> connected_;
  bool shutting_down_ = false;
  // By bare JID; found from a full JID without a copy (a room's message looks up every occupant).
  std::unordered_map<Jid, std::vector<BoundResource>, BareJidHash, SameBareJid> accounts_;
  std::uint64_t availability_count_ = 0;
};

}  // namespace tern::xmpp
