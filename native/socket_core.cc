#include "socket_core.h"

#include <algorithm>
#include <cstring>

namespace uftp_native {

namespace {

Status failure(int error, const char* syscall) { return Status{error, syscall}; }

int ip_level(int family) { return family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6; }

}  // namespace

Status SocketCore::open(int family, bool reuse_addr) {
  if (is_open()) return failure(io_invalid_argument(), "socket");
  if (int err = io_startup()) return failure(err, "WSAStartup");
  sock_t sock;
  if (int err = io_socket(family, &sock)) return failure(err, "socket");
  sock_ = sock;
  family_ = family;
  Status st;
  if (reuse_addr) st = option(SOL_SOCKET, SO_REUSEADDR, 1, "setsockopt");
  if (st.ok() && family == AF_INET6) st = option(IPPROTO_IPV6, IPV6_V6ONLY, 1, "setsockopt");
  if (!st.ok()) close();
  else set_segment_offload(true);
  return st;
}

void SocketCore::close() {
  if (!is_open()) return;
  io_dscp_marker_free(dscp_marker_);
  dscp_marker_ = nullptr;
  io_close(sock_);
  sock_ = kNoSocket;
  queue_.clear();
  queue_bytes_ = 0;
}

Status SocketCore::bind(const SockAddr& addr) {
  if (int err = io_bind(sock_, addr)) return failure(err, "bind");
  return {};
}

Status SocketCore::local_address(SockAddr* out) const {
  if (int err = io_local_address(sock_, out)) return failure(err, "getsockname");
  return {};
}

Status SocketCore::option(int level, int name, int value, const char* syscall) {
  if (int err = io_setsockopt(sock_, level, name, &value, sizeof value)) return failure(err, syscall);
  return {};
}

Status SocketCore::read_option(int level, int name, int* value) const {
  *value = 0;
  size_t length = sizeof *value;
  if (int err = io_getsockopt(sock_, level, name, value, &length)) return failure(err, "getsockopt");
  return {};
}

Status set_socket_buffer(sock_t sock, BufferKind kind, int bytes, bool force, BufferGrant* grant) {
  int plain = kind == BufferKind::kReceive ? SO_RCVBUF : SO_SNDBUF;
  grant->requested = bytes;
  grant->forced = false;
  int err = 0;
#if defined(SO_RCVBUFFORCE) && defined(SO_SNDBUFFORCE)
  if (force) {
    // The FORCE variants pass rmem_max/wmem_max but need CAP_NET_ADMIN.
    int forced = kind == BufferKind::kReceive ? SO_RCVBUFFORCE : SO_SNDBUFFORCE;
    err = io_setsockopt(sock, SOL_SOCKET, forced, &bytes, sizeof bytes);
    if (err == 0) grant->forced = true;
    else if (!io_not_permitted(err)) return failure(err, "setsockopt");
  }
#else
  (void)force;
#endif
  if (!grant->forced) err = io_setsockopt(sock, SOL_SOCKET, plain, &bytes, sizeof bytes);
  if (err != 0) return failure(err, "setsockopt");
  grant->granted = 0;
  size_t length = sizeof grant->granted;
  if ((err = io_getsockopt(sock, SOL_SOCKET, plain, &grant->granted, &length)) != 0) return failure(err, "getsockopt");
  return {};
}

Status SocketCore::set_buffer(BufferKind kind, int bytes, bool force, BufferGrant* grant) {
  return set_socket_buffer(sock_, kind, bytes, force, grant);
}

Status SocketCore::get_buffer(BufferKind kind, int* bytes) const {
  return read_option(SOL_SOCKET, kind == BufferKind::kReceive ? SO_RCVBUF : SO_SNDBUF, bytes);
}

Status SocketCore::set_v6_only(bool on) {
  if (family_ != AF_INET6) return failure(io_invalid_argument(), "setsockopt");
  Status st = option(IPPROTO_IPV6, IPV6_V6ONLY, on ? 1 : 0, "setsockopt");
  if (st.ok()) dual_stack_ = !on;
  return st;
}

Status SocketCore::set_tos(int tos) {
  if (int err = io_set_dscp(sock_, family_, tos, &dscp_marker_, &dscp_report_)) return failure(err, "setsockopt");
  if (dual_stack_) return option(IPPROTO_IP, IP_TOS, tos, "setsockopt");
  return {};
}

void SocketCore::mark_destinations(const SendSlot* items, int count) {
  for (int i = 0; i < count; i++) io_dscp_prepare(dscp_marker_, sock_, *items[i].to, &dscp_report_);
}

Status SocketCore::get_tos(int* tos) const {
  return family_ == AF_INET ? read_option(IPPROTO_IP, IP_TOS, tos) : read_option(IPPROTO_IPV6, IPV6_TCLASS, tos);
}

Status SocketCore::set_multicast_ttl(int ttl) {
  if (family_ == AF_INET || dual_stack_) {
    Status st = option(IPPROTO_IP, IP_MULTICAST_TTL, ttl, "setsockopt");
    if (!st.ok() || family_ == AF_INET) return st;
  }
  return option(IPPROTO_IPV6, IPV6_MULTICAST_HOPS, ttl, "setsockopt");
}

Status SocketCore::get_multicast_ttl(int* ttl) const {
  return family_ == AF_INET ? read_option(IPPROTO_IP, IP_MULTICAST_TTL, ttl)
                            : read_option(IPPROTO_IPV6, IPV6_MULTICAST_HOPS, ttl);
}

Status SocketCore::set_multicast_loop(bool on) {
  return family_ == AF_INET ? option(IPPROTO_IP, IP_MULTICAST_LOOP, on ? 1 : 0, "setsockopt")
                            : option(IPPROTO_IPV6, IPV6_MULTICAST_LOOP, on ? 1 : 0, "setsockopt");
}

Status SocketCore::set_dont_fragment(bool on) {
  if (int err = io_set_dont_fragment(sock_, family_, on)) return failure(err, "setsockopt");
  return {};
}

Status SocketCore::set_multicast_if(unsigned ifindex) {
  if (int err = io_set_multicast_if(sock_, family_, ifindex)) return failure(err, "setsockopt");
  if (dual_stack_) {
    if (int err = io_set_multicast_if(sock_, AF_INET, ifindex)) return failure(err, "setsockopt");
  }
  multicast_if_ = ifindex;
  return {};
}

Status SocketCore::get_multicast_if(unsigned* ifindex) const {
  if (family_ == AF_INET) {
    *ifindex = multicast_if_;
    return {};
  }
  int value = 0;
  Status st = read_option(IPPROTO_IPV6, IPV6_MULTICAST_IF, &value);
  *ifindex = static_cast<unsigned>(value);
  return st;
}

Status SocketCore::membership(bool join, const SockAddr& group, const SockAddr* source, unsigned ifindex) {
  // The group's own family: a dual-stack socket joins IPv4 groups at the IPv4 level.
  int level = ip_level(group.family());
  if (source == nullptr) {
    group_req req{};
    req.gr_interface = ifindex;
    std::memcpy(&req.gr_group, &group.storage, group.len);
    int err = io_setsockopt(sock_, level, join ? MCAST_JOIN_GROUP : MCAST_LEAVE_GROUP, &req, sizeof req);
    if (err != 0) err = io_membership_fallback(sock_, group.family(), join, group, nullptr, ifindex, err);
    return err == 0 ? Status{} : failure(err, "setsockopt");
  }
  group_source_req req{};
  req.gsr_interface = ifindex;
  std::memcpy(&req.gsr_group, &group.storage, group.len);
  std::memcpy(&req.gsr_source, &source->storage, source->len);
  int name = join ? MCAST_JOIN_SOURCE_GROUP : MCAST_LEAVE_SOURCE_GROUP;
  int err = io_setsockopt(sock_, level, name, &req, sizeof req);
  if (err != 0) err = io_membership_fallback(sock_, group.family(), join, group, source, ifindex, err);
  return err == 0 ? Status{} : failure(err, "setsockopt");
}

Status SocketCore::enable_receive(uint8_t* area, size_t stride, size_t slot_size) {
  if (int err = io_enable_packet_info(sock_, family_)) return failure(err, "setsockopt");
  // Optional: without it the drop count is reported as unavailable, never as 0.
  drops_reported_ = io_enable_drop_count(sock_) == 0;
  slots_.resize(kBatch);
  for (int i = 0; i < kBatch; i++) {
    slots_[i].data = area + stride * static_cast<size_t>(i);
    slots_[i].capacity = slot_size;
  }
  return {};
}

Status SocketCore::take_error() {
  if (!is_open()) return {};
  return failure(io_take_error(sock_), "poll");
}

Status SocketCore::receive(const RecvSlot** slots, int* count, bool* more) {
  *count = 0;
  *more = false;
  *slots = slots_.data();
  if (!is_open() || slots_.empty()) return {};
  int received = 0;
  int err = io_recv_batch(sock_, slots_.data(), kBatch, &received);
  if (err != 0 && !io_would_block(err)) return failure(err, "recvmmsg");
  *count = received;
  *more = received == kBatch;
  for (int i = 0; i < received; i++) {
    const RecvSlot& slot = slots_[static_cast<size_t>(i)];
    if (!slot.has_drops) continue;
    drops_ += static_cast<uint32_t>(slot.drops - drops_raw_);  // modulo 2^32: the counter wraps
    drops_raw_ = slot.drops;
  }
  if (coalescing_) split_runs(received, slots, count);
  return {};
}

// Each coalesced run becomes a slot per datagram, the same sender, destination
// and TOS, its bytes where the run holds them.
void SocketCore::split_runs(int received, const RecvSlot** slots, int* count) {
  auto is_run = [](const RecvSlot& s) { return !s.truncated && s.segment > 0 && s.length > s.segment; };
  // From a sender that does not coalesce (the real uftp) nothing is: the slots are the datagrams as they are.
  if (std::none_of(slots_.begin(), slots_.begin() + received, is_run)) return;
  split_.clear();
  for (int i = 0; i < received; i++) {
    const RecvSlot& run = slots_[static_cast<size_t>(i)];
    if (!is_run(run)) {
      split_.push_back(run);
      continue;
    }
    for (size_t at = 0; at < run.length; at += run.segment) {
      RecvSlot one = run;
      one.data = run.data + at;
      one.length = std::min(run.segment, run.length - at);
      one.segment = 0;
      split_.push_back(one);
    }
  }
  *slots = split_.data();
  *count = static_cast<int>(split_.size());
}

bool SocketCore::set_coalescing(bool on) {
  // Unchanged when the kernel refuses: had turning it off failed, runs would still come and need splitting.
  if (is_open() && io_enable_coalescing(sock_, on) == 0) coalescing_ = on;
  if (coalescing_) split_.reserve(static_cast<size_t>(max_received()));
  return coalescing_;
}

bool SocketCore::receive_drops(uint64_t* drops) const {
  *drops = drops_;
  return drops_reported_;
}

void SocketCore::enqueue(const SendSlot* items, int count) {
  for (int i = 0; i < count; i++) {
    size_t cost = items[i].length + kQueuedOverhead;
    if (queue_bytes_ + cost > queue_limit_) {
      queue_dropped_++;
      continue;
    }
    Queued q;
    q.data.assign(items[i].data, items[i].data + items[i].length);
    q.to = *items[i].to;
    queue_.push_back(std::move(q));
    queue_bytes_ += cost;
  }
  if (queue_bytes_ > queue_peak_) queue_peak_ = queue_bytes_;
}

void SocketCore::dequeue(size_t count) {
  for (size_t i = 0; i < count; i++) {
    queue_bytes_ -= queue_.front().data.size() + kQueuedOverhead;
    queue_.pop_front();
  }
}

QueueDepth SocketCore::queue_depth() const {
  QueueDepth d;
  d.datagrams = queue_.size();
  d.bytes = queue_bytes_;
  d.peak_bytes = queue_peak_;
  d.dropped = queue_dropped_;
  d.limit_bytes = queue_limit_;
  return d;
}

Status SocketCore::send(const SendSlot* items, int count, int* sent) {
  *sent = 0;
  if (!queue_.empty()) {
    enqueue(items, count);
    return {};
  }
  if (dscp_marker_ != nullptr) mark_destinations(items, count);
  int err = io_send_batch(sock_, items, count, sent, &segment_limit_);
  if (err == 0) return {};
  if (io_would_block(err)) {
    enqueue(items + *sent, count - *sent);
    return {};
  }
  return failure(err, "sendmmsg");
}

Status SocketCore::drain() {
  SendSlot batch[kBatch];
  while (!queue_.empty()) {
    int count = 0;
    for (auto it = queue_.begin(); it != queue_.end() && count < kBatch; ++it, ++count) {
      batch[count] = SendSlot{it->data.data(), it->data.size(), &it->to};
    }
    int sent = 0;
    if (dscp_marker_ != nullptr) mark_destinations(batch, count);
    int err = io_send_batch(sock_, batch, count, &sent, &segment_limit_);
    dequeue(static_cast<size_t>(sent));
    if (err == 0) continue;
    if (io_would_block(err)) return {};
    dequeue(1);  // the kernel refused this one for good
    return failure(err, "sendmmsg");
  }
  return {};
}

}  // namespace uftp_native
