// http/request.cc — field lookup by name (a linear scan: requests carry few fields).
#include "http/request.h"

namespace osn::http {

namespace {
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
}  // namespace

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

std::string_view Request::header(std::string_view name) const {
  for (const Header& h : headers)
    if (equals_ignore_case(h.name, name)) return h.value;
  return {};
}

bool Request::has_header(std::string_view name) const {
  for (const Header& h : headers)
    if (equals_ignore_case(h.name, name)) return true;
  return false;
}

}  // namespace osn::http
