// The notify transport's JS face (notify.h):
//   notifySend(address: string, message: string | Uint8Array): void
// A failure throws an Error with code/errno/syscall (ENOENT: no such socket,
// ECONNREFUSED: nobody listens, EAGAIN: its queue is full; ENOTSUP on Windows).
#include <napi.h>

#include <string>

#include "binding_args.h"
#include "binding_errors.h"
#include "binding_init.h"
#include "notify.h"

namespace uftp_native {
namespace {

void NotifySend(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) throw Napi::TypeError::New(env, "address must be a string");
  std::string address = info[0].As<Napi::String>().Utf8Value();
  Status st;
  if (info[1].IsString()) {
    std::string text = info[1].As<Napi::String>().Utf8Value();
    st = notify_send(address, reinterpret_cast<const uint8_t*>(text.data()), text.size());
  } else {
    ByteView bytes = bytes_arg(info, 1, "message");
    st = notify_send(address, bytes.data, bytes.length);
  }
  if (st.ok()) return;
  const char* unsupported = notify_unsupported_reason();
  throw syscall_error(env, st, unsupported != nullptr ? unsupported : std::string());
}

}  // namespace

void InitNotify(Napi::Env env, Napi::Object exports) {
  exports.Set("notifySend", Napi::Function::New(env, NotifySend, "notifySend"));
}

}  // namespace uftp_native
