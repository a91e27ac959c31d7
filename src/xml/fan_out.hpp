// One stanza for many recipients that differ only in its 'to' (a room's message to each
// occupant). Every delivery shares the element instead of copying it to give it its own 'to', and
// a stream whose default namespace is the element's writes bytes serialized once for all.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "xml/element.hpp"
#include "xml/serializer.hpp"

namespace tern::xml {

class FanOut {
public:
  // Any 'to' of `element` is dropped: each recipient's comes with its delivery.
  explicit FanOut(Element element);

  const Element& element() const { return element_; }
  // The element as the recipient `to` gets it.
  Element addressed_to(std::string_view to) const;
  // Appends what serialize_to(out, addressed_to(to), scope) would write, with 'to' as the first
  // attribute.
  void serialize_to(std::string& out, std::string_view to, const Scope& scope) const;

private:
  Element element_;
  // The element without 'to' in a scope whose default namespace is its own and that binds no
  // prefix, so that it is right in any document with that default namespace.
  std::string serialized_;
};

// A recipient's delivery of a FanOut.
struct Addressed {
  std::shared_ptr<const FanOut> stanza;
  std::string to;
};

// What a stream writes for one stanza: an element of its own or its share of a fan-out.
using Outbound = std::variant<SharedElement, Addressed>;

void serialize_to(std::string& out, const Outbound& stanza, const Scope& scope);
// The element as its recipient gets it (a copy, for a fan-out).
Element addressed_element(const Outbound& stanza);
// The element without the recipient's 'to' (a fan-out's is shared by all its recipients).
const Element& shared_element(const Outbound& stanza);

}  // namespace tern::xml
