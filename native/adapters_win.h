// GetAdaptersAddresses into a buffer that grows until the list fits (Windows only; io_win.cc).
#pragma once
#ifdef _WIN32

#include <winsock2.h>
#include <iphlpapi.h>

#include <cstdint>
#include <vector>

namespace uftp_native {

// The adapters with their unicast addresses of `family` (AF_UNSPEC: both); 0 or a Win32 error.
int read_adapters(ULONG family, std::vector<uint8_t>* buffer);

inline IP_ADAPTER_ADDRESSES* first_adapter(std::vector<uint8_t>& buffer) {
  return reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buffer.data());
}

}  // namespace uftp_native

#endif  // _WIN32
