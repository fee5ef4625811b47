#include "config/workstream.h"

#include "config/field_reader.h"
#include "config/rules.h"

namespace uet::config {

namespace {

void check_paths(field_reader& r, const std::string& key, const std::vector<std::string>& paths) {
  for (std::size_t i = 0; i < paths.size(); ++i)
    if (auto why = relative_path_problem(paths[i]))
      r.error(r.path_of(key) + "[" + std::to_string(i) + "]", "'" + paths[i] + "': " + *why);
}

void check_commands(field_reader& r, const std::string& key, const std::vector<std::string>& cmds) {
  for (std::size_t i = 0; i < cmds.size(); ++i) {
    auto field = r.path_of(key) + "[" + std::to_string(i) + "]";
    if (cmds[i].find_first_not_of(" \t\n") == std::string::npos)
      r.error(field, "empty command");
    else if (looks_like_prose(cmds[i]))
      r.warning(field, "reads like prose, not a shell command: '" + cmds[i] +
                           "' (it will be run by /bin/sh and fail)");
  }
}

void parse_execution_request(const value& v, const std::string& file, workstream_spec& ws,
                             problem_list& out) {
  field_reader r(v, file, "execution_request", out);
  r.reject_unknown({"tool_id", "prompt", "files"});
  if (auto s = r.string("tool_id", true)) {
    if (!is_valid_id(*s))
      r.error(r.path_of("tool_id"), "'" + *s + "' is not a valid tool id ([a-z0-9][a-z0-9._-]*)");
    ws.tool_id = *s;
  }
  if (auto s = r.string("prompt", true)) {
    if (s->find_first_not_of(" \t\n") == std::string::npos)
      r.warning(r.path_of("prompt"), "prompt is empty; the tool gets no instructions");
    ws.prompt = *s;
  }
  if (auto l = r.string_list("files")) {
    check_paths(r, "files", *l);
    ws.files = *l;
  }
}

void parse_constraints(const value& v, const std::string& file, workstream_spec& ws,
                       problem_list& out, bool& has_scope) {
  field_reader r(v, file, "constraints", out);
  r.reject_unknown({"file_scope", "timeout_s", "patch_limits", "allow_submodules"});
  if (auto t = r.integer("timeout_s", 1, 86400))
    ws.timeout_s = static_cast<int>(*t);
  if (const value* pl = r.get("patch_limits"))
    ws.patch_limits = parse_patch_limits(*pl, file, r.path_of("patch_limits"), out);
  if (auto b = r.boolean("allow_submodules"))
    ws.allow_submodules = *b;
  if (const value* fs = r.object("file_scope")) {
    field_reader s(*fs, file, "constraints.file_scope", out);
    s.reject_unknown({"allowed_paths"});
    if (auto l = s.string_list("allowed_paths", true)) {
      check_paths(s, "allowed_paths", *l);
      ws.allowed_paths = *l;
      has_scope = true;
    }
  }
}

void parse_acceptance(const value& v, const std::string& file, workstream_spec& ws,
                      problem_list& out) {
  field_reader r(v, file, "acceptance_criteria", out);
  r.reject_unknown({"static", "commands"});
  if (auto l = r.string_list("static")) {
    check_commands(r, "static", *l);
    ws.static_checks = *l;
  }
  if (auto l = r.string_list("commands")) {
    check_commands(r, "commands", *l);
    ws.commands = *l;
  }
}

} // namespace

resilience_spec parse_resilience(const value& v, const std::string& file, const std::string& path,
                                 problem_list& out) {
  resilience_spec rs;
  field_reader r(v, file, path, out);
  r.reject_unknown({"max_retries", "backoff", "max_error_repeats", "oscillation_threshold"});
  if (auto n = r.integer("max_retries", 0, 100))
    rs.max_retries = static_cast<int>(*n);
  if (auto n = r.integer("max_error_repeats", 1, 100))
    rs.max_error_repeats = static_cast<int>(*n);
  if (auto d = r.real("oscillation_threshold", 1.0, 100.0))
    rs.oscillation_threshold = *d;
  if (const value* b = r.object("backoff")) {
    field_reader br(*b, file, r.path_of("backoff"), out);
    br.reject_unknown({"initial_ms", "multiplier", "max_ms", "jitter"});
    backoff_spec bs;
    if (auto n = br.integer("initial_ms", 0, 3'600'000))
      bs.initial_ms = static_cast<int>(*n);
    if (auto d = br.real("multiplier", 1.0, 100.0))
      bs.multiplier = *d;
    if (auto n = br.integer("max_ms", 0, 3'600'000))
      bs.max_ms = static_cast<int>(*n);
    if (auto d = br.real("jitter", 0.0, 1.0))
      bs.jitter = *d;
    if (bs.max_ms < bs.initial_ms)
      br.error(br.path_of("max_ms"), "max_ms (" + std::to_string(bs.max_ms) +
                                         ") is below initial_ms (" + std::to_string(bs.initial_ms) +
                                         ")");
    rs.backoff = bs;
  }
  return rs;
}

namespace {

/// A converted legacy workstream keeps circuit_breaker.max_error_repeats
/// and oscillation_threshold under extensions.legacy (convert keeps the
/// JSON as it was); they count where resilience_policy does not say.
/// Values the legacy pipeline accepted but these do not are left unused.
void legacy_breaker(workstream_spec& ws) {
  const value* legacy = ws.extensions.find("legacy");
  const value* cb = legacy ? legacy->find("circuit_breaker") : nullptr;
  if (!cb)
    return;
  problem_list ignored;
  field_reader r(*cb, ws.file, "extensions.legacy.circuit_breaker", ignored);
  if (!r.is_object())
    return;
  auto& rs = ws.resilience;
  if (!rs.max_error_repeats)
    if (auto n = r.integer("max_error_repeats", 1, 100))
      rs.max_error_repeats = static_cast<int>(*n);
  if (!rs.oscillation_threshold)
    if (auto d = r.real("oscillation_threshold", 1.0, 100.0))
      rs.oscillation_threshold = *d;
}

} // namespace

std::optional<workstream_spec> parse_workstream(const value& doc, const std::string& file,
                                                problem_list& out) {
  field_reader r(doc, file, "", out);
  if (!r.is_object())
    return std::nullopt;
  r.reject_unknown({"workstream_id", "title", "phase", "priority", "execution_request",
                    "constraints", "acceptance_criteria", "dependencies", "resilience_policy",
                    "verify", "extensions"});
  workstream_spec ws;
  ws.file = file;
  auto id = r.string("workstream_id", true);
  bool id_ok = id && is_valid_id(*id);
  if (id && !id_ok)
    r.error("workstream_id", "'" + *id +
                                 "' is not a valid id (lowercase letters, digits, '.', '_', '-'; "
                                 "starting with a letter or digit; at most 128 characters)");
  if (id)
    ws.id = *id;
  if (auto s = r.string("title"))
    ws.title = *s;
  if (auto s = r.string("phase"))
    ws.phase = *s;
  if (auto n = r.integer("priority", -1000, 1000))
    ws.priority = static_cast<int>(*n);
  if (const value* er = r.object("execution_request", true))
    parse_execution_request(*er, file, ws, out);
  bool has_scope = false;
  if (const value* c = r.object("constraints"))
    parse_constraints(*c, file, ws, out, has_scope);
  if (!has_scope)
    r.warning("constraints.file_scope.allowed_paths",
              "no allowed_paths: any change this workstream makes will be quarantined");
  if (const value* a = r.object("acceptance_criteria"))
    parse_acceptance(*a, file, ws, out);
  if (auto deps = r.string_list("dependencies"))
    ws.dependencies = *deps;
  if (const value* rp = r.object("resilience_policy"))
    ws.resilience = parse_resilience(*rp, file, "resilience_policy", out);
  if (auto v = r.string("verify")) {
    if (auto m = parse_verify_mode(*v))
      ws.verify = *m;
    else
      r.error("verify", "'" + *v + "' is not a verification mode (use identity or always)");
  }
  if (const value* ext = r.object("extensions"))
    ws.extensions = *ext;
  legacy_breaker(ws);
  if (!id_ok)
    return std::nullopt;
  return ws;
}

} // namespace uet::config
