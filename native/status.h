// The outcome of a native call, shared by the socket and file cores.
#pragma once

namespace uftp_native {

// A platform error code (0 = success: errno on POSIX; a Win32 error, or a
// negative libuv code, on Windows) and the syscall that reported it.
struct Status {
  int error = 0;
  const char* syscall = "";
  bool ok() const { return error == 0; }
};

}  // namespace uftp_native
