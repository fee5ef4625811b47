#include "node/node_server.h"

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>
#include <caf/openssl/publish.hpp>
#include <caf/openssl/remote_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/node_actor.h"
#include "messages/interfaces.h"
#include "node/node_work.h"

namespace uet::node {

namespace {

constexpr const char* node_version = "uet-actors 0.1 (CAF 0.17.6, BASP)";

/// The middleman, caf::openssl with the TLS files when there are any, the
/// heartbeat and timeout, and the project's message types.
std::unique_ptr<caf::actor_system_config> make_config(const tls_files& tls,
                                                      std::chrono::milliseconds heartbeat,
                                                      std::chrono::milliseconds timeout) {
  auto cfg = std::make_unique<caf::actor_system_config>();
  cfg->add_message_types<caf::id_block::uet_actors>();
  cfg->set("scheduler.policy", caf::atom("sharing"));
  enable_networking(*cfg, tls, heartbeat, timeout);
  return cfg;
}

/// HOST/PID: known before the port is (port 0 is chosen at publish), and
/// unique among the nodes of one machine.
std::string default_node_id() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0)
    std::strcpy(host, "node");
  return std::string(host) + "/" + std::to_string(::getpid());
}

} // namespace

void enable_networking(caf::actor_system_config& cfg, const tls_files& tls,
                       std::chrono::milliseconds heartbeat, std::chrono::milliseconds timeout) {
  cfg.load<caf::io::middleman>();
  cfg.set("middleman.heartbeat-interval", caf::timespan{heartbeat});
  cfg.set("middleman.connection-timeout", caf::timespan{timeout});
  if (tls.complete()) {
    cfg.load<caf::openssl::manager>();
    // With a CA file set, caf::openssl asks every peer for a certificate
    // and verifies it against that CA (SSL_VERIFY_PEER |
    // SSL_VERIFY_FAIL_IF_NO_PEER_CERT); without one it would be anonymous.
    cfg.openssl_certificate = tls.cert.string();
    cfg.openssl_key = tls.key.string();
    cfg.openssl_cafile = tls.ca.string();
  }
}

struct node_runtime {
  node_runtime(const tls_files& tls, std::chrono::milliseconds heartbeat,
               std::chrono::milliseconds timeout)
      : cfg(make_config(tls, heartbeat, timeout)), sys(*cfg) {}
  std::unique_ptr<caf::actor_system_config> cfg;
  caf::actor_system sys;
  msg::node_actor node;
};

node_server::node_server() = default;
node_client::node_client() = default;

expected<std::unique_ptr<node_server>> node_server::start(const node_options& o,
                                                          config::tool_registry registry) {
  if (auto ok = check_node_options(o); !ok)
    return ok.error();
  std::vector<std::string> tools;
  for (const auto& [tool_id, spec] : registry.tools)
    tools.push_back(tool_id);
  const auto node_id = o.node_id.empty() ? default_node_id() : o.node_id;
  auto work = open_node_work(engine::environment::real(), o.work_dir, std::move(registry), node_id);
  if (!work)
    return work.error();
  std::unique_ptr<node_server> s(new node_server);
  s->rt_ = std::make_unique<node_runtime>(o.tls, o.heartbeat, o.connection_timeout);
  auto& sys = s->rt_->sys;
  std::sort(tools.begin(), tools.end());
  auto id = std::make_shared<actors::node_identity>();
  id->slots = o.slots;
  id->tools = std::move(tools);
  id->version = node_version;
  id->mutual_tls = o.tls.complete();
  id->node_id = node_id;
  id->work = *work;
  auto node = sys.spawn(actors::node_behavior, std::shared_ptr<const actors::node_identity>(id));
  auto port = o.tls.complete() ? caf::openssl::publish(node, o.port, o.host.c_str(), true)
                               : sys.middleman().publish(node, o.port, o.host.c_str(), true);
  if (!port)
    return fail(error_kind::io, "listening on " + o.host + ":" + std::to_string(o.port) + ": " +
                                    sys.render(port.error()));
  s->port_ = *port;
  s->node_id_ = id->node_id;
  s->rt_->node = node;
  return s;
}

node_server::~node_server() {
  if (rt_) {
    caf::anon_send_exit(rt_->node, caf::exit_reason::user_shutdown);
    rt_->node = nullptr;
  }
}

namespace {

expected<msg::node_actor> connect_node(caf::actor_system& sys, const std::string& host,
                                       std::uint16_t port, const tls_files& tls) {
  auto node = tls.complete() ? caf::openssl::remote_actor<msg::node_actor>(sys, host, port)
                             : sys.middleman().remote_actor<msg::node_actor>(host, port);
  if (!node)
    return fail(error_kind::io, "connecting to node " + host + ":" + std::to_string(port) + ": " +
                                    sys.render(node.error()));
  return std::move(*node);
}

template <class Reply, class... Ts>
expected<Reply> ask(caf::actor_system& sys, const msg::node_actor& node, Ts&&... xs) {
  caf::scoped_actor self{sys};
  std::optional<expected<Reply>> out;
  self->request(node, std::chrono::seconds(30), std::forward<Ts>(xs)...)
      .receive([&](Reply& r) { out.emplace(std::move(r)); },
               [&](caf::error& e) { out.emplace(fail(error_kind::io, "node: " + sys.render(e))); });
  return std::move(*out);
}

} // namespace

expected<std::unique_ptr<node_client>>
node_client::connect(const std::string& host, std::uint16_t port, const tls_files& tls) {
  std::unique_ptr<node_client> c(new node_client);
  const node_options defaults;
  c->rt_ = std::make_unique<node_runtime>(tls, defaults.heartbeat, defaults.connection_timeout);
  auto node = connect_node(c->rt_->sys, host, port, tls);
  if (!node)
    return node.error();
  c->rt_->node = *node;
  return c;
}

node_client::~node_client() = default;

expected<reached_node> reach_node(caf::actor_system& sys, const std::string& host,
                                  std::uint16_t port, const tls_files& tls) {
  auto node = connect_node(sys, host, port, tls);
  if (!node)
    return node.error();
  auto hello = ask<msg::node_hello>(sys, *node, msg::hello_atom_v);
  if (!hello)
    return hello.error().context("node " + host + ":" + std::to_string(port) + ": ");
  return reached_node{*node, std::move(*hello)};
}

expected<msg::node_hello> node_client::hello() {
  return ask<msg::node_hello>(rt_->sys, rt_->node, msg::hello_atom_v);
}

expected<msg::edit_result> node_client::edit(const msg::node_edit_request& r) {
  return ask<msg::edit_result>(rt_->sys, rt_->node, r);
}

} // namespace uet::node
