// Capture: the JS face of CaptureCore. Polled on the environment's own libuv
// loop like Socket; each poll's frames reach JS as batches laid out by
// BatchTable (capture rows: with the destination port and the direction),
// copied into a fresh buffer, so a batch stays valid as long as JS keeps it.
#include <napi.h>
#include <uv.h>

#include <string>
#include <vector>

#include "batch_table.h"
#include "binding_args.h"
#include "binding_errors.h"
#include "binding_handlers.h"
#include "binding_init.h"
#include "env_cleanup_link.h"
#include "capture_core.h"
#include "poll_watcher.h"

namespace uftp_native {
namespace {

constexpr int kRoundsPerPoll = 16;  // then yield to the loop
constexpr int kMaxPollErrors = 16;  // in a row, nothing received between: the capture closes itself

class NativeCapture : public Napi::ObjectWrap<NativeCapture> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "NativeCapture",
                       {
                           InstanceMethod<&NativeCapture::SetRecvBuffer>("setRecvBuffer"),
                           InstanceMethod<&NativeCapture::Start>("start"),
                           InstanceMethod<&NativeCapture::Counts>("counts"),
                           InstanceMethod<&NativeCapture::Close>("close"),
                       });
  }

  // new NativeCapture(port: number, ifindex: number, handlers: { onBatch, onError })
  explicit NativeCapture(const Napi::CallbackInfo& info)
      : Napi::ObjectWrap<NativeCapture>(info), env_(info.Env()), handlers_(info.Env(), "UdpCapture") {
    uint32_t port = uint_arg(info, 0, "port");
    if (port < 1 || port > 65535) throw Napi::RangeError::New(env_, "port must be 1..65535");
    uint32_t ifindex = uint_arg(info, 1, "ifindex");
    HandlerCaller::Keep(info.This().As<Napi::Object>(), info[2]);
    if (!CaptureCore::supported()) {
      auto err = Napi::Error::New(env_, "packet capture is not supported on this platform (it needs Linux AF_PACKET)");
      err.Set("code", "ERR_NOT_SUPPORTED");
      throw err;
    }
    check(env_, core_.open(static_cast<uint16_t>(port), ifindex));
    cleanup_ = EnvCleanupLink<NativeCapture>::Add(env_, this);
  }

  ~NativeCapture() override { Shutdown(); }

 private:
  friend class EnvCleanupLink<NativeCapture>;

  // Idempotent; touches no JS.
  void Shutdown() {
    closed_ = true;
    EnvCleanupLink<NativeCapture>::Close(&cleanup_, &watcher_);
    core_.close();
  }

  void EnsureOpen() {
    if (closed_) throw closed_error(env_, "capture", "ERR_CAPTURE_CLOSED");
  }

  // setRecvBuffer(bytes) -> BufferGrant (SO_RCVBUFFORCE where permitted)
  Napi::Value SetRecvBuffer(const Napi::CallbackInfo& info) {
    EnsureOpen();
    BufferGrant grant;
    check(env_, core_.set_receive_buffer(static_cast<int>(uint_arg(info, 0, "bytes")), &grant));
    auto out = Napi::Object::New(env_);
    out.Set("requested", grant.requested);
    out.Set("granted", grant.granted);
    out.Set("forced", grant.forced);
    return out;
  }

  // start(): batches begin to arrive through handlers.onBatch.
  void Start(const Napi::CallbackInfo&) {
    EnsureOpen();
    Watch();
  }

  void Watch() {
    uv_loop_t* loop = nullptr;
    if (napi_get_uv_event_loop(env_, &loop) != napi_ok) throw Napi::Error::New(env_, "no event loop");
    int rc = watcher_.init(loop, core_.handle(), &NativeCapture::OnPoll, this);
    if (rc == 0) rc = watcher_.watch(UV_READABLE);
    if (rc < 0) throw uv_error(env_, rc, "uv_poll_start");
    if (!pinned_) Ref();  // a polled capture stays alive without JS references
    pinned_ = true;
  }

  // counts() -> { kernelDrops, unreadable, coalesced }: frames the kernel dropped (full buffer), frames not
  // delivered, frames delivered split into several datagrams
  Napi::Value Counts(const Napi::CallbackInfo&) {
    CaptureCounts counts = core_.counts();
    auto out = Napi::Object::New(env_);
    out.Set("kernelDrops", static_cast<double>(counts.kernel_drops));
    out.Set("unreadable", static_cast<double>(counts.unreadable));
    out.Set("coalesced", static_cast<double>(counts.coalesced));
    return out;
  }

  void Close(const Napi::CallbackInfo&) { CloseNow(); }

  void CloseNow() {
    if (closed_) return;
    core_.counts();  // the kernel's last word on drops, kept for counts() after close
    Shutdown();
    if (pinned_) Unref();
    pinned_ = false;
  }

  static void OnPoll(void* context, int status, int) {
    auto* self = static_cast<NativeCapture*>(context);
    RunGuarded(
        self->env_,
        [self, status] {
          if (status < 0) self->HandlePollError(status);
          else self->ReceiveFrames();
        },
        [self](const char* what) {
          auto err = Napi::Error::New(self->env_, std::string("native failure in the capture: ") + what);
          err.Set("code", "ERR_NATIVE_FAILURE");
          self->Emit("onError", {err.Value()});
        });
  }

  // libuv stopped the handle: the pending error is taken and reported, and the watch re-armed; a
  // capture whose polls keep failing closes itself (onError with closed: true).
  void HandlePollError(int status) {
    Status pending = core_.take_error();
    bool give_up = ++poll_errors_ >= kMaxPollErrors;
    if (!pending.ok() || give_up) {
      Napi::Error err = pending.ok() ? uv_error(env_, status, "uv_poll") : syscall_error(env_, pending);
      if (give_up) err.Set("closed", true);
      Emit("onError", {err.Value()});
    }
    if (closed_) return;
    if (give_up) {
      CloseNow();
      return;
    }
    Watch();
  }

  void ReceiveFrames() {
    poll_errors_ = 0;
    for (int i = 0; i < kRoundsPerPoll && !closed_; i++) {
      int frames = 0;
      Status st = core_.receive(&slots_, &frames);
      if (!st.ok()) {
        Emit("onError", {syscall_error(env_, st).Value()});
        return;
      }
      if (frames == 0) return;
      if (!slots_.empty()) Deliver();
      if (frames < CaptureCore::kBatch) return;  // nothing more waiting: skip one EAGAIN
    }
  }

  void Deliver() {
    Napi::HandleScope scope(env_);
    int count = static_cast<int>(slots_.size());
    BatchTable::Summary batch = BatchTable::summarize(slots_.data(), count);
    auto buffer = Napi::Buffer<uint8_t>::New(env_, table_.bytes_for(batch.whole) + batch.payload);
    table_.fill(slots_.data(), count, batch.whole, buffer.Data(), true);
    const std::vector<std::string>& texts = table_.texts();
    auto list = Napi::Array::New(env_, texts.size());
    for (size_t i = 0; i < texts.size(); i++) list[static_cast<uint32_t>(i)] = texts[i];
    Emit("onBatch", {buffer.ArrayBuffer(), Napi::Number::New(env_, batch.whole), list});
  }

  void Emit(const char* name, const std::initializer_list<napi_value>& args) {
    if (!closed_) handlers_.Call(Value(), name, args);
  }

  Napi::Env env_;
  HandlerCaller handlers_;
  CaptureCore core_;
  PollWatcher watcher_;
  BatchTable table_{true};
  std::vector<RecvSlot> slots_;
  bool closed_ = false;
  bool pinned_ = false;
  int poll_errors_ = 0;
  EnvCleanupLink<NativeCapture>* cleanup_ = nullptr;
};

}  // namespace

void InitCapture(Napi::Env env, Napi::Object exports) { exports.Set("Capture", NativeCapture::Define(env)); }

}  // namespace uftp_native
