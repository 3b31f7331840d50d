// examples/cluster-demo/static_files.cc — see static_files.h.
#include "examples/cluster-demo/static_files.h"

#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

namespace osn::demo {
namespace {

bool is_name_byte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// realpath(3), or "" when the path does not exist.
std::string absolute_if_exists(const std::string& path) {
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved) == nullptr) return "";
  return resolved;
}

}  // namespace

bool is_safe_static_name(std::string_view name) {
  if (name.empty() || name.size() > 100 || name.front() == '.') return false;
  for (const char c : name) {
    if (!is_name_byte(c)) return false;
  }
  return name.find("..") == std::string_view::npos;
}

std::string_view content_type_for(std::string_view name) {
  if (ends_with(name, ".html")) return "text/html; charset=utf-8";
  if (ends_with(name, ".txt") || ends_with(name, ".md")) return "text/plain; charset=utf-8";
  if (ends_with(name, ".css")) return "text/css";
  if (ends_with(name, ".js")) return "text/javascript";
  if (ends_with(name, ".json")) return "application/json";
  return "application/octet-stream";
}

std::string find_static_folder(const char* argv0) {
  if (const char* dir = ::getenv("STATIC_DIR"); dir != nullptr && *dir != '\0') {
    std::string found = absolute_if_exists(dir);
    return found.empty() ? dir : found;
  }
  std::string exe = absolute_if_exists("/proc/self/exe");
  if (exe.empty() && argv0 != nullptr) exe = absolute_if_exists(argv0);
  if (const size_t slash = exe.rfind('/'); slash != std::string::npos) {
    std::string found = absolute_if_exists(exe.substr(0, slash) + "/../../examples/cluster-demo/static");
    if (!found.empty()) return found;
  }
  std::string found = absolute_if_exists("examples/cluster-demo/static");
  return found.empty() ? "examples/cluster-demo/static" : found;
}

}  // namespace osn::demo
