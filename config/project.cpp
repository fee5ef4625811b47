#include "config/project.h"

#include <cstdlib>

#include "config/field_reader.h"
#include "config/patch_limits.h"
#include "config/rules.h"
#include "config/tools.h"

namespace uet::config {

namespace fs = std::filesystem;

namespace {

const char* const env_names[] = {"PIPELINE_DB_PATH", "PIPELINE_MAX_WORKERS",
                                 "PIPELINE_DRY_RUN", "UET_PATCH_LEDGER_DIR",
                                 "UET_DEBUG",        "PIPELINE_ENGINE"};

fs::path under(const fs::path& root, const std::string& p) {
  fs::path path(p);
  return (path.is_absolute() ? path : root / path).lexically_normal();
}

std::optional<bool> parse_flag(const std::string& v) {
  if (v == "1" || v == "true" || v == "yes" || v == "on")
    return true;
  if (v.empty() || v == "0" || v == "false" || v == "no" || v == "off")
    return false;
  return std::nullopt;
}

bool valid_node(const std::string& s) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == s.size())
    return false;
  auto port = s.substr(colon + 1);
  if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5)
    return false;
  int n = std::atoi(port.c_str());
  return n > 0 && n < 65536;
}

} // namespace

env_map read_environment() {
  env_map env;
  for (const char* name : env_names)
    if (const char* v = std::getenv(name))
      env[name] = v;
  return env;
}

bool is_valid_branch_name(const std::string& s) {
  if (s.empty() || s.front() == '/' || s.back() == '/' || s.front() == '-' || s.back() == '.')
    return false;
  if (s.find("..") != std::string::npos || s.find("//") != std::string::npos ||
      s.find("@{") != std::string::npos || s == "@")
    return false;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7F || c == ' ' || c == '~' || c == '^' || c == ':' || c == '?' ||
        c == '*' || c == '[' || c == '\\')
      return false;
  std::size_t start = 0;
  for (;;) {
    auto slash = s.find('/', start);
    auto part = s.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (part.empty() || part.front() == '.' ||
        (part.size() >= 5 && part.compare(part.size() - 5, 5, ".lock") == 0))
      return false;
    if (slash == std::string::npos)
      break;
    start = slash + 1;
  }
  return true;
}

project_config default_project(const fs::path& root) {
  project_config c;
  c.root = root;
  c.project = root.filename().string();
  c.repo = root;
  c.workstreams_dir = root / "workstreams";
  c.tools_file = root / "tools.yaml";
  c.state_db = root / ".uet" / "state.db";
  c.ledger_dir = root / ".uet" / "ledger";
  return c;
}

void apply_project_file(project_config& cfg, const value& doc, const std::string& file,
                        problem_list& out) {
  field_reader r(doc, file, "", out);
  if (!r.is_object())
    return;
  r.reject_unknown({"project", "repo", "base_ref", "integration_branch", "workstreams", "tools",
                    "state_db", "ledger_dir", "max_workers", "phases", "nodes", "verify",
                    "patch_limits", "sandbox", "require_acceptance", "base_policy", "node_tls",
                    "early_start"});
  if (auto s = r.string("project"))
    cfg.project = *s;
  auto path_field = [&](const char* key, fs::path& target) {
    if (auto s = r.string(key)) {
      if (s->empty())
        r.error(key, "empty path");
      else
        target = under(cfg.root, *s);
    }
  };
  path_field("repo", cfg.repo);
  path_field("workstreams", cfg.workstreams_dir);
  path_field("tools", cfg.tools_file);
  path_field("state_db", cfg.state_db);
  path_field("ledger_dir", cfg.ledger_dir);
  if (auto s = r.string("base_ref")) {
    if (s->empty() || s->front() == '-' || s->find_first_of(" \t\n") != std::string::npos)
      r.error("base_ref", "'" + *s + "' is not a valid git revision");
    else
      cfg.base_ref = *s;
  }
  if (auto s = r.string("integration_branch")) {
    if (!is_valid_branch_name(*s))
      r.error("integration_branch", "'" + *s + "' is not a valid git branch name");
    else
      cfg.integration_branch = *s;
  }
  if (auto n = r.integer("max_workers", 1, 256))
    cfg.max_workers = static_cast<int>(*n);
  if (auto v = r.string("base_policy")) {
    if (*v == "follow" || *v == "pin")
      cfg.follow_base = *v == "follow";
    else
      r.error("base_policy", "'" + *v + "' is not a base policy (use follow or pin)");
  }
  if (auto v = r.string("verify")) {
    if (auto m = parse_verify_mode(*v))
      cfg.verify = *m;
    else
      r.error("verify", "'" + *v + "' is not a verification mode (use identity or always)");
  }
  if (auto b = r.boolean("require_acceptance"))
    cfg.require_acceptance = *b;
  if (auto b = r.boolean("early_start"))
    cfg.early_start = *b;
  if (const value* sb = r.get("sandbox")) {
    std::optional<sandbox_mode> mode;
    parse_sandbox(*sb, file, "sandbox", mode, cfg.sandbox.write, out);
    cfg.sandbox.mode = mode.value_or(cfg.sandbox.mode);
  }
  if (const value* pl = r.get("patch_limits"))
    cfg.patch_limits =
        apply_override(cfg.patch_limits, parse_patch_limits(*pl, file, "patch_limits", out));
  if (const value* phases = r.object("phases")) {
    field_reader pr(*phases, file, "phases", out);
    for (const auto& name : phases->keys()) {
      if (name == "phase-all") {
        pr.error("phases.phase-all", "'phase-all' is reserved: it always means every workstream");
        continue;
      }
      if (!is_valid_id(name)) {
        pr.error("phases." + name, "'" + name + "' is not a valid phase name");
        continue;
      }
      if (auto ids = pr.string_list(name))
        cfg.phases[name] = *ids;
    }
  }
  if (auto nodes = r.string_list("nodes")) {
    for (std::size_t i = 0; i < nodes->size(); ++i)
      if (!valid_node((*nodes)[i]))
        r.error("nodes[" + std::to_string(i) + "]",
                "'" + (*nodes)[i] + "' is not host:port with a port in 1..65535");
    cfg.nodes = *nodes;
  }
  if (const value* tls = r.object("node_tls")) {
    field_reader tr(*tls, file, "node_tls", out);
    tr.reject_unknown({"cert", "key", "ca"});
    for (auto [key, target] : {std::pair<const char*, fs::path*>{"cert", &cfg.node_tls_cert},
                               {"key", &cfg.node_tls_key},
                               {"ca", &cfg.node_tls_ca}})
      if (auto s = tr.string(key, true); s && !s->empty())
        *target = under(cfg.root, *s);
  }
}

void apply_environment(project_config& cfg, const env_map& env, problem_list& out) {
  auto bad = [&](const std::string& name, const std::string& msg) {
    out.push_back(problem{severity::error, "environment", name, msg});
  };
  auto get = [&](const char* name) -> const std::string* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : &it->second;
  };
  if (auto v = get("PIPELINE_DB_PATH"); v && !v->empty())
    cfg.state_db = under(cfg.root, *v);
  if (auto v = get("UET_PATCH_LEDGER_DIR"); v && !v->empty())
    cfg.ledger_dir = under(cfg.root, *v);
  if (auto v = get("PIPELINE_MAX_WORKERS"); v && !v->empty()) {
    auto n = value::number(*v).as_int64();
    if (!n || *n < 1 || *n > 256)
      bad("PIPELINE_MAX_WORKERS", "'" + *v + "' is not an integer in 1..256");
    else
      cfg.max_workers = static_cast<int>(*n);
  }
  if (auto v = get("PIPELINE_DRY_RUN")) {
    if (auto f = parse_flag(*v))
      cfg.dry_run = *f;
    else
      bad("PIPELINE_DRY_RUN", "'" + *v + "' is not a flag (use 1 or 0)");
  }
  if (auto v = get("UET_DEBUG")) {
    if (auto f = parse_flag(*v))
      cfg.debug = *f;
    else
      bad("UET_DEBUG", "'" + *v + "' is not a flag (use 1 or 0)");
  }
  if (auto v = get("PIPELINE_ENGINE"); v && !v->empty()) {
    if (auto e = parse_engine_kind(*v))
      cfg.engine = *e;
    else
      bad("PIPELINE_ENGINE", "'" + *v + "' is not an engine (use uet or legacy)");
  }
}

} // namespace uet::config
