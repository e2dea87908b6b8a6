// Names and texts of platform error codes, through libuv so that they match
// what Node itself reports ("EADDRINUSE" for both errno 98 and WSAEADDRINUSE).
#include <uv.h>

#include <cstring>

#include "io.h"

namespace uftp_native {

std::string io_error_name(int err) {
  char buf[64];
  uv_err_name_r(uv_translate_sys_error(err), buf, sizeof buf);
  if (std::strncmp(buf, "Unknown", 7) == 0) return "E" + std::to_string(err);
  return buf;
}

std::string io_error_message(int err) {
  char buf[256];
  uv_strerror_r(uv_translate_sys_error(err), buf, sizeof buf);
  return buf;
}

}  // namespace uftp_native
