// The platform layer: every syscall the socket core needs, behind one small
// header. io_posix.cc implements it with recvmmsg/sendmmsg, io_win.cc with
// WSARecvMsg/WSASendMsg. Nothing here knows Node or UFTP.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <netinet/in.h>
#include <sys/socket.h>
#endif

namespace uftp_native {

#ifdef _WIN32
using sock_t = SOCKET;
constexpr sock_t kNoSocket = INVALID_SOCKET;
#else
using sock_t = int;
constexpr sock_t kNoSocket = -1;
#endif

// An IPv4 or IPv6 socket address; the length says which.
struct SockAddr {
  sockaddr_storage storage{};
  socklen_t len = 0;

  int family() const { return storage.ss_family; }
  sockaddr* raw() { return reinterpret_cast<sockaddr*>(&storage); }
  const sockaddr* raw() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

// One slot of a receive batch: the caller points data/capacity at its arena,
// the platform fills in the rest.
struct RecvSlot {
  uint8_t* data = nullptr;
  size_t capacity = 0;
  size_t length = 0;
  bool truncated = false;
  SockAddr from;
  SockAddr to;  // destination address only (port 0), from IP_PKTINFO / IPV6_PKTINFO; a capture sets the port
  unsigned ifindex = 0;
  int tos = 0;
  // The socket's cumulative kernel drop counter as of this datagram (SO_RXQ_OVFL); has_drops is
  // false when the control message was absent (Linux leaves it out while the counter is 0).
  uint32_t drops = 0;
  bool has_drops = false;
  bool outgoing = false;  // a capture's datagram that this host sent (else one it received)
  // Coalesced receive (Linux UDP GRO): the slot holds a run of datagrams of this many bytes each, the
  // last perhaps shorter, from one sender; 0 = one datagram.
  size_t segment = 0;
};

struct SendSlot {
  const uint8_t* data = nullptr;
  size_t length = 0;
  const SockAddr* to = nullptr;
};

struct IfAddress {
  int family = 0;  // AF_INET or AF_INET6
  std::string address;
  int prefix_length = 0;
};

struct IfInfo {
  std::string name;
  unsigned index = 0;
  bool up = false;
  bool loopback = false;
  bool multicast = false;
  std::vector<IfAddress> addresses;
};

// How a socket's DSCP reaches the wire: "IP_TOS" / "IPV6_TCLASS" (applied by the kernel), "qWAVE"
// (Windows: a flow per destination), or "none" (asked, but nothing will mark), with a sentence why.
struct DscpReport {
  std::string mechanism;
  std::string detail;
};
// Platform state that marks per destination (Windows' qWAVE flows); null where the option is enough.
class DscpMarker;

// All functions return 0 on success or a platform error code (errno / WSA error).
int io_startup();
// A non-blocking, close-on-exec UDP socket that receives only the multicast
// groups it joined itself (Linux: IP_MULTICAST_ALL / IPV6_MULTICAST_ALL off).
int io_socket(int family, sock_t* out);
void io_close(sock_t sock);
int io_bind(sock_t sock, const SockAddr& addr);
int io_local_address(sock_t sock, SockAddr* out);
int io_setsockopt(sock_t sock, int level, int name, const void* value, size_t length);
int io_getsockopt(sock_t sock, int level, int name, void* value, size_t* length);
// Sets the TOS byte / traffic class and says how it will be applied. *marker is replaced (the old
// one freed); when non-null, io_dscp_prepare must see each destination before datagrams go there.
int io_set_dscp(sock_t sock, int family, int tos, DscpMarker** marker, DscpReport* report);
void io_dscp_prepare(DscpMarker* marker, sock_t sock, const SockAddr& to, DscpReport* report);
void io_dscp_marker_free(DscpMarker* marker);
int io_enable_packet_info(sock_t sock, int family);  // destination, interface and TOS of each datagram
// Asks for the kernel's cumulative count of datagrams dropped on this socket (a full receive buffer,
// nearly always) with each received datagram (Linux SO_RXQ_OVFL); ENOPROTOOPT where there is no such thing.
int io_enable_drop_count(sock_t sock);
// Lets the kernel hand over a run of same-sized datagrams from one sender as one (Linux UDP_GRO), each
// slot then saying its segment size; ENOPROTOOPT where there is no such thing. The slots must hold
// 64 KiB, or a run is cut short.
int io_enable_coalescing(sock_t sock, bool on);
int io_set_multicast_if(sock_t sock, int family, unsigned ifindex);
// The don't-fragment bit of the datagrams sent: on, or off so that the stack fragments a datagram larger
// than the path's MTU instead of dropping it (Linux IP_MTU_DISCOVER / IPV6_MTU_DISCOVER with
// IP_PMTUDISC_DO / _DONT; Windows IP_DONTFRAGMENT / IPV6_DONTFRAG). An IPv6 socket gets both its own
// option and the IPv4 one (for IPv4-mapped peers) where the platform takes it.
int io_set_dont_fragment(sock_t sock, int family, bool on);
// Called when a protocol-independent membership option (MCAST_JOIN_GROUP ...)
// failed with `err`: tries the older per-family option where the platform has
// stacks that refuse the new one (Windows under Wine), else returns err.
int io_membership_fallback(sock_t sock, int family, bool join, const SockAddr& group, const SockAddr* source,
                           unsigned ifindex, int err);

// Receives up to count datagrams; *received says how many were filled.
int io_recv_batch(sock_t sock, RecvSlot* slots, int count, int* received);
// Sends up to count datagrams in order; *sent says how many the kernel took
// before the error returned (if any). With *segment_limit > 0, a run of
// datagrams to one destination, all of one size up to that limit but the
// last (which may be shorter), goes to the kernel as one send that it splits
// late (Linux UDP GSO): one trip through the stack instead of one per
// datagram, the same datagrams on the wire. When the kernel refuses such a
// send the run goes out one by one and the limit drops below that size
// (EMSGSIZE, or EINVAL before Linux 6.x: segment over the route's MTU; an EINVAL
// that the first datagram also gets alone is its own, and returned) or to 0
// (EIO: no checksum offload on the way out).
int io_send_batch(sock_t sock, const SendSlot* slots, int count, int* sent, size_t* segment_limit);
// The starting segment limit for this socket: 0 where the platform cannot coalesce.
size_t io_segment_limit(sock_t sock);

// Takes the socket's pending error, which a poll reports as POLLERR until it is
// taken: SO_ERROR, and on Linux the error queue (IP_RECVERR) too. 0 if none.
int io_take_error(sock_t sock);

int io_list_interfaces(std::vector<IfInfo>* out);
unsigned io_name_to_index(const char* name);
bool io_index_to_name(unsigned index, std::string* name);

bool io_would_block(int err);
bool io_not_permitted(int err);
int io_invalid_argument();  // the platform's EINVAL
int io_message_too_long();  // the platform's EMSGSIZE
std::string io_error_name(int err);     // "EADDRINUSE"
std::string io_error_message(int err);  // "address already in use"
// Name and text of an error libuv does not know ("WSAENOPROTOOPT"); never empty.
std::string io_unmapped_error_name(int err);
std::string io_unmapped_error_message(int err);

}  // namespace uftp_native
