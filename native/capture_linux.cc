// Linux side of capture_core.h: an AF_PACKET socket under a classic BPF
// filter. SOCK_RAW so that the kernel can describe coalesced (GSO) frames
// (PACKET_VNET_HDR); PACKET_AUXDATA says where each frame's IP header starts.
#ifndef _WIN32

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if_arp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "capture_core.h"
#include "capture_filter.h"
#include "udp_frame.h"

namespace uftp_native {
namespace {

// Any frame fits whole: IP's 64 KiB, a link header, the virtio header.
constexpr size_t kFrameBytes = 65536 + 256;
// virtio_net_hdr (linux/virtio_net.h), in host byte order for a packet socket.
struct VnetHeader {
  uint8_t flags;
  uint8_t gso_type;
  uint16_t header_length;
  uint16_t gso_size;
  uint16_t csum_start;
  uint16_t csum_offset;
};
constexpr uint8_t kGsoUdpL4 = 5;  // VIRTIO_NET_HDR_GSO_UDP_L4: UDP datagrams of gso_size bytes
constexpr uint8_t kGsoEcn = 0x80;

Status failure(const char* syscall) { return Status{errno, syscall}; }

int enable(int sock, int name) {
  int on = 1;
  return ::setsockopt(sock, SOL_PACKET, name, &on, sizeof on);
}

// Where the IP header starts in a frame, from PACKET_AUXDATA; false if the kernel did not say.
bool network_offset(msghdr* msg, size_t* offset) {
  for (cmsghdr* c = CMSG_FIRSTHDR(msg); c != nullptr; c = CMSG_NXTHDR(msg, c)) {
    if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA) continue;
    tpacket_auxdata aux;
    std::memcpy(&aux, CMSG_DATA(c), sizeof aux);
    *offset = aux.tp_net;
    return true;
  }
  return false;
}

}  // namespace

bool CaptureCore::supported() { return true; }

Status CaptureCore::open(uint16_t port, unsigned ifindex) {
  if (is_open()) return Status{EINVAL, "socket"};
  // Protocol 0 receives nothing until bind(): no frame gets in before the filter is in place.
  int sock = ::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (sock < 0) return failure("socket");
  sock_ = sock;
  std::vector<sock_filter> code = udp_port_filter(port);
  sock_fprog program{static_cast<unsigned short>(code.size()), code.data()};
  if (::setsockopt(sock, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) < 0 ||
      enable(sock, PACKET_AUXDATA) < 0) {
    Status st = failure("setsockopt");
    close();
    return st;
  }
  // Kernels that cannot describe a coalesced frame refuse it at receive (EINVAL), which is counted.
  split_coalesced_ = enable(sock, PACKET_VNET_HDR) == 0;
  sockaddr_ll where{};
  where.sll_family = AF_PACKET;
  where.sll_protocol = htons(ETH_P_ALL);
  where.sll_ifindex = static_cast<int>(ifindex);
  if (::bind(sock, reinterpret_cast<sockaddr*>(&where), sizeof where) < 0) {
    Status st = failure("bind");
    close();
    return st;
  }
  memory_ = static_cast<uint8_t*>(std::calloc(kBatch, kFrameBytes));
  if (memory_ == nullptr) {
    close();
    return Status{ENOMEM, "calloc"};
  }
  return {};
}

void CaptureCore::close() {
  if (sock_ != kNoSocket) ::close(sock_);
  sock_ = kNoSocket;
  std::free(memory_);
  memory_ = nullptr;
}

Status CaptureCore::set_receive_buffer(int bytes, BufferGrant* grant) {
  return set_socket_buffer(sock_, BufferKind::kReceive, bytes, true, grant);
}

Status CaptureCore::receive(std::vector<RecvSlot>* out, int* frames) {
  out->clear();
  *frames = 0;
  mmsghdr msgs[kBatch];
  iovec iovs[kBatch];
  sockaddr_ll names[kBatch];
  alignas(cmsghdr) uint8_t control[kBatch][CMSG_SPACE(sizeof(tpacket_auxdata))];
  std::memset(msgs, 0, sizeof msgs);
  for (int i = 0; i < kBatch; i++) {
    iovs[i] = {memory_ + static_cast<size_t>(i) * kFrameBytes, kFrameBytes};
    msghdr& h = msgs[i].msg_hdr;
    h.msg_name = &names[i];
    h.msg_namelen = sizeof names[i];
    h.msg_iov = &iovs[i];
    h.msg_iovlen = 1;
    h.msg_control = control[i];
    h.msg_controllen = sizeof control[i];
  }
  int n;
  int refused = 0;
  while ((n = ::recvmmsg(sock_, msgs, kBatch, MSG_DONTWAIT, nullptr)) < 0) {
    if (errno == EINTR) continue;
    // A coalesced frame the kernel could not describe is dropped with EINVAL: count it, go on.
    if (errno == EINVAL && split_coalesced_ && refused++ < kBatch) {
      counts_.unreadable++;
      continue;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) return {};
    return failure("recvmmsg");
  }
  *frames = n;
  for (int i = 0; i < n; i++) {
    msghdr& h = msgs[i].msg_hdr;
    const sockaddr_ll& from = names[i];
    bool outgoing = from.sll_pkttype == PACKET_OUTGOING;
    if (outgoing && from.sll_hatype == ARPHRD_LOOPBACK) continue;  // it is seen again arriving
    uint8_t* frame = static_cast<uint8_t*>(iovs[i].iov_base);
    size_t length = msgs[i].msg_len;
    size_t segment = 0;
    size_t net = 0;
    bool readable = (h.msg_flags & MSG_TRUNC) == 0 && network_offset(&h, &net);
    if (readable && split_coalesced_) {
      VnetHeader vnet;
      readable = length >= sizeof vnet;
      if (readable) {
        std::memcpy(&vnet, frame, sizeof vnet);
        if ((vnet.gso_type & ~kGsoEcn) == kGsoUdpL4) segment = vnet.gso_size;
        frame += sizeof vnet;
        length -= sizeof vnet;
      }
    }
    size_t before = out->size();
    readable = readable && net < length &&
               read_udp_frame(frame + net, length - net, segment, static_cast<unsigned>(from.sll_ifindex), outgoing,
                              out) == FrameResult::kDatagrams;
    if (!readable) counts_.unreadable++;
    else if (out->size() - before > 1) counts_.coalesced++;
  }
  return {};
}

Status CaptureCore::take_error() {
  int err = 0;
  socklen_t length = sizeof err;
  if (::getsockopt(sock_, SOL_SOCKET, SO_ERROR, &err, &length) < 0) return failure("getsockopt");
  if (err == EINVAL && split_coalesced_) {
    counts_.unreadable++;  // what recvmmsg left pending after a batch: a frame the kernel could not describe
    return {};
  }
  return Status{err, "recvmmsg"};
}

CaptureCounts CaptureCore::counts() {
  tpacket_stats stats{};
  socklen_t length = sizeof stats;
  // The kernel's counters restart at each read.
  if (is_open() && ::getsockopt(sock_, SOL_PACKET, PACKET_STATISTICS, &stats, &length) == 0) {
    counts_.kernel_drops += stats.tp_drops;
  }
  return counts_;
}

}  // namespace uftp_native

#endif
