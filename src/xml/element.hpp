// An XML element tree: what the parser yields for each top-level element of a stream and what the
// serializer writes. Knows XML (names, namespaces, attributes, text), nothing of XMPP.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tern::xml {

struct Attribute {
  std::string name;  // local name, or "prefix:local" ("xml:lang", "xmlns:db")
  std::string value;
  friend bool operator==(const Attribute&, const Attribute&) = default;
};
using Attributes = std::vector<Attribute>;

const std::string* find_attribute(const Attributes& attributes, std::string_view name);

class Element;
using SharedElement = std::shared_ptr<const Element>;

// An element or, when name() is empty, a text node (children of an element are both).
class Element {
public:
  Element() = default;
  explicit Element(std::string name, std::string xmlns = {});
  // `attributes` must have distinct names (the parser's, which Expat has checked).
  Element(std::string name, std::string xmlns, Attributes attributes);
  static Element text_node(std::string text);

  bool is_text() const { return name_.empty(); }
  const std::string& name() const { return name_; }
  const std::string& xmlns() const { return xmlns_; }
  bool is(std::string_view name, std::string_view xmlns) const;

  const Attributes& attributes() const { return attributes_; }
  const std::string* attribute(std::string_view name) const;
  std::string attribute_or(std::string_view name, std::string_view fallback = {}) const;
  Element& set_attribute(std::string_view name, std::string value);
  void remove_attribute(std::string_view name);

  const std::vector<Element>& children() const { return children_; }
  std::vector<Element>& children() { return children_; }
  // Appends and returns the new child, so that trees read as they nest.
  Element& add_child(Element child);
  Element& add_child(std::string name, std::string xmlns = {});
  Element& add_text(std::string text);

  // The first child element with this name and namespace (an empty xmlns matches any).
  const Element* child(std::string_view name, std::string_view xmlns = {}) const;
  Element* child(std::string_view name, std::string_view xmlns = {});
  // Child elements only, skipping text nodes.
  std::vector<const Element*> child_elements() const;
  // Concatenated text of the direct text children (for a text node: its text).
  std::string text() const;

  friend bool operator==(const Element&, const Element&) = default;

private:
  std::string name_;
  std::string xmlns_;
  Attributes attributes_;
  std::vector<Element> children_;
  std::string text_;  // text nodes only
};

}  // namespace tern::xml
