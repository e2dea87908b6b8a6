// JS arguments into C++ values. A wrong type throws TypeError, a value out of
// range RangeError, each naming the argument.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>

#include "io.h"

namespace uftp_native {

// The bytes of a Uint8Array argument (never a null pointer, also when empty).
struct ByteView {
  uint8_t* data;
  size_t length;
};

uint32_t uint_arg(const Napi::CallbackInfo& info, size_t i, const char* name);
// As uint_arg, with fallback when the argument is undefined.
uint32_t optional_uint_arg(const Napi::CallbackInfo& info, size_t i, const char* name, uint32_t fallback);
// An index into an array of `length` bytes: an integer in [0, length].
size_t index_arg(const Napi::CallbackInfo& info, size_t i, const char* name, size_t length);
// A Uint8Array (a Buffer included); a nullable one also takes null or undefined as empty.
ByteView bytes_value(Napi::Env env, Napi::Value value, const char* name, bool nullable = false);
ByteView bytes_arg(const Napi::CallbackInfo& info, size_t i, const char* name, bool nullable = false);
// An IP address string of the given family (AF_INET, AF_INET6) with the port set.
SockAddr address_arg(Napi::Env env, Napi::Value text, uint32_t port, int family, const char* name);
// Whether the value is a string holding an IPv4 address.
bool is_ipv4_text(Napi::Value text);

}  // namespace uftp_native
