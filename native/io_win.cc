// Windows side of io.h: WSARecvMsg/WSASendMsg one datagram at a time (Windows
// has no recvmmsg), IP_PKTINFO/IP_RECVTOS, GetAdaptersAddresses.
#ifdef _WIN32

#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>
#include <iphlpapi.h>
#include <windows.h>

#include <cstring>

#include "adapters_win.h"
#include "address.h"
#include "io.h"

namespace uftp_native {

namespace {

constexpr size_t kControlSize = 128;

LPFN_WSARECVMSG recv_msg_function(SOCKET sock) {
  static LPFN_WSARECVMSG function = nullptr;
  if (function == nullptr) {
    GUID guid = WSAID_WSARECVMSG;
    DWORD bytes = 0;
    WSAIoctl(sock, SIO_GET_EXTENSION_FUNCTION_POINTER, &guid, sizeof guid, &function, sizeof function, &bytes,
             nullptr, nullptr);
  }
  return function;
}

void read_control(WSAMSG* msg, RecvSlot* slot) {
  for (WSACMSGHDR* c = WSA_CMSG_FIRSTHDR(msg); c != nullptr; c = WSA_CMSG_NXTHDR(msg, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      IN_PKTINFO info;
      std::memcpy(&info, WSA_CMSG_DATA(c), sizeof info);
      slot->ifindex = info.ipi_ifindex;
      slot->to = make_v4(info.ipi_addr, 0);
    } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TOS) {
      int tos = 0;
      std::memcpy(&tos, WSA_CMSG_DATA(c), c->cmsg_len - WSA_CMSG_LEN(0) < sizeof tos ? 1 : sizeof tos);
      slot->tos = tos & 0xff;
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      IN6_PKTINFO info;
      std::memcpy(&info, WSA_CMSG_DATA(c), sizeof info);
      slot->ifindex = info.ipi6_ifindex;
      slot->to = make_v6(info.ipi6_addr, 0, 0);
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_TCLASS) {
      int tclass = 0;
      std::memcpy(&tclass, WSA_CMSG_DATA(c), sizeof tclass);
      slot->tos = tclass & 0xff;
    }
  }
}

std::string utf8(const wchar_t* text) {
  int size = WideCharToMultiByte(CP_UTF8, 0, text, -1, nullptr, 0, nullptr, nullptr);
  if (size <= 1) return std::string();
  std::string out(static_cast<size_t>(size - 1), '\0');
  WideCharToMultiByte(CP_UTF8, 0, text, -1, &out[0], size, nullptr, nullptr);
  return out;
}

}  // namespace

int io_startup() {
  static const int result = [] {
    WSADATA data;
    return WSAStartup(MAKEWORD(2, 2), &data);
  }();
  return result;
}

int io_socket(int family, sock_t* out) {
  SOCKET sock = WSASocketW(family, SOCK_DGRAM, IPPROTO_UDP, nullptr, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
  if (sock == INVALID_SOCKET) return WSAGetLastError();
  u_long nonblocking = 1;
  if (ioctlsocket(sock, FIONBIO, &nonblocking) != 0) {
    int err = WSAGetLastError();
    closesocket(sock);
    return err;
  }
  // Without this an ICMP port-unreachable makes the next receive fail with WSAECONNRESET.
  BOOL report = FALSE;
  DWORD bytes = 0;
  WSAIoctl(sock, SIO_UDP_CONNRESET, &report, sizeof report, nullptr, 0, &bytes, nullptr, nullptr);
  *out = sock;
  return 0;
}

void io_close(sock_t sock) { closesocket(sock); }

int io_bind(sock_t sock, const SockAddr& addr) {
  return ::bind(sock, addr.raw(), addr.len) == 0 ? 0 : WSAGetLastError();
}

int io_local_address(sock_t sock, SockAddr* out) {
  out->len = sizeof out->storage;
  return getsockname(sock, out->raw(), &out->len) == 0 ? 0 : WSAGetLastError();
}

int io_setsockopt(sock_t sock, int level, int name, const void* value, size_t length) {
  int rc = setsockopt(sock, level, name, static_cast<const char*>(value), static_cast<int>(length));
  return rc == 0 ? 0 : WSAGetLastError();
}

int io_getsockopt(sock_t sock, int level, int name, void* value, size_t* length) {
  int len = static_cast<int>(*length);
  int rc = getsockopt(sock, level, name, static_cast<char*>(value), &len);
  *length = static_cast<size_t>(len);
  return rc == 0 ? 0 : WSAGetLastError();
}

int io_enable_packet_info(sock_t sock, int family) {
  DWORD on = 1;
  int level = family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
  int pktinfo = family == AF_INET ? IP_PKTINFO : IPV6_PKTINFO;
  int tos = family == AF_INET ? IP_RECVTOS : IPV6_RECVTCLASS;
  if (int err = io_setsockopt(sock, level, pktinfo, &on, sizeof on)) return err;
  // TOS reporting exists from Windows 10 on; older systems report 0.
  io_setsockopt(sock, level, tos, &on, sizeof on);
  return 0;
}

// Windows reports no per-socket drop count.
int io_enable_drop_count(sock_t) { return WSAENOPROTOOPT; }
// Windows has receive coalescing too (UDP_RECV_MAX_COALESCED_SIZE, URO), untried: none for now.
int io_enable_coalescing(sock_t, bool) { return WSAENOPROTOOPT; }

int io_set_dont_fragment(sock_t sock, int family, bool on) {
#if defined(IP_DONTFRAGMENT) && defined(IPV6_DONTFRAG)
  DWORD value = on ? 1 : 0;
  if (family == AF_INET) return io_setsockopt(sock, IPPROTO_IP, IP_DONTFRAGMENT, &value, sizeof value);
  if (int err = io_setsockopt(sock, IPPROTO_IPV6, IPV6_DONTFRAG, &value, sizeof value)) return err;
  io_setsockopt(sock, IPPROTO_IP, IP_DONTFRAGMENT, &value, sizeof value);  // IPv4-mapped peers of a dual-stack socket
  return 0;
#else
  (void)sock;
  (void)family;
  (void)on;
  return WSAENOPROTOOPT;
#endif
}

int io_recv_batch(sock_t sock, RecvSlot* slots, int count, int* received) {
  *received = 0;
  LPFN_WSARECVMSG recv_msg = recv_msg_function(sock);
  if (recv_msg == nullptr) return WSAEOPNOTSUPP;
  while (*received < count) {
    RecvSlot& slot = slots[*received];
    char control[kControlSize];
    WSABUF data{static_cast<ULONG>(slot.capacity), reinterpret_cast<char*>(slot.data)};
    WSAMSG msg{};
    msg.name = slot.from.raw();
    msg.namelen = sizeof slot.from.storage;
    msg.lpBuffers = &data;
    msg.dwBufferCount = 1;
    msg.Control = WSABUF{sizeof control, control};
    DWORD bytes = 0;
    slot.truncated = false;
    if (recv_msg(sock, &msg, &bytes, nullptr, nullptr) != 0) {
      int err = WSAGetLastError();
      if (err == WSAEINTR) continue;
      if (err == WSAEMSGSIZE) {
        slot.truncated = true;
        bytes = static_cast<DWORD>(slot.capacity);
      } else {
        return *received > 0 && err == WSAEWOULDBLOCK ? 0 : err;
      }
    }
    slot.length = bytes;
    slot.from.len = msg.namelen;
    slot.to = SockAddr{};
    slot.ifindex = 0;
    slot.tos = 0;
    slot.has_drops = false;
    read_control(&msg, &slot);
    (*received)++;
  }
  return 0;
}

// UDP segmentation offload (USO) exists on Windows too, but is not used here.
size_t io_segment_limit(sock_t) { return 0; }

int io_send_batch(sock_t sock, const SendSlot* slots, int count, int* sent, size_t*) {
  *sent = 0;
  while (*sent < count) {
    const SendSlot& s = slots[*sent];
    WSABUF data{static_cast<ULONG>(s.length), reinterpret_cast<char*>(const_cast<uint8_t*>(s.data))};
    WSAMSG msg{};
    msg.name = const_cast<sockaddr*>(s.to->raw());
    msg.namelen = s.to->len;
    msg.lpBuffers = &data;
    msg.dwBufferCount = 1;
    DWORD bytes = 0;
    if (WSASendMsg(sock, &msg, 0, &bytes, nullptr, nullptr) != 0) {
      int err = WSAGetLastError();
      if (err == WSAEINTR) continue;
      return err;
    }
    (*sent)++;
  }
  return 0;
}

int io_take_error(sock_t sock) {
  int err = 0;
  int len = sizeof err;
  if (getsockopt(sock, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&err), &len) != 0) return WSAGetLastError();
  return err;
}

int read_adapters(ULONG family, std::vector<uint8_t>* buffer) {
  ULONG size = 16 * 1024;
  ULONG rc;
  ULONG flags = GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER;
  do {
    buffer->resize(size);
    rc = GetAdaptersAddresses(family, flags, nullptr, first_adapter(*buffer), &size);
  } while (rc == ERROR_BUFFER_OVERFLOW);
  return rc == NO_ERROR ? 0 : static_cast<int>(rc);
}

int io_list_interfaces(std::vector<IfInfo>* out) {
  std::vector<uint8_t> buffer;
  if (int err = read_adapters(AF_UNSPEC, &buffer)) return err;
  for (auto* a = first_adapter(buffer); a != nullptr; a = a->Next) {
    IfInfo info;
    info.name = utf8(a->FriendlyName);
    info.index = a->IfIndex != 0 ? a->IfIndex : a->Ipv6IfIndex;
    info.up = a->OperStatus == IfOperStatusUp;
    info.loopback = a->IfType == IF_TYPE_SOFTWARE_LOOPBACK;
    info.multicast = (a->Flags & IP_ADAPTER_NO_MULTICAST) == 0;
    for (auto* u = a->FirstUnicastAddress; u != nullptr; u = u->Next) {
      int family = u->Address.lpSockaddr->sa_family;
      if (family != AF_INET && family != AF_INET6) continue;
      IfAddress addr;
      addr.family = family;
      addr.address = format_ip(u->Address.lpSockaddr, false);
      addr.prefix_length = u->OnLinkPrefixLength;
      info.addresses.push_back(std::move(addr));
    }
    out->push_back(std::move(info));
  }
  return 0;
}

unsigned io_name_to_index(const char* name) { return if_nametoindex(name); }

// Windows names scopes by number ("fe80::1%12"), as Node does there.
bool io_index_to_name(unsigned, std::string*) { return false; }

bool io_would_block(int err) { return err == WSAEWOULDBLOCK; }
bool io_not_permitted(int err) { return err == WSAEACCES; }
int io_invalid_argument() { return WSAEINVAL; }
int io_message_too_long() { return WSAEMSGSIZE; }

}  // namespace uftp_native

#endif  // _WIN32
