// pool/pool_switch.cc — parse_pool_switch: "0", "1", or a refusal that says what they mean.
#include "pool/pool_switch.h"

namespace osn::pool {

PoolSwitch parse_pool_switch(const char* variable, const char* text, bool default_on,
                             const char* off_means, const char* on_means) {
  if (text == nullptr) return {default_on, {}};
  std::string value = text;
  if (value == "0") return {false, {}};
  if (value == "1") return {true, {}};
  return {default_on, std::string(variable) + "=\"" + value + "\" is refused: it must be 0 (" +
                          off_means + (default_on ? "" : "; the default") + ") or 1 (" +
                          on_means + (default_on ? "; the default" : "") + ")"};
}

}  // namespace osn::pool
