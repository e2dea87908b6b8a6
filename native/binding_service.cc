// The Service Control Manager's JS face (service.h):
//   serviceDispatch(name: string, onEvent: (event: string, error: number) => void): void
//     event: 'started' | 'stop' | 'shutdown' | 'interrogate' | 'ended'; error: a Win32 code, 0 = none.
//     Events come from the SCM's threads through a thread-safe function, so onEvent always runs on
//     JS's thread; 'ended' is the last, after which the function lets go of the event loop.
//   serviceReportRunning(): void
//   serviceReportStopped(exitCode: number): void
//   serviceInstall(name: string, displayName: string, commandLine: string, autoStart: boolean): void
//   serviceRemove(name: string): boolean (true: it still runs, the SCM removes it once it stops)
// A failure throws an Error with code/errno/syscall (ENOTSUP off Windows).
#include <napi.h>

#include <string>

#include "binding_errors.h"
#include "binding_init.h"
#include "service.h"

namespace uftp_native {
namespace {

const char* event_name(ServiceEvent event) {
  switch (event) {
    case ServiceEvent::kStarted:
      return "started";
    case ServiceEvent::kStop:
      return "stop";
    case ServiceEvent::kShutdown:
      return "shutdown";
    case ServiceEvent::kInterrogate:
      return "interrogate";
    case ServiceEvent::kEnded:
      return "ended";
  }
  return "unknown";
}

void check_service(Napi::Env env, const Status& st) {
  if (st.ok()) return;
  const char* unsupported = service_unsupported_reason();
  throw syscall_error(env, st, unsupported != nullptr ? unsupported : std::string());
}

std::string string_arg(const Napi::CallbackInfo& info, size_t index, const char* what) {
  if (!info[index].IsString()) throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a string");
  std::string text = info[index].As<Napi::String>().Utf8Value();
  if (text.empty() || text.find('\0') != std::string::npos) {
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a non-empty string without NUL");
  }
  return text;
}

struct Delivery {
  ServiceEvent event;
  uint32_t error;
};

void ServiceDispatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = string_arg(info, 0, "name");
  if (!info[1].IsFunction()) throw Napi::TypeError::New(env, "onEvent must be a function");
  auto tsfn = Napi::ThreadSafeFunction::New(env, info[1].As<Napi::Function>(), "uftp service control", 0, 1);
  Status st = service_dispatch(name, [tsfn](ServiceEvent event, uint32_t error) mutable {
    tsfn.BlockingCall(new Delivery{event, error}, [](Napi::Env env, Napi::Function onEvent, Delivery* d) {
      const char* name = event_name(d->event);
      double code = d->error;
      delete d;
      if (env != nullptr && !onEvent.IsEmpty()) onEvent.Call({Napi::String::New(env, name), Napi::Number::New(env, code)});
    });
    if (event == ServiceEvent::kEnded) tsfn.Release();
  });
  if (!st.ok()) {
    tsfn.Release();
    check_service(env, st);
  }
}

void ServiceReportRunning(const Napi::CallbackInfo& info) { check_service(info.Env(), service_report_running()); }

void ServiceReportStopped(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) throw Napi::TypeError::New(env, "exitCode must be a number");
  int64_t code = info[0].As<Napi::Number>().Int64Value();
  if (code < 0 || code > 0xFFFFFFFFLL) throw Napi::RangeError::New(env, "exitCode must be 0..4294967295");
  check_service(env, service_report_stopped(static_cast<uint32_t>(code)));
}

void ServiceInstall(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = string_arg(info, 0, "name");
  std::string display = string_arg(info, 1, "displayName");
  std::string command_line = string_arg(info, 2, "commandLine");
  check_service(env, service_install(name, display, command_line, info[3].ToBoolean().Value()));
}

Napi::Value ServiceRemove(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = string_arg(info, 0, "name");
  bool still_running = false;
  check_service(env, service_remove(name, &still_running));
  return Napi::Boolean::New(env, still_running);
}

}  // namespace

void InitService(Napi::Env env, Napi::Object exports) {
  exports.Set("serviceDispatch", Napi::Function::New(env, ServiceDispatch, "serviceDispatch"));
  exports.Set("serviceReportRunning", Napi::Function::New(env, ServiceReportRunning, "serviceReportRunning"));
  exports.Set("serviceReportStopped", Napi::Function::New(env, ServiceReportStopped, "serviceReportStopped"));
  exports.Set("serviceInstall", Napi::Function::New(env, ServiceInstall, "serviceInstall"));
  exports.Set("serviceRemove", Napi::Function::New(env, ServiceRemove, "serviceRemove"));
}

}  // namespace uftp_native
