// The addon's parts: each adds its exports to the module object. binding.cc
// calls them all from the module's Init.
#pragma once

#include <napi.h>

namespace uftp_native {

void InitSocket(Napi::Env env, Napi::Object exports);      // Socket (binding_socket.cc)
void InitInterfaces(Napi::Env env, Napi::Object exports);  // interfaces() (binding_interfaces.cc)
void InitCrypto(Napi::Env env, Napi::Object exports);      // CipherContext, HmacContext (binding_crypto.cc)
void InitFiles(Napi::Env env, Napi::Object exports);       // openRoot, lstatAt, openFile... (binding_files.cc)
void InitNotify(Napi::Env env, Napi::Object exports);      // notifySend (binding_notify.cc)
void InitService(Napi::Env env, Napi::Object exports);     // serviceDispatch, serviceInstall... (binding_service.cc)
void InitCapture(Napi::Env env, Napi::Object exports);     // Capture (binding_capture.cc)

}  // namespace uftp_native
