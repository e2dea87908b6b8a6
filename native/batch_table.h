// The table a received batch opens with, in the layout lib/net/ reads: per
// whole datagram kWords uint32 words (offset, length, from, fromPort, to,
// ifindex, tos), addresses as indexes into texts(), so a batch from one
// peer carries its address text once; a capture's rows add two words
// (toPort, outgoing). Truncated datagrams are left out.
// Plain C++: binding_socket.cc hands the bytes to JS.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "address.h"
#include "io.h"

namespace uftp_native {

class BatchTable {
 public:
  static constexpr uint32_t kWords = 7;
  static constexpr uint32_t kCaptureWords = 9;
  static constexpr uint32_t kNoAddress = 0xffffffff;  // the "to" word when the platform did not say

  // What a received batch holds: its whole datagrams, their payload bytes,
  // and the first truncated one (null if none).
  struct Summary {
    int whole = 0;
    size_t payload = 0;
    const RecvSlot* first_cut = nullptr;
  };
  // capture: rows of kCaptureWords (a capture's datagrams), else kWords (a socket's).
  explicit BatchTable(bool capture = false) : words_(capture ? kCaptureWords : kWords) {}

  static Summary summarize(const RecvSlot* slots, int count);
  static constexpr size_t table_bytes(int whole, uint32_t words = kWords) {
    return sizeof(uint32_t) * words * static_cast<size_t>(whole);
  }
  size_t bytes_for(int whole) const { return table_bytes(whole, words_); }

  // Writes the table for the `whole` whole datagrams among slots at `bytes`.
  // With copy the payloads follow it there back to back (bytes holds
  // bytes_for(whole) + payload); without, bytes is the area the slots point
  // into and the offsets point at the slots themselves.
  void fill(const RecvSlot* slots, int count, int whole, uint8_t* bytes, bool copy);
  // The address texts the last fill's indexes refer to.
  const std::vector<std::string>& texts() const { return texts_; }

 private:
  uint32_t address_index(const SockAddr& addr);

  uint32_t words_;
  AddressCache cache_;
  std::vector<SockAddr> keys_;
  std::vector<std::string> texts_;
};

}  // namespace uftp_native
