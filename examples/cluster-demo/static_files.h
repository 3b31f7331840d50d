// examples/cluster-demo/static_files.h — which file a GET /static/NAME may read, and as what.
//
// A path from the network must never reach open(2) as it came: "/static/../Makefile",
// "%2e%2e%2f", a backslash or a NUL byte would walk out of the folder. The rule here is an
// allow-list, which is easier to get right than a deny-list: NAME is one path component of
// letters, digits, '.', '_' and '-', not starting with '.', at most 100 bytes. Anything else —
// every '/', '\', '%' (so every percent-encoded trick), NUL, ".." — is refused (403) before
// any file system call. The file itself is read on the pool (pool::fs::read_file).
// Any thread (pure functions).
#pragma once

#include <string>
#include <string_view>

namespace osn::demo {

// True when `name` may be served from the static folder (see the rule above).
bool is_safe_static_name(std::string_view name);

// "text/html; charset=utf-8" for .html, and so on; application/octet-stream otherwise.
std::string_view content_type_for(std::string_view name);

// The demo's static folder: $STATIC_DIR if set, else examples/cluster-demo/static found from
// the executable (BUILD/bin/cluster-demo -> ../../examples/...), else relative to the current
// directory. Returned as an absolute path when it exists.
std::string find_static_folder(const char* argv0);

}  // namespace osn::demo
