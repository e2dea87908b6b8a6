// interfaces(): the host's network interfaces and their addresses, as listed
// by the platform layer (io_list_interfaces).
#include <vector>

#include "binding_errors.h"
#include "binding_init.h"

namespace uftp_native {
namespace {

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

}  // namespace

void InitInterfaces(Napi::Env env, Napi::Object exports) {
  exports.Set("interfaces", Napi::Function::New<Interfaces>(env, "interfaces"));
}

}  // namespace uftp_native
