// `uet-actors node`: a worker node for a coordinator's runs, published over
// CAF's networking (node/node_server.h), until SIGINT or SIGTERM; and
// `uet-actors node gen-certs DIR`: a CA and certificates for mutual TLS.
#include <unistd.h>

#include <filesystem>
#include <future>
#include <iostream>

#include "base/exit_code.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "config/tools.h"
#include "config/yaml_reader.h"
#include "engine/subprocess.h"
#include "node/node_server.h"
#include "run/signals.h"

namespace uet::cli {

namespace fs = std::filesystem;

namespace {

/// One openssl command (argv, never a shell line); "" or why it failed.
std::string openssl(const std::vector<std::string>& args) {
  engine::process_request req;
  req.argv = {"openssl"};
  req.argv.insert(req.argv.end(), args.begin(), args.end());
  req.timeout = std::chrono::seconds(60);
  auto r = engine::run_process(req);
  if (r.ok())
    return "";
  return "openssl " + args.front() + ": " +
         (r.started ? "exit " + std::to_string(r.exit_code) + ": " + r.output : r.spawn_error);
}

int gen_certs(const fs::path& dir, const std::vector<std::string>& names) {
  std::error_code ec;
  if (fs::exists(dir / "ca.key", ec)) {
    std::cerr << "node gen-certs: " << (dir / "ca.key").string()
              << " exists; refusing to replace a CA (its certificates would stop working)\n";
    return to_int(exit_code::bad_input);
  }
  fs::create_directories(dir, ec);
  const auto days = "825";
  auto err = openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                      (dir / "ca.key").string(), "-subj", "/CN=uet-actors node CA", "-days", days,
                      "-out", (dir / "ca.pem").string()});
  for (const auto& name : names) {
    if (!err.empty())
      break;
    auto d = dir / name;
    fs::create_directories(d, ec);
    err = openssl({"req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout",
                   (d / "key.pem").string(), "-subj", "/CN=" + name, "-out",
                   (d / "req.csr").string()});
    if (err.empty())
      err = openssl({"x509", "-req", "-in", (d / "req.csr").string(), "-CA",
                     (dir / "ca.pem").string(), "-CAkey", (dir / "ca.key").string(),
                     "-CAcreateserial", "-days", days, "-out", (d / "cert.pem").string()});
    fs::remove(d / "req.csr", ec);
    fs::copy_file(dir / "ca.pem", d / "ca.pem", fs::copy_options::overwrite_existing, ec);
    fs::permissions(d / "key.pem", fs::perms::owner_read | fs::perms::owner_write, ec);
  }
  fs::permissions(dir / "ca.key", fs::perms::owner_read | fs::perms::owner_write, ec);
  if (!err.empty()) {
    std::cerr << "node gen-certs: " << err << '\n';
    return to_int(exit_code::internal);
  }
  std::cout << "CA: " << (dir / "ca.pem").string() << " (keep " << (dir / "ca.key").string()
            << " off the nodes)\n";
  for (const auto& name : names)
    std::cout << name << ": --tls-cert " << (dir / name / "cert.pem").string() << " --tls-key "
              << (dir / name / "key.pem").string() << " --tls-ca "
              << (dir / name / "ca.pem").string() << '\n';
  return 0;
}

/// The node's own tool registry (its tools.yaml).
expected<config::tool_registry> node_tools(const fs::path& file) {
  auto doc = config::load_yaml_file(file);
  if (!doc)
    return fail(error_kind::bad_input, "--tools " + file.string() + ": " + doc.message());
  config::problem_list problems;
  auto registry = config::parse_tools(*doc, file.string(), problems);
  if (config::count_errors(problems)) {
    print_problems(std::cerr, problems);
    return fail(error_kind::bad_input, "--tools " + file.string() + ": fix the problems above");
  }
  return registry;
}

} // namespace

int node_command(const node_args& a) {
  if (!a.certs_dir.empty())
    return gen_certs(a.certs_dir, a.cert_names);
  node::node_options o;
  if (auto ok = node::parse_listen(a.listen, o); !ok) {
    std::cerr << "node: " << ok.message() << '\n';
    return to_int(exit_code::bad_input);
  }
  o.slots = a.slots;
  o.tools_file = a.tools;
  o.work_dir = a.work_dir;
  o.node_id = a.id;
  o.tls = {a.tls_cert, a.tls_key, a.tls_ca};
  auto tools = node_tools(o.tools_file);
  if (!tools) {
    std::cerr << "node: " << tools.message() << '\n';
    return to_int(exit_code::bad_input);
  }
  run::block_stop_signals(); // before the actor system starts its threads
  auto server = node::node_server::start(o, *tools);
  if (!server) {
    std::cerr << "node: " << server.message() << '\n';
    return to_int(server.kind() == error_kind::bad_input ? exit_code::bad_input
                                                         : exit_code::internal);
  }
  std::string listed;
  for (const auto& [tool_id, spec] : tools->tools)
    listed += (listed.empty() ? "" : ", ") + tool_id;
  std::cout << "node " << (*server)->node_id() << " (pid " << ::getpid() << ") listening on "
            << o.host << ':' << (*server)->port() << " (" << o.slots << " slots; tools: " << listed
            << "; "
            << (o.tls.complete() ? "mutual TLS"
                                 : "loopback only, no TLS: every local user can reach it")
            << ")" << std::endl;
  std::promise<void> stop;
  {
    run::stop_on_signals on_signal([&stop, once = std::make_shared<std::once_flag>()] {
      std::call_once(*once, [&stop] { stop.set_value(); });
    });
    stop.get_future().wait();
  }
  auto id = (*server)->node_id();
  server->reset();
  std::cout << "node " << id << " stopped" << std::endl;
  return 0;
}

} // namespace uet::cli
