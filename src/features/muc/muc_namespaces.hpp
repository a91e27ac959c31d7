// The namespaces of XEP-0045 and of what a MUC service speaks besides (XEP-0030, XEP-0004).
#pragma once
#include <string_view>

namespace tern::features::muc::ns {

constexpr std::string_view muc = "http://jabber.org/protocol/muc";
constexpr std::string_view user = "http://jabber.org/protocol/muc#user";
constexpr std::string_view owner = "http://jabber.org/protocol/muc#owner";
constexpr std::string_view admin = "http://jabber.org/protocol/muc#admin";
constexpr std::string_view roomconfig = "http://jabber.org/protocol/muc#roomconfig";
constexpr std::string_view roominfo = "http://jabber.org/protocol/muc#roominfo";
constexpr std::string_view data = "jabber:x:data";
constexpr std::string_view disco_info = "http://jabber.org/protocol/disco#info";
constexpr std::string_view disco_items = "http://jabber.org/protocol/disco#items";
constexpr std::string_view delay = "urn:xmpp:delay";
constexpr std::string_view ping = "urn:xmpp:ping";

}  // namespace tern::features::muc::ns
