#include "config/legacy.h"

#include <unordered_set>

#include "config/rules.h"

namespace uet::config {

namespace {

const char* const mapped_keys[] = {
    "id", "tool", "files_scope", "tasks", "acceptance_tests", "depends_on", "circuit_breaker"};

bool is_mapped(const std::string& key) {
  for (const char* k : mapped_keys)
    if (key == k)
      return true;
  return false;
}

bool is_string_list(const value& v) {
  if (!v.is_array())
    return false;
  for (const auto& item : v.items())
    if (!item.is_string())
      return false;
  return true;
}

std::string join_lines(const value& list) {
  std::string out;
  for (std::size_t i = 0; i < list.items().size(); ++i) {
    if (i)
      out += '\n';
    out += list.items()[i].text();
  }
  return out;
}

// The inverse of join_lines; "" is the empty list.
value split_lines(const std::string& text) {
  value out = value::array();
  if (text.empty())
    return out;
  std::size_t start = 0;
  for (;;) {
    auto nl = text.find('\n', start);
    out.push_back(value::string(text.substr(start, nl == std::string::npos ? nl : nl - start)));
    if (nl == std::string::npos)
      return out;
    start = nl + 1;
  }
}

value& child(value& parent, const std::string& key) {
  if (!parent.find(key))
    parent.set(key, value::object());
  return *parent.find(key);
}

// max_attempts N maps to max_retries N-1 only when N is a plain integer that
// prints back identically and lies in 1..101 (max_retries allows 0..100).
std::optional<std::int64_t> mappable_attempts(const value& v) {
  auto n = v.as_int64();
  if (!n || std::to_string(*n) != v.text() || *n < 1 || *n > 101)
    return std::nullopt;
  return n;
}

} // namespace

std::optional<value> legacy_to_uet(const value& legacy, const std::string& file,
                                   const std::string& base, problem_list& out) {
  auto error = [&](const std::string& ptr, std::string msg) {
    out.push_back(problem{severity::error, file, base + ptr, std::move(msg)});
  };
  auto warning = [&](const std::string& ptr, std::string msg) {
    out.push_back(problem{severity::warning, file, base + ptr, std::move(msg)});
  };
  if (!legacy.is_object()) {
    error("", std::string("expected a workstream object, got ") + legacy.kind_name());
    return std::nullopt;
  }
  std::size_t errors_before = count_errors(out);

  const value* id = legacy.find("id");
  const value* tool = legacy.find("tool");
  const char* nested = legacy.find("steps") ? "steps" : legacy.find("phases") ? "phases" : nullptr;
  std::string split_hint =
      nested ? std::string(" (its '") + nested +
                   "' each name their own tool and tasks: a multi-step workstream has no single "
                   "UET equivalent; write one UET workstream per step, with dependencies)"
             : "";
  if (!id)
    error("/id", "required field 'id' is missing" + split_hint);
  else if (!id->is_string())
    error("/id", std::string("expected a string, got ") + id->kind_name());
  else if (!is_valid_id(id->text()))
    error("/id", "'" + id->text() +
                     "' is not a valid UET workstream_id ([a-z0-9][a-z0-9._-]*, at most 128)");
  if (!tool)
    error("/tool",
          "required field 'tool' is missing (UET needs execution_request.tool_id)" + split_hint);
  else if (!tool->is_string())
    error("/tool", std::string("expected a string, got ") + tool->kind_name());
  else if (!is_valid_id(tool->text()))
    error("/tool", "'" + tool->text() + "' is not a valid UET tool id ([a-z0-9][a-z0-9._-]*)");
  for (const char* key : {"files_scope", "tasks", "acceptance_tests", "depends_on"}) {
    const value* v = legacy.find(key);
    if (v && !is_string_list(*v))
      error(std::string("/") + key,
            std::string("expected a list of strings, got ") +
                (v->is_array() ? "a list with a non-string item" : v->kind_name()));
  }
  if (count_errors(out) > errors_before)
    return std::nullopt;

  value ext_legacy = value::object();
  for (std::size_t i = 0; i < legacy.keys().size(); ++i)
    if (!is_mapped(legacy.keys()[i]))
      ext_legacy.set(legacy.keys()[i], legacy.items()[i]);

  value doc = value::object();
  doc.set("workstream_id", *id);
  value& er = child(doc, "execution_request");
  er.set("tool_id", *tool);
  if (const value* tasks = legacy.find("tasks")) {
    er.set("prompt", value::string(join_lines(*tasks)));
    bool invertible = !first_difference(split_lines(join_lines(*tasks)), *tasks);
    if (!invertible) {
      ext_legacy.set("tasks", *tasks);
      warning("/tasks", "tasks cannot be recovered from the joined prompt (a task holds a "
                        "newline, or the only task is empty); the list is also kept under "
                        "extensions.legacy.tasks");
    }
  }
  if (const value* scope = legacy.find("files_scope")) {
    er.set("files", *scope);
    child(child(doc, "constraints"), "file_scope").set("allowed_paths", *scope);
  }
  if (const value* acc = legacy.find("acceptance_tests")) {
    child(doc, "acceptance_criteria").set("commands", *acc);
    for (std::size_t i = 0; i < acc->items().size(); ++i)
      if (looks_like_prose(acc->items()[i].text()))
        warning("/acceptance_tests/" + std::to_string(i), "reads like prose, not a command: '" +
                                                              acc->items()[i].text() +
                                                              "' (kept; 'validate' will flag it)");
  }
  if (const value* deps = legacy.find("depends_on")) {
    doc.set("dependencies", *deps);
    std::unordered_set<std::string> seen;
    for (std::size_t i = 0; i < deps->items().size(); ++i)
      if (!seen.insert(deps->items()[i].text()).second)
        warning("/depends_on/" + std::to_string(i),
                "'" + deps->items()[i].text() + "' is listed more than once (kept as written)");
  }
  if (const value* cb = legacy.find("circuit_breaker")) {
    const value* attempts = cb->is_object() ? cb->find("max_attempts") : nullptr;
    auto n = attempts ? mappable_attempts(*attempts) : std::nullopt;
    if (n) {
      child(doc, "resilience_policy").set("max_retries", value::number(*n - 1));
      value rest = *cb;
      rest.erase("max_attempts");
      if (rest.size() > 0)
        ext_legacy.set("circuit_breaker", std::move(rest));
    } else {
      ext_legacy.set("circuit_breaker", *cb);
      if (attempts)
        warning("/circuit_breaker/max_attempts",
                describe(*attempts) +
                    " is not an integer in 1..101; circuit_breaker kept only under "
                    "extensions.legacy");
    }
  }
  if (ext_legacy.size() > 0)
    child(doc, "extensions").set("legacy", std::move(ext_legacy));
  return doc;
}

value uet_to_legacy(const value& uet) {
  value out = value::object();
  const value* ext = uet.find("extensions");
  const value* ext_legacy = ext && ext->is_object() ? ext->find("legacy") : nullptr;
  if (ext_legacy && ext_legacy->is_object())
    out = *ext_legacy;
  auto put = [&](const char* key, const value* v) {
    if (v && !out.find(key))
      out.set(key, *v);
  };
  auto at = [](const value* v, const char* key) -> const value* {
    return v && v->is_object() ? v->find(key) : nullptr;
  };
  const value* er = uet.find("execution_request");
  put("id", uet.find("workstream_id"));
  put("tool", at(er, "tool_id"));
  put("files_scope", at(at(at(&uet, "constraints"), "file_scope"), "allowed_paths"));
  if (const value* prompt = at(er, "prompt"); prompt && prompt->is_string()) {
    value tasks = split_lines(prompt->text());
    put("tasks", &tasks);
  }
  put("acceptance_tests", at(at(&uet, "acceptance_criteria"), "commands"));
  put("depends_on", uet.find("dependencies"));
  if (const value* retries = at(at(&uet, "resilience_policy"), "max_retries")) {
    value cb = value::object();
    if (const value* rest = out.find("circuit_breaker"); rest && rest->is_object())
      cb = *rest;
    if (auto n = retries->as_int64())
      cb.set("max_attempts", value::number(*n + 1));
    out.set("circuit_breaker", std::move(cb));
  }
  return out;
}

} // namespace uet::config
