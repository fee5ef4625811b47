// Generates a synthetic project of N workstreams for benchmarks:
//   uet-bench-gen DIR N [--layers L] [--deps D] [--seed S] [--tool-sleep-ms MS]
// Workstreams are spread over L layers; each depends on up to D random
// workstreams of earlier layers, so the DAG is acyclic with about L waves.
// The tool is `/bin/true`, so the same project serves validate/plan
// benchmarks and dry runs. The same DAG is also written as DIR/build.ninja
// and DIR/Makefile (every target runs `true`), the peers' equivalent input.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s DIR N [--layers L] [--deps D] [--seed S]\n", argv[0]);
    return 2;
  }
  fs::path dir = argv[1];
  long n = std::atol(argv[2]);
  long layers = 20, deps = 3, seed = 42;
  for (int i = 3; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    long v = std::atol(argv[i + 1]);
    if (a == "--layers")
      layers = v;
    else if (a == "--deps")
      deps = v;
    else if (a == "--seed")
      seed = v;
  }
  if (n <= 0 || layers <= 0) {
    std::fprintf(stderr, "N and L must be positive\n");
    return 2;
  }
  fs::create_directories(dir / "workstreams");
  std::ofstream(dir / "tools.yaml") << "tools:\n  noop:\n    adapter: subprocess\n"
                                       "    argv: [\"/bin/true\", \"{prompt}\"]\n"
                                       "    timeout_s: 60\n";
  std::ofstream(dir / "uet.yaml") << "project: synthetic\nmax_workers: 4\n";
  std::ofstream ninja(dir / "build.ninja");
  std::ofstream make(dir / "Makefile");
  ninja << "rule noop\n  command = true\n";
  make << ".PHONY: all\nall:";
  for (long i = 0; i < n; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, " ws-%06ld", i);
    make << id;
  }
  make << "\n";
  std::mt19937_64 rng(static_cast<unsigned long>(seed));
  std::vector<std::string> ids;
  long per_layer = (n + layers - 1) / layers;
  for (long i = 0; i < n; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "ws-%06ld", i);
    long layer = i / per_layer;
    std::string out = std::string("workstream_id: ") + id + "\ntitle: Synthetic workstream " + id +
                      "\nexecution_request:\n  tool_id: noop\n  prompt: |\n    Change module " +
                      std::to_string(i) + " and its tests.\n  files: [src/m" + std::to_string(i) +
                      ".py]\nconstraints:\n  file_scope:\n    allowed_paths: [\"src/m" +
                      std::to_string(i) + ".py\", \"tests/test_m" + std::to_string(i) +
                      ".py\"]\nacceptance_criteria:\n  commands: [\"true\"]\n";
    std::string peer_deps;
    if (layer > 0) {
      std::uniform_int_distribution<long> pick(0, layer * per_layer - 1);
      out += "dependencies: [";
      for (long d = 0; d < deps; ++d) {
        const auto& dep = ids[static_cast<std::size_t>(pick(rng))];
        out += (d ? ", " : "") + dep;
        peer_deps += " " + dep;
      }
      out += "]\n";
    }
    ninja << "build " << id << ": noop" << (peer_deps.empty() ? "" : " |" + peer_deps) << "\n";
    make << id << ":" << peer_deps << "\n\t@true\n";
    ids.push_back(id);
    std::ofstream(dir / "workstreams" / (std::string(id) + ".yaml")) << out;
  }
  std::printf("generated %ld workstreams in %s\n", n, dir.c_str());
  return 0;
}
