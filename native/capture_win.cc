// Windows side of capture_core.h: there is no AF_PACKET, and the raw sockets
// Windows has do not see a host's outgoing datagrams; capture is not supported.
#ifdef _WIN32

#include "capture_core.h"

namespace uftp_native {

bool CaptureCore::supported() { return false; }

Status CaptureCore::open(uint16_t, unsigned) { return Status{WSAEAFNOSUPPORT, "socket"}; }

void CaptureCore::close() { sock_ = kNoSocket; }

Status CaptureCore::set_receive_buffer(int, BufferGrant*) { return Status{WSAEAFNOSUPPORT, "setsockopt"}; }

Status CaptureCore::receive(std::vector<RecvSlot>* out, int* frames) {
  out->clear();
  *frames = 0;
  return Status{WSAEAFNOSUPPORT, "recv"};
}

Status CaptureCore::take_error() { return {}; }

CaptureCounts CaptureCore::counts() { return counts_; }

}  // namespace uftp_native

#endif
