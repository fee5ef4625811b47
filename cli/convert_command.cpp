#include <iostream>

#include "base/exit_code.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "config/convert.h"

namespace uet::cli {

namespace fs = std::filesystem;

int convert_command(const convert_args& a) {
  std::error_code ec;
  if (!fs::exists(a.in, ec)) {
    std::cerr << a.in << ": no such file or directory\n";
    return to_int(exit_code::bad_input);
  }
  if (fs::exists(a.out, ec) && !fs::is_directory(a.out, ec)) {
    std::cerr << a.out << ": exists and is not a directory\n";
    return to_int(exit_code::bad_input);
  }
  fs::create_directories(a.out, ec);
  if (ec) {
    std::cerr << a.out << ": cannot create directory: " << ec.message() << '\n';
    return to_int(exit_code::bad_input);
  }
  auto rep = config::convert_legacy(a.in, a.out, {a.check, a.force});
  int code = to_int(rep.check_failed ? exit_code::internal
                    : rep.failed     ? exit_code::bad_input
                                     : exit_code::ok);
  if (a.json) {
    json files = json::array();
    for (const auto& f : rep.files)
      files.push_back(json{{"input", f.input},
                           {"status", config::to_string(f.status)},
                           {"outputs", f.outputs},
                           {"round_trip_checked", f.checked},
                           {"problems", problems_json(f.problems)}});
    print_json(json{{"input", a.in},
                    {"output_dir", a.out},
                    {"check", a.check},
                    {"files_total", rep.files.size()},
                    {"converted", rep.converted},
                    {"failed", rep.failed},
                    {"check_failed", rep.check_failed},
                    {"warnings", rep.warnings},
                    {"notes", rep.notes},
                    {"files", files}});
    return code;
  }
  for (const auto& f : rep.files) {
    std::cout << config::to_string(f.status) << "  " << f.input;
    if (!f.outputs.empty()) {
      std::cout << " -> ";
      for (std::size_t i = 0; i < f.outputs.size(); ++i)
        std::cout << (i ? ", " : "") << f.outputs[i];
    }
    if (f.checked && f.status == config::convert_status::converted)
      std::cout << " (round trip ok)";
    std::cout << '\n';
    for (const auto& p : f.problems)
      std::cout << "  " << config::format(p) << '\n';
  }
  for (const auto& n : rep.notes)
    std::cout << "note: " << n << '\n';
  std::cout << plural(rep.files.size(), "file") << ": " << rep.converted << " converted, "
            << rep.failed << " failed";
  if (a.check)
    std::cout << ", " << rep.check_failed << " failed the round-trip check";
  std::cout << ", " << plural(rep.warnings, "warning") << '\n';
  return code;
}

} // namespace uet::cli
