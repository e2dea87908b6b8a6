// A UDP socket in plain C++: options, memberships, batched receive, and a
// send queue for what the kernel could not take yet. It knows nothing of
// Node (binding_socket.cc maps it onto JS) and nothing of UFTP.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "io.h"
#include "status.h"

namespace uftp_native {

enum class BufferKind { kReceive, kSend };

struct BufferGrant {
  int requested = 0;
  int granted = 0;  // what getsockopt reports afterwards (Linux doubles the request)
  bool forced = false;
};

// The send queue's depth and what it refused. Each queued datagram counts its
// payload and kQueuedOverhead bytes of bookkeeping, so empty ones count too.
struct QueueDepth {
  size_t datagrams = 0;
  size_t bytes = 0;
  size_t peak_bytes = 0;  // the most bytes queued at once
  double dropped = 0;     // datagrams refused because the queue was at its limit
  size_t limit_bytes = 0;
};

// Sets a socket's receive or send buffer, with the FORCE variant first when
// asked (falling back to the plain one where it is not permitted), and reads
// back what the kernel granted.
Status set_socket_buffer(sock_t sock, BufferKind kind, int bytes, bool force, BufferGrant* grant);

class SocketCore {
 public:
  static constexpr int kBatch = 64;              // datagrams per recvmmsg/sendmmsg
  static constexpr size_t kMaxSlotSize = 65536;  // any UDP payload fits: nothing truncated
  static constexpr size_t kQueuedOverhead = 64;
  // A few seconds of a fast sender's backlog: beyond it the sender outruns the network, and
  // memory, not the kernel, would take the difference.
  static constexpr size_t kDefaultQueueLimit = 32u << 20;

  SocketCore() = default;
  SocketCore(const SocketCore&) = delete;
  SocketCore& operator=(const SocketCore&) = delete;
  ~SocketCore() { close(); }

  Status open(int family, bool reuse_addr);
  bool is_open() const { return sock_ != kNoSocket; }
  int family() const { return family_; }
  sock_t handle() const { return sock_; }
  void close();

  Status bind(const SockAddr& addr);
  Status local_address(SockAddr* out) const;

  Status set_buffer(BufferKind kind, int bytes, bool force, BufferGrant* grant);
  Status get_buffer(BufferKind kind, int* bytes) const;
  Status set_tos(int tos);
  // How the DSCP of set_tos reaches the wire; may change after sends (a qWAVE flow refused).
  const DscpReport& dscp_report() const { return dscp_report_; }
  Status get_tos(int* tos) const;
  Status set_multicast_ttl(int ttl);
  Status get_multicast_ttl(int* ttl) const;
  Status set_multicast_loop(bool on);
  Status set_dont_fragment(bool on);
  // Off (before bind), an IPv6 socket also carries IPv4 (dual stack): its IPv4 options are then set
  // beside the IPv6 ones, and IPv4 groups are joined at the IPv4 level.
  Status set_v6_only(bool on);
  bool dual_stack() const { return dual_stack_; }
  Status set_multicast_if(unsigned ifindex);
  Status get_multicast_if(unsigned* ifindex) const;
  // Any-source when source is null, else source-specific; ifindex 0 = kernel's choice.
  Status membership(bool join, const SockAddr& group, const SockAddr* source, unsigned ifindex);

  // Asks for destination/interface/TOS per datagram and points the kBatch
  // receive slots into `area` (owned by the caller, which keeps it alive while
  // this socket lives), `stride` bytes apart, each taking up to slot_size bytes.
  Status enable_receive(uint8_t* area, size_t stride, size_t slot_size);
  // The socket's pending error (what made a poll report POLLERR), taken so the
  // next poll does not report it again; ok if there was none.
  Status take_error();
  // One recvmmsg into the slots. *count 0 means nothing is waiting (EAGAIN).
  // A datagram longer than its slot comes back with truncated set. *more: the
  // batch was full, so more may be waiting. With coalescing, each run the kernel
  // coalesced comes back split, a slot per datagram (pointing into the run).
  Status receive(const RecvSlot** slots, int* count, bool* more);
  // Receive coalescing (io_enable_coalescing), where the platform has it: fewer,
  // larger trips through the stack, the same datagrams out of receive(). The
  // slots of enable_receive must hold kMaxSlotSize. Returns whether it is on.
  bool set_coalescing(bool on);
  bool coalescing() const { return coalescing_; }
  // The most datagrams one receive() returns: a run holds at most kMaxRun
  // (Linux: UDP_MAX_SEGMENTS for a local GSO sender; GRO itself stops at 64).
  static constexpr int kMaxRun = 128;
  int max_received() const { return coalescing_ ? kBatch * kMaxRun : kBatch; }
  // The kernel's count of datagrams dropped on this socket since it was opened (full receive buffer),
  // as learnt from the datagrams received so far; false where the platform does not report it (or
  // before enable_receive).
  bool receive_drops(uint64_t* drops) const;

  // Sends in order. On EAGAIN the unsent ones are copied into the queue, as
  // far as its limit lets them: the newest beyond it are dropped and counted.
  // A hard error is returned and *sent says how many the kernel took before
  // it (the failed datagram and those after it are neither sent nor queued).
  // While the queue is non-empty everything is queued to keep the order.
  Status send(const SendSlot* items, int count, int* sent);
  // Sends from the queue until it is empty or the kernel says EAGAIN. A
  // datagram the kernel refuses is dropped and its error returned.
  Status drain();
  size_t queued() const { return queue_.size(); }
  QueueDepth queue_depth() const;
  // The most bytes the queue holds (see QueueDepth); what is queued already stays.
  void set_queue_limit(size_t bytes) { queue_limit_ = bytes; }
  // Coalescing of equal-sized runs in send() and drain() (io_send_batch): on
  // by default where the platform has it. Turning it on again re-probes.
  void set_segment_offload(bool on) { segment_limit_ = on && is_open() ? io_segment_limit(sock_) : 0; }
  // The largest datagram coalesced now; 0 = off (never on, or the kernel refused it).
  size_t segment_limit() const { return segment_limit_; }

 private:
  struct Queued {
    std::vector<uint8_t> data;
    SockAddr to;
  };

  Status option(int level, int name, int value, const char* syscall);
  Status read_option(int level, int name, int* value) const;
  void enqueue(const SendSlot* items, int count);
  void mark_destinations(const SendSlot* items, int count);
  void dequeue(size_t count);
  void split_runs(int received, const RecvSlot** slots, int* count);

  sock_t sock_ = kNoSocket;
  bool dual_stack_ = false;
  int family_ = 0;
  size_t segment_limit_ = 0;
  unsigned multicast_if_ = 0;
  DscpMarker* dscp_marker_ = nullptr;  // Windows' qWAVE flows, while a DSCP is set there
  DscpReport dscp_report_{"none", "no marking asked"};  // Linux cannot read an ifindex back for IPv4: remember it
  bool drops_reported_ = false;
  uint32_t drops_raw_ = 0;  // the kernel's 32-bit counter as last seen
  uint64_t drops_ = 0;      // the same, unwrapped
  std::vector<RecvSlot> slots_;
  bool coalescing_ = false;
  std::vector<RecvSlot> split_;  // the datagrams of the last receive, runs split (coalescing only)
  std::deque<Queued> queue_;
  size_t queue_bytes_ = 0;
  size_t queue_peak_ = 0;
  size_t queue_limit_ = kDefaultQueueLimit;
  double queue_dropped_ = 0;
};

}  // namespace uftp_native
