#include "node/node_policy.h"

#include <algorithm>

#include "base/text.h"

namespace uet::node {

namespace fs = std::filesystem;

expected<void> parse_listen(const std::string& text, node_options& into) {
  auto bad = [&](const std::string& why) {
    return fail(error_kind::bad_input, "--listen '" + text + "': " + why + " (HOST:PORT)");
  };
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return bad("no host and port");
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const std::string port = text.substr(colon + 1);
  if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), ::isdigit) ||
      std::stoul(port) > 65535)
    return bad("the port must be a number from 0 to 65535");
  into.host = host;
  into.port = static_cast<std::uint16_t>(std::stoul(port));
  return {};
}

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

expected<void> check_node_options(const node_options& o) {
  auto bad = [](const std::string& why) { return fail(error_kind::bad_input, why); };
  if (o.slots < 1)
    return bad("--slots must be at least 1");
  if (o.tls.any() && !o.tls.complete())
    return bad("mutual TLS needs all three of --tls-cert, --tls-key and --tls-ca");
  if (!is_loopback(o.host) && !o.tls.complete())
    return bad("refusing to listen on " + o.host +
               " without mutual TLS: CAF's protocol authenticates nobody, so anyone who can "
               "reach the port could run this node's tools. Give --tls-cert, --tls-key and "
               "--tls-ca ('uet-actors node gen-certs DIR' makes them), or listen on 127.0.0.1");
  for (const auto& [flag, path] :
       {std::pair{"--tls-cert", o.tls.cert}, std::pair{"--tls-key", o.tls.key},
        std::pair{"--tls-ca", o.tls.ca}}) {
    std::error_code ec;
    if (!path.empty() && !fs::is_regular_file(path, ec))
      return bad(std::string(flag) + " " + path.string() + ": no such file");
  }
  return {};
}

std::string tools_listed(const std::vector<std::string>& tools) {
  return tools.empty() ? "none" : joined(tools);
}

namespace {
constexpr const char* lacks_phrase = " lacks commit ";
} // namespace

std::string lacks_commit(const std::string& node_id, const std::string& commit) {
  return "node " + node_id + lacks_phrase + commit + ": send it as a bundle";
}

bool is_lacks_commit(const std::string& error) {
  return error.find(lacks_phrase) != std::string::npos;
}

std::string refusal(const std::string& node_id, const std::vector<std::string>& tools,
                    const msg::node_edit_request& r) {
  if (std::find(tools.begin(), tools.end(), r.tool_id) != tools.end())
    return "";
  return "node " + node_id + " has no tool '" + r.tool_id +
         "' (its tools.yaml lists: " + tools_listed(tools) +
         "); a node runs only the tools it lists itself";
}

} // namespace uet::node
