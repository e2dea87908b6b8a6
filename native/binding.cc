// The addon's module: every export comes from one of the binding_*.cc files,
// each a thin Node-API layer over an N-API-free core.
#include <napi.h>

#include "binding_init.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  uftp_native::InitSocket(env, exports);
  uftp_native::InitInterfaces(env, exports);
  uftp_native::InitCrypto(env, exports);
  uftp_native::InitFiles(env, exports);
  uftp_native::InitNotify(env, exports);
  uftp_native::InitService(env, exports);
  uftp_native::InitCapture(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(uftp_native, Init)
