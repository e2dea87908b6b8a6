#include "udp_frame.h"

#include <cstring>

#include "address.h"

namespace uftp_native {
namespace {

constexpr uint8_t kUdp = 17;
constexpr size_t kUdpHeader = 8;
constexpr size_t kIpv6Header = 40;

uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

bool is_link_local6(const uint8_t* a) { return a[0] == 0xfe && (a[1] & 0xc0) == 0x80; }

SockAddr v6_address(const uint8_t* raw, uint16_t port, unsigned ifindex) {
  in6_addr addr;
  std::memcpy(&addr, raw, sizeof addr);
  return make_v6(addr, port, is_link_local6(raw) ? ifindex : 0);
}

SockAddr v4_address(const uint8_t* raw, uint16_t port) {
  in_addr addr;
  std::memcpy(&addr, raw, sizeof addr);
  return make_v4(addr, port);
}

}  // namespace

FrameResult read_udp_frame(uint8_t* ip, size_t length, size_t segment, unsigned ifindex, bool outgoing,
                           std::vector<RecvSlot>* out) {
  if (length < 1) return FrameResult::kShort;
  RecvSlot slot;
  size_t header = 0;
  int version = ip[0] >> 4;
  if (version == 4) {
    if (length < 20) return FrameResult::kShort;
    header = static_cast<size_t>(ip[0] & 0x0f) * 4;
    if (ip[9] != kUdp || (be16(ip + 6) & 0x3fff) != 0) return FrameResult::kNotUdp;  // fragments: MF or offset
    if (header < 20 || length < header + kUdpHeader) return FrameResult::kShort;
    slot.tos = ip[1];
  } else if (version == 6) {
    header = kIpv6Header;
    if (length < header + kUdpHeader) return FrameResult::kShort;
    if (ip[6] != kUdp) return FrameResult::kNotUdp;  // extension headers (fragments among them) are not followed
    slot.tos = (ip[0] & 0x0f) << 4 | ip[1] >> 4;
  } else {
    return FrameResult::kNotUdp;
  }
  const uint8_t* udp = ip + header;
  uint16_t from_port = be16(udp);
  uint16_t to_port = be16(udp + 2);
  if (version == 4) {
    slot.from = v4_address(ip + 12, from_port);
    slot.to = v4_address(ip + 16, to_port);
  } else {
    slot.from = v6_address(ip + 8, from_port, ifindex);
    slot.to = v6_address(ip + 24, to_port, ifindex);
  }
  slot.ifindex = ifindex;
  slot.outgoing = outgoing;
  // The UDP length, not the IP one, bounds the payload (link layers pad short frames). A coalesced
  // packet's UDP header counts all of its datagrams.
  size_t udp_length = be16(udp + 4);
  size_t payload = length - header - kUdpHeader;
  if (udp_length < kUdpHeader || udp_length - kUdpHeader > payload) return FrameResult::kShort;
  payload = udp_length - kUdpHeader;
  uint8_t* data = ip + header + kUdpHeader;
  size_t step = segment > 0 && segment < payload ? segment : payload;
  size_t offset = 0;
  do {
    slot.data = data + offset;
    slot.length = payload - offset < step ? payload - offset : step;
    slot.capacity = slot.length;
    out->push_back(slot);
    offset += slot.length;
  } while (offset < payload);
  return FrameResult::kDatagrams;
}

}  // namespace uftp_native
