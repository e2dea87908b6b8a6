// How native failures reach JS: Errors that carry code, errno and syscall the
// way Node's own do (errno negative: libuv's code), so callers can switch on err.code.
#pragma once

#include <napi.h>

#include <string>

#include "socket_core.h"

namespace uftp_native {

// A failed syscall; detail, when given, replaces the platform's text for the error.
Napi::Error syscall_error(Napi::Env env, const Status& st, const std::string& detail = std::string());
// A failed libuv call (status is libuv's negative error code).
Napi::Error uv_error(Napi::Env env, int status, const char* syscall);
// "<what> is closed", with code set to `code`.
Napi::Error closed_error(Napi::Env env, const char* what, const char* code);
// Throws syscall_error unless st is ok.
void check(Napi::Env env, const Status& st);

}  // namespace uftp_native
