// Socket addresses: parse, format, compare, and a small cache of formatted
// strings (most datagrams come from the same few peers).
#pragma once

#include <string>

#include "io.h"

namespace uftp_native {

SockAddr make_v4(in_addr addr, uint16_t port);
SockAddr make_v6(const in6_addr& addr, uint16_t port, uint32_t scope_id);

// "198.18.0.1" or "fe80::1%eth0" (scope by name or number) into a socket
// address of the given family; false if the text is no address of that family.
// For AF_INET6, an IPv4 text becomes its IPv4-mapped address (::ffff:a.b.c.d),
// the form a dual-stack socket sends to.
bool parse_address(const std::string& text, uint16_t port, int family, SockAddr* out);

// Text form of the IP address alone; with_scope adds "%name" to scoped IPv6 addresses.
std::string format_ip(const sockaddr* addr, bool with_scope);
uint16_t port_of(const SockAddr& addr);
// Replaces the port of an IPv4 or IPv6 address.
void set_port(SockAddr* addr, uint16_t port);
int prefix_length(const sockaddr* netmask);

// True when both hold the same family, IP, and (for IPv6) scope; ports are ignored.
bool same_ip(const SockAddr& a, const SockAddr& b);

// Remembers the text of the last few IPs formatted, so a batch from one
// peer formats its address once, not once per datagram.
class AddressCache {
 public:
  const std::string& format(const SockAddr& addr);

 private:
  static constexpr int kEntries = 16;
  SockAddr keys_[kEntries];
  std::string texts_[kEntries];
  int used_ = 0;
  int next_ = 0;
};

}  // namespace uftp_native
