#include "binding_errors.h"

#include <uv.h>

namespace uftp_native {

Napi::Error syscall_error(Napi::Env env, const Status& st, const std::string& detail) {
  std::string code = io_error_name(st.error);
  auto err = Napi::Error::New(env, std::string(st.syscall) + " " + code + ": " +
                                       (detail.empty() ? io_error_message(st.error) : detail));
  err.Set("code", code);
  // As Node's own errors: libuv's negative code (-errno on POSIX), the key of util.getSystemErrorMap().
  err.Set("errno", static_cast<double>(uv_translate_sys_error(st.error)));
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
  err.Set("errno", static_cast<double>(status));
  err.Set("syscall", syscall);
  return err;
}

Napi::Error closed_error(Napi::Env env, const char* what, const char* code) {
  auto err = Napi::Error::New(env, std::string(what) + " is closed");
  err.Set("code", code);
  return err;
}

void check(Napi::Env env, const Status& st) {
  if (!st.ok()) throw syscall_error(env, st);
}

}  // namespace uftp_native
