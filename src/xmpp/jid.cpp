// XMPP addresses (RFC 6122): splitting, stringprep via libidn, IDNA label checks (RFC 3490).
#include "xmpp/jid.hpp"

#include "xmpp/utf8.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <punycode.h>
#include <stringprep.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace tern::xmpp {
namespace {

constexpr std::size_t max_part_bytes = 1023;  // RFC 6122 §2.1, after preparation
constexpr std::size_t max_jid_bytes = 3071;   // RFC 6122 §2.1
constexpr std::size_t max_label_bytes = 63;   // RFC 3490 §4.1 step 8 (ToASCII output)
constexpr std::string_view ace_prefix = "xn--";

// Well-formed UTF-8 without U+0000: libidn reads NUL-terminated strings, so an embedded NUL
// would silently cut the text short.
bool is_preparable(std::string_view text) {
  return text.find('\0') == std::string_view::npos && is_valid_utf8(text);
}

// Most JIDs are printable ASCII, which the three profiles map to itself except that Nodeprep
// and Nameprep fold case (RFC 3454 table B.2) and Nodeprep prohibits " & ' / : < > @ (RFC 6122
// Appendix A.5); ASCII space is allowed by Resourceprep only. This answers exactly as libidn
// would, some twenty times faster; nullopt means the text needs libidn.
std::optional<std::optional<std::string>> prepare_ascii(std::string_view text, const Stringprep_profile* profile) {
  const bool folds = profile != stringprep_xmpp_resourceprep;
  const unsigned char lowest = folds ? 0x21 : 0x20;
  std::string prepared(text);
  for (char& c : prepared) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < lowest || byte > 0x7E) return std::nullopt;
    if (profile == stringprep_xmpp_nodeprep && std::string_view("\"&'/:<>@").find(c) != std::string_view::npos) {
      return std::optional<std::string>();
    }
    if (folds && byte >= 'A' && byte <= 'Z') c = static_cast<char>(byte - 'A' + 'a');
  }
  if (prepared.empty() || prepared.size() > max_part_bytes) return std::optional<std::string>();
  return prepared;
}

// Runs one stringprep profile with unassigned code points forbidden: JIDs are identifiers that get
// stored and compared, which RFC 3454 §7 calls "stored strings".
std::optional<std::string> prepare(std::string_view text, const Stringprep_profile* profile) {
  if (auto ascii = prepare_ascii(text, profile)) return *ascii;
  // No valid part needs more input than a whole JID holds. The bound matters: libidn's NFKC takes
  // time quadratic in the length of a run of combining marks.
  if (text.size() > max_jid_bytes || !is_preparable(text)) return std::nullopt;
  // libidn prepares in place and returns STRINGPREP_TOO_SMALL_BUFFER when the result (plus NUL)
  // does not fit. With room for max_part_bytes that can only mean the result is too long anyway,
  // so there is nothing to retry.
  std::string buffer(text);
  buffer.resize(std::max(text.size(), max_part_bytes) + 1, '\0');
  // Not the stringprep_xmpp_nodeprep() etc. macros: they pass a plain 0 as the flags enum, which
  // C++ rejects.
  if (stringprep(buffer.data(), buffer.size(), Stringprep_profile_flags(STRINGPREP_NO_UNASSIGNED),
                 profile) != STRINGPREP_OK) {
    return std::nullopt;
  }
  buffer.resize(buffer.find('\0'));
  if (buffer.empty() || buffer.size() > max_part_bytes) return std::nullopt;
  return buffer;
}

bool is_ldh(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

// RFC 6122 §2.2 requires that ToASCII with UseSTD3ASCIIRules succeeds on every label; this is
// Nameprep followed by the remaining ToASCII steps of RFC 3490 §4.1. libidn's idna_to_ascii_4i
// would do the same but nameprep a second time, and older releases overread its output buffer
// on ASCII labels longer than 63 characters.
std::optional<std::string> prepare_label(std::string_view label) {
  auto prepared = prepare(label, stringprep_nameprep);
  if (!prepared) return std::nullopt;
  bool ascii = true;
  for (const char c : *prepared) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80) {
      ascii = false;
    } else if (!is_ldh(byte)) {
      return std::nullopt;  // step 3a
    }
  }
  if (prepared->front() == '-' || prepared->back() == '-') return std::nullopt;  // step 3b
  if (ascii) return prepared->size() <= max_label_bytes ? prepared : std::nullopt;  // step 8
  if (prepared->starts_with(ace_prefix)) return std::nullopt;                       // step 5
  // Steps 6-8: the label must have an ACE form that fits in a DNS label, even though the ACE form
  // itself is never sent (RFC 6122 §2.2).
  const auto code_points = decode_utf8(*prepared);
  std::array<char, max_label_bytes - ace_prefix.size()> ace{};
  std::size_t ace_size = ace.size();
  if (!code_points || punycode_encode(code_points->size(), code_points->data(), nullptr,
                                      &ace_size, ace.data()) != PUNYCODE_SUCCESS) {
    return std::nullopt;
  }
  return prepared;
}

// Almost every domain a server sees is already in the form the steps of nameprep() end with:
// lowercase letters, digits and hyphens, in labels of 1 to 63 bytes that neither start nor end
// with a hyphen, no final dot. Those steps would return it unchanged.
bool is_prepared_ascii_domain(std::string_view text) {
  if (text.empty() || text.size() > max_part_bytes) return false;
  std::size_t label = 0;  // bytes of the current label so far
  char previous = '.';
  for (const char c : text) {
    if (c == '.') {
      if (label == 0 || previous == '-') return false;
      label = 0;
    } else {
      const bool ldh = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
      if (!ldh || (label == 0 && c == '-') || ++label > max_label_bytes) return false;
    }
    previous = c;
  }
  return label > 0 && previous != '-';
}

// RFC 3490 §3.1: U+3002, U+FF0E and U+FF61 separate labels just as '.' does. Replacing whole
// sequences is safe on valid UTF-8, where no sequence can start inside another.
std::string with_ascii_dots(std::string_view text) {
  static constexpr std::string_view dots[] = {"\u3002", "\uFF0E", "\uFF61"};
  std::string result;
  result.reserve(text.size());
  while (!text.empty()) {
    auto dot = std::find_if(std::begin(dots), std::end(dots),
                            [&](std::string_view d) { return text.starts_with(d); });
    result += dot == std::end(dots) ? text.front() : '.';
    text.remove_prefix(dot == std::end(dots) ? 1 : dot->size());
  }
  return result;
}

bool is_ipv6_literal(const std::string& domain) {
  if (domain.size() < 2 || domain.front() != '[' || domain.back() != ']') return false;
  in6_addr address{};
  return inet_pton(AF_INET6, domain.substr(1, domain.size() - 2).c_str(), &address) == 1;
}

}  // namespace

std::optional<std::string> nodeprep(std::string_view text) {
  return prepare(text, stringprep_xmpp_nodeprep);
}

std::optional<std::string> resourceprep(std::string_view text) {
  return prepare(text, stringprep_xmpp_resourceprep);
}

std::optional<std::string> nameprep(std::string_view text) {
  if (is_prepared_ascii_domain(text)) return std::string(text);
  if (text.size() > max_jid_bytes || !is_preparable(text)) return std::nullopt;
  std::string domain = with_ascii_dots(text);
  // RFC 6122 §2.2: the final dot goes before any other canonicalisation.
  if (!domain.empty() && domain.back() == '.') domain.pop_back();
  // RFC 6122 §2.2 allows IP addresses. An IPv4 dotted quad is already a run of valid ASCII
  // labels and comes through the label path unchanged; an IPv6 literal (bracketed as in
  // RFC 3986 §3.2.2) is not a domain name at all.
  if (is_ipv6_literal(domain)) {
    std::ranges::transform(domain, domain.begin(), [](char c) {
      return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    });
    return domain;
  }
  std::string prepared;
  for (std::size_t start = 0;;) {
    const auto end = std::min(domain.find('.', start), domain.size());
    const auto label = prepare_label(std::string_view(domain).substr(start, end - start));
    if (!label) return std::nullopt;
    prepared += *label;
    if (end == domain.size()) break;
    prepared += '.';
    start = end + 1;
  }
  if (prepared.size() > max_part_bytes) return std::nullopt;
  return prepared;
}

std::optional<Jid> Jid::parse(std::string_view text) {
  if (text.size() > max_jid_bytes) return std::nullopt;
  // RFC 6122 §2.1: the resource starts at the first '/', and only an '@' before it ends a
  // localpart, so "a/b@c" is domain "a" with resource "b@c".
  const auto slash = text.find('/');
  const auto before_slash = text.substr(0, slash);
  const auto at = before_slash.find('@');
  // make() reads an empty localpart or resource as absent; here a separator with nothing on its
  // side is a present but empty part, which RFC 6122 §2.1 forbids.
  if (at == 0 || (slash != std::string_view::npos && slash + 1 == text.size())) {
    return std::nullopt;
  }
  const auto localpart = at == std::string_view::npos ? std::string_view{} : text.substr(0, at);
  const auto domainpart =
      at == std::string_view::npos ? before_slash : before_slash.substr(at + 1);
  const auto resource =
      slash == std::string_view::npos ? std::string_view{} : text.substr(slash + 1);
  return make(localpart, domainpart, resource);
}

std::optional<Jid> Jid::make(std::string_view localpart, std::string_view domainpart,
                             std::string_view resource) {
  Jid jid;
  auto domain = nameprep(domainpart);
  if (!domain) return std::nullopt;
  jid.domainpart_ = std::move(*domain);
  if (!localpart.empty()) {
    auto prepared = nodeprep(localpart);
    if (!prepared) return std::nullopt;
    jid.localpart_ = std::move(*prepared);
  }
  if (!resource.empty()) {
    auto prepared = resourceprep(resource);
    if (!prepared) return std::nullopt;
    jid.resource_ = std::move(*prepared);
  }
  return jid;
}

Jid Jid::bare() const {
  Jid jid = *this;
  jid.resource_.clear();
  return jid;
}

std::optional<Jid> Jid::with_resource(std::string_view resource) const {
  // A resource without a domainpart would not be a JID.
  if (empty()) return std::nullopt;
  auto prepared = resourceprep(resource);
  if (!prepared) return std::nullopt;
  Jid jid = *this;
  jid.resource_ = std::move(*prepared);
  return jid;
}

std::string Jid::full() const {
  std::string text = bare_string();
  if (!resource_.empty()) text.append("/").append(resource_);
  return text;
}

std::string Jid::bare_string() const {
  if (localpart_.empty()) return domainpart_;
  return localpart_ + '@' + domainpart_;
}

}  // namespace tern::xmpp

namespace {

// As boost::hash_combine: the parts mixed in order, so swapping equal text between parts changes
// the hash.
std::size_t combine(std::size_t seed, const std::string& part) {
  return seed ^ (std::hash<std::string>{}(part) + 0x9e3779b9 + (seed << 6) + (seed >> 2));
}

}  // namespace

std::size_t tern::xmpp::BareJidHash::operator()(const Jid& jid) const noexcept {
  return combine(std::hash<std::string>{}(jid.localpart()), jid.domainpart());
}

std::size_t std::hash<tern::xmpp::Jid>::operator()(const tern::xmpp::Jid& jid) const noexcept {
  return combine(tern::xmpp::BareJidHash{}(jid), jid.resource());
}
