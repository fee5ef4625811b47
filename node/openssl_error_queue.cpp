// A workaround for CAF 0.17.6's caf::openssl (libcaf_openssl as Debian
// ships it), linked into the uet-actors binary only.
//
// CAF's TLS session classifies a failed SSL_read/SSL_write with
// SSL_get_error and never empties OpenSSL's per-thread error queue. With
// OpenSSL 3, a peer that dies (kill -9) leaves "unexpected eof while
// reading" queued; SSL_get_error consults that queue first, so the next
// SSL_read of *another* connection on the same multiplexer thread that only
// needs more bytes (SSL_ERROR_WANT_READ) is classified SSL_ERROR_SSL, and CAF
// closes a healthy connection. Measured: killing one worker node dropped the
// coordinator's connections to every node. (curl and others call
// ERR_clear_error before each SSL_read for this reason.)
//
// This binary defines SSL_get_error, which the dynamic linker binds
// libcaf_openssl's calls to: the real one (RTLD_NEXT), then, when the answer
// ends the connection, the queue it was read from emptied, so it cannot be
// read again for another connection.
#include <dlfcn.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

extern "C" int SSL_get_error(const SSL* ssl, int ret) {
  using real_fn = int (*)(const SSL*, int);
  static const auto real = reinterpret_cast<real_fn>(::dlsym(RTLD_NEXT, "SSL_get_error"));
  int result = real(ssl, ret);
  if (result != SSL_ERROR_NONE && result != SSL_ERROR_WANT_READ && result != SSL_ERROR_WANT_WRITE)
    ERR_clear_error();
  return result;
}
