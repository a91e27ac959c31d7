#include "stanza_reader.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "xml/serializer.hpp"

namespace tern::bench {

namespace {

// RFC 6120 §8.2.3: a client answers every IQ request. A server that pings its quiet clients
// (XEP-0199 §4.2: Tern, Openfire, ejabberd's mod_ping) closes the streams of those that do not.
void answer_request(ClientConnection& connection, const xml::Element& stanza) {
  if (stanza.name() != "iq" || stanza.xmlns() != "jabber:client") return;
  auto type = stanza.attribute_or("type");
  if (type != "get" && type != "set") return;
  xml::Element answer("iq", "jabber:client");
  answer.set_attribute("id", stanza.attribute_or("id"));
  if (const std::string* from = stanza.attribute("from")) answer.set_attribute("to", *from);
  if (type == "get" && stanza.child("ping", "urn:xmpp:ping")) {
    answer.set_attribute("type", "result");
  } else {
    answer.set_attribute("type", "error");
    answer.add_child("error", "jabber:client").set_attribute("type", "cancel").add_child(
        "service-unavailable", "urn:ietf:params:xml:ns:xmpp-stanzas");
  }
  connection.send(xml::serialize(answer, {.default_xmlns = "jabber:client"}));
}

asio::awaitable<void> read_loop(std::shared_ptr<ClientConnection> connection, StanzaHandler on_stanza,
                                EndHandler on_end) {
  std::string why;
  try {
    while (true) {
      auto element = co_await connection->next_element();
      answer_request(*connection, element);
      on_stanza(element);
    }
  } catch (const std::exception& error) {
    why = error.what();
  }
  on_end(why);
}

}  // namespace

void start_reading(asio::io_context& io, std::shared_ptr<ClientConnection> connection, StanzaHandler on_stanza,
                   EndHandler on_end) {
  asio::co_spawn(io, read_loop(std::move(connection), std::move(on_stanza), std::move(on_end)), asio::detached);
}

}  // namespace tern::bench
