// POSIX (Linux) side of io.h: recvmmsg/sendmmsg, IP_PKTINFO and friends, getifaddrs.
#ifndef _WIN32

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <map>

#include "address.h"
#include "io.h"

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103  // linux/udp.h (Linux 4.18); older libc headers lack it
#endif
#ifndef UDP_GRO
#define UDP_GRO 104  // linux/udp.h (Linux 5.0)
#endif
#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#ifndef IPV6_MULTICAST_ALL
#define IPV6_MULTICAST_ALL 29  // linux/in6.h; older libc headers lack it
#endif

namespace uftp_native {

namespace {

constexpr int kMaxBatch = 64;
// Room for IP_PKTINFO + IP_TOS, or IPV6_PKTINFO + IPV6_TCLASS, SO_RXQ_OVFL and UDP_GRO, with headers.
constexpr size_t kControlSize = 128;

constexpr int kMaxSegments = 64;          // datagrams in one coalesced send
constexpr size_t kMaxCoalesced = 65000;  // bytes in one coalesced send: IP's 64 KiB less headers
constexpr int kMaxIov = 1024;            // datagrams in one sendmmsg, coalesced or not

int errno_or_zero(int rc) { return rc < 0 ? errno : 0; }

bool same_address(const SockAddr& a, const SockAddr& b) {
  return a.len == b.len && std::memcmp(&a.storage, &b.storage, a.len) == 0;
}

// How many datagrams from slots[0] can go out as one coalesced send: those to
// slots[0]'s destination, as long as slots[0] (at most limit bytes) but the
// last, which may be shorter. 1 means send it alone.
int run_length(const SendSlot* slots, int count, size_t limit) {
  size_t size = slots[0].length;
  if (size == 0 || size > limit) return 1;
  size_t total = size;
  int n = 1;
  while (n < count && n < kMaxSegments) {
    const SendSlot& s = slots[n];
    if (s.length == 0 || s.length > size || total + s.length > kMaxCoalesced || !same_address(*s.to, *slots[0].to)) break;
    total += s.length;
    n++;
    if (s.length < size) break;  // only the last segment may be short
  }
  return n;
}

// One datagram, never coalesced: 0 or the errno.
int send_alone(int sock, const SendSlot& slot) {
  iovec iov{const_cast<uint8_t*>(slot.data), slot.length};
  msghdr h{};
  h.msg_name = const_cast<sockaddr*>(slot.to->raw());
  h.msg_namelen = slot.to->len;
  h.msg_iov = &iov;
  h.msg_iovlen = 1;
  ssize_t rc;
  do {
    rc = ::sendmsg(sock, &h, MSG_DONTWAIT);
  } while (rc < 0 && errno == EINTR);
  return rc < 0 ? errno : 0;
}

// Pulls destination, interface and TOS out of the control messages.
void read_control(msghdr* msg, RecvSlot* slot) {
  for (cmsghdr* c = CMSG_FIRSTHDR(msg); c != nullptr; c = CMSG_NXTHDR(msg, c)) {
#ifdef SO_RXQ_OVFL
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) {
      std::memcpy(&slot->drops, CMSG_DATA(c), sizeof slot->drops);
      slot->has_drops = true;
      continue;
    }
#endif
    if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO) {
      int segment = 0;
      std::memcpy(&segment, CMSG_DATA(c), sizeof segment);
      slot->segment = segment > 0 ? static_cast<size_t>(segment) : 0;
    } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      in_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      slot->ifindex = static_cast<unsigned>(info.ipi_ifindex);
      slot->to = make_v4(info.ipi_addr, 0);
    } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TOS) {
      slot->tos = *reinterpret_cast<const uint8_t*>(CMSG_DATA(c));
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      in6_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      slot->ifindex = info.ipi6_ifindex;
      slot->to = make_v6(info.ipi6_addr, 0, 0);
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_TCLASS) {
      int tclass = 0;
      std::memcpy(&tclass, CMSG_DATA(c), sizeof tclass);
      slot->tos = tclass & 0xff;
    }
  }
}

}  // namespace

int io_startup() { return 0; }

int io_socket(int family, sock_t* out) {
  int fd = ::socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
  if (fd < 0) return errno;
  // Linux hands a socket bound to the any address every group any socket on
  // the host joined on its port; with *_MULTICAST_ALL off it gets only its own.
  // Kernels without the option (IPv6 before 4.20) say ENOPROTOOPT: nothing to do.
  int off = 0;
  int rc = family == AF_INET ? ::setsockopt(fd, IPPROTO_IP, IP_MULTICAST_ALL, &off, sizeof off)
                             : ::setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_ALL, &off, sizeof off);
  if (rc < 0 && errno != ENOPROTOOPT) {
    int err = errno;
    ::close(fd);
    return err;
  }
  *out = fd;
  return 0;
}

void io_close(sock_t sock) {
  // Linux releases the descriptor even when close reports EINTR: never retry.
  ::close(sock);
}

int io_bind(sock_t sock, const SockAddr& addr) { return errno_or_zero(::bind(sock, addr.raw(), addr.len)); }

int io_local_address(sock_t sock, SockAddr* out) {
  out->len = sizeof out->storage;
  return errno_or_zero(::getsockname(sock, out->raw(), &out->len));
}

int io_setsockopt(sock_t sock, int level, int name, const void* value, size_t length) {
  return errno_or_zero(::setsockopt(sock, level, name, value, static_cast<socklen_t>(length)));
}

int io_getsockopt(sock_t sock, int level, int name, void* value, size_t* length) {
  socklen_t len = static_cast<socklen_t>(*length);
  int rc = ::getsockopt(sock, level, name, value, &len);
  *length = len;
  return errno_or_zero(rc);
}

int io_set_dscp(sock_t sock, int family, int tos, DscpMarker**, DscpReport* report) {
  bool v4 = family == AF_INET;
  int err = io_setsockopt(sock, v4 ? IPPROTO_IP : IPPROTO_IPV6, v4 ? IP_TOS : IPV6_TCLASS, &tos, sizeof tos);
  if (err != 0) return err;
  *report = tos == 0 ? DscpReport{"none", "no marking asked (DSCP 0)"} : DscpReport{v4 ? "IP_TOS" : "IPV6_TCLASS", "applied by the kernel"};
  return 0;
}

// The kernel marks every datagram from the option alone: there is never a marker.
void io_dscp_prepare(DscpMarker*, sock_t, const SockAddr&, DscpReport*) {}
void io_dscp_marker_free(DscpMarker*) {}

int io_enable_packet_info(sock_t sock, int family) {
  int on = 1;
  if (family == AF_INET) {
    if (int err = io_setsockopt(sock, IPPROTO_IP, IP_PKTINFO, &on, sizeof on)) return err;
    return io_setsockopt(sock, IPPROTO_IP, IP_RECVTOS, &on, sizeof on);
  }
  if (int err = io_setsockopt(sock, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on)) return err;
  return io_setsockopt(sock, IPPROTO_IPV6, IPV6_RECVTCLASS, &on, sizeof on);
}

int io_enable_drop_count(sock_t sock) {
#ifdef SO_RXQ_OVFL
  int on = 1;
  return io_setsockopt(sock, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof on);
#else
  (void)sock;
  return ENOPROTOOPT;
#endif
}

int io_enable_coalescing(sock_t sock, bool on) {
  // Kernels before 5.0 do not know the option: ENOPROTOOPT.
  int value = on ? 1 : 0;
  return io_setsockopt(sock, SOL_UDP, UDP_GRO, &value, sizeof value);
}

int io_set_multicast_if(sock_t sock, int family, unsigned ifindex) {
  if (family == AF_INET) {
    ip_mreqn req{};
    req.imr_ifindex = static_cast<int>(ifindex);
    return io_setsockopt(sock, IPPROTO_IP, IP_MULTICAST_IF, &req, sizeof req);
  }
  int index = static_cast<int>(ifindex);
  return io_setsockopt(sock, IPPROTO_IPV6, IPV6_MULTICAST_IF, &index, sizeof index);
}

int io_set_dont_fragment(sock_t sock, int family, bool on) {
#if defined(IP_MTU_DISCOVER) && defined(IPV6_MTU_DISCOVER)
  int v4 = on ? IP_PMTUDISC_DO : IP_PMTUDISC_DONT;
  if (family == AF_INET) return io_setsockopt(sock, IPPROTO_IP, IP_MTU_DISCOVER, &v4, sizeof v4);
  int v6 = on ? IPV6_PMTUDISC_DO : IPV6_PMTUDISC_DONT;
  if (int err = io_setsockopt(sock, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &v6, sizeof v6)) return err;
  io_setsockopt(sock, IPPROTO_IP, IP_MTU_DISCOVER, &v4, sizeof v4);  // IPv4-mapped peers; v6-only sockets may refuse
  return 0;
#else
  (void)sock;
  (void)family;
  (void)on;
  return ENOPROTOOPT;
#endif
}

// Linux has had MCAST_JOIN_GROUP and friends since 2.6: nothing older is worth trying.
int io_membership_fallback(sock_t, int, bool, const SockAddr&, const SockAddr*, unsigned, int err) { return err; }

int io_recv_batch(sock_t sock, RecvSlot* slots, int count, int* received) {
  *received = 0;
  if (count > kMaxBatch) count = kMaxBatch;
  mmsghdr msgs[kMaxBatch];
  iovec iovs[kMaxBatch];
  alignas(cmsghdr) uint8_t control[kMaxBatch][kControlSize];
  std::memset(msgs, 0, sizeof(mmsghdr) * static_cast<size_t>(count));
  for (int i = 0; i < count; i++) {
    iovs[i] = {slots[i].data, slots[i].capacity};
    msghdr& h = msgs[i].msg_hdr;
    h.msg_name = slots[i].from.raw();
    h.msg_namelen = sizeof slots[i].from.storage;
    h.msg_iov = &iovs[i];
    h.msg_iovlen = 1;
    h.msg_control = control[i];
    h.msg_controllen = kControlSize;
  }
  int n;
  do {
    n = ::recvmmsg(sock, msgs, static_cast<unsigned>(count), MSG_DONTWAIT, nullptr);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return errno;
  for (int i = 0; i < n; i++) {
    RecvSlot& slot = slots[i];
    msghdr& h = msgs[i].msg_hdr;
    slot.length = msgs[i].msg_len;
    slot.truncated = (h.msg_flags & MSG_TRUNC) != 0;
    slot.from.len = h.msg_namelen;
    slot.to = SockAddr{};
    slot.ifindex = 0;
    slot.tos = 0;
    slot.has_drops = false;
    slot.segment = 0;
    read_control(&h, &slot);
  }
  *received = n;
  return 0;
}

size_t io_segment_limit(sock_t sock) {
  // Kernels before 4.18 do not know the option: ENOPROTOOPT.
  int value = 0;
  socklen_t len = sizeof value;
  if (::getsockopt(sock, SOL_UDP, UDP_SEGMENT, &value, &len) < 0) return 0;
  return kMaxCoalesced;
}

int io_send_batch(sock_t sock, const SendSlot* slots, int count, int* sent, size_t* segment_limit) {
  *sent = 0;
  while (*sent < count) {
    mmsghdr msgs[kMaxBatch];
    iovec iovs[kMaxIov];
    int covers[kMaxBatch];  // datagrams in each entry
    alignas(cmsghdr) uint8_t control[kMaxBatch][CMSG_SPACE(sizeof(uint16_t))];
    int entries = 0;
    int iov_used = 0;
    int pos = *sent;
    while (entries < kMaxBatch && pos < count) {
      int n = *segment_limit > 0 ? run_length(slots + pos, count - pos, *segment_limit) : 1;
      if (iov_used + n > kMaxIov) break;
      msghdr& h = msgs[entries].msg_hdr;
      std::memset(&msgs[entries], 0, sizeof msgs[entries]);
      h.msg_name = const_cast<sockaddr*>(slots[pos].to->raw());
      h.msg_namelen = slots[pos].to->len;
      h.msg_iov = &iovs[iov_used];
      h.msg_iovlen = static_cast<size_t>(n);
      for (int i = 0; i < n; i++) iovs[iov_used + i] = {const_cast<uint8_t*>(slots[pos + i].data), slots[pos + i].length};
      if (n > 1) {
        h.msg_control = control[entries];
        h.msg_controllen = sizeof control[entries];
        cmsghdr* c = CMSG_FIRSTHDR(&h);
        c->cmsg_level = SOL_UDP;
        c->cmsg_type = UDP_SEGMENT;
        c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
        uint16_t gso_size = static_cast<uint16_t>(slots[pos].length);
        std::memcpy(CMSG_DATA(c), &gso_size, sizeof gso_size);
      }
      covers[entries++] = n;
      iov_used += n;
      pos += n;
    }
    int done = ::sendmmsg(sock, msgs, static_cast<unsigned>(entries), MSG_DONTWAIT);
    if (done < 0) {
      int err = errno;
      if (err == EINTR) continue;
      if (covers[0] > 1 && (err == EMSGSIZE || err == EINVAL || err == EIO)) {
        size_t size = slots[*sent].length;
        if (err == EINVAL) {
          // EINVAL is also a datagram the kernel refuses however it is sent (port 0, say): the
          // segment size was to blame only if the first datagram goes out alone.
          int alone = send_alone(sock, slots[*sent]);
          if (alone != 0) return alone;
          (*sent)++;
        }
        // The kernel refused the coalescing, not the datagrams: send them one by one.
        *segment_limit = err == EIO ? 0 : size - 1;
        continue;
      }
      return err;
    }
    for (int i = 0; i < done; i++) *sent += covers[i];
    // A short count means the next entry failed: the next call reports why.
  }
  return 0;
}

int io_take_error(sock_t sock) {
  auto so_error = [sock] {
    int err = 0;
    socklen_t len = sizeof err;
    return ::getsockopt(sock, SOL_SOCKET, SO_ERROR, &err, &len) < 0 ? errno : err;
  };
  int first = so_error();
  // Each error-queue entry read sets SO_ERROR to the next one's: read them all, then clear it.
  for (int i = 0; i < kMaxBatch; i++) {
    uint8_t data[64];
    alignas(cmsghdr) uint8_t control[256];
    iovec iov{data, sizeof data};
    msghdr h{};
    h.msg_iov = &iov;
    h.msg_iovlen = 1;
    h.msg_control = control;
    h.msg_controllen = sizeof control;
    if (::recvmsg(sock, &h, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) break;
  }
  int last = so_error();
  return first != 0 ? first : last;
}

int io_list_interfaces(std::vector<IfInfo>* out) {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) < 0) return errno;
  std::map<std::string, size_t> by_name;
  for (ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
    auto found = by_name.find(a->ifa_name);
    if (found == by_name.end()) {
      IfInfo info;
      info.name = a->ifa_name;
      info.index = ::if_nametoindex(a->ifa_name);
      info.up = (a->ifa_flags & IFF_UP) != 0;
      info.loopback = (a->ifa_flags & IFF_LOOPBACK) != 0;
      info.multicast = (a->ifa_flags & IFF_MULTICAST) != 0;
      found = by_name.emplace(info.name, out->size()).first;
      out->push_back(std::move(info));
    }
    if (a->ifa_addr == nullptr) continue;
    int family = a->ifa_addr->sa_family;
    if (family != AF_INET && family != AF_INET6) continue;
    IfAddress addr;
    addr.family = family;
    addr.address = format_ip(a->ifa_addr, false);
    addr.prefix_length = a->ifa_netmask ? prefix_length(a->ifa_netmask) : 0;
    (*out)[found->second].addresses.push_back(std::move(addr));
  }
  ::freeifaddrs(list);
  return 0;
}

unsigned io_name_to_index(const char* name) { return ::if_nametoindex(name); }

bool io_index_to_name(unsigned index, std::string* name) {
  char buf[IF_NAMESIZE];
  if (::if_indextoname(index, buf) == nullptr) return false;
  *name = buf;
  return true;
}

bool io_would_block(int err) { return err == EAGAIN || err == EWOULDBLOCK; }
bool io_not_permitted(int err) { return err == EPERM; }
int io_invalid_argument() { return EINVAL; }
int io_message_too_long() { return EMSGSIZE; }
std::string io_unmapped_error_name(int err) { return "E" + std::to_string(err); }
std::string io_unmapped_error_message(int err) { return std::strerror(err); }

}  // namespace uftp_native

#endif  // !_WIN32
