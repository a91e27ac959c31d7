// The composition root of `tern serve`.
#include "server/server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <sched.h>

#include <cerrno>
#include <csignal>
#include <thread>

#include "features/accounts/account_store.hpp"
#include "server/feature_list.hpp"
#include "server/free_memory_return.hpp"
#include "server/setup.hpp"
#include "transport/acceptor.hpp"
#include "transport/home_executor.hpp"
#include "transport/http_listener.hpp"
#include "transport/open_file_limit.hpp"
#include "transport/tcp_listener.hpp"
#include "transport/tls_context.hpp"
#include "xmpp/pipeline/pipeline.hpp"
#include "xmpp/routing/router.hpp"
#include "xmpp/routing/session_registry.hpp"
#include "xmpp/session/c2s_session.hpp"

namespace tern::server {

namespace asio = boost::asio;

struct Server::Parts {
  // The number of threads that run it: with one, Asio queues what that thread posts without
  // taking the scheduler's lock.
  asio::io_context io;
  asio::ssl::context tls;
  std::unique_ptr<storage::Database> database;
  features::accounts::AccountStore accounts;
  xmpp::Pipeline pipeline;
  xmpp::SessionRegistry registry;
  xmpp::Router router;
  xmpp::C2SOptions c2s_options;
  std::vector<std::unique_ptr<transport::TcpListener>> listeners;
  std::vector<std::unique_ptr<transport::HttpListener>> http_listeners;
  std::unique_ptr<transport::BoshEndpoint> bosh;
  asio::signal_set signals{io, SIGINT, SIGTERM};

  Parts(const Config& config, unsigned threads, std::unique_ptr<storage::Database> db,
        asio::ssl::context context)
      : io(static_cast<int>(threads)),
        tls(std::move(context)),
        database(std::move(db)),
        accounts(*database),
        router(config.domains, registry, pipeline, accounts) {}
};

namespace {

// The CPUs this process may run on (taskset, a cgroup's cpuset), not all the machine has: more
// threads than that only take turns.
unsigned usable_cores() {
  cpu_set_t cpus;
  if (sched_getaffinity(0, sizeof cpus, &cpus) == 0) return static_cast<unsigned>(std::max(1, CPU_COUNT(&cpus)));
  return std::max(1u, std::thread::hardware_concurrency());
}

asio::ip::tcp::endpoint endpoint_of(const ListenAddress& address) {
  return {asio::ip::make_address(address.host), address.port};
}

template <typename MakeListener>
auto bind_listener(const ListenAddress& address, MakeListener make_listener) {
  try {
    return make_listener(endpoint_of(address));
  } catch (const std::system_error& error) {
    // The default "[::]" needs IPv6; on a host without it, serve IPv4 rather than nothing.
    if (address.host != "::" || error.code().value() != EAFNOSUPPORT) throw;
    return make_listener({asio::ip::address_v4::any(), address.port});
  }
}

// Each connection holds a descriptor: the limit the process starts with (often 1 024) would cap
// the connections far below what the hard limit allows.
void allow_open_files() {
  auto before = transport::open_file_limit();
  auto now = transport::raise_open_file_limit();
  if (now.soft > before.soft) spdlog::info("open files: up to {} (raised from {})", now.soft, before.soft);
  else spdlog::info("open files: up to {}", now.soft);
}

void log_listening(std::string_view what, const asio::ip::tcp::endpoint& bound) {
  spdlog::info("listening for {} on [{}]:{}", what, bound.address().to_string(), bound.port());
}

asio::awaitable<void> run_c2s(std::shared_ptr<transport::Stream> stream, Server::Parts& parts) {
  auto session = std::make_shared<xmpp::C2SSession>(
      std::move(stream),
      xmpp::C2SServices{parts.registry, parts.router, parts.pipeline, parts.accounts},
      parts.c2s_options);
  return session->run(session);
}

}  // namespace

Server::Server(Config config) : config_(std::move(config)) {}
Server::~Server() = default;

int Server::run() {
  // OpenSSL writes TLS records to sockets with write(2): a peer that went away must give EPIPE,
  // not end the process.
  std::signal(SIGPIPE, SIG_IGN);
  allow_open_files();
  auto database = open_database(config_);
  auto context = open_tls_context(config_);
  unsigned threads = config_.threads ? config_.threads : usable_cores();
  parts_ = std::make_unique<Parts>(config_, threads, std::move(database), std::move(context));
  auto& parts = *parts_;
  add_features(parts.pipeline, {*parts.database, parts.accounts, parts.registry, parts.router, config_,
                                [&io = parts.io] { return transport::home_executor(io); }});

  parts.c2s_options = xmpp::C2SOptions{
      .domains = config_.domains,
      .require_tls = config_.require_c2s_encryption,
      .negotiation_timeout = config_.negotiation_timeout,
      .idle_timeout = config_.idle_timeout,
      .ping_reply_timeout = config_.ping_reply_timeout,
      .max_auth_attempts = config_.max_auth_attempts,
      .auth_failure_delay = config_.auth_failure_delay,
      .fake_salt_secret = load_server_secret(config_),
      .legacy_iq_auth = config_.legacy_iq_auth,
      .max_stanzas_per_second = config_.max_stanzas_per_second,
  };
  transport::TcpStreamOptions stream_options{
      .parser = {.max_element_bytes = config_.max_stanza_bytes,
                 .max_depth = config_.max_stanza_depth,
                 .max_attributes = config_.max_attributes},
      .max_backlog_bytes = config_.max_send_backlog_bytes,
  };
  auto trusted_proxies = *transport::AddressRanges::parse(config_.trusted_proxies);
  // A proxy carries many clients' connections: its address is not limited either.
  auto unlimited = config_.unlimited_addresses;
  unlimited.insert(unlimited.end(), config_.trusted_proxies.begin(), config_.trusted_proxies.end());
  transport::AddressConnections per_address({.max_open = config_.max_connections_per_address,
                                             .new_per_second = config_.max_connection_rate_per_address,
                                             .unlimited = *transport::AddressRanges::parse(unlimited)});
  auto run_session = [&parts](std::shared_ptr<transport::Stream> stream) {
    return run_c2s(std::move(stream), parts);
  };
  auto listen = [&](const ListenAddress& address, transport::TcpListener::Security security,
                    std::string_view what) {
    if (!address.enabled()) return;
    auto listener = bind_listener(address, [&](const asio::ip::tcp::endpoint& endpoint) {
      return std::make_unique<transport::TcpListener>(parts.io, endpoint, parts.tls, stream_options, security,
                                                      config_.max_c2s_connections, per_address, run_session);
    });
    log_listening(what, listener->local_endpoint());
    listener->start();
    parts.listeners.push_back(std::move(listener));
  };
  listen(config_.c2s, transport::TcpListener::Security::starttls, "c2s (STARTTLS)");
  listen(config_.c2s_direct_tls, transport::TcpListener::Security::direct_tls, "c2s (direct TLS)");

  transport::HttpOptions http_options{
      .websocket = {.parser = stream_options.parser, .max_backlog_bytes = stream_options.max_backlog_bytes},
      .max_body_bytes = 2 * config_.max_stanza_bytes + 4096,  // one BOSH body of stanzas
      .max_connections = config_.max_http_connections,
      .default_host = config_.domains.front(),
      .loopback_is_secure = config_.loopback_is_secure,
      .trusted_proxies = trusted_proxies,
      .cors_origins = config_.cors_origins,
      .web_root = config_.web_root,
  };
  if (!config_.web_root.empty() && !std::filesystem::exists(config_.web_root / "dist")) {
    spdlog::warn("no web client in {} (scripts/setup-deps.sh installs it); / will answer 404",
                 config_.web_root.string());
  }
  parts.bosh = std::make_unique<transport::BoshEndpoint>(
      parts.io,
      transport::BoshOptions{.max_wait = config_.bosh_max_wait,
                             .inactivity = config_.bosh_inactivity,
                             .max_backlog_bytes = config_.max_send_backlog_bytes},
      stream_options.parser, run_session);
  auto listen_http = [&](const ListenAddress& address, asio::ssl::context* tls, std::string_view what) {
    if (!address.enabled()) return;
    auto listener = bind_listener(address, [&](const asio::ip::tcp::endpoint& endpoint) {
      return std::make_unique<transport::HttpListener>(parts.io, endpoint, tls, http_options, per_address,
                                                       run_session, *parts.bosh);
    });
    log_listening(what, listener->local_endpoint());
    listener->start();
    parts.http_listeners.push_back(std::move(listener));
  };
  listen_http(config_.http, nullptr, "HTTP (WebSocket, BOSH)");
  listen_http(config_.https, &parts.tls, "HTTPS (WebSocket, BOSH)");

  parts.signals.async_wait([this](boost::system::error_code ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: shutting down", signal);
    asio::co_spawn(parts_->io, shut_down(), asio::detached);
  });

  std::string domains;
  for (const auto& domain : config_.domains) domains += (domains.empty() ? "" : ", ") + domain;
  spdlog::info("Tern serving {} (storage: {})", domains, database_name(config_));

  FreeMemoryReturn free_memory;
  std::vector<std::thread> workers;
  for (unsigned i = 1; i < threads; ++i) workers.emplace_back([&parts] { parts.io.run(); });
  parts.io.run();
  for (auto& worker : workers) worker.join();
  spdlog::info("stopped");
  return 0;
}

asio::awaitable<void> Server::shut_down() {
  auto& parts = *parts_;
  for (auto& listener : parts.listeners) listener->stop();
  for (auto& listener : parts.http_listeners) listener->stop();
  parts.signals.cancel();
  parts.registry.shut_down();
  asio::steady_timer wait(parts.io);
  for (int i = 0; i < 100 && parts.registry.connection_count() > 0; ++i) {
    wait.expires_after(std::chrono::milliseconds(50));
    co_await wait.async_wait(asio::use_awaitable);
  }
  parts.io.stop();
}

}  // namespace tern::server
