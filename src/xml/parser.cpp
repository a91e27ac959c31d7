// A namespace-aware Expat push parser for one XML stream, with RFC 6120 §11 restrictions.
#include "xml/parser.hpp"

#include "xml/serializer.hpp"

#include <dlfcn.h>
#include <expat.h>

#include <cstring>
#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <string_view>
#include <utility>
#include <vector>

namespace tern::xml {
namespace {

constexpr char namespace_separator = ' ';
constexpr std::string_view xml_namespace = "http://www.w3.org/XML/1998/namespace";

// Debian 12's security update of Expat 2.5.0 enables 2.6's reparse deferral while still calling
// itself 2.5.0: a large start tag split across reads would wait for more input. A version check
// cannot tell, so look the switch up at run time.
void disable_reparse_deferral(XML_Parser parser) {
  using SetReparseDeferral = XML_Bool (*)(XML_Parser, XML_Bool);
  static const auto set_deferral = reinterpret_cast<SetReparseDeferral>(
      dlsym(RTLD_DEFAULT, "XML_SetReparseDeferralEnabled"));
  if (set_deferral) set_deferral(parser, XML_FALSE);
}

// Expat salts its hash tables against collisions chosen by the peer. Left to itself it asks the
// kernel for a fresh salt for every parser, a syscall per stream restart; a secret drawn once per
// process protects as well.
unsigned long hash_salt() {
  static const unsigned long salt = [] {
    std::random_device random;
    return (static_cast<unsigned long>(random()) << 32) ^ random();
  }();
  return salt;
}

struct QualifiedName {
  std::string xmlns, local, prefix;
};

// Expat with namespace triplets reports "uri local prefix", "uri local" or "local".
QualifiedName split_name(std::string_view name) {
  QualifiedName result;
  auto first = name.find(namespace_separator);
  if (first == std::string_view::npos) {
    result.local = name;
    return result;
  }
  result.xmlns = name.substr(0, first);
  auto rest = name.substr(first + 1);
  auto second = rest.find(namespace_separator);
  result.local = rest.substr(0, second);
  if (second != std::string_view::npos) result.prefix = rest.substr(second + 1);
  return result;
}

}  // namespace

struct Parser::State {
  ParserLimits limits;
  XML_Parser expat = nullptr;
  std::vector<ParseEvent>* events = nullptr;
  std::optional<ParseFailure> failure;
  std::size_t depth = 0;  // 0: before the root; 1: inside the root; 2+: inside a top-level element
  std::vector<Element*> open;  // the element being built and its open descendants
  std::optional<Element> current;
  std::vector<NamespaceDeclaration> pending_declarations;
  std::size_t fed = 0;          // bytes given to Expat in this document
  std::size_t boundary = 0;     // where the last complete top-level event ended
  std::size_t element_start = 0;
  std::string root_tag;         // what a hibernated parser replays (start_tag())
  bool replaying = false;

  explicit State(ParserLimits l) : limits(l) { create(); }
  // Wakes a hibernated parser: inside the root whose start tag this was.
  State(ParserLimits l, std::string root) : limits(l), root_tag(std::move(root)) { wake(); }
  ~State() { XML_ParserFree(expat); }

  void create() {
    new_expat();
    depth = 0;
    open.clear();
    current.reset();
    pending_declarations.clear();
    failure.reset();
    fed = boundary = element_start = 0;
    root_tag.clear();
  }

  // A fresh Expat inside the root, as if the stream had just been opened.
  void wake() {
    new_expat();
    replaying = true;
    depth = 0;
    fed = root_tag.size();
    XML_Parse(expat, root_tag.data(), static_cast<int>(root_tag.size()), XML_FALSE);
    replaying = false;
    boundary = fed;
  }

  // A stream restart or a wake reuses the Expat it has (its memory and namespace settings); the
  // handlers and settings a reset clears are set again.
  void new_expat() {
    if (expat) {
      XML_ParserReset(expat, "UTF-8");
    } else {
      expat = XML_ParserCreateNS("UTF-8", namespace_separator);
      if (!expat) throw std::bad_alloc();
    }
    XML_SetHashSalt(expat, hash_salt());
    disable_reparse_deferral(expat);
    XML_SetReturnNSTriplet(expat, XML_TRUE);
    XML_SetUserData(expat, this);
    XML_SetElementHandler(expat, &State::on_start, &State::on_end);
    XML_SetCharacterDataHandler(expat, &State::on_text);
    XML_SetStartNamespaceDeclHandler(expat, &State::on_namespace);
    XML_SetXmlDeclHandler(expat, &State::on_xml_declaration);
    XML_SetStartDoctypeDeclHandler(expat, &State::on_doctype);
    XML_SetCommentHandler(expat, &State::on_comment);
    XML_SetProcessingInstructionHandler(expat, &State::on_processing_instruction);
    XML_SetEntityDeclHandler(expat, &State::on_entity_declaration);
  }

  // The root's name and namespace declarations: all that a woken parser needs to read what
  // follows as before. Its other attributes were reported when the stream opened; left out, they
  // cost an idle connection no memory and a wake no parsing.
  static std::string start_tag(const RootOpened& root) {
    Attributes declarations;
    for (const auto& declaration : root.declarations) {
      declarations.push_back({declaration.prefix.empty() ? "xmlns" : "xmlns:" + declaration.prefix, declaration.xmlns});
    }
    return open_tag(root.prefix.empty() ? root.name : root.prefix + ":" + root.name, declarations);
  }

  std::size_t event_end() const {
    return static_cast<std::size_t>(XML_GetCurrentByteIndex(expat) + XML_GetCurrentByteCount(expat));
  }

  void fail(ParseError error, std::string what) {
    if (!failure) failure.emplace(error, what);
    XML_StopParser(expat, XML_FALSE);
  }

  Attributes attributes_of(const XML_Char** atts, std::size_t count, std::size_t room = 0) {
    Attributes attributes;
    attributes.reserve(pending_declarations.size() + count + room);
    for (const auto& declaration : pending_declarations) {
      if (!declaration.prefix.empty()) {
        attributes.push_back({"xmlns:" + declaration.prefix, declaration.xmlns});
      }
    }
    for (std::size_t i = 0; atts[i]; i += 2) {
      auto name = split_name(atts[i]);
      std::string qualified = name.local;
      if (name.xmlns == xml_namespace) {
        qualified = "xml:" + name.local;
      } else if (!name.prefix.empty()) {
        qualified = name.prefix + ':' + name.local;
      }
      attributes.push_back({std::move(qualified), atts[i + 1]});
    }
    return attributes;
  }

  static void XMLCALL on_start(void* data, const XML_Char* name, const XML_Char** atts) {
    auto& self = *static_cast<State*>(data);
    if (self.failure) return;
    std::size_t count = 0;
    while (atts[count]) count += 2;
    if (count / 2 > self.limits.max_attributes) {
      return self.fail(ParseError::too_many_attributes, "too many attributes on one element");
    }
    auto qualified = split_name(name);
    if (self.depth == 0 && self.replaying) {
      self.pending_declarations.clear();
      self.depth = 1;
      return;
    }
    if (self.depth == 0) {
      RootOpened root{qualified.local, qualified.xmlns, qualified.prefix, {}, self.pending_declarations};
      root.attributes = self.attributes_of(atts, count / 2);
      std::erase_if(root.attributes, [](const Attribute& a) { return a.name.starts_with("xmlns:"); });
      self.pending_declarations.clear();
      self.depth = 1;
      self.boundary = self.event_end();
      self.root_tag = start_tag(root);
      self.events->push_back(std::move(root));
      return;
    }
    if (self.depth - 1 >= self.limits.max_depth) {
      return self.fail(ParseError::too_deep, "elements nested too deeply");
    }
    // Room for two more on a top-level element: a stanza gains a couple on its way (the stamps
    // of 'from' and 'xml:lang').
    std::size_t room = self.depth == 1 ? 2 : 0;
    Element element(std::move(qualified.local), std::move(qualified.xmlns), self.attributes_of(atts, count / 2, room));
    self.pending_declarations.clear();
    if (self.depth == 1) {
      self.element_start = static_cast<std::size_t>(XML_GetCurrentByteIndex(self.expat));
      self.current = std::move(element);
      self.open.push_back(&*self.current);
    } else {
      self.open.push_back(&self.open.back()->add_child(std::move(element)));
    }
    ++self.depth;
  }

  static void XMLCALL on_end(void* data, const XML_Char*) {
    auto& self = *static_cast<State*>(data);
    if (self.failure) return;
    if (self.depth == 1) {
      self.depth = 0;
      self.events->emplace_back(std::in_place_type<RootClosed>);
      return;
    }
    self.open.pop_back();
    --self.depth;
    if (self.depth == 1) {
      if (self.event_end() - self.element_start > self.limits.max_element_bytes) {
        return self.fail(ParseError::too_large, "element larger than the configured limit");
      }
      self.boundary = self.event_end();
      self.events->push_back(std::move(*self.current));
      self.current.reset();
    }
  }

  static void XMLCALL on_text(void* data, const XML_Char* text, int length) {
    auto& self = *static_cast<State*>(data);
    // Text between top-level elements (whitespace keepalives, RFC 6120 §11.7) carries nothing.
    if (self.failure) return;
    if (self.depth == 1) self.boundary = self.event_end();
    if (self.depth < 2) return;
    self.open.back()->add_text(std::string(text, static_cast<std::size_t>(length)));
  }

  static void XMLCALL on_namespace(void* data, const XML_Char* prefix, const XML_Char* uri) {
    auto& self = *static_cast<State*>(data);
    self.pending_declarations.push_back({prefix ? prefix : "", uri ? uri : ""});
  }

  static void XMLCALL on_xml_declaration(void* data, const XML_Char*, const XML_Char* encoding,
                                         int) {
    auto& self = *static_cast<State*>(data);
    if (encoding && strcasecmp(encoding, "UTF-8") != 0) {
      self.fail(ParseError::unsupported_encoding, "only UTF-8 is supported");
    }
  }

  static void XMLCALL on_doctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*,
                                 int) {
    static_cast<State*>(data)->fail(ParseError::restricted_xml, "DOCTYPE is not allowed");
  }

  static void XMLCALL on_comment(void* data, const XML_Char*) {
    static_cast<State*>(data)->fail(ParseError::restricted_xml, "comments are not allowed");
  }

  static void XMLCALL on_processing_instruction(void* data, const XML_Char*, const XML_Char*) {
    static_cast<State*>(data)->fail(ParseError::restricted_xml,
                                    "processing instructions are not allowed");
  }

  static void XMLCALL on_entity_declaration(void* data, const XML_Char*, int, const XML_Char*, int,
                                            const XML_Char*, const XML_Char*, const XML_Char*,
                                            const XML_Char*) {
    static_cast<State*>(data)->fail(ParseError::restricted_xml, "entity declarations are not allowed");
  }
};

namespace {

// Parsers that hibernated between stanzas, kept awake for the next parser of this thread that
// wakes inside the same root. Taking one costs nothing, where a new Expat and the replay of the
// root cost about 20 000 instructions, and freeing one about 7 000. A handful are kept, so that
// thousands of idle connections still hold no parser.
class AwakeParsers {
public:
  void keep(std::unique_ptr<Parser::State> state) {
    if (states_.size() < capacity) states_.push_back(std::move(state));
  }

  std::unique_ptr<Parser::State> take(std::string_view root_tag) {
    for (auto kept = states_.rbegin(); kept != states_.rend(); ++kept) {
      if ((*kept)->root_tag != root_tag) continue;
      auto state = std::move(*kept);
      states_.erase(std::next(kept).base());
      return state;
    }
    return nullptr;
  }

private:
  static constexpr std::size_t capacity = 32;
  std::vector<std::unique_ptr<Parser::State>> states_;
};

thread_local AwakeParsers awake_parsers;

}  // namespace

Parser::Parser(ParserLimits limits) : limits_(limits), state_(std::make_unique<State>(limits)) {}
Parser::~Parser() = default;

void Parser::reset() {
  if (state_) {
    state_->create();
  } else {
    state_ = std::make_unique<State>(limits_);
    std::string().swap(hibernated_root_tag_);
  }
}

bool Parser::hibernate() {
  if (!state_) return true;
  if (state_->failure || state_->depth != 1 || state_->boundary != state_->fed) return false;
  // Thousands of connections idle at once: all that is kept is the tag to replay.
  hibernated_root_tag_ = state_->root_tag;
  awake_parsers.keep(std::move(state_));
  return true;
}

void Parser::feed(std::string_view bytes, std::vector<ParseEvent>& events) {
  if (!state_) {
    state_ = awake_parsers.take(hibernated_root_tag_);
    if (state_) {
      state_->limits = limits_;
      std::string().swap(hibernated_root_tag_);
    } else {
      state_ = std::make_unique<State>(limits_, std::exchange(hibernated_root_tag_, {}));
    }
  }
  auto& state = *state_;
  if (state.failure) throw *state.failure;
  state.events = &events;
  state.fed += bytes.size();
  auto status = XML_Parse(state.expat, bytes.data(), static_cast<int>(bytes.size()), XML_FALSE);
  state.events = nullptr;
  if (state.failure) throw *state.failure;
  if (status != XML_STATUS_OK) {
    auto code = XML_GetErrorCode(state.expat);
    std::string what = XML_ErrorString(code);
    // RFC 6120 §11.1: a reference to an entity other than the five predefined ones is
    // restricted XML, not merely malformed.
    auto error = code == XML_ERROR_UNDEFINED_ENTITY ? ParseError::restricted_xml
                 : code == XML_ERROR_UNKNOWN_ENCODING || code == XML_ERROR_INCORRECT_ENCODING
                     ? ParseError::unsupported_encoding
                     : ParseError::not_well_formed;
    state.failure.emplace(error, what);
    throw *state.failure;
  }
  // An element still arriving (or a start tag Expat is still buffering) counts against the limit.
  std::size_t pending = state.fed - (state.depth >= 2 ? state.element_start : state.boundary);
  if (pending > state.limits.max_element_bytes) {
    state.failure.emplace(ParseError::too_large, "element larger than the configured limit");
    throw *state.failure;
  }
}

}  // namespace tern::xml
