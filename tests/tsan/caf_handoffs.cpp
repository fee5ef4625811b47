// TSan annotations for CAF 0.17.6's hand-offs (scripts/sanitize.sh thread
// preloads this library). Debian's libcaf_core is not built with TSan, so the
// atomics that order a message's sender before its receiver, an actor's one
// worker thread before the next, and the last reference drop before a
// destructor are invisible to TSan: every message field our handlers read
// would be a reported race. This library wraps the exported CAF functions at
// those points and tells TSan about each edge (__tsan_release on the sending
// side, __tsan_acquire on the receiving one):
//   sending:    scheduled_actor/blocking_actor/actor_companion::enqueue release
//               the message and the actor; coordinator::enqueue,
//               worker::exec_later and scheduled_actor::launch the job;
//   receiving:  behavior_impl::invoke, scheduled_actor::categorize/consume/
//               reactivate, type_erased_tuple::matches, blocking_actor::
//               await_data and a message's destruction acquire them;
//   scheduling: scheduled_actor::resume acquires on entry, releases on exit;
//   teardown:   intrusive_ptr_release(_weak) on an actor control block
//               releases and acquires (CAF's acq_rel fetch_sub).
// It knows this build's ABI (mangled names; scheduled_actor's resumable base
// at offset 160): on another CAF the hooks fail to resolve and trap at once.
// tests/tsan/canary.cpp checks that a real race still gets through it.
#include <caf/mailbox_element.hpp>
#include <cstddef>
#include <cxxabi.h>
#include <dlfcn.h>
extern "C" void __tsan_acquire(void*) __attribute__((weak));
extern "C" void __tsan_release(void*) __attribute__((weak));
static inline void rel(void* p) {
  if (__tsan_release && p)
    __tsan_release(p);
}
static inline void acq(void* p) {
  if (__tsan_acquire && p)
    __tsan_acquire(p);
}
static void* next(const char* n) {
  void* f = dlsym(RTLD_NEXT, n);
  if (!f)
    __builtin_trap();
  return f;
}
static const long kResumableOff = 160; // from _ZThn160_N3caf15scheduled_actor6resume...
#define HOOK(ret, name, params, args, pre)                                                         \
  extern "C" ret name params {                                                                     \
    using fn_t = ret(*) params;                                                                    \
    static fn_t real = (fn_t)next(#name);                                                          \
    pre;                                                                                           \
    return real args;                                                                              \
  }
// const content(): the non-const overload may unshare (copy) a caf::message
static const void* key(const caf::mailbox_element* e) {
  return &e->content();
}
static void rel_elem(caf::mailbox_element** up) {
  if (up && *up)
    rel((void*)key(*up));
}
HOOK(
    void,
    _ZN3caf15scheduled_actor7enqueueESt10unique_ptrINS_15mailbox_elementENS_6detail8disposerEEPNS_14execution_unitE,
    (char* self, caf::mailbox_element** up, void* eu), (self, up, eu), rel_elem(up);
    rel(self + kResumableOff))
HOOK(
    void,
    _ZN3caf14blocking_actor7enqueueESt10unique_ptrINS_15mailbox_elementENS_6detail8disposerEEPNS_14execution_unitE,
    (char* self, caf::mailbox_element** up, void* eu), (self, up, eu), rel_elem(up);
    rel(self))
HOOK(
    void,
    _ZN3caf15actor_companion7enqueueESt10unique_ptrINS_15mailbox_elementENS_6detail8disposerEEPNS_14execution_unitE,
    (char* self, caf::mailbox_element** up, void* eu), (self, up, eu), rel_elem(up))
HOOK(void, _ZN3caf9scheduler11coordinatorINS_6policy13work_stealingEE7enqueueEPNS_9resumableE,
     (void* self, void* job), (self, job), rel(job))
HOOK(void, _ZN3caf9scheduler11coordinatorINS_6policy12work_sharingEE7enqueueEPNS_9resumableE,
     (void* self, void* job), (self, job), rel(job))
HOOK(
    int, _ZThn160_N3caf15scheduled_actor6resumeEPNS_14execution_unitEm,
    (char* self, void* eu, unsigned long n), (self, eu, n), acq(self);
    struct R {
      char* p;
      ~R() {
        rel(p);
      }
    } r{self})
HOOK(
    int, _ZN3caf15scheduled_actor6resumeEPNS_14execution_unitEm,
    (char* self, void* eu, unsigned long n), (self, eu, n), acq(self + kResumableOff);
    struct R {
      char* p;
      ~R() {
        rel(p);
      }
    } r{self + kResumableOff})
// spawn: the actor built on this thread is published to the scheduler
HOOK(void, _ZN3caf15scheduled_actor6launchEPNS_14execution_unitEbb,
     (char* self, void* eu, bool lazy, bool hide), (self, eu, lazy, hide),
     rel(self + kResumableOff))
HOOK(void, _ZN3caf9scheduler6workerINS_6policy13work_stealingEE10exec_laterEPNS_9resumableE,
     (void* self, void* job), (self, job), rel(job))
HOOK(void, _ZN3caf9scheduler6workerINS_6policy12work_sharingEE10exec_laterEPNS_9resumableE,
     (void* self, void* job), (self, job), rel(job))
// actor-control-block refcounts: an acq_rel fetch_sub inside libcaf_core
HOOK(void, _ZN3caf21intrusive_ptr_releaseEPNS_19actor_control_blockE, (void* x), (x), rel(x);
     acq(x))
HOOK(void, _ZN3caf26intrusive_ptr_release_weakEPNS_19actor_control_blockE, (void* x), (x), rel(x);
     acq(x))
HOOK(long,
     _ZN3caf6detail13behavior_impl6invokeERNS0_21invoke_result_visitorERNS_17type_erased_tupleE,
     (void* self, void* vis, void* xs), (self, vis, xs), acq(xs))
// receiver paths that read a message before/without behavior_impl::invoke
// (system messages such as exit_msg/down_msg are handled in categorize)
HOOK(int, _ZN3caf15scheduled_actor10categorizeERNS_15mailbox_elementE,
     (void* self, caf::mailbox_element* x), (self, x), acq((void*)key(x)))
HOOK(int, _ZN3caf15scheduled_actor10reactivateERNS_15mailbox_elementE,
     (void* self, caf::mailbox_element* x), (self, x), acq((void*)key(x)))
HOOK(int, _ZN3caf15scheduled_actor7consumeERNS_15mailbox_elementE,
     (void* self, caf::mailbox_element* x), (self, x), acq((void*)key(x)))
// blocking actors (scoped_actor): receive_impl checks x.content() with
// type_erased_tuple::matches before any behavior runs
HOOK(bool, _ZNK3caf17type_erased_tuple7matchesEmtPKSt9type_info,
     (void* self, unsigned long pos, unsigned short nr, const void* ti), (self, pos, nr, ti),
     acq(self))
HOOK(
    void, _ZN3caf14blocking_actor10await_dataEv, (char* self), (self), struct A {
      char* p;
      ~A() {
        acq(p);
      }
    } a{self})
HOOK(
    bool,
    _ZN3caf14blocking_actor10await_dataENSt6chrono10time_pointINS1_3_V212system_clockENS1_8durationIlSt5ratioILl1ELl1000000000EEEEEE,
    (char* self, long tp), (self, tp), struct A {
      char* p;
      ~A() {
        acq(p);
      }
    } a{self})

// elements dropped unprocessed (mailbox closed on termination) and messages
// destroyed by the last holder: acquire what their sender released
static void acq_msg(const caf::message* m) {
  if (m && m->cvals())
    acq((void*)static_cast<const caf::type_erased_tuple*>(m->cvals().get()));
}
HOOK(void, _ZN3caf7messageD1Ev, (caf::message * m), (m), acq_msg(m))
HOOK(void, _ZN3caf7messageD2Ev, (caf::message * m), (m), acq_msg(m))
extern "C" void* __dynamic_cast(const void*, const void*, const void*, std::ptrdiff_t);
static const caf::mailbox_element* as_element(const void* mm) {
  static const void* src = dlsym(RTLD_DEFAULT, "_ZTIN3caf14memory_managedE");
  static const void* dst = dlsym(RTLD_DEFAULT, "_ZTIN3caf15mailbox_elementE");
  if (!src || !dst || !mm)
    return nullptr;
  return static_cast<const caf::mailbox_element*>(__dynamic_cast(mm, src, dst, -1));
}
HOOK(void, _ZNK3caf14memory_managed16request_deletionEb, (const void* self, bool b), (self, b),
     if (auto e = as_element(self)) acq((void*)key(e)))
