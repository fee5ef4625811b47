// Legacy JSON workstream -> UET document, and back (SPEC §1 "Legacy JSON").
//
// The mapping: id -> workstream_id; tool -> execution_request.tool_id;
// files_scope -> constraints.file_scope.allowed_paths and execution_request.files;
// tasks -> execution_request.prompt (joined by newlines); acceptance_tests ->
// acceptance_criteria.commands; depends_on -> dependencies; circuit_breaker
// .max_attempts N -> resilience_policy.max_retries N-1. Every other field, and
// the rest of circuit_breaker, goes to extensions.legacy verbatim.
//
// Zero loss: uet_to_legacy(legacy_to_uet(x)) == x for every x that converts.
// Where a mapping cannot be inverted (a task holding a newline, [""]), the
// original value is also kept under extensions.legacy, which wins on the way back.
#pragma once

#include <optional>
#include <string>

#include "config/problem.h"
#include "config/value.h"

namespace uet::config {

/// Converts one legacy workstream object. Errors and warnings go to out, with
/// JSON pointers as the field; nullopt if any error.
std::optional<value> legacy_to_uet(const value& legacy, const std::string& file,
                                   const std::string& pointer_base, problem_list& out);

/// Rebuilds the legacy JSON value from a UET document made by legacy_to_uet.
value uet_to_legacy(const value& uet);

} // namespace uet::config
