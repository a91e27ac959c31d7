// XEP-0153 §3.1 / §6: the avatar hash a vCard's PHOTO stands for, and the presence element that
// advertises it.
#pragma once
#include <string>
#include <string_view>

#include "xml/element.hpp"

namespace tern::features::vcard {

constexpr std::string_view vcard_xmlns = "vcard-temp";
constexpr std::string_view update_xmlns = "vcard-temp:x:update";

// The SHA-1 of the image in PHOTO/BINVAL (base64, whitespace ignored) in lower-case hex; "" when
// the vCard has no photo, an empty BINVAL or one that is not base64.
std::string photo_hash(const xml::Element& vcard);

// <x xmlns='vcard-temp:x:update'><photo>hash</photo></x>, with <photo/> empty for "".
xml::Element update_element(const std::string& hash);

}  // namespace tern::features::vcard
