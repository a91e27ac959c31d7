// XEP-0115 §5: the verification string of a disco#info result and its hash ('ver').
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "xml/element.hpp"

namespace tern::features::caps {

enum class CapsHash { sha1, sha256 };

// "sha-1" and "sha-256" (the IANA names XEP-0115 uses); others are not supported.
std::optional<CapsHash> caps_hash(std::string_view name);

// §5.1 for a disco#info <query/>; nothing when §5.4 calls it ill-formed (a repeated identity,
// feature or form type). Forms without a hidden FORM_TYPE are left out, as §5.4 says.
std::optional<std::string> verification_string(const xml::Element& query);

// Base64 of the hash of the verification string.
std::string caps_ver(CapsHash hash, std::string_view verification);

}  // namespace tern::features::caps
