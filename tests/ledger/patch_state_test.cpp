#include <catch2/catch.hpp>
#include <set>
#include <utility>

#include "ledger/patch_state.h"

using namespace uet::ledger;
using ps = patch_state;

namespace {

const ps all_states[] = {ps::created,  ps::validated, ps::queued,     ps::applied,
                         ps::verified, ps::committed, ps::quarantined};

} // namespace

TEST_CASE("patch_state: the whole 7x7 transition table") {
  // Every legal edge, written out; every other pair is illegal.
  const std::set<std::pair<ps, ps>> legal{
      // the forward path
      {ps::created, ps::validated},
      {ps::validated, ps::queued},
      {ps::queued, ps::applied},
      {ps::applied, ps::verified},
      {ps::verified, ps::committed},
      // any non-terminal state may be quarantined
      {ps::created, ps::quarantined},
      {ps::validated, ps::quarantined},
      {ps::queued, ps::quarantined},
      {ps::applied, ps::quarantined},
      {ps::verified, ps::quarantined},
      // recovery after a restart that reset the integration tree
      {ps::applied, ps::queued},
      {ps::verified, ps::queued},
  };
  int checked = 0, allowed = 0;
  for (auto from : all_states) {
    for (auto to : all_states) {
      INFO(to_string(from) << " -> " << to_string(to));
      bool expect = legal.count({from, to}) > 0;
      CHECK(can_transition(from, to) == expect);
      ++checked;
      allowed += expect ? 1 : 0;
    }
  }
  CHECK(checked == 49);
  CHECK(allowed == 12);
}

TEST_CASE("patch_state: no self-transitions, nothing out of a terminal state") {
  for (auto s : all_states) {
    INFO(to_string(s));
    CHECK_FALSE(can_transition(s, s));
  }
  for (auto to : all_states) {
    INFO(to_string(to));
    CHECK_FALSE(can_transition(ps::committed, to));
    CHECK_FALSE(can_transition(ps::quarantined, to));
  }
}

TEST_CASE("patch_state: no skipping ahead, no going back except the recovery edge") {
  CHECK_FALSE(can_transition(ps::created, ps::queued));
  CHECK_FALSE(can_transition(ps::created, ps::committed));
  CHECK_FALSE(can_transition(ps::queued, ps::verified));
  CHECK_FALSE(can_transition(ps::queued, ps::committed));
  CHECK_FALSE(can_transition(ps::applied, ps::committed)); // never commit unverified
  CHECK_FALSE(can_transition(ps::validated, ps::created));
  CHECK_FALSE(can_transition(ps::queued, ps::validated));
  CHECK_FALSE(can_transition(ps::verified, ps::applied));
  CHECK_FALSE(can_transition(ps::applied, ps::validated));
}

TEST_CASE("patch_state: terminal states") {
  for (auto s : all_states) {
    INFO(to_string(s));
    CHECK(is_terminal(s) == (s == ps::committed || s == ps::quarantined));
  }
}

TEST_CASE("patch_state: to_string and parse_patch_state round-trip") {
  const char* names[] = {"created",  "validated", "queued",     "applied",
                         "verified", "committed", "quarantined"};
  std::set<std::string> seen;
  for (std::size_t i = 0; i < 7; ++i) {
    auto s = all_states[i];
    CHECK(std::string(to_string(s)) == names[i]);
    auto back = parse_patch_state(to_string(s));
    REQUIRE(back.has_value());
    CHECK(*back == s);
    seen.insert(to_string(s));
  }
  CHECK(seen.size() == 7);
  CHECK_FALSE(parse_patch_state("").has_value());
  CHECK_FALSE(parse_patch_state("Committed").has_value());
  CHECK_FALSE(parse_patch_state("committed ").has_value());
  CHECK_FALSE(parse_patch_state("pending").has_value());
}
