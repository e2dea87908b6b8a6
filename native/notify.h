// The transport of the systemd notify protocol: one datagram to an AF_UNIX
// datagram socket named by $NOTIFY_SOCKET. Nothing here knows systemd's
// messages (lib/cli/common/notify-messages.ts writes them) nor Node.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "status.h"

namespace uftp_native {

// Sends `length` bytes as one datagram, without blocking. `address` is a
// filesystem path, or '@' followed by an abstract socket name (Linux: the
// name goes after a NUL first byte, and the address length counts only the
// name, no terminating NUL). A full receive queue is EAGAIN, not a wait.
Status notify_send(const std::string& address, const uint8_t* data, size_t length);

// Why notify_send cannot work on this platform; nullptr where it can.
const char* notify_unsupported_reason();

}  // namespace uftp_native
