// The memory a socket receives into, seen from JS (transient batches) as an
// external ArrayBuffer. The socket and that ArrayBuffer own the memory
// jointly: whatever JS does with the ArrayBuffer (transfer it to another
// thread, detach it), the memory lives as long as the socket may receive into
// it, and the socket can tell that JS no longer sees it there.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <memory>

namespace uftp_native {

class ReceiveArea {
 public:
  // Replaces the area with `bytes` fresh zeroed bytes (untouched pages cost nothing).
  void Allocate(Napi::Env env, size_t bytes);
  bool empty() const { return memory_ == nullptr; }
  uint8_t* data() const;
  Napi::ArrayBuffer Value() const { return buffer_.Value(); }
  // True once JS has detached the ArrayBuffer (structuredClone or postMessage
  // with a transfer list, ...): its memory may now be read elsewhere.
  bool Detached() const;

  struct Memory;  // the bytes; shared with the ArrayBuffer's finalizer

 private:
  std::shared_ptr<Memory> memory_;
  Napi::Reference<Napi::ArrayBuffer> buffer_;
};

}  // namespace uftp_native
