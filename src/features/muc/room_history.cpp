// XEP-0045 §7.2.13-§7.2.14: discussion history.
#include "features/muc/room_history.hpp"

#include <charconv>
#include <string>

#include "features/muc/muc_namespaces.hpp"
#include "xml/serializer.hpp"
#include "xmpp/date_time.hpp"

namespace tern::features::muc {
namespace {

std::optional<std::size_t> count(const xml::Element& element, std::string_view name) {
  const std::string* text = element.attribute(name);
  if (!text) return std::nullopt;
  std::size_t value = 0;
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size()) return std::nullopt;
  return value;
}

}  // namespace

HistoryRequest history_request(const xml::Element* history) {
  HistoryRequest request;
  if (!history) return request;
  request.max_chars = count(*history, "maxchars");
  request.max_stanzas = count(*history, "maxstanzas");
  if (auto seconds = count(*history, "seconds")) request.seconds = std::chrono::seconds(*seconds);
  if (const std::string* since = history->attribute("since")) request.since = xmpp::parse_date_time(*since);
  return request;
}

void RoomHistory::add(xml::Element message, const std::string& room, std::chrono::system_clock::time_point now) {
  if (capacity_ == 0) return;
  auto& delay = message.add_child("delay", std::string(ns::delay));
  delay.set_attribute("from", room);
  delay.set_attribute("stamp", xmpp::utc_date_time(now));
  // §7.2.14: maxchars counts the whole stanza as it is sent (the 'to' of each recipient aside).
  std::size_t chars = xml::serialize(message).size();
  entries_.push_back({std::move(message), now, chars});
  if (entries_.size() > capacity_) entries_.pop_front();
}

std::vector<const xml::Element*> RoomHistory::select(const HistoryRequest& request,
                                                     std::chrono::system_clock::time_point now) const {
  std::size_t first = entries_.size();
  std::size_t chars = 0;
  while (first > 0) {
    const auto& entry = entries_[first - 1];
    std::size_t taken = entries_.size() - first;
    if (request.max_stanzas && taken >= *request.max_stanzas) break;
    if (request.max_chars && chars + entry.chars > *request.max_chars) break;
    if (request.seconds && entry.at < now - *request.seconds) break;
    if (request.since && entry.at < *request.since) break;
    chars += entry.chars;
    --first;
  }
  std::vector<const xml::Element*> selected;
  for (std::size_t i = first; i < entries_.size(); ++i) selected.push_back(&entries_[i].message);
  return selected;
}

}  // namespace tern::features::muc
