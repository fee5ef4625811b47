// The program's contact with the machine, behind one interface (LevelDB's
// Env): starting processes (tools, acceptance commands, git), whole-file
// reads and writes, exclusive locks, and the clocks. The ledger, the
// worktrees and the adapters take an environment& instead of calling the
// system themselves, so a wrapper (environment_wrapper, LevelDB's
// EnvWrapper) can count calls, fail chosen ones (the fault injector of
// `--inject` is one), or fake what a test does not test.
//
// Thread-safe: one environment serves every thread of a run.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

#include "base/expected.h"
#include "base/file_lock.h"
#include "engine/subprocess.h"

namespace uet::engine {

class environment {
public:
  virtual ~environment() = default;

  /// Runs a process to its end (engine/subprocess.h). Blocking.
  virtual process_result run_process(const process_request& req) = 0;

  /// Reads a whole file; fails (naming the path) past max_bytes.
  virtual expected<std::string> read_file(const std::filesystem::path& path,
                                          std::size_t max_bytes) = 0;
  /// Writes through a temporary file and rename(2).
  virtual status write_file_atomic(const std::filesystem::path& path,
                                   const std::string& content) = 0;

  /// An exclusive lock held while the returned object lives; fails at once
  /// (kind busy) when another holder has it.
  virtual expected<std::shared_ptr<file_lock>> lock_file(const std::filesystem::path& path,
                                                         const std::string& holder) = 0;

  virtual std::chrono::system_clock::time_point wall_now() = 0;
  virtual std::chrono::steady_clock::time_point steady_now() = 0;

  /// Some git work has an in-process way too (libgit2: a checkout, a join
  /// that needs no merge). An environment that must see every git call (a
  /// fault injector answering them) says so, and gets the process.
  virtual bool sees_every_git_call() { return false; }

  /// The machine itself.
  static environment& real();
};

/// Forwards every call to a target: derive and override what to change.
class environment_wrapper : public environment {
public:
  explicit environment_wrapper(environment& target) : target_(target) {}

  process_result run_process(const process_request& req) override {
    return target_.run_process(req);
  }
  expected<std::string> read_file(const std::filesystem::path& path,
                                  std::size_t max_bytes) override {
    return target_.read_file(path, max_bytes);
  }
  status write_file_atomic(const std::filesystem::path& path, const std::string& content) override {
    return target_.write_file_atomic(path, content);
  }
  expected<std::shared_ptr<file_lock>> lock_file(const std::filesystem::path& path,
                                                 const std::string& holder) override {
    return target_.lock_file(path, holder);
  }
  std::chrono::system_clock::time_point wall_now() override { return target_.wall_now(); }
  std::chrono::steady_clock::time_point steady_now() override { return target_.steady_now(); }
  bool sees_every_git_call() override { return target_.sees_every_git_call(); }

private:
  environment& target_;
};

} // namespace uet::engine
