// The files of the web client (http.web_root) for GET requests: only what lies under the root,
// with a content type by extension; "/" is index.html.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace tern::transport {

struct StaticFile {
  std::filesystem::path path;
  std::string_view content_type;
};

class StaticFiles {
public:
  // An empty root serves nothing.
  explicit StaticFiles(std::filesystem::path root);
  std::optional<StaticFile> find(std::string_view request_path) const;
  bool enabled() const { return !root_.empty(); }

private:
  std::filesystem::path root_;  // canonical
};

}  // namespace tern::transport
