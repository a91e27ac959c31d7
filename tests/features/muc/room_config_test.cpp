// The muc#roomconfig form: what it offers and what a submission may change.
#include "features/muc/room_config.hpp"

#include <gtest/gtest.h>

#include <map>

#include "support/xml.hpp"

namespace tern::features::muc {
namespace {

xml::Element submission(std::string_view fields) {
  return testing::parse_xml("<x xmlns='jabber:x:data' type='submit'>" + std::string(fields) + "</x>");
}

std::string field(std::string_view var, std::string_view value) {
  return "<field var='" + std::string(var) + "'><value>" + std::string(value) + "</value></field>";
}

TEST(RoomConfig, TheFormCarriesTheCurrentValues) {
  RoomConfig config;
  config.name = "Coven";
  config.non_anonymous = true;
  auto form = config_form(config, 200);
  std::map<std::string, std::string> values;
  for (const auto* child : form.child_elements()) {
    if (child->name() != "field") continue;
    const auto* value = child->child("value", "jabber:x:data");
    values[child->attribute_or("var")] = value ? value->text() : "";
  }
  EXPECT_EQ(values["FORM_TYPE"], "http://jabber.org/protocol/muc#roomconfig");
  EXPECT_EQ(values["muc#roomconfig_roomname"], "Coven");
  EXPECT_EQ(values["muc#roomconfig_whois"], "anyone");
  EXPECT_EQ(values["muc#roomconfig_maxusers"], "200");
  EXPECT_EQ(values["muc#roomconfig_passwordprotectedroom"], "0");
}

TEST(RoomConfig, ASubmissionChangesWhatItNamesAndKeepsTheRest) {
  RoomConfig current;
  current.description = "kept";
  std::string why;
  auto submitted = submitted_config(
      current,
      submission(field("muc#roomconfig_roomname", "Coven") + field("muc#roomconfig_publicroom", "false") +
                 field("muc#roomconfig_maxusers", "50") + field("muc#roomconfig_unknown", "x")),
      200, why);
  ASSERT_TRUE(submitted) << why;
  EXPECT_EQ(submitted->name, "Coven");
  EXPECT_FALSE(submitted->public_room);
  EXPECT_EQ(submitted->max_occupants, 50u);
  EXPECT_EQ(submitted->description, "kept");
}

TEST(RoomConfig, ValuesOutOfRangeAreRefusedWithAReason) {
  std::string why;
  EXPECT_FALSE(submitted_config({}, submission(field("muc#roomconfig_maxusers", "201")), 200, why));
  EXPECT_NE(why.find("maxusers"), std::string::npos);
  EXPECT_FALSE(submitted_config({}, submission(field("muc#roomconfig_whois", "everyone")), 200, why));
  EXPECT_FALSE(submitted_config({}, submission(field("muc#roomconfig_publicroom", "yes")), 200, why));
  EXPECT_FALSE(submitted_config({}, submission(field("muc#roomconfig_passwordprotectedroom", "1")), 200, why));
}

TEST(RoomConfig, APasswordNeedsTheRoomToBeProtectedAndGoesWithIt) {
  std::string why;
  auto protected_room = submitted_config(
      {}, submission(field("muc#roomconfig_passwordprotectedroom", "1") + field("muc#roomconfig_roomsecret", "s")),
      200, why);
  ASSERT_TRUE(protected_room);
  EXPECT_EQ(protected_room->password, "s");
  auto opened = submitted_config(*protected_room, submission(field("muc#roomconfig_passwordprotectedroom", "0")), 200, why);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->password, "");
}

}  // namespace
}  // namespace tern::features::muc
