// Web client files.
#include "transport/static_files.hpp"

#include <array>
#include <utility>

namespace tern::transport {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 16> content_types{{
    {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},   {".json", "application/json"},
    {".map", "application/json"},          {".wasm", "application/wasm"},
    {".svg", "image/svg+xml"},             {".png", "image/png"},
    {".ico", "image/x-icon"},              {".jpg", "image/jpeg"},
    {".woff2", "font/woff2"},              {".woff", "font/woff"},
    {".ttf", "font/ttf"},                  {".mp3", "audio/mpeg"},
    {".ogg", "audio/ogg"},                 {".txt", "text/plain; charset=utf-8"},
}};

}  // namespace

StaticFiles::StaticFiles(std::filesystem::path root) {
  std::error_code ec;
  if (!root.empty()) root_ = std::filesystem::canonical(root, ec);
  if (ec) root_.clear();
}

std::optional<StaticFile> StaticFiles::find(std::string_view request_path) const {
  if (root_.empty() || !request_path.starts_with('/')) return std::nullopt;
  // Plain paths only: no escapes, no parent steps, no empty segments.
  if (request_path.find("..") != std::string_view::npos || request_path.find('\\') != std::string_view::npos ||
      request_path.find('%') != std::string_view::npos || request_path.find("//") != std::string_view::npos ||
      request_path.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  std::string relative(request_path.substr(1));
  if (relative.empty()) relative = "index.html";
  std::error_code ec;
  auto path = std::filesystem::canonical(root_ / relative, ec);
  if (ec || !std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  // Symbolic links may lead elsewhere inside the root (dist/ into node_modules), never out of it.
  auto [root_end, ignored] = std::mismatch(root_.begin(), root_.end(), path.begin(), path.end());
  if (root_end != root_.end()) return std::nullopt;
  auto extension = path.extension().string();
  for (const auto& [suffix, type] : content_types) {
    if (extension == suffix) return StaticFile{path, type};
  }
  return StaticFile{path, "application/octet-stream"};
}

}  // namespace tern::transport
