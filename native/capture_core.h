// A capture of the UDP datagrams from or to one port, as they pass this
// host's interfaces in either direction, whoever's socket sends or receives
// them. Linux: an AF_PACKET socket with a kernel (classic BPF) filter, so
// nothing else reaches user space; it needs CAP_NET_RAW, joins no group,
// binds no UDP port, and changes nothing for the programs it watches.
// Elsewhere (Windows) it is not supported. Plain C++: binding_capture.cc maps
// it onto JS; nothing here knows UFTP.
#pragma once

#include <cstdint>
#include <vector>

#include "io.h"
#include "socket_core.h"
#include "status.h"

namespace uftp_native {

// What a capture could not deliver.
struct CaptureCounts {
  uint64_t kernel_drops = 0;  // frames the kernel dropped for a full receive buffer
  uint64_t unreadable = 0;    // frames cut short, or that the kernel could not describe
  uint64_t coalesced = 0;     // frames that carried several datagrams (GSO), delivered split
};

class CaptureCore {
 public:
  static constexpr int kBatch = 32;  // frames per receive

  CaptureCore() = default;
  CaptureCore(const CaptureCore&) = delete;
  CaptureCore& operator=(const CaptureCore&) = delete;
  ~CaptureCore() { close(); }

  // False where open() can only fail.
  static bool supported();
  // Captures on interface ifindex (0: every interface) the UDP datagrams over
  // IPv4 or IPv6 whose source or destination port is `port`. Fragmented
  // datagrams are not seen.
  Status open(uint16_t port, unsigned ifindex);
  bool is_open() const { return sock_ != kNoSocket; }
  sock_t handle() const { return sock_; }
  void close();

  Status set_receive_buffer(int bytes, BufferGrant* grant);
  // One batch of frames: their datagrams replace *out (slots pointing into
  // this capture's memory, valid until the next receive or close). *frames 0
  // means nothing was waiting. Each datagram on the loopback device is
  // delivered once (the kernel shows it leaving and arriving).
  Status receive(std::vector<RecvSlot>* out, int* frames);
  // The socket's pending error (what made a poll fail), taken; ok if none, or
  // if it was only a frame the kernel could not describe (counted).
  Status take_error();
  CaptureCounts counts();

 private:
  sock_t sock_ = kNoSocket;
  bool split_coalesced_ = false;  // the kernel describes coalesced frames (Linux PACKET_VNET_HDR)
  uint8_t* memory_ = nullptr;     // kBatch frames, from open() until close()
  CaptureCounts counts_;
};

}  // namespace uftp_native
