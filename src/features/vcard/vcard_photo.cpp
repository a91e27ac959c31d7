// XEP-0153 avatar hashes.
#include "features/vcard/vcard_photo.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

#include "xmpp/negotiation/base64.hpp"

namespace tern::features::vcard {

std::string photo_hash(const xml::Element& vcard) {
  const xml::Element* photo = vcard.child("PHOTO", vcard_xmlns);
  const xml::Element* binval = photo ? photo->child("BINVAL", vcard_xmlns) : nullptr;
  if (!binval) return {};
  // XEP-0153 §6: "any whitespace characters (e.g., '\r' and '\n') MUST be ignored".
  std::string encoded = binval->text();
  std::erase_if(encoded, [](unsigned char c) { return std::isspace(c) != 0; });
  auto image = xmpp::sasl::base64_decode(encoded);
  if (!image || image->empty()) return {};
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(image->data(), image->size(), digest, &length, EVP_sha1(), nullptr);
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += digits[digest[i] >> 4];
    hex += digits[digest[i] & 0x0f];
  }
  return hex;
}

xml::Element update_element(const std::string& hash) {
  xml::Element x("x", std::string(update_xmlns));
  auto& photo = x.add_child("photo", std::string(update_xmlns));
  if (!hash.empty()) photo.add_text(hash);
  return x;
}

}  // namespace tern::features::vcard
