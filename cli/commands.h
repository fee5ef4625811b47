// One function per subcommand; each returns the process exit code (SPEC §2).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace uet::cli {

int validate_command(bool json);

struct convert_args {
  std::string in;
  std::string out;
  bool check = false;
  bool force = false;
  bool json = false;
};
int convert_command(const convert_args& args);

struct plan_args {
  std::string phase;
  bool json = false;
  bool dot = false;
  std::optional<int> workers;
};
int plan_command(const plan_args& args);

int init_command(const std::string& dir, bool force);

int health_command(bool json);

} // namespace uet::cli
