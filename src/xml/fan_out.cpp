// One stanza for many recipients.
#include "xml/fan_out.hpp"

#include <algorithm>
#include <utility>

namespace tern::xml {

FanOut::FanOut(Element element) : element_(std::move(element)) {
  element_.remove_attribute("to");
  xml::serialize_to(serialized_, element_, Scope{element_.xmlns(), {}});
}

Element FanOut::addressed_to(std::string_view to) const {
  Element addressed = element_;
  addressed.set_attribute("to", std::string(to));
  return addressed;
}

void FanOut::serialize_to(std::string& out, std::string_view to, const Scope& scope) const {
  bool prefixed = std::any_of(scope.prefixes.begin(), scope.prefixes.end(),
                              [&](const PrefixBinding& binding) { return binding.xmlns == element_.xmlns(); });
  if (scope.default_xmlns != element_.xmlns() || prefixed) {
    xml::serialize_to(out, addressed_to(to), scope);
    return;
  }
  // serialized_ begins with '<' and the name: 'to' goes right after them.
  std::size_t name_end = 1 + element_.name().size();
  out.append(serialized_, 0, name_end);
  out += " to='";
  escape_attribute(out, to);
  out += '\'';
  out.append(serialized_, name_end);
}

void serialize_to(std::string& out, const Outbound& stanza, const Scope& scope) {
  if (const auto* addressed = std::get_if<Addressed>(&stanza)) {
    addressed->stanza->serialize_to(out, addressed->to, scope);
  } else {
    serialize_to(out, *std::get<SharedElement>(stanza), scope);
  }
}

Element addressed_element(const Outbound& stanza) {
  if (const auto* addressed = std::get_if<Addressed>(&stanza)) return addressed->stanza->addressed_to(addressed->to);
  return *std::get<SharedElement>(stanza);
}

const Element& shared_element(const Outbound& stanza) {
  if (const auto* addressed = std::get_if<Addressed>(&stanza)) return addressed->stanza->element();
  return *std::get<SharedElement>(stanza);
}

}  // namespace tern::xml
