// A namespace-aware Expat push parser for one XML stream: the root's start tag, then each
// top-level child element as a whole tree, then the root's end tag. Enforces the restricted XML
// of RFC 6120 §11 and the configured size limits.
#pragma once
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "xml/element.hpp"

namespace tern::xml {

struct ParserLimits {
  std::size_t max_element_bytes = 256 * 1024;  // one top-level element, as received
  std::size_t max_depth = 32;                  // nesting inside a top-level element
  std::size_t max_attributes = 64;             // per element
};

struct NamespaceDeclaration {
  std::string prefix;  // empty for the default namespace
  std::string xmlns;
  friend bool operator==(const NamespaceDeclaration&, const NamespaceDeclaration&) = default;
};

struct RootOpened {
  std::string name;    // local name
  std::string xmlns;   // the root's namespace
  std::string prefix;  // the prefix it was written with (empty when none)
  Attributes attributes;
  std::vector<NamespaceDeclaration> declarations;  // as written on the root
};
struct RootClosed {};
using ParseEvent = std::variant<RootOpened, Element, RootClosed>;

enum class ParseError {
  not_well_formed,       // includes namespace errors (unbound prefixes)
  restricted_xml,        // DOCTYPE, comment, processing instruction, entity reference
  unsupported_encoding,  // an XML declaration naming anything but UTF-8
  too_large,             // max_element_bytes
  too_deep,              // max_depth
  too_many_attributes,   // max_attributes
};

class ParseFailure : public std::runtime_error {
public:
  ParseFailure(ParseError error, const std::string& what) : std::runtime_error(what), error_(error) {}
  ParseError error() const { return error_; }

private:
  ParseError error_;
};

class Parser {
public:
  explicit Parser(ParserLimits limits = {});
  ~Parser();
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  // Parses the next bytes and appends each completed event to `events`. Throws ParseFailure; the
  // parser is unusable afterwards until reset().
  void feed(std::string_view bytes, std::vector<ParseEvent>& events);
  // Starts a new document (an XMPP stream restart); unparsed input is dropped.
  void reset();
  // Between two top-level elements with no input pending, gives up Expat (about 11 KiB) and the
  // parse state; the next feed() rebuilds them inside the root, whose start tag it replays
  // without reporting it again. A few given up on this thread are kept awake, and a parser that
  // wakes inside the same root takes one of them instead. Returns whether the parser is
  // hibernating.
  bool hibernate();

  struct State;

private:
  ParserLimits limits_;
  std::unique_ptr<State> state_;    // null while hibernating
  std::string hibernated_root_tag_;  // while hibernating
};

}  // namespace tern::xml
