// The kernel filter of a capture (classic BPF, Linux): accepts unfragmented
// UDP over IPv4 or IPv6 from or to one port, refuses all else before it is
// queued. Loads are relative to the network header (SKF_NET_OFF), so one
// program serves every link type (Ethernet, loopback, tunnels).
#pragma once

#ifndef _WIN32

#include <linux/filter.h>

#include <cstdint>
#include <vector>

namespace uftp_native {

std::vector<sock_filter> udp_port_filter(uint16_t port);

}  // namespace uftp_native

#endif
