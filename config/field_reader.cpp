#include "config/field_reader.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace uet::config {

namespace {

std::string got(const value& v) {
  if (v.is_null())
    return "null";
  return std::string(v.kind_name()) + " " + describe(v);
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

} // namespace

std::optional<std::string> closest_match(const std::string& word,
                                         const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_d = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    auto d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

field_reader::field_reader(const value& obj, std::string file, std::string path, problem_list& out)
    : file_(std::move(file)), path_(std::move(path)), out_(out) {
  if (obj.is_object())
    obj_ = &obj;
  else
    add(severity::error, path_.empty() ? "(top level)" : path_,
        "expected a mapping, got " + got(obj));
}

std::string field_reader::path_of(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

const value* field_reader::get(const std::string& key) const {
  return obj_ ? obj_->find(key) : nullptr;
}

void field_reader::add(severity s, const std::string& field, std::string message) {
  out_.push_back(problem{s, file_, field, std::move(message)});
}

void field_reader::error(const std::string& field, std::string message) {
  add(severity::error, field, std::move(message));
}

void field_reader::warning(const std::string& field, std::string message) {
  add(severity::warning, field, std::move(message));
}

std::optional<std::string> field_reader::string(const std::string& key, bool required) {
  const value* v = get(key);
  if (!v || (v->is_null() && !required)) {
    if (required && obj_)
      error(path_of(key), "required field is missing");
    return std::nullopt;
  }
  if (!v->is_string()) {
    error(path_of(key), "expected a string, got " + got(*v));
    return std::nullopt;
  }
  return v->text();
}

std::optional<std::int64_t> field_reader::integer(const std::string& key, std::int64_t min,
                                                  std::int64_t max, bool required) {
  const value* v = get(key);
  if (!v || (v->is_null() && !required)) {
    if (required && obj_)
      error(path_of(key), "required field is missing");
    return std::nullopt;
  }
  auto n = v->as_int64();
  if (!n) {
    error(path_of(key), "expected an integer, got " + got(*v));
    return std::nullopt;
  }
  if (*n < min || *n > max) {
    error(path_of(key), "out of range: " + v->text() + " (allowed " + std::to_string(min) + ".." +
                            std::to_string(max) + ")");
    return std::nullopt;
  }
  return n;
}

std::optional<double> field_reader::real(const std::string& key, double min, double max) {
  const value* v = get(key);
  if (!v || v->is_null())
    return std::nullopt;
  auto d = v->as_double();
  if (!d) {
    error(path_of(key), "expected a number, got " + got(*v));
    return std::nullopt;
  }
  if (!std::isfinite(*d) || *d < min || *d > max) {
    char buf[64];
    std::snprintf(buf, sizeof buf, " (allowed %g..%g)", min, max);
    error(path_of(key), "out of range: " + v->text() + buf);
    return std::nullopt;
  }
  return d;
}

std::optional<bool> field_reader::boolean(const std::string& key) {
  const value* v = get(key);
  if (!v || v->is_null())
    return std::nullopt;
  if (!v->is_bool()) {
    error(path_of(key), "expected true or false, got " + got(*v));
    return std::nullopt;
  }
  return v->as_bool();
}

std::optional<std::vector<std::string>> field_reader::string_list(const std::string& key,
                                                                  bool required) {
  const value* v = get(key);
  if (!v || (v->is_null() && !required)) {
    if (required && obj_)
      error(path_of(key), "required field is missing");
    return std::nullopt;
  }
  if (!v->is_array()) {
    error(path_of(key), "expected a list of strings, got " + got(*v));
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (std::size_t i = 0; i < v->items().size(); ++i) {
    const value& item = v->items()[i];
    if (!item.is_string()) {
      error(path_of(key) + "[" + std::to_string(i) + "]", "expected a string, got " + got(item));
      ok = false;
      continue;
    }
    out.push_back(item.text());
  }
  if (!ok)
    return std::nullopt;
  return out;
}

const value* field_reader::object(const std::string& key, bool required) {
  const value* v = get(key);
  if (!v || (v->is_null() && !required)) {
    if (required && obj_)
      error(path_of(key), "required field is missing");
    return nullptr;
  }
  if (!v->is_object()) {
    error(path_of(key), "expected a mapping, got " + got(*v));
    return nullptr;
  }
  return v;
}

void field_reader::reject_unknown(std::initializer_list<const char*> allowed) {
  if (!obj_)
    return;
  std::vector<std::string> names(allowed.begin(), allowed.end());
  for (const auto& k : obj_->keys()) {
    if (std::find(names.begin(), names.end(), k) != names.end())
      continue;
    std::string msg = "unknown field";
    if (auto near = closest_match(k, names))
      msg += " (did you mean '" + *near + "'?)";
    else
      msg += " (allowed here: " + [&] {
        std::string s;
        for (const auto& n : names)
          s += (s.empty() ? "" : ", ") + n;
        return s;
      }() + ")";
    error(path_of(k), msg);
  }
}

} // namespace uet::config
