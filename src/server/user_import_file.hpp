// The file `tern user import` reads: JSON lines or CSV, one account per line, with its password
// and optionally its roster (README: "Importing accounts").
#pragma once
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "features/roster/roster_item.hpp"
#include "server/config.hpp"
#include "xmpp/jid.hpp"

namespace tern::server {

struct ImportedUser {
  std::size_t line = 0;
  xmpp::Jid account;  // bare
  std::string password;
  std::vector<features::roster::RosterItem> roster;
};

// "FILE:LINE: what is wrong".
class ImportError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// JSON lines when the first non-blank character is '{', CSV otherwise. A user without a domain
// belongs to the first of server.domains. Every line is checked before anything is written:
// throws ImportError at the first bad one.
std::vector<ImportedUser> read_import_file(const std::filesystem::path& path, const Config& config);

}  // namespace tern::server
