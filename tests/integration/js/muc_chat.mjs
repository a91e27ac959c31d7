// A real npm client (@xmpp/client) in a XEP-0045 room, for the integration tests: logs in over
// SERVICE, creates ROOM as NICK (accepting the default configuration), waits for a groupchat
// message from another occupant, answers in the room and waits for its own message to come
// back. Prints one JSON line per event; exits 0 once its message has come back.
//   node muc_chat.mjs SERVICE USERNAME PASSWORD ROOM NICK
import { client, xml } from "@xmpp/client";

const [service, username, password, room, nick] = process.argv.slice(2);
const print = (event) => console.log(JSON.stringify(event));
const xmpp = client({ service, domain: "localhost", resource: "npm", username, password });
const MUC_USER = "http://jabber.org/protocol/muc#user";
const answer = "hello room from " + service.split(":")[0];

const timer = setTimeout(() => {
  print({ event: "timeout" });
  process.exit(1);
}, 30000);

xmpp.on("error", (error) => print({ event: "error", message: String(error) }));
xmpp.on("stanza", async (stanza) => {
  const from = stanza.attrs.from || "";
  if (stanza.is("presence") && from === `${room}/${nick}`) {
    const x = stanza.getChild("x", MUC_USER);
    const statuses = x ? x.getChildren("status").map((status) => status.attrs.code) : [];
    print({ event: "presence", type: stanza.attrs.type || "available", statuses });
    if (statuses.includes("201")) {
      const form = xml("x", { xmlns: "jabber:x:data", type: "submit" });
      await xmpp.iqCaller.request(
        xml("iq", { type: "set", to: room }, xml("query", { xmlns: "http://jabber.org/protocol/muc#owner" }, form)));
      print({ event: "configured" });
    }
    return;
  }
  if (!stanza.is("message") || stanza.attrs.type !== "groupchat" || !stanza.getChild("body")) return;
  const body = stanza.getChildText("body");
  print({ event: "groupchat", from, body });
  if (from === `${room}/${nick}` && body === answer) {
    await xmpp.stop();
    clearTimeout(timer);
    process.exit(0);
  }
  if (from !== `${room}/${nick}`) await xmpp.send(xml("message", { to: room, type: "groupchat" }, xml("body", {}, answer)));
});
xmpp.on("online", async (address) => {
  print({ event: "online", jid: address.toString() });
  await xmpp.send(xml("presence"));
  await xmpp.send(xml("presence", { to: `${room}/${nick}` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
});

xmpp.start().catch((error) => {
  print({ event: "failed", message: String(error) });
  process.exit(2);
});
