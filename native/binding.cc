// The only file that knows Node-API: each export maps onto a SocketCore call,
// and readiness from PollWatcher becomes one JS call per received batch.
#include <napi.h>
#include <uv.h>

#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "address.h"
#include "cipher_context.h"
#include "poll_watcher.h"
#include "socket_core.h"

namespace uftp_native {
namespace {

constexpr int kBatchesPerPoll = 16;  // then yield to the loop so timers and sends get a turn
constexpr uint32_t kMetaWords = 8;   // per datagram: offset, length, from, fromPort, to, ifindex, tos, flags
constexpr uint32_t kNoAddress = 0xffffffff;
// The receive area opens with a table for a full batch; the slots follow.
constexpr size_t kMetaBytes = sizeof(uint32_t) * kMetaWords * SocketCore::kBatch;

// detail, when given, replaces the platform's text for the error.
Napi::Error syscall_error(Napi::Env env, const Status& st, const std::string& detail = std::string()) {
  std::string code = io_error_name(st.error);
  auto err = Napi::Error::New(env, std::string(st.syscall) + " " + code + ": " +
                                       (detail.empty() ? io_error_message(st.error) : detail));
  err.Set("code", code);
  err.Set("errno", static_cast<double>(io_error_number(st.error)));
  err.Set("syscall", st.syscall);
  return err;
}

Napi::Error uv_error(Napi::Env env, int status, const char* syscall) {
  char name[64];
  char text[256];
  uv_err_name_r(status, name, sizeof name);
  uv_strerror_r(status, text, sizeof text);
  auto err = Napi::Error::New(env, std::string(syscall) + " " + name + ": " + text);
  err.Set("code", name);
  err.Set("errno", static_cast<double>(-status));
  err.Set("syscall", syscall);
  return err;
}

void check(Napi::Env env, const Status& st) {
  if (!st.ok()) throw syscall_error(env, st);
}

uint32_t uint_arg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (!info[i].IsNumber()) throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a number");
  return info[i].As<Napi::Number>().Uint32Value();
}

SockAddr address_arg(Napi::Env env, Napi::Value text, uint32_t port, int family, const char* name) {
  if (!text.IsString()) throw Napi::TypeError::New(env, std::string(name) + " must be a string");
  std::string s = text.As<Napi::String>().Utf8Value();
  SockAddr out;
  if (port > 65535 || !parse_address(s, static_cast<uint16_t>(port), family, &out)) {
    throw Napi::TypeError::New(env, std::string(name) + " '" + s + "' is not an IPv" +
                                        (family == AF_INET ? "4" : "6") + " address");
  }
  return out;
}

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
                           InstanceMethod<&NativeSocket::SetMulticastTtl>("setMulticastTtl"),
                           InstanceMethod<&NativeSocket::GetMulticastTtl>("getMulticastTtl"),
                           InstanceMethod<&NativeSocket::SetMulticastLoopback>("setMulticastLoopback"),
                           InstanceMethod<&NativeSocket::SetMulticastInterface>("setMulticastInterface"),
                           InstanceMethod<&NativeSocket::GetMulticastInterface>("getMulticastInterface"),
                           InstanceMethod<&NativeSocket::Membership>("membership"),
                           InstanceMethod<&NativeSocket::StartReceiving>("startReceiving"),
                           InstanceMethod<&NativeSocket::Send>("send"),
                           InstanceMethod<&NativeSocket::SendBatch>("sendBatch"),
                           InstanceMethod<&NativeSocket::Queued>("queued"),
                           InstanceMethod<&NativeSocket::SetSegmentOffload>("setSegmentOffload"),
                           InstanceMethod<&NativeSocket::SegmentLimit>("segmentLimit"),
                           InstanceMethod<&NativeSocket::Close>("close"),
                       });
  }

  // new NativeSocket(family: 4 | 6, reuseAddr: boolean, handlers: { onBatch, onError, onDrain })
  explicit NativeSocket(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeSocket>(info), env_(info.Env()) {
    uint32_t family = uint_arg(info, 0, "family");
    if (family != 4 && family != 6) throw Napi::RangeError::New(env_, "family must be 4 or 6");
    if (!info[2].IsObject()) throw Napi::TypeError::New(env_, "handlers must be an object");
    // Held as a property of this object, not a persistent reference, so that
    // handlers closing over the wrapper do not keep it from being collected.
    info.This().As<Napi::Object>().DefineProperty(
        Napi::PropertyDescriptor::Value("handlers", info[2], napi_default));
    check(env_, core_.open(family == 4 ? AF_INET : AF_INET6, info[1].ToBoolean()));
    // Asynchronous, so that Node keeps the addon loaded until libuv has
    // called back about the poll handle, also when a worker is torn down.
    if (napi_add_async_cleanup_hook(env_, &NativeSocket::OnEnvCleanup, this, &cleanup_) != napi_ok) {
      cleanup_ = nullptr;
    }
  }

  ~NativeSocket() override {
    // Runs from the GC finalizer: releases the fd and the poll handle, never calls JS.
    Shutdown();
    if (async_context_ != nullptr) napi_async_destroy(env_, async_context_);
  }

 private:
  static void OnEnvCleanup(napi_async_cleanup_hook_handle, void* arg) { static_cast<NativeSocket*>(arg)->Shutdown(); }

  static void ReleaseCleanupHook(void* hook) {
    napi_remove_async_cleanup_hook(static_cast<napi_async_cleanup_hook_handle>(hook));
  }

  // Idempotent; touches no JS. The cleanup hook is released only once libuv
  // has let go of the poll handle, which may outlive this object.
  void Shutdown() {
    closed_ = true;
    receiving_ = false;
    napi_async_cleanup_hook_handle hook = cleanup_;
    cleanup_ = nullptr;
    watcher_.close(hook != nullptr ? &NativeSocket::ReleaseCleanupHook : nullptr, hook);
    core_.close();
  }

  void EnsureOpen() {
    if (closed_) {
      auto err = Napi::Error::New(env_, "socket is closed");
      err.Set("code", "ERR_SOCKET_CLOSED");
      throw err;
    }
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
    SockAddr group = address_arg(env_, info[1], 0, family(), "group");
    SockAddr source;
    bool ssm = !info[2].IsNull() && !info[2].IsUndefined();
    if (ssm) source = address_arg(env_, info[2], 0, family(), "source");
    check(env_, core_.membership(info[0].ToBoolean(), group, ssm ? &source : nullptr, uint_arg(info, 3, "ifindex")));
  }

  // startReceiving(transient?: boolean, slotSize?: number): transient batches
  // are views of the receive area itself, valid until the callback returns.
  void StartReceiving(const Napi::CallbackInfo& info) {
    EnsureOpen();
    size_t slot = info[1].IsUndefined() ? SocketCore::kMaxSlotSize : uint_arg(info, 1, "slotSize");
    if (slot < 1 || slot > SocketCore::kMaxSlotSize) {
      throw Napi::RangeError::New(env_, "slotSize must be 1.." + std::to_string(SocketCore::kMaxSlotSize));
    }
    if (area_.IsEmpty() || slot != slot_size_) AllocateArea(slot);
    transient_ = info[0].ToBoolean();
    receiving_ = true;
    UpdateWatch();
  }

  // The area is a JS ArrayBuffer held by this socket, so views handed out of it
  // (transient mode) can never outlive its memory. Large calloc'd blocks are
  // fresh zero pages from the kernel: only slots that datagrams reach get touched.
  void AllocateArea(size_t slot) {
    // A cache line of skew per slot, so the slots do not all start in one cache set.
    size_t stride = (slot + 63) / 64 * 64 + 64;
    auto area = Napi::ArrayBuffer::New(env_, kMetaBytes + stride * SocketCore::kBatch);
    area_base_ = static_cast<uint8_t*>(area.Data());
    check(env_, core_.enable_receive(area_base_ + kMetaBytes, stride, slot));
    area_ = Napi::Persistent(area);
    slot_size_ = slot;
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
    std::string last_text;
    for (uint32_t i = 0; i < count; i++) {
      Napi::Value text = addresses[i];
      Napi::Value port = ports[i];
      if (!port.IsNumber()) throw Napi::TypeError::New(env_, "port must be a number");
      uint32_t port_number = port.As<Napi::Number>().Uint32Value();
      std::string current = text.IsString() ? text.As<Napi::String>().Utf8Value() : std::string();
      // Most batches go to one peer: parse its address once.
      if (i > 0 && text.IsString() && current == last_text && port_number <= 65535) {
        targets[i] = targets[i - 1];
        SetPort(&targets[i], port_number);
      } else {
        targets[i] = address_arg(env_, text, port_number, family(), "address");
        last_text = current;
      }
      slots[i] = DataSlot(datas[i]);
      slots[i].to = &targets[i];
    }
    return Napi::Number::New(env_, SendSlots(slots.data(), static_cast<int>(count)));
  }

  static void SetPort(SockAddr* addr, uint32_t port) {
    uint16_t net = htons(static_cast<uint16_t>(port));
    // sin_port and sin6_port sit at the same offset, right after the family.
    std::memcpy(reinterpret_cast<uint8_t*>(&addr->storage) + offsetof(sockaddr_in, sin_port), &net, sizeof net);
  }

  SendSlot DataSlot(Napi::Value value) {
    if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
      throw Napi::TypeError::New(env_, "data must be a Uint8Array");
    }
    auto bytes = value.As<Napi::Uint8Array>();
    return SendSlot{bytes.Data(), bytes.ByteLength(), nullptr};
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

  Napi::Value Queued(const Napi::CallbackInfo&) { return Napi::Number::New(env_, static_cast<double>(core_.queued())); }

  void Close(const Napi::CallbackInfo&) {
    if (closed_) return;
    Shutdown();
    Pin(false);
  }

  // Polls for what is needed now: readable while receiving, writable only while
  // the queue holds something. A polled socket stays alive without JS references.
  void UpdateWatch() {
    if (closed_) return;
    int events = (receiving_ ? UV_READABLE : 0) | (core_.queued() > 0 ? UV_WRITABLE : 0);
    if (events != 0) {
      uv_loop_t* loop = nullptr;
      if (napi_get_uv_event_loop(env_, &loop) != napi_ok) throw Napi::Error::New(env_, "no event loop");
      int rc = watcher_.init(loop, core_.handle(), &NativeSocket::OnPoll, this);
      if (rc < 0) throw uv_error(env_, rc, "uv_poll_init");
    }
    int rc = watcher_.watch(events);
    if (rc < 0) throw uv_error(env_, rc, "uv_poll_start");
    Pin(events != 0);
  }

  void Pin(bool on) {
    if (on == pinned_) return;
    pinned_ = on;
    if (on) Ref();
    else Unref();
  }

  static void OnPoll(void* context, int status, int events) {
    auto* self = static_cast<NativeSocket*>(context);
    Napi::HandleScope scope(self->env_);
    try {
      self->HandlePoll(status, events);
    } catch (const Napi::Error& e) {
      // A throwing handler: let Node report it like any uncaught exception.
      napi_fatal_exception(self->env_, e.Value());
    }
  }

  void HandlePoll(int status, int events) {
    if (status < 0) {
      Emit("onError", {uv_error(env_, status, "uv_poll").Value()});
      return;
    }
    if ((events & UV_READABLE) != 0) ReceiveBatches();
    if (!closed_ && (events & UV_WRITABLE) != 0) DrainQueue();
  }

  void ReceiveBatches() {
    for (int i = 0; i < kBatchesPerPoll && !closed_; i++) {
      const RecvSlot* slots = nullptr;
      int count = 0;
      Status st = core_.receive(&slots, &count);
      if (!st.ok()) {
        Emit("onError", {syscall_error(env_, st).Value()});
        return;
      }
      if (count == 0) return;
      DeliverBatch(slots, count);
      if (count < SocketCore::kBatch) return;  // the socket is empty: skip one EAGAIN
    }
  }

  // One ArrayBuffer per batch: a metadata table, then the payloads. By default
  // a fresh Buffer (not zero-filled) with the payloads copied in back to back;
  // transient batches use the receive area itself, table and slots, no copy.
  // JS slices views out of it; no object is made per datagram here. Truncated
  // datagrams are left out and reported after the batch.
  void DeliverBatch(const RecvSlot* slots, int count) {
    Napi::HandleScope scope(env_);
    int whole = 0;
    size_t payload = 0;
    const RecvSlot* first_cut = nullptr;
    for (int i = 0; i < count; i++) {
      if (slots[i].truncated) {
        if (first_cut == nullptr) first_cut = &slots[i];
        continue;
      }
      whole++;
      payload += slots[i].length;
    }
    if (whole > 0) {
      Napi::ArrayBuffer slab = area_.Value();
      uint8_t* bytes = area_base_;
      if (!transient_) {
        auto buffer = Napi::Buffer<uint8_t>::New(env_, sizeof(uint32_t) * kMetaWords * whole + payload);
        slab = buffer.ArrayBuffer();  // a Buffer this large owns its backing store whole
        bytes = buffer.Data();
      }
      FillTable(slots, count, whole, bytes);
      auto texts = Napi::Array::New(env_, batch_texts_.size());
      for (size_t i = 0; i < batch_texts_.size(); i++) texts[static_cast<uint32_t>(i)] = batch_texts_[i];
      Emit("onBatch", {slab, Napi::Number::New(env_, whole), texts});
    }
    if (first_cut != nullptr) Emit("onError", {TruncatedError(count - whole, *first_cut).Value()});
  }

  // Writes the table (and, when bytes is not the area, the payloads) of the whole datagrams.
  void FillTable(const RecvSlot* slots, int count, int whole, uint8_t* bytes) {
    auto* meta = reinterpret_cast<uint32_t*>(bytes);
    size_t offset = sizeof(uint32_t) * kMetaWords * static_cast<size_t>(whole);
    batch_keys_.clear();
    batch_texts_.clear();
    for (int i = 0; i < count; i++) {
      const RecvSlot& s = slots[i];
      if (s.truncated) continue;
      if (bytes == area_base_) {
        offset = static_cast<size_t>(s.data - area_base_);
      } else {
        std::memcpy(bytes + offset, s.data, s.length);
      }
      meta[0] = static_cast<uint32_t>(offset);
      meta[1] = static_cast<uint32_t>(s.length);
      meta[2] = AddressIndex(s.from);
      meta[3] = port_of(s.from);
      meta[4] = s.to.len == 0 ? kNoAddress : AddressIndex(s.to);
      meta[5] = s.ifindex;
      meta[6] = static_cast<uint32_t>(s.tos);
      meta[7] = 0;
      meta += kMetaWords;
      offset += s.length;
    }
  }

  Napi::Error TruncatedError(int dropped, const RecvSlot& first) {
    std::string detail = std::to_string(dropped) + " datagram(s) longer than the " + std::to_string(slot_size_) +
                         "-byte receive slot dropped, the first from " + format_ip(first.from.raw(), true) + ":" +
                         std::to_string(port_of(first.from));
    Napi::Error err = syscall_error(env_, Status{io_message_too_long(), "recvmmsg"}, detail);
    err.Set("dropped", static_cast<double>(dropped));
    return err;
  }

  uint32_t AddressIndex(const SockAddr& addr) {
    for (size_t i = 0; i < batch_keys_.size(); i++) {
      if (same_ip(batch_keys_[i], addr)) return static_cast<uint32_t>(i);
    }
    batch_keys_.push_back(addr);
    batch_texts_.push_back(address_cache_.format(addr));
    return static_cast<uint32_t>(batch_keys_.size() - 1);
  }

  void DrainQueue() {
    Status st = core_.drain();
    if (!st.ok()) Emit("onError", {syscall_error(env_, st).Value()});
    if (closed_) return;
    bool drained = core_.queued() == 0;
    UpdateWatch();
    if (drained) Emit("onDrain", {});
  }

  // Calls handlers[name](...args) inside a callback scope, so that promise
  // jobs queued by the handler run right after it, as for any Node callback.
  void Emit(const char* name, const std::initializer_list<napi_value>& args) {
    if (closed_) return;
    Napi::Object self = Value();
    Napi::Value handlers = self.Get("handlers");
    if (!handlers.IsObject()) return;
    Napi::Value fn = handlers.As<Napi::Object>().Get(name);
    if (!fn.IsFunction()) return;
    if (async_context_ == nullptr) {
      napi_value resource_name = Napi::String::New(env_, "UdpSocket");
      if (napi_async_init(env_, nullptr, resource_name, &async_context_) != napi_ok) async_context_ = nullptr;
    }
    fn.As<Napi::Function>().MakeCallback(handlers, args, async_context_);
  }

  Napi::Env env_;
  SocketCore core_;
  PollWatcher watcher_;
  AddressCache address_cache_;
  Napi::Reference<Napi::ArrayBuffer> area_;  // receive area: table, then kBatch slots
  uint8_t* area_base_ = nullptr;
  size_t slot_size_ = 0;
  bool transient_ = false;
  std::vector<SockAddr> batch_keys_;
  std::vector<std::string> batch_texts_;
  napi_async_context async_context_ = nullptr;
  bool receiving_ = false;
  bool closed_ = false;
  bool pinned_ = false;
  napi_async_cleanup_hook_handle cleanup_ = nullptr;
};

Napi::Value Interfaces(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<IfInfo> list;
  if (int err = io_list_interfaces(&list)) throw syscall_error(env, Status{err, "getifaddrs"});
  auto out = Napi::Array::New(env, list.size());
  for (size_t i = 0; i < list.size(); i++) {
    const IfInfo& ifc = list[i];
    auto item = Napi::Object::New(env);
    item.Set("name", ifc.name);
    item.Set("index", ifc.index);
    item.Set("up", ifc.up);
    item.Set("loopback", ifc.loopback);
    item.Set("multicast", ifc.multicast);
    auto addresses = Napi::Array::New(env, ifc.addresses.size());
    for (size_t j = 0; j < ifc.addresses.size(); j++) {
      auto a = Napi::Object::New(env);
      a.Set("family", ifc.addresses[j].family == AF_INET ? 4 : 6);
      a.Set("address", ifc.addresses[j].address);
      a.Set("prefixLength", ifc.addresses[j].prefix_length);
      addresses[static_cast<uint32_t>(j)] = a;
    }
    item.Set("addresses", addresses);
    out[static_cast<uint32_t>(i)] = item;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Crypto contexts (cipher_context.h): OpenSSL state kept per key and reused
// per message. Generic crypto; nothing of UFTP. Lengths and types that do not
// fit throw TypeError; an input that does not authenticate answers -1.

struct ByteView {
  uint8_t* data;
  size_t length;
};

uint8_t empty_bytes[1];  // stands in for the null data pointer of an empty array

// A Uint8Array (a Buffer included); a nullable one also takes null or undefined as empty.
ByteView bytes_arg(const Napi::CallbackInfo& info, size_t i, const char* name, bool nullable = false) {
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(info.Env(), info[i], &type, &length, &data, &buffer, &offset) == napi_ok &&
      type == napi_uint8_array) {
    return {data != nullptr ? static_cast<uint8_t*>(data) : empty_bytes, length};
  }
  if (nullable && (info[i].IsNull() || info[i].IsUndefined())) return {empty_bytes, 0};
  throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a Uint8Array" + (nullable ? " or null" : ""));
}

uint32_t optional_uint_arg(const Napi::CallbackInfo& info, size_t i, const char* name, uint32_t fallback) {
  return info[i].IsUndefined() ? fallback : uint_arg(info, i, name);
}

// An index into an array of `length` bytes: an integer in [0, length], else RangeError.
size_t index_arg(const Napi::CallbackInfo& info, size_t i, const char* name, size_t length) {
  double v;
  if (napi_get_value_double(info.Env(), info[i], &v) != napi_ok) {
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a number");
  }
  if (!(v >= 0 && v <= static_cast<double>(length)) || v != static_cast<double>(static_cast<size_t>(v))) {
    throw Napi::RangeError::New(info.Env(), std::string(name) + " must be an integer from 0 to " + std::to_string(length));
  }
  return static_cast<size_t>(v);
}

Napi::Error closed_error(Napi::Env env, const char* what) {
  auto err = Napi::Error::New(env, std::string(what) + " is closed");
  err.Set("code", "ERR_CONTEXT_CLOSED");
  return err;
}

// new CipherContext(name: string, key: Uint8Array, decrypt: boolean, tagLength = 16)
//   open(iv, aad | null, sealed, out): number   bytes written, -1 if it does not authenticate/unpad
//   seal(iv, aad | null, plain, out): number    bytes written (ciphertext, then the tag)
//   openRange(data, aadStart, aadEnd, sealedStart, sealedEnd, iv): number
//       open() over ranges of one array: AAD data[aadStart, aadEnd), sealed data[sealedStart, sealedEnd),
//       the plaintext written over the sealed bytes from sealedStart. RangeError for a range outside
//       data, out of order, or a non-empty AAD range overlapping the sealed one.
//   outputLength(inputLength): number           the room out needs
//   close(): void                               frees the OpenSSL context now (GC would later)
// The OpenSSL context, shared by a wrapper and the openRange function of its own: either may be
// collected first, and close() empties it for both.
struct CipherCore {
  std::unique_ptr<CipherContext> ctx;
};
using SharedCipherCore = std::shared_ptr<CipherCore>;

class CipherContextWrap : public Napi::ObjectWrap<CipherContextWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "CipherContext",
                       {
                           InstanceMethod<&CipherContextWrap::Open>("open"),
                           InstanceMethod<&CipherContextWrap::OpenRange>("openRange"),
                           InstanceMethod<&CipherContextWrap::Seal>("seal"),
                           InstanceMethod<&CipherContextWrap::OutputLength>("outputLength"),
                           InstanceMethod<&CipherContextWrap::Close>("close"),
                       });
  }

  explicit CipherContextWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<CipherContextWrap>(info) {
    Napi::Env env = info.Env();
    if (!info[0].IsString()) throw Napi::TypeError::New(env, "name must be a string");
    ByteView key = bytes_arg(info, 1, "key");
    if (!info[2].IsBoolean()) throw Napi::TypeError::New(env, "decrypt must be a boolean");
    uint32_t tag_len = optional_uint_arg(info, 3, "tagLength", 16);
    std::string error;
    shared_->ctx = CipherContext::Create(info[0].As<Napi::String>().Utf8Value(), key.data, key.length,
                                         info[2].As<Napi::Boolean>().Value(), tag_len, &error);
    if (!shared_->ctx) throw Napi::TypeError::New(env, error);
    // openRange as an own function bound to the core: a per-packet call then skips the wrapper lookup
    // (napi_unwrap) that a prototype method pays. The prototype's openRange stays for feature tests.
    auto* bound = new SharedCipherCore(shared_);
    Napi::Function fn = Napi::Function::New<OpenRangeBound>(env, "openRange", bound);
    fn.AddFinalizer([](Napi::Env, SharedCipherCore* held) { delete held; }, bound);
    info.This().As<Napi::Object>().DefineProperty(Napi::PropertyDescriptor::Value("openRange", fn, napi_default));
  }

 private:
  Napi::Value Open(const Napi::CallbackInfo& info) { return Run(info, true); }
  Napi::Value Seal(const Napi::CallbackInfo& info) { return Run(info, false); }

  Napi::Value Run(const Napi::CallbackInfo& info, bool open) {
    Napi::Env env = info.Env();
    CipherContext* core = live(env);
    if (core->decrypt() != open) {
      throw Napi::TypeError::New(env, open ? "this context seals; it cannot open" : "this context opens; it cannot seal");
    }
    ByteView iv = bytes_arg(info, 0, "iv");
    ByteView aad = bytes_arg(info, 1, "aad", true);
    ByteView in = bytes_arg(info, 2, open ? "sealed" : "plain");
    ByteView out = bytes_arg(info, 3, "out");
    std::string bad_iv = core->CheckIv(iv.length);
    if (!bad_iv.empty()) throw Napi::TypeError::New(env, bad_iv);
    if (aad.length > 0 && !core->aead()) throw Napi::TypeError::New(env, "aad needs an AEAD cipher");
    size_t need = core->OutputBound(in.length);
    if (out.length < need) {
      throw Napi::TypeError::New(env, "out has " + std::to_string(out.length) + " bytes, needs " + std::to_string(need));
    }
    // OpenSSL works in place, but not on partly overlapping buffers.
    if (in.data != out.data && in.data < out.data + out.length && out.data < in.data + in.length) {
      throw Napi::TypeError::New(env, "out overlaps the input other than exactly");
    }
    long n = open ? core->Open(iv.data, iv.length, aad.data, aad.length, in.data, in.length, out.data)
                  : core->Seal(iv.data, iv.length, aad.data, aad.length, in.data, in.length, out.data);
    if (n < 0 && !open) throw Napi::Error::New(env, core->last_error());
    napi_value result;
    napi_create_int32(env, static_cast<int32_t>(n), &result);
    return Napi::Value(env, result);
  }

  CipherContext* live(Napi::Env env) const {
    if (!shared_->ctx) throw closed_error(env, "CipherContext");
    return shared_->ctx.get();
  }

  Napi::Value OpenRange(const Napi::CallbackInfo& info) { return OpenRangeOn(info, shared_->ctx.get()); }

  static Napi::Value OpenRangeBound(const Napi::CallbackInfo& info) {
    return OpenRangeOn(info, static_cast<SharedCipherCore*>(info.Data())->get()->ctx.get());
  }

  // The per-packet path: one array, no views to make in JS, the plaintext left where the ciphertext was.
  static Napi::Value OpenRangeOn(const Napi::CallbackInfo& info, CipherContext* core) {
    Napi::Env env = info.Env();
    if (core == nullptr) throw closed_error(env, "CipherContext");
    if (!core->decrypt()) throw Napi::TypeError::New(env, "this context seals; it cannot open");
    ByteView data = bytes_arg(info, 0, "data");
    size_t aad_start = index_arg(info, 1, "aadStart", data.length);
    size_t aad_end = index_arg(info, 2, "aadEnd", data.length);
    size_t sealed_start = index_arg(info, 3, "sealedStart", data.length);
    size_t sealed_end = index_arg(info, 4, "sealedEnd", data.length);
    ByteView iv = bytes_arg(info, 5, "iv");
    if (aad_end < aad_start || sealed_end < sealed_start) {
      throw Napi::RangeError::New(env, "a range ends before it starts");
    }
    if (aad_end > aad_start && aad_start < sealed_end && sealed_start < aad_end) {
      throw Napi::RangeError::New(env, "the AAD range overlaps the sealed range");
    }
    std::string bad_iv = core->CheckIv(iv.length);
    if (!bad_iv.empty()) throw Napi::TypeError::New(env, bad_iv);
    if (aad_end > aad_start && !core->aead()) throw Napi::TypeError::New(env, "aad needs an AEAD cipher");
    uint8_t* sealed = data.data + sealed_start;
    long n = core->Open(iv.data, iv.length, data.data + aad_start, aad_end - aad_start, sealed,
                         sealed_end - sealed_start, sealed);
    napi_value result;
    napi_create_int32(env, static_cast<int32_t>(n), &result);
    return Napi::Value(env, result);
  }

  Napi::Value OutputLength(const Napi::CallbackInfo& info) {
    CipherContext* core = live(info.Env());
    return Napi::Number::New(info.Env(), static_cast<double>(core->OutputBound(uint_arg(info, 0, "inputLength"))));
  }

  void Close(const Napi::CallbackInfo&) { shared_->ctx.reset(); }

  SharedCipherCore shared_ = std::make_shared<CipherCore>();
};

// new HmacContext(hash: string, key: Uint8Array); .size is the MAC length.
//   digest(data, out, zeroStart = 0, zeroEnd = 0): number       MAC of data with [zeroStart, zeroEnd) read as zeros
//   verify(data, expected, zeroStart = 0, zeroEnd = 0): boolean  the same MAC compared in constant time
//   close(): void
class HmacContextWrap : public Napi::ObjectWrap<HmacContextWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "HmacContext",
                       {
                           InstanceMethod<&HmacContextWrap::Digest>("digest"),
                           InstanceMethod<&HmacContextWrap::Verify>("verify"),
                           InstanceMethod<&HmacContextWrap::Close>("close"),
                       });
  }

  explicit HmacContextWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<HmacContextWrap>(info) {
    Napi::Env env = info.Env();
    if (!info[0].IsString()) throw Napi::TypeError::New(env, "hash must be a string");
    ByteView key = bytes_arg(info, 1, "key");
    std::string error;
    core_ = HmacContext::Create(info[0].As<Napi::String>().Utf8Value(), key.data, key.length, &error);
    if (!core_) throw Napi::TypeError::New(env, error);
    info.This().As<Napi::Object>().DefineProperty(Napi::PropertyDescriptor::Value(
        "size", Napi::Number::New(env, static_cast<double>(core_->size())), napi_enumerable));
  }

 private:
  struct Input {
    ByteView data;
    ByteView mac;
    size_t zero_start;
    size_t zero_end;
  };

  Input Args(const Napi::CallbackInfo& info, const char* mac_name) {
    Napi::Env env = info.Env();
    if (!core_) throw closed_error(env, "HmacContext");
    Input in{bytes_arg(info, 0, "data"), bytes_arg(info, 1, mac_name), optional_uint_arg(info, 2, "zeroStart", 0),
             optional_uint_arg(info, 3, "zeroEnd", 0)};
    if (in.zero_end < in.zero_start || in.zero_end > in.data.length) {
      throw Napi::RangeError::New(env, "zeroStart..zeroEnd must lie within the data, in order");
    }
    return in;
  }

  Napi::Value Digest(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Input in = Args(info, "out");
    if (in.mac.length < core_->size()) {
      throw Napi::TypeError::New(env, "out has " + std::to_string(in.mac.length) + " bytes, needs " +
                                          std::to_string(core_->size()));
    }
    if (!core_->Digest(in.data.data, in.data.length, in.zero_start, in.zero_end, in.mac.data)) {
      throw Napi::Error::New(env, "HMAC failed");
    }
    return Napi::Number::New(env, static_cast<double>(core_->size()));
  }

  Napi::Value Verify(const Napi::CallbackInfo& info) {
    Input in = Args(info, "expected");
    bool same = in.mac.length == core_->size() &&
                core_->Verify(in.data.data, in.data.length, in.zero_start, in.zero_end, in.mac.data);
    return Napi::Boolean::New(info.Env(), same);
  }

  void Close(const Napi::CallbackInfo&) { core_.reset(); }

  std::unique_ptr<HmacContext> core_;
};

void InitCryptoContexts(Napi::Env env, Napi::Object exports) {
  exports.Set("CipherContext", CipherContextWrap::Define(env));
  exports.Set("HmacContext", HmacContextWrap::Define(env));
}
// ---------------------------------------------------------------------------

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("Socket", NativeSocket::Define(env));
  exports.Set("interfaces", Napi::Function::New<Interfaces>(env, "interfaces"));
  InitCryptoContexts(env, exports);  // cipher and HMAC contexts
  return exports;
}

}  // namespace
}  // namespace uftp_native

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return uftp_native::Init(env, exports); }

NODE_API_MODULE(uftp_native, InitAddon)
