#include "config/convert.h"

#include <algorithm>

#include "base/files.h"
#include "config/json_reader.h"
#include "config/legacy.h"
#include "config/yaml_reader.h"
#include "config/yaml_writer.h"

namespace uet::config {

namespace fs = std::filesystem;

namespace {

struct planned_output {
  std::string name;
  value original; // the legacy value this output must reproduce
  std::string pointer;
  std::string text;
};

void split_location(const std::string& msg, std::string& field, std::string& rest) {
  if (msg.rfind("line ", 0) == 0) {
    auto colon = msg.find(": ");
    field = msg.substr(0, colon);
    rest = msg.substr(colon + 2);
  } else {
    rest = msg;
  }
}

void check_round_trip(const fs::path& out_dir, const planned_output& p, converted_file& r) {
  auto back = load_yaml_file(out_dir / p.name);
  if (!back) {
    r.problems.push_back(
        problem{severity::error, r.input, p.pointer.empty() ? "/" : p.pointer,
                "round trip: " + p.name + " does not read back: " + back.message()});
    r.status = convert_status::check_failed;
    return;
  }
  value legacy = uet_to_legacy(*back);
  if (auto diff = first_difference(p.original, legacy, p.pointer)) {
    auto local = diff->substr(p.pointer.size());
    auto show = [&](const value& root) {
      const value* v = resolve_pointer(root, local);
      return v ? describe(*v) : std::string("(missing)");
    };
    r.problems.push_back(problem{severity::error, r.input, *diff,
                                 "round trip: " + p.name + " converts back to " + show(legacy) +
                                     " where the input has " + show(p.original)});
    r.status = convert_status::check_failed;
  }
}

converted_file convert_one(const fs::path& input, const fs::path& out_dir,
                           const convert_options& opts) {
  converted_file r;
  r.input = input.filename().string();
  auto fail_file = [&](std::string field, std::string msg) {
    r.problems.push_back(problem{severity::error, r.input, std::move(field), std::move(msg)});
    r.status = convert_status::failed;
    return r;
  };
  auto text = read_file(input, 16u << 20);
  if (!text)
    return fail_file("", text.message());
  auto parsed = parse_json(*text);
  if (!parsed) {
    std::string field, rest;
    split_location(parsed.message(), field, rest);
    return fail_file(field, "invalid JSON: " + rest);
  }

  std::vector<planned_output> plan;
  auto stem = input.stem().string();
  auto add = [&](const value& legacy, const std::string& pointer, const std::string& name) {
    auto doc = legacy_to_uet(legacy, r.input, pointer, r.problems);
    if (!doc)
      return;
    std::string header = "# Converted from legacy " + r.input +
                         (pointer.empty() ? "" : " (element " + pointer + ")") +
                         " by `uet-actors convert`;\n"
                         "# fields with no UET equivalent are kept under extensions.legacy.\n";
    plan.push_back(planned_output{name, legacy, pointer, header + to_yaml(*doc)});
  };
  if (parsed->is_array()) {
    if (parsed->items().empty())
      return fail_file("/", "empty array: no workstreams to convert");
    for (std::size_t i = 0; i < parsed->items().size(); ++i)
      add(parsed->items()[i], "/" + std::to_string(i), stem + "." + std::to_string(i) + ".yaml");
  } else {
    add(*parsed, "", stem + ".yaml");
  }
  if (count_errors(r.problems) > 0) {
    r.status = convert_status::failed;
    return r;
  }

  for (const auto& p : plan) {
    std::error_code ec;
    if (!opts.force && fs::exists(out_dir / p.name, ec))
      return fail_file("", "output " + p.name + " already exists; pass --force to overwrite");
  }
  for (const auto& p : plan) {
    if (auto st = write_file_atomic(out_dir / p.name, p.text); !st)
      return fail_file("", st.message());
    r.outputs.push_back(p.name);
  }
  if (opts.check) {
    r.checked = true;
    for (const auto& p : plan)
      check_round_trip(out_dir, p, r);
  }
  return r;
}

} // namespace

const char* to_string(convert_status s) {
  switch (s) {
  case convert_status::converted:
    return "converted";
  case convert_status::failed:
    return "failed";
  case convert_status::check_failed:
    return "check-failed";
  }
  return "?";
}

convert_report convert_legacy(const fs::path& in, const fs::path& out_dir,
                              const convert_options& opts) {
  convert_report rep;
  std::vector<fs::path> inputs;
  std::error_code ec;
  if (fs::is_directory(in, ec)) {
    for (const auto& entry : fs::directory_iterator(in, ec)) {
      if (entry.is_directory())
        rep.notes.push_back("skipped subdirectory " + entry.path().filename().string() +
                            "/ (convert it separately)");
      else if (entry.path().extension() == ".json")
        inputs.push_back(entry.path());
    }
    std::sort(inputs.begin(), inputs.end());
    std::sort(rep.notes.begin(), rep.notes.end());
  } else {
    inputs.push_back(in);
  }
  fs::create_directories(out_dir, ec);
  for (const auto& input : inputs) {
    auto r = convert_one(input, out_dir, opts);
    switch (r.status) {
    case convert_status::converted:
      ++rep.converted;
      break;
    case convert_status::failed:
      ++rep.failed;
      break;
    case convert_status::check_failed:
      ++rep.check_failed;
      break;
    }
    for (const auto& p : r.problems)
      if (p.level == severity::warning)
        ++rep.warnings;
    rep.files.push_back(std::move(r));
  }
  return rep;
}

} // namespace uet::config
