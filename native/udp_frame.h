// Reads UDP datagrams out of an IP packet as a capture sees it (IPv4 or IPv6
// header, then UDP): addresses, ports, TOS, and the payload in place. A
// packet the sender's kernel coalesced (UDP GSO: one UDP header over several
// datagrams, split late) becomes the datagrams the wire carries. Plain C++,
// no syscalls; nothing of Node or UFTP.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "io.h"

namespace uftp_native {

enum class FrameResult {
  kDatagrams,  // one or more datagrams appended
  kNotUdp,     // not an unfragmented UDP packet over IPv4/IPv6 (the kernel filter lets none through)
  kShort,      // headers or payload cut short, or lengths that disagree
};

// The packet at `ip` (network header first, `length` bytes as captured).
// segment: the coalesced datagram size (0 = not coalesced). ifindex becomes
// each slot's ifindex and the scope of link-local IPv6 addresses. Appended
// slots point into `ip`; their `to` carries the destination port.
FrameResult read_udp_frame(uint8_t* ip, size_t length, size_t segment, unsigned ifindex, bool outgoing,
                           std::vector<RecvSlot>* out);

}  // namespace uftp_native
