#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tern::bench {

namespace {

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string number(double value) {
  if (!std::isfinite(value)) return "null";
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

}  // namespace

void Report::add(std::string key, double value) { fields_.emplace_back(std::move(key), value); }
void Report::add(std::string key, long value) { fields_.emplace_back(std::move(key), value); }
void Report::add(std::string key, std::string value) { fields_.emplace_back(std::move(key), std::move(value)); }

std::string Report::json() const {
  std::string out = "{";
  for (const auto& [key, value] : fields_) {
    if (out.size() > 1) out += ", ";
    out += quoted(key) + ": ";
    if (const auto* d = std::get_if<double>(&value)) out += number(*d);
    else if (const auto* l = std::get_if<long>(&value)) out += std::to_string(*l);
    else out += quoted(std::get<std::string>(value));
  }
  return out + "}";
}

double percentile(std::vector<double>& samples, double p) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(samples.size())));
  return samples[std::clamp<std::size_t>(rank, 1, samples.size()) - 1];
}

}  // namespace tern::bench
