// XEP-0115 §5.1 generation and §5.4 checks.
#include "features/caps/caps_verification.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <set>
#include <tuple>
#include <vector>

#include "xmpp/namespaces.hpp"
#include "xmpp/negotiation/base64.hpp"

namespace tern::features::caps {
namespace {

constexpr std::string_view data_xmlns = "jabber:x:data";

std::vector<std::string> values(const xml::Element& field) {
  std::vector<std::string> texts;
  for (const auto* value : field.child_elements()) {
    if (value->is("value", data_xmlns)) texts.push_back(value->text());
  }
  return texts;
}

// One form's part of the string, keyed by its FORM_TYPE; nothing for a form to leave out.
std::optional<std::pair<std::string, std::string>> form_part(const xml::Element& form, bool& ill_formed) {
  const xml::Element* form_type = nullptr;
  std::vector<std::pair<std::string, std::vector<std::string>>> fields;
  for (const auto* field : form.child_elements()) {
    if (!field->is("field", data_xmlns)) continue;
    if (field->attribute_or("var") == "FORM_TYPE") {
      form_type = field;
    } else {
      fields.emplace_back(field->attribute_or("var"), values(*field));
    }
  }
  if (!form_type || form_type->attribute_or("type") != "hidden") return std::nullopt;
  auto types = values(*form_type);
  if (types.empty()) return std::nullopt;
  if (std::any_of(types.begin(), types.end(), [&](const auto& t) { return t != types.front(); })) {
    ill_formed = true;
    return std::nullopt;
  }
  std::sort(fields.begin(), fields.end());
  std::string part = types.front() + "<";
  for (auto& [var, texts] : fields) {
    part += var + "<";
    std::sort(texts.begin(), texts.end());
    for (const auto& text : texts) part += text + "<";
  }
  return std::make_pair(types.front(), part);
}

}  // namespace

std::optional<CapsHash> caps_hash(std::string_view name) {
  if (name == "sha-1") return CapsHash::sha1;
  if (name == "sha-256") return CapsHash::sha256;
  return std::nullopt;
}

std::optional<std::string> verification_string(const xml::Element& query) {
  using Identity = std::tuple<std::string, std::string, std::string, std::string>;
  std::vector<Identity> identities;
  std::vector<std::string> features;
  std::vector<std::pair<std::string, std::string>> forms;
  bool ill_formed = false;
  for (const auto* child : query.child_elements()) {
    if (child->is("identity", xmpp::ns::disco_info)) {
      identities.emplace_back(child->attribute_or("category"), child->attribute_or("type"),
                              child->attribute_or("xml:lang"), child->attribute_or("name"));
    } else if (child->is("feature", xmpp::ns::disco_info)) {
      features.push_back(child->attribute_or("var"));
    } else if (child->is("x", data_xmlns)) {
      if (auto part = form_part(*child, ill_formed)) forms.push_back(std::move(*part));
    }
  }
  std::sort(identities.begin(), identities.end());
  std::sort(features.begin(), features.end());
  std::sort(forms.begin(), forms.end());
  auto repeats = [](const auto& sorted, auto key) {
    return std::adjacent_find(sorted.begin(), sorted.end(), [&](const auto& a, const auto& b) {
             return key(a) == key(b);
           }) != sorted.end();
  };
  if (ill_formed || repeats(identities, [](const auto& i) { return i; }) ||
      repeats(features, [](const auto& f) { return f; }) ||
      repeats(forms, [](const auto& f) { return f.first; })) {
    return std::nullopt;
  }
  std::string verification;
  for (const auto& [category, type, lang, name] : identities) {
    verification += category + "/" + type + "/" + lang + "/" + name + "<";
  }
  for (const auto& feature : features) verification += feature + "<";
  for (const auto& [form_type, part] : forms) verification += part;
  return verification;
}

std::string caps_ver(CapsHash hash, std::string_view verification) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(verification.data(), verification.size(), digest, &length,
             hash == CapsHash::sha1 ? EVP_sha1() : EVP_sha256(), nullptr);
  return xmpp::sasl::base64_encode(std::string(reinterpret_cast<char*>(digest), length));
}

}  // namespace tern::features::caps
