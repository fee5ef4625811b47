// libFuzzer target for the spec loader: the first byte picks what the rest
// is read as (a workstream YAML, uet.yaml, tools.yaml, a legacy JSON
// workstream), and the rest goes through the same parse and checks
// `validate` and `run` use. Besides crashes, sanitizer reports and hangs,
// it checks one property: a legacy workstream that converts converts back
// to exactly the JSON it came from (convert is lossless).
//   scripts/fuzz.sh [SECONDS]
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/json_reader.h"
#include "config/legacy.h"
#include "config/project.h"
#include "config/tools.h"
#include "config/value.h"
#include "config/workstream.h"
#include "config/yaml_reader.h"

using namespace uet::config;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0)
    return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  problem_list out;
  switch (data[0] % 4) {
  case 0:
    if (auto doc = parse_yaml(text))
      (void)parse_workstream(*doc, "fuzz.yaml", out);
    break;
  case 1:
    if (auto doc = parse_yaml(text)) {
      auto cfg = default_project("/nonexistent");
      apply_project_file(cfg, *doc, "uet.yaml", out);
    }
    break;
  case 2:
    if (auto doc = parse_yaml(text))
      (void)parse_tools(*doc, "tools.yaml", out);
    break;
  case 3:
    if (auto doc = parse_json(text); doc && doc->is_object())
      if (auto uet = legacy_to_uet(*doc, "fuzz.json", "", out))
        if (first_difference(uet_to_legacy(*uet), *doc))
          __builtin_trap(); // conversion lost something
    break;
  }
  return 0;
}
