// One actor-system configuration for tests that start CAF: the uet message
// types registered, as the command line registers them.
#pragma once

#include <caf/actor_system_config.hpp>

#include "messages/type_ids.h"

namespace uet::test {

inline caf::actor_system_config& caf_config() {
  static caf::actor_system_config cfg = [] {
    caf::actor_system_config c;
    c.add_message_types<caf::id_block::uet_actors>();
    return c;
  }();
  return cfg;
}

} // namespace uet::test
