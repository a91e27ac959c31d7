// An XML element tree.
#include "xml/element.hpp"

#include <algorithm>
#include <utility>

namespace tern::xml {

const std::string* find_attribute(const Attributes& attributes, std::string_view name) {
  auto found = std::find_if(attributes.begin(), attributes.end(),
                            [&](const Attribute& attribute) { return attribute.name == name; });
  return found == attributes.end() ? nullptr : &found->value;
}

Element::Element(std::string name, std::string xmlns)
    : name_(std::move(name)), xmlns_(std::move(xmlns)) {}

Element::Element(std::string name, std::string xmlns, Attributes attributes)
    : name_(std::move(name)), xmlns_(std::move(xmlns)), attributes_(std::move(attributes)) {}

Element Element::text_node(std::string text) {
  Element node;
  node.text_ = std::move(text);
  return node;
}

bool Element::is(std::string_view name, std::string_view xmlns) const {
  return name_ == name && xmlns_ == xmlns;
}

const std::string* Element::attribute(std::string_view name) const {
  return find_attribute(attributes_, name);
}

std::string Element::attribute_or(std::string_view name, std::string_view fallback) const {
  const std::string* value = attribute(name);
  return value ? *value : std::string(fallback);
}

Element& Element::set_attribute(std::string_view name, std::string value) {
  for (auto& attribute : attributes_) {
    if (attribute.name == name) {
      attribute.value = std::move(value);
      return *this;
    }
  }
  attributes_.push_back({std::string(name), std::move(value)});
  return *this;
}

void Element::remove_attribute(std::string_view name) {
  std::erase_if(attributes_, [&](const Attribute& attribute) { return attribute.name == name; });
}

Element& Element::add_child(Element child) { return children_.emplace_back(std::move(child)); }

Element& Element::add_child(std::string name, std::string xmlns) {
  return add_child(Element(std::move(name), std::move(xmlns)));
}

Element& Element::add_text(std::string text) {
  if (!children_.empty() && children_.back().is_text()) {
    children_.back().text_ += text;
    return *this;
  }
  children_.push_back(text_node(std::move(text)));
  return *this;
}

const Element* Element::child(std::string_view name, std::string_view xmlns) const {
  for (const auto& child : children_) {
    if (!child.is_text() && child.name_ == name && (xmlns.empty() || child.xmlns_ == xmlns)) {
      return &child;
    }
  }
  return nullptr;
}

Element* Element::child(std::string_view name, std::string_view xmlns) {
  return const_cast<Element*>(std::as_const(*this).child(name, xmlns));
}

std::vector<const Element*> Element::child_elements() const {
  std::vector<const Element*> elements;
  for (const auto& child : children_) {
    if (!child.is_text()) elements.push_back(&child);
  }
  return elements;
}

std::string Element::text() const {
  if (is_text()) return text_;
  std::string text;
  for (const auto& child : children_) {
    if (child.is_text()) text += child.text_;
  }
  return text;
}

}  // namespace tern::xml
