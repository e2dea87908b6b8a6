#include "binding_handlers.h"

namespace uftp_native {

HandlerCaller::~HandlerCaller() {
  if (context_ != nullptr) napi_async_destroy(env_, context_);
}

void HandlerCaller::Keep(Napi::Object self, Napi::Value handlers) {
  if (!handlers.IsObject()) throw Napi::TypeError::New(self.Env(), "handlers must be an object");
  self.DefineProperty(Napi::PropertyDescriptor::Value("handlers", handlers, napi_default));
}

void HandlerCaller::Call(Napi::Object self, const char* name, const std::initializer_list<napi_value>& args) {
  Napi::Value handlers = self.Get("handlers");
  if (!handlers.IsObject()) return;
  Napi::Value fn = handlers.As<Napi::Object>().Get(name);
  if (!fn.IsFunction()) return;
  if (context_ == nullptr) {
    napi_value resource = Napi::String::New(env_, resource_name_);
    if (napi_async_init(env_, nullptr, resource, &context_) != napi_ok) context_ = nullptr;
  }
  fn.As<Napi::Function>().MakeCallback(handlers, args, context_);
}

}  // namespace uftp_native
