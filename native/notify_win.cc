// Windows side of notify.h: there is no systemd, and Windows' AF_UNIX has
// stream sockets only. Services talk to the Service Control Manager instead.
#ifdef _WIN32

#include <winsock2.h>
#include <windows.h>

#include "notify.h"

namespace uftp_native {

Status notify_send(const std::string&, const uint8_t*, size_t) { return Status{ERROR_NOT_SUPPORTED, "sendto"}; }

const char* notify_unsupported_reason() {
  return "the systemd notify protocol is not supported on Windows (no AF_UNIX datagram sockets)";
}

}  // namespace uftp_native

#endif  // _WIN32
