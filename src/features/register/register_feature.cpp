// XEP-0077 In-Band Registration.
#include "features/register/register_feature.hpp"

#include <spdlog/spdlog.h>

#include "xmpp/namespaces.hpp"

namespace tern::features::register_ {
namespace {

constexpr std::string_view register_xmlns = "jabber:iq:register";

xml::Element query() { return xml::Element("query", std::string(register_xmlns)); }

std::string field(const xml::Element& query, std::string_view name) {
  const xml::Element* element = query.child(name, register_xmlns);
  return element ? element->text() : std::string();
}

// The account a request speaks for: the requester's own (XEP-0077 §3.2/§3.3: the host goes by
// the sender's address), whether it was sent to the server or to the account.
std::optional<xmpp::Jid> own_account(const xmpp::IqRequest& request) {
  if (request.target() == xmpp::Target::account && !request.is_to_self()) return std::nullopt;
  return request.from().bare();
}

}  // namespace

void RegisterFeature::install(xmpp::Registrar& registrar) {
  registrar.implements({.spec = "XEP-0077", .version = "2.4"});
  if (options_.in_band) {
    registrar.stream_feature(xmpp::Negotiation::unauthenticated,
                             xml::Element("register", "http://jabber.org/features/iq-register"));
    registrar.on_iq(xmpp::IqType::get, {register_xmlns, "query"}, {xmpp::Target::unauthenticated},
                    [this](xmpp::IqRequest& request) { return fields(request); });
    registrar.on_iq(xmpp::IqType::set, {register_xmlns, "query"}, {xmpp::Target::unauthenticated},
                    [this](xmpp::IqRequest& request) { return create(request); });
  }
  registrar.disco_feature(register_xmlns);
  registrar.on_iq(xmpp::IqType::get, {register_xmlns, "query"},
                  {xmpp::Target::server, xmpp::Target::account},
                  [this](xmpp::IqRequest& request) { return registered(request); });
  registrar.on_iq(xmpp::IqType::set, {register_xmlns, "query"},
                  {xmpp::Target::server, xmpp::Target::account},
                  [this](xmpp::IqRequest& request) { return change(request); });
}

// §3.1: what registration needs.
boost::asio::awaitable<xmpp::IqResult> RegisterFeature::fields(xmpp::IqRequest&) {
  auto form = query();
  form.add_child("instructions", std::string(register_xmlns))
      .add_text("Choose a username and password to register with this server.");
  form.add_child("username", std::string(register_xmlns));
  form.add_child("password", std::string(register_xmlns));
  co_return form;
}

boost::asio::awaitable<xmpp::IqResult> RegisterFeature::create(xmpp::IqRequest& request) {
  const auto& payload = request.payload();
  // §3.2, unexpected-request: cancelling needs an account, which this stream does not have.
  if (payload.child("remove", register_xmlns)) co_return xmpp::StanzaError::unexpected_request();
  auto username = field(payload, "username");
  auto password = field(payload, "password");
  // §3.1: every field is required, and an empty password is no password.
  if (username.empty() || password.empty()) {
    co_return xmpp::StanzaError::not_acceptable("a username and a password are required");
  }
  auto account = xmpp::Jid::make(username, request.to().domainpart());
  if (!account) co_return xmpp::StanzaError::not_acceptable("the username is not a valid localpart");
  bool created = false;
  try {
    created = co_await accounts_.register_account(*account, std::move(password));
  } catch (const std::invalid_argument&) {
    co_return xmpp::StanzaError::not_acceptable("the password contains characters SASLprep forbids");
  }
  if (!created) co_return xmpp::StanzaError::conflict("the username is taken");  // §3.1
  spdlog::info("register: {} registered in band", account->bare_string());
  co_return xmpp::IqResult::empty();
}

// §3.1: an authenticated user is told that it is registered, and as whom.
boost::asio::awaitable<xmpp::IqResult> RegisterFeature::registered(xmpp::IqRequest& request) {
  auto account = own_account(request);
  if (!account) co_return xmpp::StanzaError::forbidden();
  auto answer = query();
  answer.add_child("registered", std::string(register_xmlns));
  answer.add_child("username", std::string(register_xmlns)).add_text(account->localpart());
  answer.add_child("password", std::string(register_xmlns));
  co_return answer;
}

boost::asio::awaitable<xmpp::IqResult> RegisterFeature::change(xmpp::IqRequest& request) {
  auto account = own_account(request);
  if (!account) co_return xmpp::StanzaError::forbidden();
  const auto& payload = request.payload();
  if (payload.child("remove", register_xmlns)) co_return co_await cancel(request, *account);
  // §3.3: a password change names the user and carries a non-empty password.
  auto username = field(payload, "username");
  auto password = field(payload, "password");
  if (username.empty() || password.empty()) {
    co_return xmpp::StanzaError::bad_request("a username and a new password are required");
  }
  auto named = xmpp::Jid::make(username, account->domainpart());
  if (!named || *named != *account) co_return xmpp::StanzaError::bad_request("that is not your username");
  try {
    if (!co_await accounts_.change_password(*account, std::move(password))) {
      co_return xmpp::StanzaError::item_not_found();
    }
  } catch (const std::invalid_argument&) {
    co_return xmpp::StanzaError::not_acceptable("the password contains characters SASLprep forbids");
  }
  spdlog::info("register: {} changed its password", account->bare_string());
  co_return xmpp::IqResult::empty();
}

// §3.2: the account and everything it owns go; its subscriptions are cancelled first, then the
// requester gets its result and every session of the account ends with <not-authorized/>.
boost::asio::awaitable<xmpp::IqResult> RegisterFeature::cancel(xmpp::IqRequest& request,
                                                               xmpp::Jid account) {
  if (request.payload().child_elements().size() != 1) {
    co_return xmpp::StanzaError::bad_request("<remove/> must be the only child");
  }
  co_await pipeline_.account_deleted(account);
  if (!co_await accounts_.delete_account(account)) co_return xmpp::StanzaError::item_not_found();
  spdlog::info("register: {} cancelled its account", account.bare_string());
  // The result must reach the requester before its stream ends: deliver it here, in order.
  auto result = std::make_shared<xml::Element>("iq", std::string(xmpp::ns::client));
  if (auto* id = request.stanza().attribute("id")) result->set_attribute("id", *id);
  result->set_attribute("to", request.from().full());
  if (auto* to = request.stanza().attribute("to")) result->set_attribute("from", *to);
  result->set_attribute("type", "result");
  if (auto requester = registry_.find(request.from())) requester->deliver(std::move(result));
  for (const auto& resource : registry_.resources(account)) {
    resource.session->terminate(xmpp::StreamError("not-authorized", "the account was cancelled"));
  }
  co_return xmpp::IqResult::empty();  // not sent: the stream is ending
}

}  // namespace tern::features::register_
