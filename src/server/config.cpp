// Loads and checks tern.toml.
#include "server/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "transport/address_ranges.hpp"
#include "transport/tls_context.hpp"
#include "xmpp/jid.hpp"

namespace tern::server {
namespace {

// Every key Tern knows, by table; anything else in the file is an error.
const std::map<std::string, std::set<std::string>> known_keys{
    {"server", {"domains", "data_dir", "threads"}},
    {"listen", {"c2s", "c2s_direct_tls", "http", "https"}},
    {"http", {"loopback_is_secure", "trusted_proxies", "cors_origins", "web_root", "bosh_max_wait_seconds",
              "bosh_inactivity_seconds"}},
    {"tls", {"certificate", "key", "require_c2s_encryption", "ciphersuites"}},
    {"storage", {"backend", "sqlite_path", "mysql"}},
    {"storage.mysql", {"host", "port", "socket", "user", "password", "database", "pool_size"}},
    {"limits",
     {"max_stanza_bytes", "max_stanza_depth", "max_attributes", "max_send_backlog_bytes", "idle_timeout_seconds",
      "ping_reply_timeout_seconds", "negotiation_timeout_seconds", "max_auth_attempts", "auth_failure_delay_ms", "max_roster_items",
      "max_offline_messages", "max_http_connections", "max_c2s_connections", "max_connections_per_address",
      "max_connection_rate_per_address", "unlimited_addresses",
      "max_stanzas_per_second", "max_privacy_lists", "max_privacy_items", "max_vcard_bytes"}},
    {"registration", {"in_band"}},
    {"authentication", {"legacy_iq_auth"}},
    {"contact", {"abuse", "admin", "feedback", "sales", "security", "status", "support"}},
    {"muc", {"enabled", "domain", "name", "max_occupants", "history_messages", "max_rooms_per_user"}},
    {"log", {"level"}},
};

[[noreturn]] void bad(const std::string& key, const std::string& why) {
  throw ConfigError(key + ": " + why);
}

void check_keys(const toml::table& root) {
  for (const auto& [table_name, node] : root) {
    std::string table(table_name.str());
    auto known = known_keys.find(table);
    if (known == known_keys.end()) bad(table, "unknown table");
    const auto* entries = node.as_table();
    if (!entries) bad(table, "must be a table ([" + table + "])");
    for (const auto& [key, value] : *entries) {
      std::string path = table + "." + std::string(key.str());
      if (!known->second.contains(std::string(key.str()))) bad(path, "unknown key");
      if (auto nested = known_keys.find(path); nested != known_keys.end()) {
        const auto* subtable = value.as_table();
        if (!subtable) bad(path, "must be a table ([" + path + "])");
        for (const auto& [subkey, subvalue] : *subtable) {
          if (!nested->second.contains(std::string(subkey.str()))) {
            bad(path + "." + std::string(subkey.str()), "unknown key");
          }
        }
      }
    }
  }
}

// A list of addresses and CIDR ranges, each checked.
std::optional<std::vector<std::string>> address_list(const toml::table& root, const std::string& path) {
  auto node = root.at_path(path);
  if (!node) return std::nullopt;
  const auto* entries = node.as_array();
  if (!entries) bad(path, "must be a list of addresses or CIDR ranges");
  std::vector<std::string> list;
  for (const auto& element : *entries) {
    auto text = element.value<std::string>();
    if (!text || !transport::AddressRanges::parse({*text})) {
      bad(path, "\"" + text.value_or("?") + "\" is not an address or CIDR range");
    }
    list.push_back(*text);
  }
  return list;
}

template <typename T>
std::optional<T> get(const toml::table& root, const std::string& path, const char* type) {
  auto node = root.at_path(path);
  if (!node) return std::nullopt;
  auto value = node.value<T>();
  if (!value || (std::is_same_v<T, std::int64_t> && !node.is_integer())) {
    bad(path, std::string("must be ") + type);
  }
  return value;
}

std::int64_t get_integer(const toml::table& root, const std::string& path, std::int64_t fallback,
                         std::int64_t min, std::int64_t max) {
  auto value = get<std::int64_t>(root, path, "an integer").value_or(fallback);
  if (value < min || value > max) {
    bad(path, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return value;
}

ListenAddress parse_listen(const std::string& key, const std::string& text) {
  if (text.empty()) return {};  // disabled
  auto colon = text.rfind(':');
  if (colon == std::string::npos) bad(key, "must be host:port, e.g. \"0.0.0.0:5222\" or \"[::]:5222\"");
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned port = 0;
  auto digits = std::string_view(text).substr(colon + 1);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (host.empty() || ec != std::errc{} || end != digits.data() + digits.size() || port > 65535) {
    bad(key, "must be host:port, e.g. \"0.0.0.0:5222\" or \"[::]:5222\"");
  }
  return {host, static_cast<unsigned short>(port)};
}

}  // namespace

std::filesystem::path Config::certificate_path() const {
  return certificate.empty() ? data_dir / "tls" / "certificate.pem" : certificate;
}

std::filesystem::path Config::key_path() const {
  return key.empty() ? data_dir / "tls" / "key.pem" : key;
}

std::filesystem::path Config::database_path() const {
  return sqlite_path.empty() ? data_dir / "tern.sqlite" : sqlite_path;
}

std::string Config::muc_service_domain() const {
  return muc_domain.empty() ? "conference." + domains.front() : muc_domain;
}

Config load_config(const std::optional<std::filesystem::path>& path) {
  Config config;
  if (!path) return config;
  toml::table root;
  try {
    root = toml::parse_file(path->string());
  } catch (const toml::parse_error& error) {
    const auto& where = error.source().begin;
    throw ConfigError(path->string() + ":" + std::to_string(where.line) + ":" +
                      std::to_string(where.column) + ": " + std::string(error.description()));
  }
  check_keys(root);

  if (auto node = root.at_path("server.domains")) {
    const auto* domains = node.as_array();
    if (!domains || domains->empty()) bad("server.domains", "must be a non-empty list of domain names");
    config.domains.clear();
    for (const auto& element : *domains) {
      auto text = element.value<std::string>();
      auto jid = text ? xmpp::Jid::parse(*text) : std::nullopt;
      if (!jid || !jid->is_domain()) {
        bad("server.domains", "\"" + text.value_or("?") + "\" is not a valid domain name");
      }
      config.domains.push_back(jid->domainpart());
    }
  }
  if (const auto* contact = root["contact"].as_table()) {
    for (const auto& [role, node] : *contact) {
      std::string key = "contact." + std::string(role.str());
      const auto* uris = node.as_array();
      if (!uris) bad(key, "must be a list of URIs, e.g. [\"mailto:abuse@example.org\"]");
      std::vector<std::string> addresses;
      for (const auto& element : *uris) {
        auto uri = element.value<std::string>();
        if (!uri || uri->find(':') == std::string::npos) bad(key, "\"" + uri.value_or("?") + "\" is not a URI");
        addresses.push_back(*uri);
      }
      config.contact_addresses.emplace_back(std::string(role.str()), std::move(addresses));
    }
    std::sort(config.contact_addresses.begin(), config.contact_addresses.end());
  }
  if (auto dir = get<std::string>(root, "server.data_dir", "a path")) config.data_dir = *dir;
  config.threads = static_cast<unsigned>(get_integer(root, "server.threads", 0, 0, 256));
  if (auto c2s = get<std::string>(root, "listen.c2s", "a \"host:port\" string")) {
    config.c2s = parse_listen("listen.c2s", *c2s);
  }
  if (auto direct = get<std::string>(root, "listen.c2s_direct_tls", "a \"host:port\" string")) {
    config.c2s_direct_tls = parse_listen("listen.c2s_direct_tls", *direct);
  }
  if (auto http = get<std::string>(root, "listen.http", "a \"host:port\" string")) {
    config.http = parse_listen("listen.http", *http);
  }
  if (auto https = get<std::string>(root, "listen.https", "a \"host:port\" string")) {
    config.https = parse_listen("listen.https", *https);
  }
  config.loopback_is_secure =
      get<bool>(root, "http.loopback_is_secure", "true or false").value_or(true);
  if (auto proxies = address_list(root, "http.trusted_proxies")) config.trusted_proxies = std::move(*proxies);
  if (auto node = root.at_path("http.cors_origins")) {
    const auto* entries = node.as_array();
    if (!entries) bad("http.cors_origins", "must be a list of origins, e.g. [\"https://chat.example.org\"]");
    config.cors_origins.clear();
    for (const auto& element : *entries) {
      auto text = element.value<std::string>();
      if (!text || (*text != "*" && text->find("://") == std::string::npos)) {
        bad("http.cors_origins", "\"" + text.value_or("?") + "\" is not \"*\" or an origin");
      }
      config.cors_origins.push_back(*text);
    }
  }
  if (auto web = get<std::string>(root, "http.web_root", "a path")) config.web_root = *web;
  config.bosh_max_wait = std::chrono::seconds(get_integer(root, "http.bosh_max_wait_seconds", 60, 1, 3600));
  config.bosh_inactivity = std::chrono::seconds(get_integer(root, "http.bosh_inactivity_seconds", 60, 5, 3600));
  if (auto certificate = get<std::string>(root, "tls.certificate", "a path")) config.certificate = *certificate;
  if (auto key = get<std::string>(root, "tls.key", "a path")) config.key = *key;
  if (config.certificate.empty() != config.key.empty()) {
    bad(config.key.empty() ? "tls.key" : "tls.certificate",
        "tls.certificate and tls.key are set together or not at all");
  }
  config.require_c2s_encryption =
      get<bool>(root, "tls.require_c2s_encryption", "true or false").value_or(true);
  if (auto suites = get<std::string>(root, "tls.ciphersuites", "a string")) {
    if (!transport::known_tls13_ciphersuites(*suites)) {
      bad("tls.ciphersuites", "a list of TLS 1.3 cipher suites OpenSSL knows, separated by ':'");
    }
    config.tls13_ciphersuites = *suites;
  }
  config.in_band_registration =
      get<bool>(root, "registration.in_band", "true or false").value_or(false);
  config.legacy_iq_auth =
      get<bool>(root, "authentication.legacy_iq_auth", "true or false").value_or(false);
  if (auto backend = get<std::string>(root, "storage.backend", "a string")) {
    if (*backend != "sqlite" && *backend != "mysql") {
      bad("storage.backend", "must be \"sqlite\" or \"mysql\"");
    }
    config.backend = *backend;
  }
  auto& mysql = config.mysql;
  mysql.host = get<std::string>(root, "storage.mysql.host", "a string").value_or(mysql.host);
  mysql.port = static_cast<unsigned>(get_integer(root, "storage.mysql.port", 3306, 1, 65535));
  mysql.socket = get<std::string>(root, "storage.mysql.socket", "a path").value_or("");
  mysql.user = get<std::string>(root, "storage.mysql.user", "a string").value_or(mysql.user);
  mysql.password = get<std::string>(root, "storage.mysql.password", "a string").value_or("");
  mysql.database =
      get<std::string>(root, "storage.mysql.database", "a string").value_or(mysql.database);
  config.pool_size = static_cast<unsigned>(get_integer(root, "storage.mysql.pool_size", 4, 1, 256));
  if (auto sqlite = get<std::string>(root, "storage.sqlite_path", "a path")) config.sqlite_path = *sqlite;

  config.max_stanza_bytes = static_cast<std::size_t>(
      get_integer(root, "limits.max_stanza_bytes", 256 * 1024, 1024, 64 * 1024 * 1024));
  config.max_stanza_depth =
      static_cast<std::size_t>(get_integer(root, "limits.max_stanza_depth", 32, 2, 1024));
  config.max_attributes =
      static_cast<std::size_t>(get_integer(root, "limits.max_attributes", 64, 8, 1024));
  config.max_send_backlog_bytes = static_cast<std::size_t>(get_integer(
      root, "limits.max_send_backlog_bytes", 1024 * 1024, 16 * 1024, 1024 * 1024 * 1024));
  config.idle_timeout = std::chrono::seconds(get_integer(root, "limits.idle_timeout_seconds", 600, 1, 86400 * 7));
  config.ping_reply_timeout =
      std::chrono::seconds(get_integer(root, "limits.ping_reply_timeout_seconds", 60, 1, 3600));
  config.negotiation_timeout = std::chrono::seconds(
      get_integer(root, "limits.negotiation_timeout_seconds", 60, 1, 3600));
  config.max_auth_attempts = static_cast<int>(get_integer(root, "limits.max_auth_attempts", 5, 1, 5));
  config.auth_failure_delay = std::chrono::milliseconds(
      get_integer(root, "limits.auth_failure_delay_ms", 1000, 0, 60'000));
  config.max_roster_items =
      static_cast<std::size_t>(get_integer(root, "limits.max_roster_items", 1000, 1, 1'000'000));
  config.max_offline_messages =
      static_cast<std::size_t>(get_integer(root, "limits.max_offline_messages", 1000, 0, 1'000'000));
  config.max_privacy_lists =
      static_cast<std::size_t>(get_integer(root, "limits.max_privacy_lists", 50, 1, 10'000));
  config.max_privacy_items =
      static_cast<std::size_t>(get_integer(root, "limits.max_privacy_items", 1000, 1, 100'000));
  // A vCard arrives in one stanza, and MySQL keeps it in a MEDIUMTEXT (at most 16 MiB - 1).
  const auto vcard_ceiling = std::min<std::int64_t>(config.max_stanza_bytes, 16 * 1024 * 1024 - 1);
  config.max_vcard_bytes = static_cast<std::size_t>(get_integer(
      root, "limits.max_vcard_bytes", std::min<std::int64_t>(128 * 1024, vcard_ceiling), 0, vcard_ceiling));
  config.max_http_connections =
      static_cast<std::size_t>(get_integer(root, "limits.max_http_connections", 10000, 1, 1'000'000));
  config.max_c2s_connections =
      static_cast<std::size_t>(get_integer(root, "limits.max_c2s_connections", 50000, 1, 10'000'000));
  config.max_connections_per_address =
      static_cast<std::size_t>(get_integer(root, "limits.max_connections_per_address", 1000, 0, 10'000'000));
  config.max_connection_rate_per_address =
      static_cast<unsigned>(get_integer(root, "limits.max_connection_rate_per_address", 20, 0, 1'000'000));
  if (auto unlimited = address_list(root, "limits.unlimited_addresses")) config.unlimited_addresses = std::move(*unlimited);
  config.max_stanzas_per_second =
      static_cast<unsigned>(get_integer(root, "limits.max_stanzas_per_second", 5000, 0, 1'000'000));
  config.muc_enabled = get<bool>(root, "muc.enabled", "true or false").value_or(true);
  if (auto domain = get<std::string>(root, "muc.domain", "a domain")) {
    auto jid = xmpp::Jid::parse(*domain);
    if (!jid || !jid->is_domain()) bad("muc.domain", "\"" + *domain + "\" is not a domain");
    config.muc_domain = jid->domainpart();
  }
  if (config.muc_enabled &&
      std::find(config.domains.begin(), config.domains.end(), config.muc_service_domain()) != config.domains.end()) {
    bad("muc.domain", config.muc_service_domain() + " is one of server.domains; the MUC service needs a domain of its own");
  }
  config.muc_name = get<std::string>(root, "muc.name", "a string").value_or(config.muc_name);
  config.muc_max_occupants =
      static_cast<std::size_t>(get_integer(root, "muc.max_occupants", 200, 1, 100'000));
  config.muc_history_messages =
      static_cast<std::size_t>(get_integer(root, "muc.history_messages", 20, 0, 1000));
  config.muc_max_rooms_per_user =
      static_cast<std::size_t>(get_integer(root, "muc.max_rooms_per_user", 100, 1, 100'000));
  if (auto level = get<std::string>(root, "log.level", "a string")) {
    static const std::set<std::string> levels{"trace", "debug", "info", "warn", "error", "critical", "off"};
    if (!levels.contains(*level)) bad("log.level", "must be one of trace, debug, info, warn, error");
    config.log_level = *level;
  }
  return config;
}

}  // namespace tern::server
