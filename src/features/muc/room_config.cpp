// XEP-0045 §10.2: the room configuration form (muc#roomconfig, XEP-0045 §16.5.3).
#include "features/muc/room_config.hpp"

#include <charconv>
#include <initializer_list>

#include "features/muc/muc_namespaces.hpp"

namespace tern::features::muc {
namespace {

xml::Element& add_field(xml::Element& form, std::string_view var, std::string_view type, std::string_view label) {
  auto& field = form.add_child("field", std::string(ns::data));
  field.set_attribute("var", std::string(var));
  field.set_attribute("type", std::string(type));
  if (!label.empty()) field.set_attribute("label", std::string(label));
  return field;
}

void add_value(xml::Element& field, std::string value) {
  field.add_child("value", std::string(ns::data)).add_text(std::move(value));
}

void add_option(xml::Element& field, std::string_view label, std::string value) {
  auto& option = field.add_child("option", std::string(ns::data));
  option.set_attribute("label", std::string(label));
  add_value(option, std::move(value));
}

// XEP-0004 §3.3: boolean values are "0", "1", "false" or "true".
std::optional<bool> boolean(std::string_view value) {
  if (value == "1" || value == "true") return true;
  if (value == "0" || value == "false") return false;
  return std::nullopt;
}

}  // namespace

xml::Element config_form(const RoomConfig& config, std::size_t max_occupants_ceiling) {
  xml::Element form("x", std::string(ns::data));
  form.set_attribute("type", "form");
  form.add_child("title", std::string(ns::data)).add_text("Room configuration");
  add_value(add_field(form, "FORM_TYPE", "hidden", {}), std::string(ns::roomconfig));
  add_value(add_field(form, "muc#roomconfig_roomname", "text-single", "Name"), config.name);
  add_value(add_field(form, "muc#roomconfig_roomdesc", "text-single", "Description"), config.description);
  add_value(add_field(form, "muc#roomconfig_publicroom", "boolean", "Listed in the directory of rooms"),
            config.public_room ? "1" : "0");
  add_value(add_field(form, "muc#roomconfig_changesubject", "boolean", "Participants may change the subject"),
            config.participants_change_subject ? "1" : "0");
  auto& whois = add_field(form, "muc#roomconfig_whois", "list-single", "Who may see occupants' real addresses");
  add_value(whois, config.non_anonymous ? "anyone" : "moderators");
  add_option(whois, "Moderators only", "moderators");
  add_option(whois, "Anyone", "anyone");
  auto& max_users = add_field(form, "muc#roomconfig_maxusers", "list-single", "Most occupants at once");
  add_value(max_users, std::to_string(config.max_occupants));
  for (std::size_t size : {10, 20, 50, 100, 200, 500, 1000}) {
    if (size <= max_occupants_ceiling) add_option(max_users, std::to_string(size), std::to_string(size));
  }
  add_value(add_field(form, "muc#roomconfig_passwordprotectedroom", "boolean", "Entry needs a password"),
            config.password.empty() ? "0" : "1");
  add_value(add_field(form, "muc#roomconfig_roomsecret", "text-private", "Password"), config.password);
  return form;
}

std::optional<RoomConfig> submitted_config(const RoomConfig& current, const xml::Element& form,
                                           std::size_t max_occupants_ceiling, std::string& why) {
  RoomConfig config = current;
  std::optional<bool> password_protected;
  std::optional<std::string> password;
  for (const auto* field : form.child_elements()) {
    if (!field->is("field", ns::data)) continue;
    auto var = field->attribute_or("var");
    const auto* value_element = field->child("value", ns::data);
    std::string value = value_element ? value_element->text() : std::string();
    auto flag = [&](bool& target) {
      auto parsed = boolean(value);
      if (!parsed) {
        why = var + " must be 0 or 1";
        return false;
      }
      target = *parsed;
      return true;
    };
    if (var == "muc#roomconfig_roomname") {
      config.name = value;
    } else if (var == "muc#roomconfig_roomdesc") {
      config.description = value;
    } else if (var == "muc#roomconfig_publicroom") {
      if (!flag(config.public_room)) return std::nullopt;
    } else if (var == "muc#roomconfig_changesubject") {
      if (!flag(config.participants_change_subject)) return std::nullopt;
    } else if (var == "muc#roomconfig_whois") {
      if (value != "anyone" && value != "moderators") {
        why = "muc#roomconfig_whois must be anyone or moderators";
        return std::nullopt;
      }
      config.non_anonymous = value == "anyone";
    } else if (var == "muc#roomconfig_maxusers") {
      std::size_t size = 0;
      auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), size);
      if (error != std::errc() || end != value.data() + value.size() || size == 0 || size > max_occupants_ceiling) {
        why = "muc#roomconfig_maxusers must be a number from 1 to " + std::to_string(max_occupants_ceiling);
        return std::nullopt;
      }
      config.max_occupants = size;
    } else if (var == "muc#roomconfig_passwordprotectedroom") {
      bool on = false;
      if (!flag(on)) return std::nullopt;
      password_protected = on;
    } else if (var == "muc#roomconfig_roomsecret") {
      password = value;
    }
  }
  if (password) config.password = *password;
  if (password_protected == false) config.password.clear();
  if (password_protected == true && config.password.empty()) {
    why = "a password-protected room needs muc#roomconfig_roomsecret";
    return std::nullopt;
  }
  return config;
}

}  // namespace tern::features::muc
