// `tern`: the server and its administration commands in one binary.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <iomanip>
#include <iostream>
#include <optional>

#include "features/accounts/account_store.hpp"
#include "server/config.hpp"
#include "server/feature_list.hpp"
#include "server/server.hpp"
#include "server/setup.hpp"
#include "server/user_import.hpp"
#include "server/version.hpp"
#include "storage/copy.hpp"
#include "transport/tls_context.hpp"
#include "xmpp/jid.hpp"

namespace {

using namespace tern;

struct Options {
  std::optional<std::filesystem::path> config;
  std::string jid;
  std::optional<std::string> password;
  std::string domain;
  bool force = false;
  std::filesystem::path copy_from, copy_to;
  std::filesystem::path import_file;
};

void add_config_option(CLI::App& command, Options& options) {
  command.add_option("-c,--config", options.config, "TOML configuration file (default: built-in defaults)")
      ->check(CLI::ExistingFile);
}

server::Config config_of(const Options& options) {
  auto config = server::load_config(options.config);
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  return config;
}

std::string read_password(const std::optional<std::string>& given) {
  if (given) return *given;
  bool terminal = isatty(STDIN_FILENO);
  termios saved{};
  if (terminal) {
    std::cerr << "Password: " << std::flush;
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string password;
  std::getline(std::cin, password);
  if (terminal) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << '\n';
  }
  return password;
}

// A bare JID on one of the served domains, or an exception that says what is wrong.
xmpp::Jid account_of(const std::string& text, const server::Config& config) {
  auto jid = xmpp::Jid::parse(text);
  if (!jid || !jid->has_localpart() || !jid->is_bare()) {
    throw std::invalid_argument("\"" + text + "\" is not a bare JID like alice@" + config.domains.front());
  }
  if (std::find(config.domains.begin(), config.domains.end(), jid->domainpart()) == config.domains.end()) {
    throw std::invalid_argument(jid->domainpart() + " is not served (server.domains)");
  }
  return *jid;
}

// Runs `change(store, account)` for the account named on the command line.
template <typename Change>
int with_account(const Options& options, Change change) {
  auto config = config_of(options);
  auto account = account_of(options.jid, config);
  auto database = server::open_database(config);
  features::accounts::AccountStore store(*database);
  return change(store, account);
}

// "created alice@localhost" (exit 0) or "alice@localhost already exists" (exit 1).
int report(bool done, const xmpp::Jid& account, std::string_view success, std::string_view failure) {
  if (!done) {
    std::cerr << account.bare_string() << ' ' << failure << '\n';
    return 1;
  }
  std::cout << success << ' ' << account.bare_string() << '\n';
  return 0;
}

int user_add(const Options& options) {
  return with_account(options, [&](auto& store, const xmpp::Jid& account) {
    return report(store.create(account, read_password(options.password)), account, "created",
                  "already exists");
  });
}

int user_passwd(const Options& options) {
  return with_account(options, [&](auto& store, const xmpp::Jid& account) {
    return report(store.set_password(account, read_password(options.password)), account,
                  "changed the password of", "does not exist");
  });
}

int user_del(const Options& options) {
  return with_account(options, [&](auto& store, const xmpp::Jid& account) {
    return report(store.remove(account), account, "deleted", "does not exist");
  });
}

int user_list(const Options& options) {
  auto config = config_of(options);
  auto database = server::open_database(config);
  features::accounts::AccountStore store(*database);
  for (const auto& domain : config.domains) {
    if (!options.domain.empty() && options.domain != domain) continue;
    for (const auto& account : store.list(domain)) std::cout << account.bare_string() << '\n';
  }
  return 0;
}

int user_import(const Options& options) {
  auto config = config_of(options);
  auto started = std::chrono::steady_clock::now();
  auto users = server::read_import_file(options.import_file, config);
  auto database = server::open_database(config);
  auto summary = server::import_users(*database, users);
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  for (const auto& account : summary.existing) std::cerr << account << " already exists: left as it is\n";
  std::cout << "created " << summary.created << " accounts with " << summary.roster_items << " roster items in "
            << std::fixed << std::setprecision(1) << seconds << " s\n";
  return summary.existing.empty() ? 0 : 1;
}

int db_migrate(const Options& options) {
  auto config = config_of(options);
  auto database = server::open_database(config, false);
  auto applied = server::migrate_database(config, *database);
  for (const auto& name : applied) std::cout << "applied " << name << '\n';
  if (applied.empty()) std::cout << "the schema is up to date\n";
  return 0;
}

int db_copy(const Options& options) {
  auto from_config = server::load_config(options.copy_from);
  auto to_config = server::load_config(options.copy_to);
  auto from = server::open_database(from_config, false);
  auto to = server::open_database(to_config, false);
  auto copied = storage::copy_database(*from, server::schema_of(from_config), *to,
                                       server::schema_of(to_config));
  for (const auto& table : copied) std::cout << "copied " << table.rows << " rows of " << table.name << '\n';
  std::cout << "from " << server::database_name(from_config) << " to "
            << server::database_name(to_config) << '\n';
  return 0;
}

int cert_generate(const Options& options) {
  auto config = config_of(options);
  auto certificate = config.certificate_path();
  if (std::filesystem::exists(certificate) && !options.force) {
    std::cerr << certificate.string() << " exists (--force replaces it)\n";
    return 1;
  }
  transport::generate_self_signed_certificate(config.domains, certificate, config.key_path());
  std::cout << "wrote " << certificate.string() << " and " << config.key_path().string() << '\n';
  return 0;
}

int check_config(const Options& options) {
  auto config = config_of(options);
  std::cout << (options.config ? options.config->string() : std::string("built-in defaults"))
            << ": OK\n";
  return 0;
}

int implements(const Options&) {
  std::cout << server::implementation_table();
  return 0;
}

int serve(const Options& options) { return server::Server(config_of(options)).run(); }

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
  CLI::App app{"Tern, an XMPP server"};
  app.set_version_flag("--version", std::string(server::tern_version));
  app.require_subcommand(1);
  Options options;
  std::function<int(const Options&)> action;
  auto on = [&](CLI::App* command, int (*function)(const Options&)) {
    add_config_option(*command, options);
    command->callback([&action, function] { action = function; });
    return command;
  };

  on(app.add_subcommand("serve", "Run the server (default config: localhost, SQLite under ./data)"), serve);
  auto* user = app.add_subcommand("user", "Manage accounts");
  user->require_subcommand(1);
  on(user->add_subcommand("add", "Create an account"), user_add)
      ->add_option("jid", options.jid, "The account, e.g. alice@localhost")->required();
  user->get_subcommand("add")
      ->add_option("-p,--password", options.password, "The password (read from standard input when absent)");
  on(user->add_subcommand("passwd", "Change an account's password"), user_passwd)
      ->add_option("jid", options.jid, "The account")->required();
  user->get_subcommand("passwd")
      ->add_option("-p,--password", options.password, "The new password (read from standard input when absent)");
  on(user->add_subcommand("del", "Delete an account"), user_del)
      ->add_option("jid", options.jid, "The account")->required();
  on(user->add_subcommand("import", "Create accounts (and rosters) from JSON lines or CSV"), user_import)
      ->add_option("file", options.import_file, "One account per line: see the README")
      ->required()
      ->check(CLI::ExistingFile);
  on(user->add_subcommand("list", "List accounts"), user_list)
      ->add_option("domain", options.domain, "Only this domain");
  auto* db = app.add_subcommand("db", "Database administration");
  db->require_subcommand(1);
  on(db->add_subcommand("migrate", "Apply pending schema migrations"), db_migrate);
  auto* copy = db->add_subcommand("copy", "Copy all data into an empty database (e.g. SQLite to MySQL)");
  copy->add_option("--from", options.copy_from, "Configuration of the source database")
      ->required()->check(CLI::ExistingFile);
  copy->add_option("--to", options.copy_to, "Configuration of the target database")
      ->required()->check(CLI::ExistingFile);
  copy->callback([&action] { action = db_copy; });
  auto* cert = app.add_subcommand("cert", "TLS certificates");
  cert->require_subcommand(1);
  on(cert->add_subcommand("generate", "Write a self-signed certificate for server.domains"), cert_generate)
      ->add_flag("-f,--force", options.force, "Replace an existing certificate");
  on(app.add_subcommand("check-config", "Check a configuration file and exit"), check_config);
  on(app.add_subcommand("implements", "Print the specifications Tern implements (Markdown)"), implements);

  CLI11_PARSE(app, argc, argv);
  try {
    return action(options);
  } catch (const std::exception& error) {
    std::cerr << "tern: " << error.what() << '\n';
    return 2;
  }
}
