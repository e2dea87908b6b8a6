// Windows side of the multicast options that some stacks refuse in their
// protocol-independent form: Wine 8 lacks MCAST_JOIN_GROUP and friends
// (WSAENOPROTOOPT) and the 0.0.0.<index> form of IP_MULTICAST_IF (WSAEINVAL).
// Each falls back to the older per-family option, IPv4 naming the interface
// by its address.
#ifdef _WIN32

#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include <cstring>
#include <vector>

#include "adapters_win.h"
#include "io.h"

namespace uftp_native {

namespace {

// The first IPv4 address of interface `ifindex` (0 = any: the stack's choice).
int ipv4_of_interface(unsigned ifindex, in_addr* out) {
  out->s_addr = htonl(INADDR_ANY);
  if (ifindex == 0) return 0;
  std::vector<uint8_t> buffer;
  if (int err = read_adapters(AF_INET, &buffer)) return err;
  for (auto* a = first_adapter(buffer); a != nullptr; a = a->Next) {
    if (a->IfIndex != ifindex) continue;
    for (auto* u = a->FirstUnicastAddress; u != nullptr; u = u->Next) {
      if (u->Address.lpSockaddr->sa_family != AF_INET) continue;
      *out = reinterpret_cast<const sockaddr_in*>(u->Address.lpSockaddr)->sin_addr;
      return 0;
    }
    break;
  }
  return WSAEADDRNOTAVAIL;  // no interface with that index, or none with an IPv4 address to name it by
}

// Errors that say "this form of the option is not known here", not "this request is wrong".
bool refused_form(int err) { return err == WSAENOPROTOOPT || err == WSAEINVAL || err == WSAEOPNOTSUPP; }

int legacy_v4(sock_t sock, bool join, const SockAddr& group, const SockAddr* source, unsigned ifindex) {
  in_addr iface;
  if (int err = ipv4_of_interface(ifindex, &iface)) return err;
  const in_addr group_ip = reinterpret_cast<const sockaddr_in*>(group.raw())->sin_addr;
  if (source == nullptr) {
    ip_mreq req{};
    req.imr_multiaddr = group_ip;
    req.imr_interface = iface;
    return io_setsockopt(sock, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, &req, sizeof req);
  }
  ip_mreq_source req{};
  req.imr_multiaddr = group_ip;
  req.imr_sourceaddr = reinterpret_cast<const sockaddr_in*>(source->raw())->sin_addr;
  req.imr_interface = iface;
  int name = join ? IP_ADD_SOURCE_MEMBERSHIP : IP_DROP_SOURCE_MEMBERSHIP;
  return io_setsockopt(sock, IPPROTO_IP, name, &req, sizeof req);
}

int legacy_v6(sock_t sock, bool join, const SockAddr& group, unsigned ifindex) {
  ipv6_mreq req{};
  req.ipv6mr_multiaddr = reinterpret_cast<const sockaddr_in6*>(group.raw())->sin6_addr;
  req.ipv6mr_interface = ifindex;
  return io_setsockopt(sock, IPPROTO_IPV6, join ? IPV6_ADD_MEMBERSHIP : IPV6_DROP_MEMBERSHIP, &req, sizeof req);
}

}  // namespace

int io_membership_fallback(sock_t sock, int family, bool join, const SockAddr& group, const SockAddr* source,
                           unsigned ifindex, int err) {
  if (!refused_form(err)) return err;
  if (family == AF_INET) return legacy_v4(sock, join, group, source, ifindex);
  // IPv6 has no source-specific option older than MCAST_JOIN_SOURCE_GROUP.
  return source == nullptr ? legacy_v6(sock, join, group, ifindex) : err;
}

int io_set_multicast_if(sock_t sock, int family, unsigned ifindex) {
  if (family == AF_INET6) {
    DWORD value = ifindex;
    return io_setsockopt(sock, IPPROTO_IPV6, IPV6_MULTICAST_IF, &value, sizeof value);
  }
  // Windows takes an index in 0.0.0.0/8 (network order) or an address; some stacks only the address.
  DWORD by_index = htonl(ifindex);
  int err = io_setsockopt(sock, IPPROTO_IP, IP_MULTICAST_IF, &by_index, sizeof by_index);
  if (err == 0 || ifindex == 0 || !refused_form(err)) return err;
  in_addr by_address;
  if (int lookup = ipv4_of_interface(ifindex, &by_address)) return lookup;
  return io_setsockopt(sock, IPPROTO_IP, IP_MULTICAST_IF, &by_address, sizeof by_address);
}

}  // namespace uftp_native

#endif  // _WIN32
