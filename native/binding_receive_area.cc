#include "binding_receive_area.h"

#include <cstdlib>
#include <new>

namespace uftp_native {

struct ReceiveArea::Memory {
  explicit Memory(size_t bytes) : data(static_cast<uint8_t*>(std::calloc(bytes, 1))) {}
  ~Memory() { std::free(data); }
  Memory(const Memory&) = delete;
  Memory& operator=(const Memory&) = delete;
  uint8_t* data;
};

using HeldMemory = std::shared_ptr<ReceiveArea::Memory>;

uint8_t* ReceiveArea::data() const { return memory_ ? memory_->data : nullptr; }

void ReceiveArea::Allocate(Napi::Env env, size_t bytes) {
  auto memory = std::make_shared<Memory>(bytes);
  if (memory->data == nullptr) throw Napi::Error::New(env, "no memory for a receive area of " + std::to_string(bytes) + " bytes");
  // The ArrayBuffer's share, let go when its backing store is freed (in whichever thread it ended up).
  auto* held = new HeldMemory(memory);
  Napi::ArrayBuffer buffer;
  try {
    buffer = Napi::ArrayBuffer::New(
        env, memory->data, bytes, [](Napi::Env, void*, HeldMemory* share) { delete share; }, held);
  } catch (...) {
    delete held;
    throw;
  }
  buffer_ = Napi::Persistent(buffer);
  memory_ = std::move(memory);
}

bool ReceiveArea::Detached() const { return !buffer_.IsEmpty() && buffer_.Value().IsDetached(); }

}  // namespace uftp_native
