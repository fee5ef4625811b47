#include "config/patch_limits.h"

#include <cctype>

#include "config/field_reader.h"

namespace uet::config {

std::optional<std::int64_t> parse_size(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
    ++i;
  if (i == 0 || i > 15)
    return std::nullopt;
  auto n = std::stoll(text.substr(0, i));
  while (i < text.size() && text[i] == ' ')
    ++i;
  auto unit = text.substr(i);
  const std::pair<const char*, std::int64_t> units[] = {{"", 1},
                                                        {"B", 1},
                                                        {"bytes", 1},
                                                        {"KiB", 1LL << 10},
                                                        {"MiB", 1LL << 20},
                                                        {"GiB", 1LL << 30},
                                                        {"KB", 1000},
                                                        {"kB", 1000},
                                                        {"MB", 1000000},
                                                        {"GB", 1000000000}};
  for (const auto& [name, factor] : units)
    if (unit == name)
      return n > (std::int64_t(1) << 50) / factor ? std::nullopt // past any disk, and overflow
                                                  : std::optional<std::int64_t>(n * factor);
  return std::nullopt;
}

namespace {

std::optional<std::int64_t> size_field(field_reader& r, const std::string& key) {
  const value* v = r.get(key);
  if (!v)
    return std::nullopt;
  std::optional<std::int64_t> n;
  if (v->is_number())
    n = r.integer(key, 1, std::int64_t(1) << 50);
  else if (v->is_string() && (n = parse_size(v->text())) && *n < 1)
    n.reset();
  if (!n && !v->is_number())
    r.error(r.path_of(key),
            "expected a size such as 20971520 or \"20 MiB\" (units: KiB, MiB, "
            "GiB, KB, MB, GB), got " +
                (v->is_string() ? "'" + v->text() + "'" : std::string(v->kind_name())));
  return n;
}

} // namespace

patch_limits_override parse_patch_limits(const value& v, const std::string& file,
                                         const std::string& path, problem_list& out) {
  patch_limits_override o;
  field_reader r(v, file, path, out);
  if (!r.is_object())
    return o;
  r.reject_unknown({"max_bytes", "max_files", "max_file_bytes"});
  o.max_bytes = size_field(r, "max_bytes");
  o.max_file_bytes = size_field(r, "max_file_bytes");
  if (auto n = r.integer("max_files", 1, 100'000'000))
    o.max_files = *n;
  return o;
}

patch_limits apply_override(patch_limits base, const patch_limits_override& o) {
  if (o.max_bytes)
    base.max_bytes = *o.max_bytes;
  if (o.max_files)
    base.max_files = *o.max_files;
  if (o.max_file_bytes)
    base.max_file_bytes = *o.max_file_bytes;
  return base;
}

} // namespace uet::config
