// XMPP addresses (RFC 6122): parsing, stringprep normalisation and comparison.
#pragma once
#include <compare>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace tern::xmpp {

// A JID held in its prepared (canonical) form, so that the defaulted comparisons compare what
// RFC 6122 §2 says must compare equal.
class Jid {
public:
  Jid() = default;  // empty; only for default-constructed holders
  // Splits, prepares each part and checks the limits; nullopt when the text is not a valid JID.
  static std::optional<Jid> parse(std::string_view text);
  // From separate parts (each prepared and checked); empty localpart/resource mean "absent".
  static std::optional<Jid> make(std::string_view localpart, std::string_view domainpart,
                                 std::string_view resource = {});

  const std::string& localpart() const { return localpart_; }
  const std::string& domainpart() const { return domainpart_; }
  const std::string& resource() const { return resource_; }
  bool has_localpart() const { return !localpart_.empty(); }
  bool is_bare() const { return resource_.empty(); }
  bool is_domain() const { return localpart_.empty() && resource_.empty(); }
  bool empty() const { return domainpart_.empty(); }

  Jid bare() const;                                                   // drops the resource
  std::optional<Jid> with_resource(std::string_view resource) const;  // resourceprep applied
  std::string full() const;  // "local@domain/resource" as applicable; the canonical string form
  std::string bare_string() const;

  friend bool operator==(const Jid&, const Jid&) = default;
  friend auto operator<=>(const Jid&, const Jid&) = default;

private:
  std::string localpart_, domainpart_, resource_;
};

// For maps keyed by account: hash and equality see the bare parts only, so a full JID finds its
// bare JID's entry without a bare copy being made.
struct BareJidHash {
  std::size_t operator()(const Jid& jid) const noexcept;
};
struct SameBareJid {
  bool operator()(const Jid& a, const Jid& b) const noexcept {
    return a.localpart() == b.localpart() && a.domainpart() == b.domainpart();
  }
};

// nullopt: prohibited output, bad UTF-8, empty, > 1023 bytes
std::optional<std::string> nodeprep(std::string_view text);
// Whole domainpart (RFC 6122 §2.2): trailing dot dropped, IPv6 literals in brackets kept with hex
// digits lowercased, otherwise Nameprep per label and the checks of ToASCII with
// UseSTD3ASCIIRules (RFC 3490 §4.1).
std::optional<std::string> nameprep(std::string_view text);
std::optional<std::string> resourceprep(std::string_view text);

}  // namespace tern::xmpp

template <>
struct std::hash<tern::xmpp::Jid> {
  std::size_t operator()(const tern::xmpp::Jid& jid) const noexcept;
};
