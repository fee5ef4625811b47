#include <iostream>

#include "base/exit_code.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "run/project.h"

namespace uet::cli {

int validate_command(bool json_out) {
  auto root = std::filesystem::current_path();
  auto p = run::load_checked_project(root);
  const auto& b = p.bundle;
  if (json_out) {
    print_json(json{{"ok", p.errors == 0},
                    {"project", b.config.project},
                    {"workstreams", b.workstreams.size()},
                    {"workstream_files", b.workstream_files},
                    {"tools", b.tools.tools.size()},
                    {"dependencies", p.graph.edge_count()},
                    {"errors", p.errors},
                    {"warnings", p.warnings},
                    {"problems", problems_json(b.problems)}});
  } else {
    print_problems(std::cout, b.problems);
    if (p.errors == 0)
      std::cout << "ok: " << b.workstreams.size() << " workstreams, " << b.tools.tools.size()
                << " tools, " << p.graph.edge_count() << " dependencies"
                << (p.warnings ? " (" + plural(p.warnings, "warning") + ")" : "") << '\n';
    else
      std::cout << "invalid: " << count_words(p.errors, p.warnings) << " in " << b.workstream_files
                << " workstream files\n";
  }
  return to_int(p.errors ? exit_code::bad_input : exit_code::ok);
}

} // namespace uet::cli
