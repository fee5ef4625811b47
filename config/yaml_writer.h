// Writes a config::value as block-style YAML that parse_yaml reads back to an
// equal value: strings that would resolve to something else are quoted,
// numbers keep their lexeme, multi-line text becomes a literal block.
#pragma once

#include <string>

#include "config/value.h"

namespace uet::config {

std::string to_yaml(const value& v);

} // namespace uet::config
