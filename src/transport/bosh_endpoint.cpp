// The BOSH endpoint.
#include "transport/bosh_endpoint.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <random>

#include "xml/parse_element.hpp"

namespace tern::transport {
namespace {

// An unguessable session id: with the rid it is all that authenticates a request (§7.1).
std::string new_sid() {
  static thread_local std::random_device entropy;
  std::string sid;
  for (int i = 0; i < 4; ++i) {
    char part[9];
    std::snprintf(part, sizeof part, "%08x", entropy());
    sid += part;
  }
  return sid;
}

// Runs on the session's strand and keeps the session alive until its answer is ready.
asio::awaitable<std::string> request_on(std::shared_ptr<BoshSession> session, xml::Element body) {
  co_return co_await session->request(std::move(body));
}

}  // namespace

BoshEndpoint::BoshEndpoint(asio::io_context& io, BoshOptions options, xml::ParserLimits limits,
                           SessionRunner run_session)
    : io_(io), options_(options), limits_(limits), run_session_(std::move(run_session)) {}

std::size_t BoshEndpoint::session_count() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

std::shared_ptr<BoshSession> BoshEndpoint::find(const std::string& sid) const {
  std::lock_guard lock(mutex_);
  auto found = sessions_.find(sid);
  return found == sessions_.end() ? nullptr : found->second;
}

void BoshEndpoint::forget(const std::string& sid) {
  std::lock_guard lock(mutex_);
  sessions_.erase(sid);
}

asio::awaitable<BoshReply> BoshEndpoint::handle(std::string text, StreamTraits client) {
  std::optional<xml::Element> body;
  try {
    body = xml::parse_element(text, "", limits_);
  } catch (const std::exception&) {
    co_return BoshReply{400, bosh_terminate("bad-request")};  // §17.1 (HTTP 400 for bad XML)
  }
  if (!body->is("body", httpbind_xmlns)) co_return BoshReply{400, bosh_terminate("bad-request")};
  const std::string* sid = body->attribute("sid");
  if (!sid) co_return co_await create(std::move(*body), std::move(client));
  auto session = find(*sid);
  // §17.2: an unknown session.
  if (!session) co_return BoshReply{200, bosh_terminate("item-not-found")};
  auto executor = session->executor();
  auto response = co_await asio::co_spawn(executor, request_on(session, std::move(*body)),
                                          asio::use_awaitable);
  co_return BoshReply{200, std::move(response)};
}

// XEP-0124 §7.1, XEP-0206 §5: to, rid, wait, hold (and ver, xmpp:version, xml:lang, ack).
asio::awaitable<BoshReply> BoshEndpoint::create(xml::Element body, StreamTraits client) {
  BoshCreation creation;
  auto rid = bosh_number(body.attribute_or("rid"));
  auto wait = bosh_number(body.attribute_or("wait"));
  auto hold = bosh_number(body.attribute_or("hold"));
  if (!rid || !body.attribute("to") || !wait || !hold) co_return BoshReply{200, bosh_terminate("bad-request")};
  creation.rid = *rid;
  creation.to = body.attribute_or("to");
  creation.wait = std::min(std::chrono::seconds(*wait), options_.max_wait);
  creation.hold = static_cast<unsigned>(std::min<std::uint64_t>(*hold, 1));  // XEP-0206 §4: hold=1
  creation.acks = body.attribute_or("ack") == "1";
  if (auto* lang = body.attribute("xml:lang")) creation.lang = *lang;
  auto sid = new_sid();
  auto strand = asio::make_strand(io_);
  auto session = std::make_shared<BoshSession>(strand, sid, creation, client, options_);
  {
    std::lock_guard lock(mutex_);
    sessions_[sid] = session;
  }
  asio::co_spawn(strand, run_session_(session), [this, sid](std::exception_ptr error) {
    forget(sid);
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      spdlog::warn("BOSH session {} ended: {}", sid, e.what());
    }
  });
  auto response = co_await asio::co_spawn(strand, request_on(session, std::move(body)),
                                          asio::use_awaitable);
  co_return BoshReply{200, std::move(response)};
}

}  // namespace tern::transport
