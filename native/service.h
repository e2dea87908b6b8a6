// A Windows service process's side of the Service Control Manager (SCM): the
// control dispatcher on a thread of its own, status reports, and installing or
// removing a service. Nothing here knows what the service does. On POSIX every
// call fails with ENOTSUP (service_unsupported_reason says why).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "status.h"

namespace uftp_native {

// What the SCM asked for, as the listener hears it.
enum class ServiceEvent {
  kStarted,      // the SCM started the service: START_PENDING reported (error: RegisterServiceCtrlHandlerEx failed)
  kStop,         // SERVICE_CONTROL_STOP: STOP_PENDING reported
  kShutdown,     // SERVICE_CONTROL_SHUTDOWN (the system goes down): STOP_PENDING reported
  kInterrogate,  // SERVICE_CONTROL_INTERROGATE: the last status reported again
  kEnded,        // the dispatcher returned, last of all (error: why it failed; 0 after SERVICE_STOPPED)
};

// Called on the SCM's threads, never on JS's.
using ServiceListener = std::function<void(ServiceEvent event, uint32_t error)>;

// Starts the control dispatcher for the service `name` on a new thread. Once per process.
Status service_dispatch(const std::string& name, ServiceListener listener);
// SERVICE_RUNNING, accepting STOP and SHUTDOWN.
Status service_report_running();
// SERVICE_STOPPED: exit code 0 as NO_ERROR, any other as ERROR_SERVICE_SPECIFIC_ERROR
// with it as the service-specific code (what `sc query` shows). Lets the dispatcher return.
Status service_report_stopped(uint32_t exit_code);

// A service of its own process run by LocalSystem, started at boot (auto_start) or on demand.
Status service_install(const std::string& name, const std::string& display_name, const std::string& command_line,
                       bool auto_start);
// Marks the service for deletion; *still_running tells that the SCM removes it only once it stops.
Status service_remove(const std::string& name, bool* still_running);

// Why services cannot work on this platform; nullptr where they can.
const char* service_unsupported_reason();

}  // namespace uftp_native
