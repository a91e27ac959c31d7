// HTTP requests, WebSocket upgrades and the documents served beside them.
#include "transport/http_listener.hpp"

#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <fstream>
#include <iterator>

#include "transport/acceptor.hpp"
#include "transport/address_ranges.hpp"
#include "transport/host_meta.hpp"
#include "transport/nothrow.hpp"

namespace tern::transport {
namespace {

namespace http = beast::http;
namespace websocket = beast::websocket;
constexpr std::string_view server_name = "Tern";

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

Response response(const Request& request, http::status status, std::string_view content_type,
                  std::string body) {
  Response reply(status, request.version());
  reply.set(http::field::server, server_name);
  reply.set(http::field::content_type, content_type);
  reply.keep_alive(request.keep_alive());
  reply.body() = std::move(body);
  reply.prepare_payload();
  return reply;
}

Response error(const Request& request, http::status status, std::string why) {
  return response(request, status, "text/plain; charset=utf-8", std::move(why) + "\n");
}

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

// RFC 7395 §3.1: the client must ask for the "xmpp" subprotocol.
bool offers_xmpp(const Request& request) {
  std::string_view offered = request[http::field::sec_websocket_protocol];
  while (!offered.empty()) {
    auto comma = offered.find(',');
    auto token = offered.substr(0, comma);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    if (token == "xmpp") return true;
    if (comma == std::string_view::npos) break;
    offered.remove_prefix(comma + 1);
  }
  return false;
}

bool is_loopback(const asio::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).is_loopback();
  }
  return address.is_loopback();
}

// Who the client is, the scheme it used, and whether its connection counts as secure.
// X-Forwarded-For and X-Forwarded-Proto are believed only from http.trusted_proxies.
struct Client {
  StreamTraits traits;
  bool https = false;  // the scheme the client used (for the URLs host-meta gives out)
};

Client client_of(const Request& request, const asio::ip::address& peer, bool tls,
                 const HttpOptions& options) {
  Client client;
  StreamTraits& traits = client.traits;
  traits.peer_address = peer.to_string();
  std::string_view forwarded_for = request["X-Forwarded-For"];
  std::string_view forwarded_proto = request["X-Forwarded-Proto"];
  bool proxied = options.trusted_proxies.contains(peer) && (!forwarded_for.empty() || !forwarded_proto.empty());
  if (!proxied) {
    client.https = tls;
    traits.is_secure = tls || (options.loopback_is_secure && is_loopback(peer));
    return client;
  }
  // "client, proxy1, proxy2": the rightmost address that is not one of our proxies.
  while (!forwarded_for.empty()) {
    auto comma = forwarded_for.rfind(',');
    auto entry = comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1);
    forwarded_for = comma == std::string_view::npos ? std::string_view() : forwarded_for.substr(0, comma);
    auto address = parse_address(entry);
    if (!address) break;
    traits.peer_address = address->to_string();
    if (!options.trusted_proxies.contains(*address)) break;
  }
  auto proto = forwarded_proto.substr(0, forwarded_proto.find(','));
  client.https = proto == "https" || proto == "wss";
  traits.is_secure = client.https;
  return client;
}

// CORS for BOSH (XEP-0124 §15 leaves it to HTTP): the page's origin, if allowed.
void allow_origin(Response& reply, const Request& request, const HttpOptions& options) {
  std::string_view origin = request[http::field::origin];
  for (const auto& allowed : options.cors_origins) {
    if (allowed == "*") {
      reply.set(http::field::access_control_allow_origin, "*");
      return;
    }
    if (!origin.empty() && allowed == origin) {
      reply.set(http::field::access_control_allow_origin, origin);
      reply.set(http::field::vary, "Origin");
      return;
    }
  }
}

// POST /http-bind: one BOSH request, answered when its session has something to say (or its
// wait is over); OPTIONS is the CORS preflight.
asio::awaitable<Response> bosh_exchange(const Request& request, const StreamTraits& client,
                                        const HttpOptions& options, BoshEndpoint& bosh) {
  if (request.method() == http::verb::options) {
    auto reply = response(request, http::status::ok, "text/plain", "");
    allow_origin(reply, request, options);
    reply.set(http::field::access_control_allow_methods, "POST, OPTIONS");
    reply.set(http::field::access_control_allow_headers, "Content-Type");
    reply.set(http::field::access_control_max_age, "86400");
    co_return reply;
  }
  if (request.method() != http::verb::post) {
    auto reply = error(request, http::status::method_not_allowed, "BOSH takes POST (XEP-0124 §4)");
    reply.set(http::field::allow, "POST, OPTIONS");
    co_return reply;
  }
  auto result = co_await bosh.handle(request.body(), client);
  auto reply = response(request, static_cast<http::status>(result.status), "text/xml; charset=utf-8",
                        std::move(result.body));
  allow_origin(reply, request, options);
  co_return reply;
}

// An HTML page of the web client, with the served domain filled in.
Response page(const Request& request, const StaticFile& file, const HttpOptions& options) {
  std::ifstream in(file.path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  constexpr std::string_view placeholder = "__TERN_DOMAIN__";
  for (auto at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder, at)) {
    text.replace(at, placeholder.size(), options.default_host);
    at += options.default_host.size();
  }
  auto reply = response(request, http::status::ok, file.content_type, std::move(text));
  reply.set(http::field::cache_control, "no-cache");
  return reply;
}

// The documents: host-meta (XEP-0156, readable from any origin) and /health.
bool is_document(std::string_view path) {
  return path == "/health" || path == "/.well-known/host-meta" || path == "/.well-known/host-meta.json";
}

Response document(const Request& request, bool https, const HttpOptions& options) {
  auto path = path_of(request.target());
  if (request.method() == http::verb::options) {
    auto reply = response(request, http::status::no_content, "text/plain", "");
    reply.set(http::field::access_control_allow_origin, "*");
    reply.set(http::field::access_control_allow_methods, "GET, OPTIONS");
    return reply;
  }
  if (request.method() != http::verb::get) {
    auto reply = error(request, http::status::method_not_allowed, "only GET");
    reply.set(http::field::allow, "GET, OPTIONS");
    return reply;
  }
  if (path == "/health") return response(request, http::status::ok, "text/plain; charset=utf-8", "ok\n");
  auto endpoints = endpoints_for(request[http::field::host], https, options.default_host);
  auto reply = path.ends_with(".json")
                   ? response(request, http::status::ok, "application/json", host_meta_json(endpoints))
                   : response(request, http::status::ok, "application/xrd+xml; charset=utf-8",
                              host_meta_xrd(endpoints));
  reply.set(http::field::access_control_allow_origin, "*");
  return reply;
}

}  // namespace

HttpListener::HttpListener(asio::io_context& io, const asio::ip::tcp::endpoint& endpoint,
                           asio::ssl::context* tls, HttpOptions options, const AddressConnections& per_address,
                           SessionRunner run_session, BoshEndpoint& bosh)
    : io_(io),
      acceptor_(bound_acceptor(io, endpoint)),
      tls_(tls),
      options_(std::move(options)),
      run_session_(std::move(run_session)),
      bosh_(bosh),
      files_(options_.web_root),
      limits_(fmt::format("{} on [{}]:{}", tls ? "HTTPS" : "HTTP", acceptor_.local_endpoint().address().to_string(),
                          acceptor_.local_endpoint().port()),
              "limits.max_http_connections", options_.max_connections, per_address) {}

asio::ip::tcp::endpoint HttpListener::local_endpoint() const { return acceptor_.local_endpoint(); }

void HttpListener::start() {
  accept_connections(io_, acceptor_, [this](asio::ip::tcp::socket socket, const asio::ip::tcp::endpoint& peer) {
    return serve(std::move(socket), peer.address());
  });
}

void HttpListener::stop() {
  close_on_its_strand(acceptor_);
}

// One connection: requests in turn (keep-alive) until one upgrades to a WebSocket.
struct HttpListener::Connection {
  template <typename Socket>
  static asio::awaitable<void> serve(Socket socket, asio::ip::address peer, bool tls,
                                     const HttpOptions& options, const SessionRunner& run_session,
                                     BoshEndpoint& bosh, const StaticFiles& files) {
    beast::flat_buffer buffer;
    while (true) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
      parser.body_limit(options.max_body_bytes);
      beast::get_lowest_layer(socket).expires_after(options.request_timeout);
      auto [ec, bytes] = co_await http::async_read(socket, buffer, parser, nothrow);
      if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == beast::error::timeout) break;
      if (ec) {
        // The request is not one we will read: say why (a status is all a bad request gets).
        Request unread;
        unread.version(11);
        auto status = ec == http::error::header_limit ? http::status::request_header_fields_too_large
                      : ec == http::error::body_limit ? http::status::payload_too_large
                                                      : http::status::bad_request;
        auto reply = error(unread, status, ec.message());
        reply.keep_alive(false);
        co_await http::async_write(socket, reply, nothrow);
        // A lingering close: closing with the rest of the request unread would reset the
        // connection, and the client might never see the status.
        beast::error_code ignored;
        beast::get_lowest_layer(socket).socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
        beast::get_lowest_layer(socket).expires_after(std::chrono::seconds(2));
        std::array<char, 4096> sink;
        while (true) {
          auto [read_error, count] = co_await beast::get_lowest_layer(socket).async_read_some(
              asio::buffer(sink), nothrow);
          if (read_error) break;
        }
        co_return;
      }
      auto request = parser.release();
      auto client = client_of(request, peer, tls, options);
      if (websocket::is_upgrade(request)) {
        if (path_of(request.target()) != "/xmpp-websocket") {
          auto reply = error(request, http::status::not_found, "WebSockets are served at /xmpp-websocket");
          reply.keep_alive(false);
          co_await http::async_write(socket, reply, nothrow);
          break;
        }
        if (!offers_xmpp(request)) {
          auto reply = error(request, http::status::bad_request,
                             "the xmpp WebSocket subprotocol is required (RFC 7395 §3.1)");
          reply.keep_alive(false);
          co_await http::async_write(socket, reply, nothrow);
          break;
        }
        beast::get_lowest_layer(socket).expires_never();
        websocket::stream<Socket> upgraded(std::move(socket));
        upgraded.set_option(websocket::stream_base::decorator([](websocket::response_type& reply) {
          reply.set(http::field::server, server_name);
          reply.set(http::field::sec_websocket_protocol, "xmpp");
        }));
        auto [accept_error] = co_await upgraded.async_accept(request, nothrow);
        if (accept_error) break;
        auto stream = std::make_shared<WebSocketStream<Socket>>(std::move(upgraded), client.traits,
                                                                options.websocket);
        stream->start();
        co_await run_session(stream);
        co_return;
      }
      auto path = path_of(request.target());
      std::optional<StaticFile> file;
      if (request.method() == http::verb::get && !is_document(path)) file = files.find(path);
      if (file && !file->content_type.starts_with("text/html")) {
        // The web client's assets, streamed from disk.
        http::response<http::file_body> asset(http::status::ok, request.version());
        beast::error_code open_error;
        asset.body().open(file->path.c_str(), beast::file_mode::scan, open_error);
        if (!open_error) {
          asset.set(http::field::server, server_name);
          asset.set(http::field::content_type, file->content_type);
          asset.set(http::field::cache_control, "public, max-age=3600");
          asset.keep_alive(request.keep_alive());
          asset.prepare_payload();
          auto [write_error, written] = co_await http::async_write(socket, asset, nothrow);
          if (write_error || !asset.keep_alive()) break;
          continue;
        }
      }
      Response reply;
      if (path == "/http-bind") {
        reply = co_await bosh_exchange(request, client.traits, options, bosh);
      } else if (is_document(path)) {
        reply = document(request, client.https, options);
      } else if (file) {
        reply = page(request, *file, options);
      } else {
        reply = error(request, http::status::not_found, "not found");
      }
      auto [write_error, written] = co_await http::async_write(socket, reply, nothrow);
      if (write_error || !reply.keep_alive()) break;
    }
    beast::error_code ignored;
    beast::get_lowest_layer(socket).socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  }
};

asio::awaitable<void> HttpListener::serve(asio::ip::tcp::socket socket, asio::ip::address peer) {
  boost::system::error_code ec;
  auto local = socket.local_endpoint(ec).address();
  if (ec) co_return;  // reset before it was accepted
  auto admission = limits_.admit(peer, local);
  if (auto refusal = admission.refusal()) {
    // Over a limit: say so plainly and close, rather than let connections pile up.
    static constexpr std::string_view busy =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\nRetry-After: 5\r\n\r\n";
    static constexpr std::string_view too_many =
        "HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\nConnection: close\r\nRetry-After: 5\r\n\r\n";
    auto answer = *refusal == ConnectionRefusal::listener_full ? busy : too_many;
    co_await asio::async_write(socket, asio::buffer(answer), nothrow);
    co_return;
  }
  socket.set_option(asio::ip::tcp::no_delay(true), ec);
  beast::tcp_stream tcp(std::move(socket));
  if (!tls_) {
    co_await Connection::serve(std::move(tcp), peer, false, options_, run_session_, bosh_, files_);
    co_return;
  }
  beast::ssl_stream<beast::tcp_stream> tls(std::move(tcp), *tls_);
  beast::get_lowest_layer(tls).expires_after(options_.request_timeout);
  auto [handshake_error] = co_await tls.async_handshake(asio::ssl::stream_base::server, nothrow);
  if (handshake_error) co_return;
  co_await Connection::serve(std::move(tls), peer, true, options_, run_session_, bosh_, files_);
}

}  // namespace tern::transport
