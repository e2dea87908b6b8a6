#include "binding_args.h"

#include <string>

#include "address.h"

namespace uftp_native {

namespace {
uint8_t empty_bytes[1];  // stands in for the null data pointer of an empty array
}  // namespace

uint32_t uint_arg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (!info[i].IsNumber()) throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a number");
  return info[i].As<Napi::Number>().Uint32Value();
}

uint32_t optional_uint_arg(const Napi::CallbackInfo& info, size_t i, const char* name, uint32_t fallback) {
  return info[i].IsUndefined() ? fallback : uint_arg(info, i, name);
}

size_t index_arg(const Napi::CallbackInfo& info, size_t i, const char* name, size_t length) {
  double v;
  if (napi_get_value_double(info.Env(), info[i], &v) != napi_ok) {
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a number");
  }
  if (!(v >= 0 && v <= static_cast<double>(length)) || v != static_cast<double>(static_cast<size_t>(v))) {
    throw Napi::RangeError::New(info.Env(), std::string(name) + " must be an integer from 0 to " + std::to_string(length));
  }
  return static_cast<size_t>(v);
}

ByteView bytes_value(Napi::Env env, Napi::Value value, const char* name, bool nullable) {
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  napi_value buffer;
  size_t offset;
  // One N-API call answers both "is it a Uint8Array" and where its bytes are.
  if (napi_get_typedarray_info(env, value, &type, &length, &data, &buffer, &offset) == napi_ok &&
      type == napi_uint8_array) {
    return {data != nullptr ? static_cast<uint8_t*>(data) : empty_bytes, length};
  }
  if (nullable && (value.IsNull() || value.IsUndefined())) return {empty_bytes, 0};
  throw Napi::TypeError::New(env, std::string(name) + " must be a Uint8Array" + (nullable ? " or null" : ""));
}

ByteView bytes_arg(const Napi::CallbackInfo& info, size_t i, const char* name, bool nullable) {
  return bytes_value(info.Env(), info[i], name, nullable);
}

bool is_ipv4_text(Napi::Value text) {
  if (!text.IsString()) return false;
  SockAddr ignored;
  return parse_address(text.As<Napi::String>().Utf8Value(), 0, AF_INET, &ignored);
}

SockAddr address_arg(Napi::Env env, Napi::Value text, uint32_t port, int family, const char* name) {
  if (!text.IsString()) throw Napi::TypeError::New(env, std::string(name) + " must be a string");
  std::string s = text.As<Napi::String>().Utf8Value();
  SockAddr out;
  if (port > 65535 || !parse_address(s, static_cast<uint16_t>(port), family, &out)) {
    throw Napi::TypeError::New(env, std::string(name) + " '" + s + "' is not an IPv" +
                                        (family == AF_INET ? "4" : "6") + " address");
  }
  return out;
}

}  // namespace uftp_native
