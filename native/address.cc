#include "address.h"

#ifndef _WIN32
#include <arpa/inet.h>
#endif

#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace uftp_native {

SockAddr make_v4(in_addr addr, uint16_t port) {
  SockAddr out;
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr = addr;
  sin.sin_port = htons(port);
  std::memcpy(&out.storage, &sin, sizeof sin);
  out.len = sizeof sin;
  return out;
}

SockAddr make_v6(const in6_addr& addr, uint16_t port, uint32_t scope_id) {
  SockAddr out;
  sockaddr_in6 sin6{};
  sin6.sin6_family = AF_INET6;
  sin6.sin6_addr = addr;
  sin6.sin6_port = htons(port);
  sin6.sin6_scope_id = scope_id;
  std::memcpy(&out.storage, &sin6, sizeof sin6);
  out.len = sizeof sin6;
  return out;
}

namespace {

// "%eth0" or "%3" after an IPv6 address: the interface index, 0 if unknown.
uint32_t parse_scope(const std::string& scope) {
  if (scope.empty()) return 0;
  char* end = nullptr;
  unsigned long number = std::strtoul(scope.c_str(), &end, 10);
  if (end != nullptr && *end == '\0') return static_cast<uint32_t>(number);
  return io_name_to_index(scope.c_str());
}

}  // namespace

bool parse_address(const std::string& text, uint16_t port, int family, SockAddr* out) {
  if (family == AF_INET) {
    in_addr addr;
    if (inet_pton(AF_INET, text.c_str(), &addr) != 1) return false;
    *out = make_v4(addr, port);
    return true;
  }
  in_addr v4;
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    in6_addr mapped{};
    mapped.s6_addr[10] = 0xff;
    mapped.s6_addr[11] = 0xff;
    std::memcpy(&mapped.s6_addr[12], &v4, sizeof v4);
    *out = make_v6(mapped, port, 0);
    return true;
  }
  std::string::size_type percent = text.find('%');
  std::string ip = text.substr(0, percent);
  uint32_t scope = 0;
  if (percent != std::string::npos) {
    scope = parse_scope(text.substr(percent + 1));
    if (scope == 0) return false;
  }
  in6_addr addr;
  if (inet_pton(AF_INET6, ip.c_str(), &addr) != 1) return false;
  *out = make_v6(addr, port, scope);
  return true;
}

std::string format_ip(const sockaddr* addr, bool with_scope) {
  char buf[INET6_ADDRSTRLEN + 1] = {0};
  if (addr->sa_family == AF_INET) {
    sockaddr_in sin;
    std::memcpy(&sin, addr, sizeof sin);
    inet_ntop(AF_INET, &sin.sin_addr, buf, sizeof buf);
    return buf;
  }
  sockaddr_in6 sin6;
  std::memcpy(&sin6, addr, sizeof sin6);
  // An IPv4 peer of a dual-stack socket (::ffff:a.b.c.d) is shown as the IPv4 address it is.
  if (IN6_IS_ADDR_V4MAPPED(&sin6.sin6_addr)) {
    inet_ntop(AF_INET, &sin6.sin6_addr.s6_addr[12], buf, sizeof buf);
    return buf;
  }
  inet_ntop(AF_INET6, &sin6.sin6_addr, buf, sizeof buf);
  std::string text = buf;
  if (with_scope && sin6.sin6_scope_id != 0) {
    std::string name;
    if (!io_index_to_name(sin6.sin6_scope_id, &name)) name = std::to_string(sin6.sin6_scope_id);
    text += "%" + name;
  }
  return text;
}

uint16_t port_of(const SockAddr& addr) {
  if (addr.family() == AF_INET) {
    sockaddr_in sin;
    std::memcpy(&sin, &addr.storage, sizeof sin);
    return ntohs(sin.sin_port);
  }
  sockaddr_in6 sin6;
  std::memcpy(&sin6, &addr.storage, sizeof sin6);
  return ntohs(sin6.sin6_port);
}

void set_port(SockAddr* addr, uint16_t port) {
  uint16_t net = htons(port);
  // sin_port and sin6_port sit at the same offset, right after the family.
  static_assert(offsetof(sockaddr_in, sin_port) == offsetof(sockaddr_in6, sin6_port), "port offsets differ");
  std::memcpy(reinterpret_cast<uint8_t*>(&addr->storage) + offsetof(sockaddr_in, sin_port), &net, sizeof net);
}

int prefix_length(const sockaddr* netmask) {
  const uint8_t* bytes;
  size_t size;
  sockaddr_in sin;
  sockaddr_in6 sin6;
  if (netmask->sa_family == AF_INET6) {
    std::memcpy(&sin6, netmask, sizeof sin6);
    bytes = sin6.sin6_addr.s6_addr;
    size = 16;
  } else {
    std::memcpy(&sin, netmask, sizeof sin);
    bytes = reinterpret_cast<const uint8_t*>(&sin.sin_addr);
    size = 4;
  }
  int bits = 0;
  for (size_t i = 0; i < size; i++) {
    for (uint8_t b = bytes[i]; b != 0; b = static_cast<uint8_t>(b << 1)) bits++;
  }
  return bits;
}

bool same_ip(const SockAddr& a, const SockAddr& b) {
  if (a.family() != b.family()) return false;
  if (a.family() == AF_INET) {
    sockaddr_in x, y;
    std::memcpy(&x, &a.storage, sizeof x);
    std::memcpy(&y, &b.storage, sizeof y);
    return x.sin_addr.s_addr == y.sin_addr.s_addr;
  }
  sockaddr_in6 x, y;
  std::memcpy(&x, &a.storage, sizeof x);
  std::memcpy(&y, &b.storage, sizeof y);
  return x.sin6_scope_id == y.sin6_scope_id && std::memcmp(&x.sin6_addr, &y.sin6_addr, sizeof x.sin6_addr) == 0;
}

const std::string& AddressCache::format(const SockAddr& addr) {
  for (int i = 0; i < used_; i++) {
    if (same_ip(keys_[i], addr)) return texts_[i];
  }
  int slot = next_;
  next_ = (next_ + 1) % kEntries;
  if (used_ < kEntries) used_++;
  keys_[slot] = addr;
  texts_[slot] = format_ip(addr.raw(), true);
  return texts_[slot];
}

}  // namespace uftp_native
