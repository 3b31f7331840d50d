// http/request.cc — field lookup by name (a linear scan: requests carry few fields).
#include "http/request.h"

namespace osn::http {

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
