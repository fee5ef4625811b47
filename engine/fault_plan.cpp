#include "engine/fault_plan.h"

#include <algorithm>
#include <array>
#include <cstdlib>

namespace uet::engine {

namespace {

struct site_kinds {
  fault_site site;
  const char* name;
  std::vector<fault_kind> kinds;
};

const std::array<site_kinds, 6>& sites() {
  static const std::array<site_kinds, 6> all{{
      {fault_site::adapter,
       "adapter",
       {fault_kind::crash, fault_kind::hang, fault_kind::exit, fault_kind::garbage,
        fault_kind::slow}},
      {fault_site::persistence,
       "persistence",
       {fault_kind::busy, fault_kind::ioerr, fault_kind::full}},
      {fault_site::patch, "patch", {fault_kind::corrupt, fault_kind::conflict}},
      {fault_site::actor, "actor", {fault_kind::crash}},
      {fault_site::git, "git", {fault_kind::fail}},
      {fault_site::check, "check", {fault_kind::crash}},
  }};
  return all;
}

constexpr std::array<const char*, 11> kind_names{"crash",   "hang",     "exit",  "garbage",
                                                 "slow",    "busy",     "ioerr", "full",
                                                 "corrupt", "conflict", "fail"};

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

std::string kinds_of(const site_kinds& sk) {
  std::string out;
  for (auto k : sk.kinds)
    out += (out.empty() ? "" : ", ") + std::string(to_string(k));
  return out;
}

std::optional<std::uint64_t> parse_count(std::string_view v) {
  if (v.empty() || v.find_first_not_of("0123456789") != std::string_view::npos || v.size() > 18)
    return std::nullopt;
  return std::stoull(std::string(v));
}

/// One `key=value` option of a rule; "" when it is fine, else the problem.
std::string apply_option(fault_rule& r, std::string_view opt) {
  auto eq = opt.find('=');
  if (eq == std::string_view::npos)
    return "'" + std::string(opt) + "' is not key=value (p=, after=, times=, tool=, ws=)";
  auto key = opt.substr(0, eq);
  auto value = std::string(opt.substr(eq + 1));
  if (key == "p") {
    char* end = nullptr;
    double p = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0' || !(p >= 0.0 && p <= 1.0))
      return "p=" + value + " is not a probability between 0 and 1";
    r.p = p;
  } else if (key == "after" || key == "times") {
    auto n = parse_count(value);
    if (!n)
      return std::string(key) + "=" + value + " is not a whole number";
    (key == "after" ? r.after : r.times.emplace()) = *n;
  } else if (key == "tool" || key == "ws") {
    if (value.empty())
      return std::string(key) + "= needs a value";
    (key == "tool" ? r.tool : r.ws) = value;
  } else {
    return "unknown option '" + std::string(key) + "' (p=, after=, times=, tool=, ws=)";
  }
  return "";
}

expected<fault_rule> parse_rule(std::string_view text) {
  auto parts = split(text, ':');
  auto bad = [&](const std::string& why) {
    return fail(error_kind::bad_input, "--inject: rule '" + std::string(text) + "': " + why);
  };
  if (parts.size() < 2)
    return bad("expected site:kind (e.g. adapter:crash:p=0.2)");
  auto site = parse_fault_site(parts[0]);
  if (!site)
    return bad("unknown site '" + std::string(parts[0]) +
               "' (adapter, persistence, patch, actor, git, check)");
  const auto& sk = sites()[static_cast<std::size_t>(*site)];
  auto kind = parse_fault_kind(parts[1]);
  if (!kind || std::find(sk.kinds.begin(), sk.kinds.end(), *kind) == sk.kinds.end())
    return bad("site " + std::string(sk.name) + " has no kind '" + std::string(parts[1]) + "' (" +
               kinds_of(sk) + ")");
  fault_rule r;
  r.site = *site;
  r.kind = *kind;
  r.text = std::string(text);
  for (std::size_t i = 2; i < parts.size(); ++i)
    if (auto why = apply_option(r, parts[i]); !why.empty())
      return bad(why);
  return r;
}

std::uint64_t fnv1a(std::uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h ^ 0xff; // a separator, so ("ab","c") differs from ("a","bc")
}

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

bool matches(const fault_rule& r, const fault_call& c) {
  return r.site == c.site && (!r.tool || *r.tool == c.tool) && (!r.ws || *r.ws == c.workstream) &&
         (c.kinds.empty() || std::find(c.kinds.begin(), c.kinds.end(), r.kind) != c.kinds.end());
}

} // namespace

const char* to_string(fault_site s) {
  return sites()[static_cast<std::size_t>(s)].name;
}

const char* to_string(fault_kind k) {
  return kind_names[static_cast<std::size_t>(k)];
}

std::optional<fault_site> parse_fault_site(std::string_view s) {
  for (const auto& sk : sites())
    if (s == sk.name)
      return sk.site;
  return std::nullopt;
}

std::optional<fault_kind> parse_fault_kind(std::string_view s) {
  for (std::size_t i = 0; i < kind_names.size(); ++i)
    if (s == kind_names[i])
      return static_cast<fault_kind>(i);
  return std::nullopt;
}

expected<fault_plan> parse_fault_spec(std::string_view spec, std::uint64_t seed) {
  fault_plan plan;
  plan.seed = seed;
  if (trim(spec) == "none")
    return plan;
  for (auto part : split(spec, ';')) {
    part = trim(part);
    if (part.empty())
      continue;
    auto rule = parse_rule(part);
    if (!rule)
      return rule.error();
    plan.spec += (plan.spec.empty() ? "" : ";") + rule->text;
    plan.rules.push_back(std::move(*rule));
  }
  return plan;
}

double fault_draw(std::uint64_t seed, const fault_rule& rule, const fault_call& call) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  h = fnv1a(h, to_string(rule.site));
  h = fnv1a(h, to_string(rule.kind));
  h = fnv1a(h, call.workstream);
  h = fnv1a(h, std::to_string(call.attempt));
  h = fnv1a(h, std::to_string(call.ordinal));
  auto x = splitmix64(seed ^ splitmix64(h));
  return static_cast<double>(x >> 11) * 0x1.0p-53;
}

std::string damage_diff(std::string diff) {
  static const std::string junk = "~uet-actors: injected fault patch:corrupt\n";
  auto hunk = diff.compare(0, 3, "@@ ") == 0 ? 0 : diff.find("\n@@ ");
  if (hunk == std::string::npos)
    return junk + diff;
  auto eol = diff.find('\n', hunk == 0 ? 0 : hunk + 1);
  if (eol == std::string::npos)
    return diff + "\n" + junk;
  return diff.insert(eol + 1, junk);
}

fault_injector::fault_injector(fault_plan plan)
    : plan_(std::move(plan)), matched_(plan_.rules.size(), 0), fired_(plan_.rules.size(), 0) {}

void fault_injector::set_sink(std::function<void(const fault_notice&)> sink) {
  std::lock_guard<std::mutex> lock(mu_);
  sink_ = std::move(sink);
}

bool fault_injector::targets(fault_site s) const {
  for (const auto& r : plan_.rules)
    if (r.site == s)
      return true;
  return false;
}

std::optional<fault_kind> fault_injector::peek(fault_call call) {
  std::lock_guard<std::mutex> lock(mu_);
  if (call.workstream.empty() && call.ordinal == 0)
    call.ordinal = ++calls_[call.site];
  for (std::size_t i = 0; i < plan_.rules.size(); ++i) {
    const auto& r = plan_.rules[i];
    if (!matches(r, call))
      continue;
    if (matched_[i]++ < r.after || (r.times && fired_[i] >= *r.times))
      continue;
    if (fault_draw(plan_.seed, r, call) < r.p) {
      ++fired_[i];
      return r.kind;
    }
  }
  return std::nullopt;
}

void fault_injector::notify(const fault_notice& n) {
  std::function<void(const fault_notice&)> sink;
  {
    std::lock_guard<std::mutex> lock(mu_);
    sink = sink_;
    if (!n.workstream.empty()) {
      auto& names = by_attempt_[{n.workstream, n.attempt}];
      names +=
          (names.empty() ? "" : ", ") + std::string(to_string(n.site)) + ":" + to_string(n.kind);
    }
  }
  if (sink)
    sink(n);
}

std::string fault_injector::injected_into(const std::string& workstream, int attempt) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_attempt_.find({workstream, attempt});
  return it == by_attempt_.end() ? std::string() : it->second;
}

std::optional<fault_kind> fault_injector::decide(fault_call call, const std::string& detail) {
  auto k = peek(call);
  if (k)
    notify({call.site, *k, call.workstream, call.attempt, detail});
  return k;
}

} // namespace uet::engine
