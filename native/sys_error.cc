// Names and texts of platform error codes, through libuv so that they match
// what Node itself reports ("EADDRINUSE" for both errno 98 and WSAEADDRINUSE);
// what libuv does not know gets the platform's own name (io_unmapped_error_name).
#include <uv.h>

#include <cstring>

#include "io.h"

namespace uftp_native {

namespace {

bool libuv_knows(int err) {
  int translated = uv_translate_sys_error(err);
  if (translated == UV_UNKNOWN) return false;
  char buf[64];
  uv_err_name_r(translated, buf, sizeof buf);
  return std::strncmp(buf, "Unknown", 7) != 0;
}

}  // namespace

std::string io_error_name(int err) {
  if (!libuv_knows(err)) return io_unmapped_error_name(err);
  char buf[64];
  uv_err_name_r(uv_translate_sys_error(err), buf, sizeof buf);
  return buf;
}

std::string io_error_message(int err) {
  if (!libuv_knows(err)) return io_unmapped_error_message(err);
  char buf[256];
  uv_strerror_r(uv_translate_sys_error(err), buf, sizeof buf);
  return buf;
}

}  // namespace uftp_native
