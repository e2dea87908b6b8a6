// DSCP on Windows. Windows accepts IP_TOS / IPV6_TCLASS and, since Vista, does not mark packets with
// it; marking goes through qWAVE: a flow per destination whose outgoing DSCP is set, which the system
// grants to administrators or under a QoS policy. The report says which mechanism is in effect and
// never claims a marking the system will not apply. Under Wine, qWAVE is a stub and the TOS option
// reaches the host's Linux kernel, which does apply it: the report says that too.
#ifdef _WIN32

#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

// mingw-w64's qos2.h uses PQOS_FLOWID without declaring it and lacks QOS_NON_ADAPTIVE_FLOW.
typedef UINT32 QOS_FLOWID, *PQOS_FLOWID;
#include <qos2.h>
#ifndef QOS_NON_ADAPTIVE_FLOW
#define QOS_NON_ADAPTIVE_FLOW 0x00000002
#endif

#include <string>
#include <vector>

#include "address.h"
#include "io.h"

namespace uftp_native {

class DscpMarker {
 public:
  HANDLE qos = nullptr;
  DWORD dscp = 0;
  std::vector<SockAddr> flows;
  bool failed = false;
};

namespace {

const char* option_name(int family) { return family == AF_INET ? "IP_TOS" : "IPV6_TCLASS"; }

// Wine's ntdll exports its version; Windows' does not.
bool under_wine(std::string* version) {
  using Getter = const char*(__cdecl*)();
  HMODULE ntdll = GetModuleHandleA("ntdll.dll");
  FARPROC found = ntdll == nullptr ? nullptr : GetProcAddress(ntdll, "wine_get_version");
  if (found == nullptr) return false;
  *version = reinterpret_cast<Getter>(reinterpret_cast<void*>(found))();
  return true;
}

bool same_destination(const SockAddr& a, const SockAddr& b) { return same_ip(a, b) && port_of(a) == port_of(b); }

}  // namespace

int io_set_dscp(sock_t sock, int family, int tos, DscpMarker** marker, DscpReport* report) {
  io_dscp_marker_free(*marker);
  *marker = nullptr;
  int level = family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
  int name = family == AF_INET ? IP_TOS : IPV6_TCLASS;
  DWORD value = static_cast<DWORD>(tos);
  // Set all the same: a later Windows may honour it, and Wine hands it to its host kernel.
  int err = io_setsockopt(sock, level, name, &value, sizeof value);
  bool option_missing = err == WSAENOPROTOOPT;  // Wine 8 has no IPV6_TCLASS
  if (err != 0 && !option_missing) return err;
  if (tos == 0) {
    *report = DscpReport{"none", "no marking asked (DSCP 0)"};
    return 0;
  }
  QOS_VERSION version{1, 0};
  HANDLE qos = nullptr;
  SetLastError(0);  // a stub that fails without setting it must not pass off an older error as its reason
  if (QOSCreateHandle(&version, &qos)) {
    *marker = new DscpMarker{qos, static_cast<DWORD>(tos >> 2), {}, false};
    *report = DscpReport{"qWAVE", "a flow per destination (needs administrator rights or a QoS policy)"};
    return 0;
  }
  DWORD last = GetLastError();
  std::string why = last == 0 ? "QOSCreateHandle failed, no reason given" : io_error_name(static_cast<int>(last));
  std::string wine;
  if (!option_missing && under_wine(&wine)) {
    *report = DscpReport{option_name(family), "under Wine " + wine + " the host's kernel applies " + option_name(family) +
                                                  "; a Windows host would not (qWAVE: " + why + ")"};
    return 0;
  }
  if (option_missing) return err;  // nothing at all would carry the mark: say so by failing
  *report = DscpReport{"none", std::string("Windows does not apply ") + option_name(family) + " and qWAVE is unavailable (" +
                                   why + "): datagrams leave unmarked"};
  return 0;
}

void io_dscp_prepare(DscpMarker* marker, sock_t sock, const SockAddr& to, DscpReport* report) {
  if (marker->failed) return;
  for (const SockAddr& known : marker->flows) {
    if (same_destination(known, to)) return;
  }
  QOS_FLOWID flow = 0;
  if (!QOSAddSocketToFlow(marker->qos, sock, const_cast<sockaddr*>(to.raw()), QOSTrafficTypeBestEffort,
                          QOS_NON_ADAPTIVE_FLOW, &flow) ||
      !QOSSetFlow(marker->qos, flow, static_cast<QOS_SET_FLOW>(QOSSetOutgoingDSCPValue), sizeof marker->dscp, &marker->dscp, 0, nullptr)) {
    marker->failed = true;
    *report = DscpReport{"none", "qWAVE refused a flow (" + io_error_name(static_cast<int>(GetLastError())) +
                                     "): datagrams leave unmarked"};
    return;
  }
  marker->flows.push_back(to);
}

void io_dscp_marker_free(DscpMarker* marker) {
  if (marker == nullptr) return;
  QOSCloseHandle(marker->qos);
  delete marker;
}

}  // namespace uftp_native

#endif  // _WIN32
