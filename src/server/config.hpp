// Tern's configuration: a TOML file (tern.example.toml documents every key), parsed and checked
// once at start-up. An unknown key or a bad value is an error that names its key path.
#pragma once
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "storage/mysql_connection.hpp"

namespace tern::server {

class ConfigError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct ListenAddress {
  std::string host;  // "" when disabled
  unsigned short port = 0;
  bool enabled() const { return !host.empty(); }
};

struct Config {
  // [server]
  std::vector<std::string> domains{"localhost"};  // prepared (nameprep'd)
  std::filesystem::path data_dir{"data"};
  unsigned threads = 0;  // 0: one per core
  // [listen]
  ListenAddress c2s{"::", 5222};
  ListenAddress c2s_direct_tls{"::", 5223};
  ListenAddress http{"::", 5280};   // WebSocket (RFC 7395), host-meta, /health
  ListenAddress https{"::", 5281};  // the same over TLS
  // [http]
  bool loopback_is_secure = true;  // plain HTTP from this machine counts as secure
  std::vector<std::string> trusted_proxies{"127.0.0.1", "::1"};  // addresses or CIDR ranges
  std::vector<std::string> cors_origins{"*"};  // pages that may use BOSH
  std::filesystem::path web_root{"web"};        // the browser client at /; "" for none
  std::chrono::seconds bosh_max_wait{60};
  std::chrono::seconds bosh_inactivity{60};
  // [tls]
  std::filesystem::path certificate;  // empty: data_dir/tls/certificate.pem, made on first run
  std::filesystem::path key;
  bool require_c2s_encryption = true;
  std::string tls13_ciphersuites;  // empty: transport::default_tls13_ciphersuites
  // [storage]
  std::string backend = "sqlite";    // or "mysql" (MySQL 8, MariaDB 10.11)
  std::filesystem::path sqlite_path;  // empty: data_dir/tern.sqlite
  storage::MysqlSettings mysql;       // [storage.mysql]
  unsigned pool_size = 4;             // database connections and storage threads
  // [limits]
  std::size_t max_stanza_bytes = 256 * 1024;
  std::size_t max_stanza_depth = 32;
  std::size_t max_attributes = 64;
  std::size_t max_send_backlog_bytes = 1024 * 1024;
  std::chrono::seconds idle_timeout{600};        // a bound client's silence: then a ping (XEP-0199)
  std::chrono::seconds ping_reply_timeout{60};   // then: <connection-timeout/>
  std::chrono::seconds negotiation_timeout{60};
  int max_auth_attempts = 5;
  std::chrono::milliseconds auth_failure_delay{1000};
  std::size_t max_roster_items = 1000;
  std::size_t max_offline_messages = 1000;  // per account; 0: offline storage off
  std::size_t max_privacy_lists = 50;       // XEP-0016 lists per account
  std::size_t max_privacy_items = 1000;     // items per privacy list
  std::size_t max_vcard_bytes = 128 * 1024;  // a serialized <vCard/> (XEP-0054), at most a stanza
  std::size_t max_http_connections = 10000;  // per HTTP listener, WebSockets included
  std::size_t max_c2s_connections = 50000;   // per c2s listener (STARTTLS, direct TLS)
  std::size_t max_connections_per_address = 1000;  // on all listeners; 0: none
  unsigned max_connection_rate_per_address = 20;   // new ones a second, ten seconds' worth at once; 0: none
  // Not limited per address (nor are the trusted proxies, nor this machine at its own addresses):
  // loopback by default.
  std::vector<std::string> unlimited_addresses{"127.0.0.0/8", "::1"};
  unsigned max_stanzas_per_second = 5000;  // from one client, one second's worth at once; 0: no limit
  // [contact]: XEP-0157 addresses (URIs) by role, as "abuse", "admin", ... (sorted by role)
  std::vector<std::pair<std::string, std::vector<std::string>>> contact_addresses;
  // [authentication]
  bool legacy_iq_auth = false;  // XEP-0078 non-SASL authentication, TLS only
  // [registration]
  bool in_band_registration = false;  // XEP-0077 account creation by unauthenticated clients
  // [muc]: XEP-0045 at a domain of its own
  bool muc_enabled = true;
  std::string muc_domain;  // prepared; empty: "conference." and the first server domain
  std::string muc_name = "Chatrooms";
  std::size_t muc_max_occupants = 200;    // per room
  std::size_t muc_history_messages = 20;  // kept per room for newcomers
  std::size_t muc_max_rooms_per_user = 100;
  // [log]
  std::string log_level = "info";

  std::filesystem::path certificate_path() const;
  std::filesystem::path key_path() const;
  std::filesystem::path database_path() const;
  std::string muc_service_domain() const;
};

// Defaults when `path` is empty; otherwise the file, with every value checked.
Config load_config(const std::optional<std::filesystem::path>& path);

}  // namespace tern::server
