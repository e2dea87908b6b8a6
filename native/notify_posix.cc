// POSIX side of notify.h: a fresh non-blocking AF_UNIX datagram socket per
// message, closed at once (messages are rare: a few a second at most).
#ifndef _WIN32

#include <errno.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>

#include "notify.h"

namespace uftp_native {

namespace {

// The address and its exact length; false (with *error set) when it cannot name a socket.
bool unix_address(const std::string& address, sockaddr_un* out, socklen_t* length, int* error) {
  std::memset(out, 0, sizeof *out);
  out->sun_family = AF_UNIX;
  if (address.empty() || address.find('\0') != std::string::npos) {
    *error = EINVAL;
    return false;
  }
  const size_t base = offsetof(sockaddr_un, sun_path);
  if (address[0] == '@') {
#ifdef __linux__
    // Abstract: sun_path[0] is NUL, the name follows; its length is all that tells where it ends.
    const size_t name = address.size() - 1;
    if (name + 1 > sizeof out->sun_path) {
      *error = ENAMETOOLONG;
      return false;
    }
    std::memcpy(out->sun_path + 1, address.data() + 1, name);
    *length = static_cast<socklen_t>(base + 1 + name);
    return true;
#else
    *error = EAFNOSUPPORT;  // abstract names are Linux's
    return false;
#endif
  }
  if (address.size() + 1 > sizeof out->sun_path) {  // room for the NUL
    *error = ENAMETOOLONG;
    return false;
  }
  std::memcpy(out->sun_path, address.data(), address.size());
  *length = static_cast<socklen_t>(base + address.size() + 1);
  return true;
}

int open_socket() {
#ifdef SOCK_CLOEXEC
  return socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
#else
  return socket(AF_UNIX, SOCK_DGRAM, 0);
#endif
}

}  // namespace

Status notify_send(const std::string& address, const uint8_t* data, size_t length) {
  sockaddr_un to;
  socklen_t to_length = 0;
  int error = 0;
  if (!unix_address(address, &to, &to_length, &error)) return Status{error, "sendto"};
  int fd = open_socket();
  if (fd < 0) return Status{errno, "socket"};
#ifdef MSG_NOSIGNAL
  const int flags = MSG_NOSIGNAL | MSG_DONTWAIT;
#else
  const int flags = MSG_DONTWAIT;
#endif
  ssize_t sent;
  do {
    sent = sendto(fd, data, length, flags, reinterpret_cast<const sockaddr*>(&to), to_length);
  } while (sent < 0 && errno == EINTR);
  Status st = sent < 0 ? Status{errno, "sendto"} : Status{};
  close(fd);
  return st;
}

const char* notify_unsupported_reason() { return nullptr; }

}  // namespace uftp_native

#endif  // !_WIN32
