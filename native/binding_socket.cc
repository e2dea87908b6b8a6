// Socket: the JS face of SocketCore. Each method checks its arguments and
// maps onto one core call; readiness from PollWatcher becomes one JS call per
// received batch (laid out by BatchTable) and a drain call once the send
// queue empties.
#include <napi.h>
#include <uv.h>

#include <cstddef>
#include <exception>
#include <string>
#include <vector>

#include "address.h"
#include "batch_table.h"
#include "binding_args.h"
#include "binding_errors.h"
#include "binding_handlers.h"
#include "binding_init.h"
#include "env_cleanup_link.h"
#include "binding_receive_area.h"
#include "poll_watcher.h"
#include "socket_core.h"

namespace uftp_native {
namespace {

constexpr int kBatchesPerPoll = 16;  // then yield to the loop so timers and sends get a turn
constexpr int kMaxPollErrors = 16;   // poll errors in a row, nothing read or sent between: the socket is closed

class NativeSocket : public Napi::ObjectWrap<NativeSocket> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "NativeSocket",
                       {
                           InstanceMethod<&NativeSocket::Bind>("bind"),
                           InstanceMethod<&NativeSocket::Address>("address"),
                           InstanceMethod<&NativeSocket::SetBuffer>("setBuffer"),
                           InstanceMethod<&NativeSocket::GetBuffer>("getBuffer"),
                           InstanceMethod<&NativeSocket::SetTos>("setTos"),
                           InstanceMethod<&NativeSocket::GetTos>("getTos"),
                           InstanceMethod<&NativeSocket::DscpMarking>("dscpMarking"),
                           InstanceMethod<&NativeSocket::SetMulticastTtl>("setMulticastTtl"),
                           InstanceMethod<&NativeSocket::GetMulticastTtl>("getMulticastTtl"),
                           InstanceMethod<&NativeSocket::SetMulticastLoopback>("setMulticastLoopback"),
                           InstanceMethod<&NativeSocket::SetDontFragment>("setDontFragment"),
                           InstanceMethod<&NativeSocket::SetV6Only>("setV6Only"),
                           InstanceMethod<&NativeSocket::SetMulticastInterface>("setMulticastInterface"),
                           InstanceMethod<&NativeSocket::GetMulticastInterface>("getMulticastInterface"),
                           InstanceMethod<&NativeSocket::Membership>("membership"),
                           InstanceMethod<&NativeSocket::StartReceiving>("startReceiving"),
                           InstanceMethod<&NativeSocket::HoldReceiving>("holdReceiving"),
                           InstanceMethod<&NativeSocket::Send>("send"),
                           InstanceMethod<&NativeSocket::SendBatch>("sendBatch"),
                           InstanceMethod<&NativeSocket::Queued>("queued"),
                           InstanceMethod<&NativeSocket::SendQueue>("sendQueue"),
                           InstanceMethod<&NativeSocket::SetSendQueueLimit>("setSendQueueLimit"),
                           InstanceMethod<&NativeSocket::SetSegmentOffload>("setSegmentOffload"),
                           InstanceMethod<&NativeSocket::SegmentLimit>("segmentLimit"),
                           InstanceMethod<&NativeSocket::ReceiveDrops>("receiveDrops"),
                           InstanceMethod<&NativeSocket::Close>("close"),
                       });
  }

  // new NativeSocket(family: 4 | 6, reuseAddr: boolean, handlers: { onBatch, onError, onDrain })
  explicit NativeSocket(const Napi::CallbackInfo& info)
      : Napi::ObjectWrap<NativeSocket>(info), env_(info.Env()), handlers_(info.Env(), "UdpSocket") {
    uint32_t family = uint_arg(info, 0, "family");
    if (family != 4 && family != 6) throw Napi::RangeError::New(env_, "family must be 4 or 6");
    HandlerCaller::Keep(info.This().As<Napi::Object>(), info[2]);
    check(env_, core_.open(family == 4 ? AF_INET : AF_INET6, info[1].ToBoolean()));
    cleanup_ = EnvCleanupLink<NativeSocket>::Add(env_, this);
  }

  ~NativeSocket() override {
    // Runs from the GC finalizer: releases the fd and the poll handle, never calls JS.
    Shutdown();
  }

 private:
  friend class EnvCleanupLink<NativeSocket>;

  // Idempotent; touches no JS. The cleanup hook is released only once libuv
  // has let go of the poll handle, which may outlive this object.
  void Shutdown() {
    if (gather_timer_ != nullptr) {
      uv_timer_stop(gather_timer_);
      uv_close(reinterpret_cast<uv_handle_t*>(gather_timer_), [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
      gather_timer_ = nullptr;
    }
    resting_ = false;
    closed_ = true;
    receiving_ = false;
    EnvCleanupLink<NativeSocket>::Close(&cleanup_, &watcher_);
    core_.close();
  }

  void EnsureOpen() {
    if (closed_) throw closed_error(env_, "socket", "ERR_SOCKET_CLOSED");
  }

  int family() const { return core_.family(); }

  void Bind(const Napi::CallbackInfo& info) {
    EnsureOpen();
    check(env_, core_.bind(address_arg(env_, info[0], uint_arg(info, 1, "port"), family(), "address")));
  }

  Napi::Value Address(const Napi::CallbackInfo&) {
    EnsureOpen();
    SockAddr local;
    check(env_, core_.local_address(&local));
    auto out = Napi::Object::New(env_);
    out.Set("address", format_ip(local.raw(), true));
    out.Set("port", port_of(local));
    return out;
  }

  // setBuffer(receive: boolean, bytes: number, force: boolean) -> BufferGrant
  Napi::Value SetBuffer(const Napi::CallbackInfo& info) {
    EnsureOpen();
    BufferKind kind = info[0].ToBoolean() ? BufferKind::kReceive : BufferKind::kSend;
    BufferGrant grant;
    check(env_, core_.set_buffer(kind, static_cast<int>(uint_arg(info, 1, "bytes")), info[2].ToBoolean(), &grant));
    auto out = Napi::Object::New(env_);
    out.Set("requested", grant.requested);
    out.Set("granted", grant.granted);
    out.Set("forced", grant.forced);
    return out;
  }

  Napi::Value GetBuffer(const Napi::CallbackInfo& info) {
    EnsureOpen();
    int bytes = 0;
    check(env_, core_.get_buffer(info[0].ToBoolean() ? BufferKind::kReceive : BufferKind::kSend, &bytes));
    return Napi::Number::New(env_, bytes);
  }

  void SetTos(const Napi::CallbackInfo& info) {
    EnsureOpen();
    check(env_, core_.set_tos(static_cast<int>(uint_arg(info, 0, "tos"))));
  }

  Napi::Value GetTos(const Napi::CallbackInfo&) {
    EnsureOpen();
    int tos = 0;
    check(env_, core_.get_tos(&tos));
    return Napi::Number::New(env_, tos);
  }

  Napi::Value DscpMarking(const Napi::CallbackInfo&) {
    EnsureOpen();
    auto out = Napi::Object::New(env_);
    out.Set("mechanism", core_.dscp_report().mechanism);
    out.Set("detail", core_.dscp_report().detail);
    return out;
  }

  void SetMulticastTtl(const Napi::CallbackInfo& info) {
    EnsureOpen();
    check(env_, core_.set_multicast_ttl(static_cast<int>(uint_arg(info, 0, "ttl"))));
  }

  Napi::Value GetMulticastTtl(const Napi::CallbackInfo&) {
    EnsureOpen();
    int ttl = 0;
    check(env_, core_.get_multicast_ttl(&ttl));
    return Napi::Number::New(env_, ttl);
  }

  void SetMulticastLoopback(const Napi::CallbackInfo& info) {
    EnsureOpen();
    check(env_, core_.set_multicast_loop(info[0].ToBoolean()));
  }

  void SetDontFragment(const Napi::CallbackInfo& info) {
    EnsureOpen();
    check(env_, core_.set_dont_fragment(info[0].ToBoolean()));
  }

  void SetV6Only(const Napi::CallbackInfo& info) {
    EnsureOpen();
    check(env_, core_.set_v6_only(info[0].ToBoolean()));
  }

  void SetMulticastInterface(const Napi::CallbackInfo& info) {
    EnsureOpen();
    check(env_, core_.set_multicast_if(uint_arg(info, 0, "ifindex")));
  }

  Napi::Value GetMulticastInterface(const Napi::CallbackInfo&) {
    EnsureOpen();
    unsigned ifindex = 0;
    check(env_, core_.get_multicast_if(&ifindex));
    return Napi::Number::New(env_, ifindex);
  }

  // membership(join: boolean, group: string, source: string | null, ifindex: number)
  void Membership(const Napi::CallbackInfo& info) {
    EnsureOpen();
    // A dual-stack socket joins an IPv4 group as IPv4 (not as its IPv4-mapped form), from IPv4 sources.
    int gfamily = core_.dual_stack() && is_ipv4_text(info[1]) ? AF_INET : family();
    SockAddr group = address_arg(env_, info[1], 0, gfamily, "group");
    SockAddr source;
    bool ssm = !info[2].IsNull() && !info[2].IsUndefined();
    if (ssm) source = address_arg(env_, info[2], 0, gfamily, "source");
    check(env_, core_.membership(info[0].ToBoolean(), group, ssm ? &source : nullptr, uint_arg(info, 3, "ifindex")));
  }

  // startReceiving(transient?: boolean, slotSize?: number, gatherBelow?: number, gatherMs?: number,
  // coalesce?: boolean) -> whether coalescing is on: transient batches are views of the receive area
  // itself, valid until the callback returns. With gatherMs > 0, a wake-up that found fewer than
  // gatherBelow datagrams rests the receive side for gatherMs, so that a steady stream arrives in
  // fuller batches for fewer wake-ups. coalesce asks the kernel for runs of datagrams in one piece
  // (SocketCore::set_coalescing); a run fills a slot, so it takes the largest slotSize.
  Napi::Value StartReceiving(const Napi::CallbackInfo& info) {
    EnsureOpen();
    size_t slot = info[1].IsUndefined() ? SocketCore::kMaxSlotSize : uint_arg(info, 1, "slotSize");
    if (slot < 1 || slot > SocketCore::kMaxSlotSize) {
      throw Napi::RangeError::New(env_, "slotSize must be 1.." + std::to_string(SocketCore::kMaxSlotSize));
    }
    bool coalesce = info[4].ToBoolean();
    if (coalesce && slot != SocketCore::kMaxSlotSize) {
      throw Napi::RangeError::New(env_, "coalescing needs slotSize " + std::to_string(SocketCore::kMaxSlotSize));
    }
    gather_below_ = info[2].IsUndefined() ? 0 : static_cast<int>(uint_arg(info, 2, "gatherBelow"));
    gather_ms_ = info[3].IsUndefined() ? 0 : uint_arg(info, 3, "gatherMs");
    if (coalesce != core_.coalescing()) core_.set_coalescing(coalesce);
    if (area_.empty() || slot != slot_size_ || area_rows_ != core_.max_received()) AllocateArea(slot);
    transient_ = info[0].ToBoolean();
    receiving_ = true;
    UpdateWatch();
    return Napi::Boolean::New(env_, core_.coalescing());
  }

  // holdReceiving(on: boolean): while on, nothing is read (the kernel's buffer takes what comes, then
  // drops); sends and the queue go on. For a receiver whose consumer lags (a disk behind the network).
  void HoldReceiving(const Napi::CallbackInfo& info) {
    EnsureOpen();
    held_ = info[0].ToBoolean();
    UpdateWatch();
  }

  // Stops watching for readable until the timer runs out; sends and the queue go on.
  void Rest() {
    if (gather_timer_ == nullptr) {
      uv_loop_t* loop = nullptr;
      if (napi_get_uv_event_loop(env_, &loop) != napi_ok) return;
      gather_timer_ = new uv_timer_t;
      uv_timer_init(loop, gather_timer_);
      gather_timer_->data = this;
    }
    resting_ = true;
    UpdateWatch();
    uv_timer_start(gather_timer_, &NativeSocket::OnRestOver, gather_ms_, 0);
  }

  static void OnRestOver(uv_timer_t* timer) {
    auto* self = static_cast<NativeSocket*>(timer->data);
    if (self->closed_) return;
    self->resting_ = false;
    self->Guarded([self] { self->UpdateWatch(); });
  }

  // A step that libuv called for (RunGuarded: nothing escapes into libuv).
  template <typename Step>
  void Guarded(Step step) {
    RunGuarded(env_, step, [this](const char* what) { ReportNativeFailure(what); });
  }

  void ReportNativeFailure(const char* what) {
    auto err = Napi::Error::New(env_, std::string("native failure in the socket: ") + what);
    err.Set("code", "ERR_NATIVE_FAILURE");
    Emit("onError", {err.Value()});
  }

  // The area (ReceiveArea) is memory this socket owns jointly with the JS ArrayBuffer over it, so
  // views handed out of it (transient mode) never outlive it, and nothing JS does to the ArrayBuffer
  // frees memory the kernel writes into. Large calloc'd blocks are fresh zero pages from the
  // kernel: only slots that datagrams reach get touched.
  void AllocateArea(size_t slot) {
    // A cache line of skew per slot, so the slots do not all start in one cache set.
    // The table in front has a row for every datagram a receive can return.
    size_t stride = (slot + 63) / 64 * 64 + 64;
    size_t table = BatchTable::table_bytes(core_.max_received());
    area_.Allocate(env_, table + stride * SocketCore::kBatch);
    check(env_, core_.enable_receive(area_.data() + table, stride, slot));
    slot_size_ = slot;
    area_rows_ = core_.max_received();
  }

  // JS detached the area (a transfer): its memory may be read elsewhere now, so the socket goes on
  // in a fresh one, and says so.
  void ReplaceDetachedArea() {
    AllocateArea(slot_size_);
    auto err = Napi::Error::New(env_, "the receive area was detached (transferred) by JS; receiving goes on in a new one");
    err.Set("code", "ERR_RECEIVE_AREA_DETACHED");
    Emit("onError", {err.Value()});
  }

  // send(data: Uint8Array, address: string, port: number) -> 1 if sent now, 0 if queued
  Napi::Value Send(const Napi::CallbackInfo& info) {
    EnsureOpen();
    SockAddr to = address_arg(env_, info[1], uint_arg(info, 2, "port"), family(), "address");
    SendSlot slot = DataSlot(info[0]);
    slot.to = &to;
    return Napi::Number::New(env_, SendSlots(&slot, 1));
  }

  // sendBatch(datas: Uint8Array[], addresses: string[], ports: number[]) -> how many sent now
  Napi::Value SendBatch(const Napi::CallbackInfo& info) {
    EnsureOpen();
    if (!info[0].IsArray() || !info[1].IsArray() || !info[2].IsArray()) {
      throw Napi::TypeError::New(env_, "sendBatch takes three arrays");
    }
    auto datas = info[0].As<Napi::Array>();
    auto addresses = info[1].As<Napi::Array>();
    auto ports = info[2].As<Napi::Array>();
    uint32_t count = datas.Length();
    if (addresses.Length() != count || ports.Length() != count) {
      throw Napi::RangeError::New(env_, "sendBatch arrays differ in length");
    }
    std::vector<SockAddr> targets(count);
    std::vector<SendSlot> slots(count);
    Napi::Value last_text;
    for (uint32_t i = 0; i < count; i++) {
      Napi::Value text = addresses[i];
      Napi::Value port = ports[i];
      if (!port.IsNumber()) throw Napi::TypeError::New(env_, "port must be a number");
      uint32_t port_number = port.As<Napi::Number>().Uint32Value();
      // Most batches go to one peer: parse its address once (last_text is a string that parsed).
      if (i > 0 && port_number <= 65535 && text.StrictEquals(last_text)) {
        targets[i] = targets[i - 1];
        set_port(&targets[i], static_cast<uint16_t>(port_number));
      } else {
        targets[i] = address_arg(env_, text, port_number, family(), "address");
        last_text = text;
      }
      slots[i] = DataSlot(datas[i]);
      slots[i].to = &targets[i];
    }
    return Napi::Number::New(env_, SendSlots(slots.data(), static_cast<int>(count)));
  }

  SendSlot DataSlot(Napi::Value value) {
    ByteView bytes = bytes_value(env_, value, "data");
    return SendSlot{bytes.data, bytes.length, nullptr};
  }

  int SendSlots(const SendSlot* slots, int count) {
    int sent = 0;
    Status st = core_.send(slots, count, &sent);
    UpdateWatch();
    if (!st.ok()) {
      Napi::Error err = syscall_error(env_, st);
      err.Set("sent", static_cast<double>(sent));
      throw err;
    }
    return sent;
  }

  // setSegmentOffload(on: boolean) -> the largest datagram now coalesced (0 = off)
  Napi::Value SetSegmentOffload(const Napi::CallbackInfo& info) {
    EnsureOpen();
    core_.set_segment_offload(info[0].ToBoolean());
    return SegmentLimit(info);
  }

  Napi::Value SegmentLimit(const Napi::CallbackInfo&) {
    return Napi::Number::New(env_, static_cast<double>(core_.segment_limit()));
  }

  // receiveDrops() -> the kernel's cumulative drop count for this socket, or null where it is not reported
  Napi::Value ReceiveDrops(const Napi::CallbackInfo&) {
    uint64_t drops = 0;
    if (!core_.receive_drops(&drops)) return env_.Null();  // still known after close()
    return Napi::Number::New(env_, static_cast<double>(drops));
  }

  Napi::Value Queued(const Napi::CallbackInfo&) { return Napi::Number::New(env_, static_cast<double>(core_.queued())); }

  // sendQueue() -> { datagrams, bytes, dropped, peakBytes, limitBytes }
  Napi::Value SendQueue(const Napi::CallbackInfo&) {
    QueueDepth d = core_.queue_depth();
    auto out = Napi::Object::New(env_);
    out.Set("datagrams", static_cast<double>(d.datagrams));
    out.Set("bytes", static_cast<double>(d.bytes));
    out.Set("dropped", d.dropped);
    out.Set("peakBytes", static_cast<double>(d.peak_bytes));
    out.Set("limitBytes", static_cast<double>(d.limit_bytes));
    return out;
  }

  // setSendQueueLimit(bytes) -> the limit now
  Napi::Value SetSendQueueLimit(const Napi::CallbackInfo& info) {
    core_.set_queue_limit(uint_arg(info, 0, "bytes"));
    return Napi::Number::New(env_, static_cast<double>(core_.queue_depth().limit_bytes));
  }

  void Close(const Napi::CallbackInfo&) {
    if (closed_) return;
    Shutdown();
    Pin(false);
  }

  // Polls for what is needed now: readable while receiving, writable only while
  // the queue holds something. A polled socket stays alive without JS references.
  void UpdateWatch() {
    if (closed_) return;
    int events = (receiving_ && !resting_ && !held_ ? UV_READABLE : 0) | (core_.queued() > 0 ? UV_WRITABLE : 0);
    if (events != 0) {
      uv_loop_t* loop = nullptr;
      if (napi_get_uv_event_loop(env_, &loop) != napi_ok) throw Napi::Error::New(env_, "no event loop");
      int rc = watcher_.init(loop, core_.handle(), &NativeSocket::OnPoll, this);
      if (rc < 0) throw uv_error(env_, rc, "uv_poll_init");
    }
    int rc = watcher_.watch(events);
    if (rc < 0) throw uv_error(env_, rc, "uv_poll_start");
    Pin(events != 0 || resting_ || (receiving_ && held_));  // a resting or held socket is still receiving
  }

  void Pin(bool on) {
    if (on == pinned_) return;
    pinned_ = on;
    if (on) Ref();
    else Unref();
  }

  static void OnPoll(void* context, int status, int events) {
    auto* self = static_cast<NativeSocket*>(context);
    self->Guarded([=] { self->HandlePoll(status, events); });
  }

  void HandlePoll(int status, int events) {
    if (status < 0) {
      HandlePollError(status);
      return;
    }
    poll_errors_ = 0;
    if ((events & UV_READABLE) != 0) ReceiveBatches();
    if (!closed_ && (events & UV_WRITABLE) != 0) DrainQueue();
  }

  // libuv stopped the handle. The socket's pending error (what made the poll fail) is taken and
  // reported, and the watch re-armed; a socket whose polls keep failing is closed, not spun on.
  void HandlePollError(int status) {
    Status pending = core_.take_error();
    Napi::Error err = pending.ok() ? uv_error(env_, status, "uv_poll") : syscall_error(env_, pending);
    bool give_up = ++poll_errors_ >= kMaxPollErrors;
    if (give_up) err.Set("closed", true);
    Emit("onError", {err.Value()});
    if (closed_) return;
    if (give_up) {
      Shutdown();
      Pin(false);
      return;
    }
    UpdateWatch();
  }

  void ReceiveBatches() {
    int total = 0;
    for (int i = 0; i < kBatchesPerPoll && !closed_ && !held_; i++) {
      if (area_.Detached()) ReplaceDetachedArea();
      if (closed_) return;
      const RecvSlot* slots = nullptr;
      int count = 0;
      bool more = false;
      Status st = core_.receive(&slots, &count, &more);
      if (!st.ok()) {
        Emit("onError", {syscall_error(env_, st).Value()});
        return;
      }
      total += count;
      if (count == 0) break;
      DeliverBatch(slots, count);
      if (!more) break;  // the socket is empty: skip one EAGAIN
    }
    if (gather_ms_ > 0 && total < gather_below_ && receiving_ && !held_ && !closed_) Rest();
  }

  // One ArrayBuffer per batch: a metadata table, then the payloads. By default
  // a fresh Buffer (not zero-filled) with the payloads copied in back to back;
  // transient batches use the receive area itself, table and slots, no copy.
  // JS slices views out of it; no object is made per datagram here. Truncated
  // datagrams are left out and reported after the batch.
  void DeliverBatch(const RecvSlot* slots, int count) {
    Napi::HandleScope scope(env_);
    BatchTable::Summary batch = BatchTable::summarize(slots, count);
    if (batch.whole > 0) {
      Napi::ArrayBuffer slab = area_.Value();
      uint8_t* bytes = area_.data();
      bool copy = !transient_ || batch.whole > area_rows_;  // the area's table is too short: never, in practice
      if (copy) {
        auto buffer = Napi::Buffer<uint8_t>::New(env_, BatchTable::table_bytes(batch.whole) + batch.payload);
        slab = buffer.ArrayBuffer();  // a Buffer this large owns its backing store whole
        bytes = buffer.Data();
      }
      table_.fill(slots, count, batch.whole, bytes, copy);
      const std::vector<std::string>& texts = table_.texts();
      auto list = Napi::Array::New(env_, texts.size());
      for (size_t i = 0; i < texts.size(); i++) list[static_cast<uint32_t>(i)] = texts[i];
      Emit("onBatch", {slab, Napi::Number::New(env_, batch.whole), list});
    }
    if (batch.first_cut != nullptr) Emit("onError", {TruncatedError(count - batch.whole, *batch.first_cut).Value()});
  }

  Napi::Error TruncatedError(int dropped, const RecvSlot& first) {
    std::string detail = std::to_string(dropped) + " datagram(s) longer than the " + std::to_string(slot_size_) +
                         "-byte receive slot dropped, the first from " + format_ip(first.from.raw(), true) + ":" +
                         std::to_string(port_of(first.from));
    Napi::Error err = syscall_error(env_, Status{io_message_too_long(), "recvmmsg"}, detail);
    err.Set("dropped", static_cast<double>(dropped));
    return err;
  }

  void DrainQueue() {
    Status st = core_.drain();
    if (!st.ok()) Emit("onError", {syscall_error(env_, st).Value()});
    if (closed_) return;
    bool drained = core_.queued() == 0;
    UpdateWatch();
    if (drained) Emit("onDrain", {});
  }

  // Calls handlers[name](...args) (see HandlerCaller), never after close.
  void Emit(const char* name, const std::initializer_list<napi_value>& args) {
    if (!closed_) handlers_.Call(Value(), name, args);
  }

  Napi::Env env_;
  HandlerCaller handlers_;
  SocketCore core_;
  PollWatcher watcher_;
  BatchTable table_;
  ReceiveArea area_;  // table, then kBatch slots
  size_t slot_size_ = 0;
  int area_rows_ = 0;  // datagrams the area's table has rows for
  bool transient_ = false;
  bool receiving_ = false;
  bool resting_ = false;
  bool held_ = false;  // holdReceiving
  int gather_below_ = 0;
  uint32_t gather_ms_ = 0;
  uv_timer_t* gather_timer_ = nullptr;
  bool closed_ = false;
  bool pinned_ = false;
  int poll_errors_ = 0;  // in a row
  EnvCleanupLink<NativeSocket>* cleanup_ = nullptr;
};


}  // namespace

void InitSocket(Napi::Env env, Napi::Object exports) { exports.Set("Socket", NativeSocket::Define(env)); }

}  // namespace uftp_native
