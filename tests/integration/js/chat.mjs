// A real npm client (@xmpp/client) for the integration tests: logs in over the given service
// (ws://, wss://), fetches the roster, becomes available, sends one chat message to PEER and
// waits for one back. Prints one JSON line per event; exits 0 once the reply has arrived.
//   node chat.mjs SERVICE USERNAME PASSWORD PEER
import { client, xml } from "@xmpp/client";

const [service, username, password, peer] = process.argv.slice(2);
const print = (event) => console.log(JSON.stringify(event));
const xmpp = client({ service, domain: "localhost", resource: "npm", username, password });

const timer = setTimeout(() => {
  print({ event: "timeout" });
  process.exit(1);
}, 20000);

xmpp.on("error", (error) => print({ event: "error", message: String(error) }));
xmpp.on("stanza", async (stanza) => {
  if (!stanza.is("message") || !stanza.getChild("body")) return;
  print({ event: "message", from: stanza.attrs.from, to: stanza.attrs.to, body: stanza.getChildText("body") });
  await xmpp.stop();
  print({ event: "offline" });
  clearTimeout(timer);
  process.exit(0);
});
xmpp.on("online", async (address) => {
  print({ event: "online", jid: address.toString() });
  const roster = await xmpp.iqCaller.request(xml("iq", { type: "get" }, xml("query", { xmlns: "jabber:iq:roster" })));
  print({ event: "roster", items: roster.getChild("query").getChildren("item").length });
  await xmpp.send(xml("presence"));
  await xmpp.send(xml("message", { to: peer, type: "chat" }, xml("body", {}, "hello from " + service.split(":")[0])));
});

xmpp.start().catch((error) => {
  print({ event: "failed", message: String(error) });
  process.exit(2);
});
