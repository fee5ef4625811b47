// `uet-actors convert`: a directory (or one file) of legacy JSON workstreams
// to UET YAML files, with an optional proof of zero loss (--check: each
// written file is read back, converted back, and compared with its input).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "config/problem.h"

namespace uet::config {

struct convert_options {
  bool check = false; ///< read each output back and compare with the input
  bool force = false; ///< overwrite existing output files
};

enum class convert_status { converted, failed, check_failed };

struct converted_file {
  std::string input;                ///< as shown to the user
  std::vector<std::string> outputs; ///< file names written in the output directory
  convert_status status = convert_status::converted;
  bool checked = false;
  problem_list problems; ///< errors and warnings for this file
};

struct convert_report {
  std::vector<converted_file> files;
  std::vector<std::string> notes; ///< e.g. skipped subdirectories
  std::size_t converted = 0, failed = 0, check_failed = 0, warnings = 0;
};

/// Converts in (a directory's *.json files, not recursing, or one .json file)
/// into out_dir. Never overwrites without force; a file whose conversion
/// fails writes nothing.
convert_report convert_legacy(const std::filesystem::path& in, const std::filesystem::path& out_dir,
                              const convert_options& opts);

const char* to_string(convert_status s);

} // namespace uet::config
