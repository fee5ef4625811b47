#include "engine/environment.h"

#include "base/files.h"

namespace uet::engine {

namespace {

class real_environment final : public environment {
public:
  process_result run_process(const process_request& req) override {
    return engine::run_process(req);
  }
  expected<std::string> read_file(const std::filesystem::path& path,
                                  std::size_t max_bytes) override {
    return uet::read_file(path, max_bytes);
  }
  status write_file_atomic(const std::filesystem::path& path, const std::string& content) override {
    return uet::write_file_atomic(path, content);
  }
  expected<std::shared_ptr<file_lock>> lock_file(const std::filesystem::path& path,
                                                 const std::string& holder) override {
    return file_lock::acquire(path, holder);
  }
  std::chrono::system_clock::time_point wall_now() override {
    return std::chrono::system_clock::now();
  }
  std::chrono::steady_clock::time_point steady_now() override {
    return std::chrono::steady_clock::now();
  }
};

} // namespace

environment& environment::real() {
  static real_environment env;
  return env;
}

} // namespace uet::engine
