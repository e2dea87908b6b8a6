// POSIX side of service.h: there is no Service Control Manager (systemd is
// reached through notify.h instead).
#ifndef _WIN32

#include <errno.h>

#include "service.h"

namespace uftp_native {

Status service_dispatch(const std::string&, ServiceListener) { return Status{ENOTSUP, "StartServiceCtrlDispatcher"}; }

Status service_report_running() { return Status{ENOTSUP, "SetServiceStatus"}; }

Status service_report_stopped(uint32_t) { return Status{ENOTSUP, "SetServiceStatus"}; }

Status service_install(const std::string&, const std::string&, const std::string&, bool) {
  return Status{ENOTSUP, "CreateService"};
}

Status service_remove(const std::string&, bool*) { return Status{ENOTSUP, "DeleteService"}; }

const char* service_unsupported_reason() {
  return "Windows services exist only on Windows (under systemd, use the units in packaging/)";
}

}  // namespace uftp_native

#endif  // !_WIN32
