// A real npm client (strophe.js, as converse.js uses it) for the integration tests: logs in over
// BOSH at SERVICE, fetches the roster, becomes available, sends one chat message to PEER, waits
// for one back, and disconnects. Prints one JSON line per event; exits 0 after the reply.
//   node bosh_chat.mjs SERVICE USERNAME PASSWORD PEER
import NodeXMLHttpRequest from "xhr2";

const { Strophe, $iq, $msg, $pres } = await import("strophe.js");

// Browsers parse text/xml responses into responseXML; xhr2 does not, so do it as they do.
class XMLHttpRequest extends NodeXMLHttpRequest {
  get responseXML() {
    return this.responseText ? new DOMParser().parseFromString(this.responseText, "text/xml") : null;
  }
}
globalThis.XMLHttpRequest = XMLHttpRequest;

const [service, username, password, peer] = process.argv.slice(2);
const print = (event) => console.log(JSON.stringify(event));
const timer = setTimeout(() => {
  print({ event: "timeout" });
  process.exit(1);
}, 20000);

const connection = new Strophe.Connection(service);
connection.addHandler((message) => {
  const body = message.getElementsByTagName("body")[0];
  if (!body) return true;
  print({ event: "message", from: message.getAttribute("from"), to: message.getAttribute("to"), body: body.textContent });
  connection.disconnect();
  return false;
}, null, "message");

connection.connect(`${username}@localhost/strophe`, password, (status, condition) => {
  if (status === Strophe.Status.CONNECTED) {
    print({ event: "online", jid: connection.jid });
    connection.sendIQ($iq({ type: "get" }).c("query", { xmlns: "jabber:iq:roster" }), (result) => {
      print({ event: "roster", items: result.getElementsByTagName("item").length });
      connection.send($pres());
      connection.send($msg({ to: peer, type: "chat" }).c("body").t("hello over BOSH"));
    });
  } else if (status === Strophe.Status.CONNFAIL || status === Strophe.Status.AUTHFAIL) {
    print({ event: "failed", status, condition });
    process.exit(2);
  } else if (status === Strophe.Status.DISCONNECTED) {
    print({ event: "offline" });
    clearTimeout(timer);
    process.exit(0);
  }
});
