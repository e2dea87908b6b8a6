// How a native object that libuv calls back reaches JS: the handlers object it
// was made with (kept as its "handlers" property, not a persistent reference,
// so handlers closing over the wrapper do not keep it alive), called inside a
// callback scope so that promise jobs queued by a handler run right after it,
// as for any Node callback.
#pragma once

#include <napi.h>

#include <exception>
#include <initializer_list>

namespace uftp_native {

class HandlerCaller {
 public:
  HandlerCaller(Napi::Env env, const char* resource_name) : env_(env), resource_name_(resource_name) {}
  HandlerCaller(const HandlerCaller&) = delete;
  HandlerCaller& operator=(const HandlerCaller&) = delete;
  ~HandlerCaller();

  // Stores `handlers` on `self` (throws TypeError unless it is an object).
  static void Keep(Napi::Object self, Napi::Value handlers);
  // Calls self.handlers[name](...args), if there is such a function.
  void Call(Napi::Object self, const char* name, const std::initializer_list<napi_value>& args);

 private:
  Napi::Env env_;
  const char* resource_name_;
  napi_async_context context_ = nullptr;
};

// Runs a step that libuv called for. A JS handler that throws is reported as any uncaught exception; a
// native failure (bad_alloc, ...) goes to on_native_failure(what) rather than aborting the process. And
// nothing escapes into libuv: in an environment being torn down (a worker terminated mid-traffic) JS
// cannot run, even the report throws, and there is no one left to tell.
template <typename Step, typename OnNativeFailure>
void RunGuarded(napi_env env, Step step, OnNativeFailure on_native_failure) {
  try {
    Napi::HandleScope scope(env);
    try {
      step();
    } catch (const Napi::Error& e) {
      napi_fatal_exception(env, e.Value());
    } catch (const std::exception& e) {
      on_native_failure(e.what());
    }
  } catch (...) {
  }
}

}  // namespace uftp_native
