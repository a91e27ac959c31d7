#!/usr/bin/python3
"""Checks that an account logs in the way the load generator does (STARTTLS, SASL SCRAM-SHA-1,
bind) and that its roster holds the expected contacts, with slixmpp as an independent client.

    /usr/bin/python3 bench/check_login.py --port 5222 --jid bench1@localhost --password secret [--contacts 10]
"""
import argparse
import asyncio
import logging
import ssl

import slixmpp


class LoginCheck(slixmpp.ClientXMPP):
    def __init__(self, jid, password):
        super().__init__(jid, password, sasl_mech="SCRAM-SHA-1")
        # The benchmark's certificate is self-signed.
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE
        self.outcome = asyncio.get_event_loop().create_future()
        self.add_event_handler("session_start", self.on_session_start)
        self.add_event_handler("failed_auth", lambda _: self.fail("authentication failed"))
        self.add_event_handler("disconnected", lambda _: self.fail("disconnected"))

    def fail(self, why):
        if not self.outcome.done():
            self.outcome.set_exception(RuntimeError(why))

    async def on_session_start(self, _):
        try:
            await self.get_roster(timeout=30)
            tls = self.transport.get_extra_info("ssl_object")
            contacts = [jid for jid in self.client_roster if jid != self.boundjid.bare]
            subscriptions = {self.client_roster[jid]["subscription"] for jid in contacts}
            self.outcome.set_result({"contacts": contacts, "subscriptions": subscriptions,
                                     "tls": tls.version(), "cipher": tls.cipher()[0],
                                     "mechanism": self["feature_mechanisms"].mech.name})
        except Exception as error:  # noqa: BLE001 - handed to the waiting caller
            if not self.outcome.done():
                self.outcome.set_exception(error)


async def check_login(port, jid, password, host="127.0.0.1", timeout=60):
    """Logs in, fetches the roster, logs out; returns what was seen (contacts, subscriptions, TLS
    version and cipher, SASL mechanism). Raises on any failure."""
    client = LoginCheck(jid, password)
    client.connect((host, port), force_starttls=True, disable_starttls=False)
    try:
        return await asyncio.wait_for(client.outcome, timeout)
    finally:
        client.disconnect()
        await asyncio.sleep(0.1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--jid", required=True)
    parser.add_argument("--password", default="secret")
    parser.add_argument("--contacts", type=int, help="the roster size to expect")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    seen = asyncio.run(check_login(args.port, args.jid, args.password, args.host))
    print(f"{args.jid}: {seen['mechanism']} over {seen['tls']} ({seen['cipher']}), "
          f"{len(seen['contacts'])} contacts, subscriptions {sorted(seen['subscriptions'])}")
    if args.contacts is not None and (len(seen["contacts"]) != args.contacts or
                                      seen["contacts"] and seen["subscriptions"] != {"both"}):
        raise SystemExit(f"expected {args.contacts} contacts with subscription both")


if __name__ == "__main__":
    main()
