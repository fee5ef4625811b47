// The TSan canary (scripts/sanitize.sh thread): with caf_handoffs preloaded, a
// real race (a std::thread writes what an actor reads, nothing orders them)
// must still be reported, and a write published to the actor by a message
// must not. Exactly one report, naming `racy`, or the annotations are wrong.
#include <atomic>
#include <caf/all.hpp>
#include <thread>
struct S {
  int racy = 0;
  int published = 0;
};
int main() {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto s = std::make_shared<S>();
  std::atomic<bool> stop{false};
  S* raw = s.get();
  auto a = sys.spawn([raw](caf::event_based_actor*) -> caf::behavior {
    return {[raw](int i) { return i == 0 ? raw->racy /*line 13*/ : raw->published /*line 13*/; }};
  });
  caf::scoped_actor self{sys};
  std::thread writer([raw, &stop] { // never synchronised with the actor
    while (!stop.load(std::memory_order_relaxed))
      raw->racy++;
  });
  for (int i = 0; i < 200; ++i)
    self->request(a, caf::infinite, 0).receive([](int) {}, [](caf::error&) {});
  stop.store(true, std::memory_order_relaxed);
  writer.join();
  std::thread publisher([raw, a] {
    raw->published = 42;
    caf::anon_send(a, 1);
  });
  publisher.join();
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}
