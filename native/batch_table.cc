#include "batch_table.h"

#include <cstring>

namespace uftp_native {

BatchTable::Summary BatchTable::summarize(const RecvSlot* slots, int count) {
  Summary out;
  for (int i = 0; i < count; i++) {
    if (slots[i].truncated) {
      if (out.first_cut == nullptr) out.first_cut = &slots[i];
      continue;
    }
    out.whole++;
    out.payload += slots[i].length;
  }
  return out;
}

void BatchTable::fill(const RecvSlot* slots, int count, int whole, uint8_t* bytes, bool copy) {
  auto* meta = reinterpret_cast<uint32_t*>(bytes);
  size_t offset = bytes_for(whole);
  keys_.clear();
  texts_.clear();
  for (int i = 0; i < count; i++) {
    const RecvSlot& s = slots[i];
    if (s.truncated) continue;
    if (copy) {
      std::memcpy(bytes + offset, s.data, s.length);
    } else {
      offset = static_cast<size_t>(s.data - bytes);
    }
    meta[0] = static_cast<uint32_t>(offset);
    meta[1] = static_cast<uint32_t>(s.length);
    meta[2] = address_index(s.from);
    meta[3] = port_of(s.from);
    meta[4] = s.to.len == 0 ? kNoAddress : address_index(s.to);
    meta[5] = s.ifindex;
    meta[6] = static_cast<uint32_t>(s.tos);
    if (words_ == kCaptureWords) {
      meta[7] = port_of(s.to);
      meta[8] = s.outgoing ? 1 : 0;
    }
    meta += words_;
    offset += s.length;
  }
}

uint32_t BatchTable::address_index(const SockAddr& addr) {
  for (size_t i = 0; i < keys_.size(); i++) {
    if (same_ip(keys_[i], addr)) return static_cast<uint32_t>(i);
  }
  keys_.push_back(addr);
  texts_.push_back(cache_.format(addr));
  return static_cast<uint32_t>(keys_.size() - 1);
}

}  // namespace uftp_native
