// Peer for the validate benchmark: parses every DIR/workstreams/*.yaml with
// yaml-cpp on one thread and does nothing else (no checks, no DAG). It is the
// floor a single-threaded validator built on yaml-cpp cannot go below.
#include <cstdio>
#include <filesystem>
#include <yaml-cpp/yaml.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  std::size_t files = 0, nodes = 0;
  for (const auto& e :
       std::filesystem::directory_iterator(std::filesystem::path(argv[1]) / "workstreams")) {
    auto doc = YAML::LoadFile(e.path().string());
    nodes += doc.size();
    ++files;
  }
  std::printf("parsed %zu files (%zu top-level keys)\n", files, nodes);
  return 0;
}
