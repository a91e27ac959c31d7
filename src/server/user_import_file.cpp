#include "server/user_import_file.hpp"

#include <algorithm>
// Boost.JSON compiled here: this is the only translation unit that uses it.
#include <boost/json/src.hpp>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

namespace tern::server {

namespace {

using features::roster::RosterItem;
namespace json = boost::json;

class LineError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

xmpp::Jid account_named(const std::string& user, const Config& config) {
  auto text = user.find('@') == std::string::npos ? user + "@" + config.domains.front() : user;
  auto jid = xmpp::Jid::parse(text);
  if (!jid || !jid->has_localpart() || !jid->is_bare()) throw LineError("\"" + user + "\" is not a valid user");
  if (std::find(config.domains.begin(), config.domains.end(), jid->domainpart()) == config.domains.end()) {
    throw LineError(jid->domainpart() + " is not served (server.domains)");
  }
  return *jid;
}

xmpp::Jid contact_named(const std::string& text) {
  auto jid = xmpp::Jid::parse(text);
  if (!jid) throw LineError("\"" + text + "\" is not a valid JID");
  return *jid;
}

// RFC 6121 Appendix A names the states; a contact given by its JID alone is "both".
features::roster::SubscriptionState state_named(const std::string& subscription) {
  features::roster::SubscriptionState state;
  if (subscription == "both") state.to = state.from = true;
  else if (subscription == "to") state.to = true;
  else if (subscription == "from") state.from = true;
  else if (subscription != "none") throw LineError("subscription must be none, to, from or both");
  return state;
}

std::string text_field(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (!value) return {};
  if (!value->is_string()) throw LineError("\"" + std::string(key) + "\" must be a string");
  return std::string(value->get_string());
}

RosterItem item_from_json(const json::value& value) {
  if (value.is_string()) {
    RosterItem item{contact_named(std::string(value.get_string())), std::nullopt, {}, state_named("both")};
    return item;
  }
  if (!value.is_object()) throw LineError("a roster entry must be a JID or an object");
  const auto& object = value.get_object();
  RosterItem item{contact_named(text_field(object, "jid")), std::nullopt, {}, {}};
  if (object.contains("name")) item.name = text_field(object, "name");
  auto subscription = text_field(object, "subscription");
  item.state = state_named(subscription.empty() ? "both" : subscription);
  if (const auto* groups = object.if_contains("groups")) {
    if (!groups->is_array()) throw LineError("\"groups\" must be a list of strings");
    for (const auto& group : groups->get_array()) {
      if (!group.is_string() || group.get_string().empty()) throw LineError("a group must be a non-empty string");
      item.groups.emplace_back(group.get_string());
    }
  }
  return item;
}

ImportedUser user_from_json(const std::string& line, const Config& config) {
  boost::system::error_code error;
  auto value = json::parse(line, error);
  if (error || !value.is_object()) throw LineError("not a JSON object");
  const auto& object = value.get_object();
  ImportedUser user;
  user.account = account_named(text_field(object, "user"), config);
  user.password = text_field(object, "password");
  if (const auto* roster = object.if_contains("roster")) {
    if (!roster->is_array()) throw LineError("\"roster\" must be a list");
    for (const auto& entry : roster->get_array()) user.roster.push_back(item_from_json(entry));
  }
  return user;
}

// RFC 4180 fields: separated by commas, optionally in double quotes with "" for a quote.
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  if (quoted) throw LineError("unterminated quotes");
  return fields;
}

// user,password[,contacts separated by spaces (subscription both)]
ImportedUser user_from_csv(const std::string& line, const Config& config) {
  auto fields = csv_fields(line);
  if (fields.size() < 2 || fields.size() > 3) throw LineError("expected user,password[,contacts]");
  ImportedUser user;
  user.account = account_named(fields[0], config);
  user.password = fields[1];
  if (fields.size() == 3) {
    std::istringstream contacts(fields[2]);
    std::string contact;
    while (contacts >> contact) user.roster.push_back({contact_named(contact), std::nullopt, {}, state_named("both")});
  }
  return user;
}

void check(const ImportedUser& user, const Config& config) {
  if (user.password.empty()) throw LineError("no password");
  if (user.roster.size() > config.max_roster_items) {
    throw LineError("more roster items than limits.max_roster_items (" +
                    std::to_string(config.max_roster_items) + ")");
  }
  std::set<std::string> contacts;
  for (const auto& item : user.roster) {
    if (item.contact.bare() == user.account) throw LineError("an account cannot be its own contact");
    if (!contacts.insert(item.contact.full()).second) throw LineError(item.contact.full() + " is listed twice");
  }
}

}  // namespace

std::vector<ImportedUser> read_import_file(const std::filesystem::path& path, const Config& config) {
  std::ifstream file(path);
  if (!file) throw ImportError(path.string() + ": cannot be read");
  std::vector<ImportedUser> users;
  std::set<std::string> accounts;
  std::optional<bool> is_json;
  std::string line;
  for (std::size_t number = 1; std::getline(file, line); ++number) {
    auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) continue;
    if (!is_json) {
      is_json = line[first] == '{';
      if (!*is_json && line.compare(first, 13, "user,password") == 0) continue;  // a CSV header
    }
    try {
      auto user = *is_json ? user_from_json(line, config) : user_from_csv(line, config);
      user.line = number;
      check(user, config);
      if (!accounts.insert(user.account.bare_string()).second) throw LineError(user.account.bare_string() + " is listed twice");
      users.push_back(std::move(user));
    } catch (const LineError& error) {
      throw ImportError(path.string() + ":" + std::to_string(number) + ": " + error.what());
    } catch (const std::invalid_argument& error) {
      throw ImportError(path.string() + ":" + std::to_string(number) + ": " + error.what());
    }
  }
  return users;
}

}  // namespace tern::server
