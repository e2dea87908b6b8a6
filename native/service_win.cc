// Windows side of service.h. The dispatcher (StartServiceCtrlDispatcherW)
// runs on a thread of its own so that Node's loop keeps the main thread;
// ServiceMain registers the control handler, reports START_PENDING and waits
// until the service reports SERVICE_STOPPED, which lets the dispatcher return.
#ifdef _WIN32

#include <windows.h>

#include <mutex>
#include <thread>

#include "service.h"

namespace uftp_native {

namespace {

// Generous: the SCM only shows it (sc query's WAIT_HINT) while JS opens sockets and loads keys.
constexpr DWORD kPendingWaitHintMs = 60000;

struct ServiceState {
  std::mutex mutex;
  std::wstring name;
  ServiceListener listener;
  SERVICE_STATUS_HANDLE handle = nullptr;
  SERVICE_STATUS status{};
  HANDLE stopped = nullptr;  // manual-reset: set once SERVICE_STOPPED is reported
  bool dispatching = false;
};

ServiceState& state() {
  static ServiceState s;
  return s;
}

std::wstring wide(const std::string& text) {
  if (text.empty()) return std::wstring();
  int n = MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), nullptr, 0);
  std::wstring out(static_cast<size_t>(n), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), &out[0], n);
  return out;
}

// Reports `current` (with the controls it accepts); the caller holds the mutex.
DWORD set_state_locked(ServiceState& s, DWORD current) {
  s.status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  s.status.dwCurrentState = current;
  s.status.dwControlsAccepted = current == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
  const bool pending = current == SERVICE_START_PENDING || current == SERVICE_STOP_PENDING;
  s.status.dwCheckPoint = pending ? s.status.dwCheckPoint + 1 : 0;
  s.status.dwWaitHint = pending ? kPendingWaitHintMs : 0;
  if (s.handle == nullptr) return ERROR_SERVICE_NOT_ACTIVE;
  return SetServiceStatus(s.handle, &s.status) ? NO_ERROR : GetLastError();
}

void tell(ServiceEvent event, DWORD error) {
  ServiceState& s = state();
  if (s.listener) s.listener(event, error);
}

DWORD WINAPI control_handler(DWORD control, DWORD, LPVOID, LPVOID) {
  ServiceState& s = state();
  switch (control) {
    case SERVICE_CONTROL_STOP:
    case SERVICE_CONTROL_SHUTDOWN: {
      {
        std::lock_guard<std::mutex> lock(s.mutex);
        if (s.status.dwCurrentState != SERVICE_STOPPED) set_state_locked(s, SERVICE_STOP_PENDING);
      }
      tell(control == SERVICE_CONTROL_STOP ? ServiceEvent::kStop : ServiceEvent::kShutdown, NO_ERROR);
      return NO_ERROR;
    }
    case SERVICE_CONTROL_INTERROGATE: {
      {
        std::lock_guard<std::mutex> lock(s.mutex);
        if (s.handle != nullptr) SetServiceStatus(s.handle, &s.status);
      }
      tell(ServiceEvent::kInterrogate, NO_ERROR);
      return NO_ERROR;
    }
    default:
      return ERROR_CALL_NOT_IMPLEMENTED;
  }
}

void WINAPI service_main(DWORD, LPWSTR*) {
  ServiceState& s = state();
  DWORD error = NO_ERROR;
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    s.handle = RegisterServiceCtrlHandlerExW(s.name.c_str(), control_handler, nullptr);
    error = s.handle == nullptr ? GetLastError() : set_state_locked(s, SERVICE_START_PENDING);
  }
  tell(ServiceEvent::kStarted, error);
  if (s.handle == nullptr) return;
  // Returning would leave the SCM with a service that has no thread; wait for the end instead.
  WaitForSingleObject(s.stopped, INFINITE);
}

// Closes SCM handles on every path.
struct ScHandle {
  SC_HANDLE h;
  explicit ScHandle(SC_HANDLE handle) : h(handle) {}
  ~ScHandle() {
    if (h != nullptr) CloseServiceHandle(h);
  }
  ScHandle(const ScHandle&) = delete;
  ScHandle& operator=(const ScHandle&) = delete;
};

}  // namespace

Status service_dispatch(const std::string& name, ServiceListener listener) {
  ServiceState& s = state();
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    if (s.dispatching) return Status{ERROR_SERVICE_ALREADY_RUNNING, "StartServiceCtrlDispatcher"};
    s.stopped = CreateEventW(nullptr, TRUE, FALSE, nullptr);
    if (s.stopped == nullptr) return Status{static_cast<int>(GetLastError()), "CreateEvent"};
    s.dispatching = true;
    s.name = wide(name);
    s.listener = std::move(listener);
  }
  std::thread([] {
    ServiceState& st = state();
    // The name is ignored for a service of its own process, but must not be empty.
    SERVICE_TABLE_ENTRYW table[] = {{&st.name[0], service_main}, {nullptr, nullptr}};
    DWORD error = StartServiceCtrlDispatcherW(table) ? NO_ERROR : GetLastError();
    tell(ServiceEvent::kEnded, error);
  }).detach();
  return Status{};
}

Status service_report_running() {
  ServiceState& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (s.status.dwCurrentState != SERVICE_START_PENDING) return Status{ERROR_INVALID_SERVICE_CONTROL, "SetServiceStatus"};
  DWORD error = set_state_locked(s, SERVICE_RUNNING);
  return Status{static_cast<int>(error), "SetServiceStatus"};
}

Status service_report_stopped(uint32_t exit_code) {
  ServiceState& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (s.handle == nullptr) return Status{ERROR_SERVICE_NOT_ACTIVE, "SetServiceStatus"};
  s.status.dwWin32ExitCode = exit_code == 0 ? NO_ERROR : ERROR_SERVICE_SPECIFIC_ERROR;
  s.status.dwServiceSpecificExitCode = exit_code;
  DWORD error = set_state_locked(s, SERVICE_STOPPED);
  SetEvent(s.stopped);
  return Status{static_cast<int>(error), "SetServiceStatus"};
}

Status service_install(const std::string& name, const std::string& display_name, const std::string& command_line,
                       bool auto_start) {
  ScHandle scm(OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CREATE_SERVICE));
  if (scm.h == nullptr) return Status{static_cast<int>(GetLastError()), "OpenSCManager"};
  ScHandle service(CreateServiceW(scm.h, wide(name).c_str(), wide(display_name).c_str(), SERVICE_QUERY_STATUS,
                                  SERVICE_WIN32_OWN_PROCESS, auto_start ? SERVICE_AUTO_START : SERVICE_DEMAND_START,
                                  SERVICE_ERROR_NORMAL, wide(command_line).c_str(), nullptr, nullptr, nullptr,
                                  nullptr, nullptr));
  if (service.h == nullptr) return Status{static_cast<int>(GetLastError()), "CreateService"};
  return Status{};
}

Status service_remove(const std::string& name, bool* still_running) {
  ScHandle scm(OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT));
  if (scm.h == nullptr) return Status{static_cast<int>(GetLastError()), "OpenSCManager"};
  ScHandle service(OpenServiceW(scm.h, wide(name).c_str(), DELETE | SERVICE_QUERY_STATUS));
  if (service.h == nullptr) return Status{static_cast<int>(GetLastError()), "OpenService"};
  SERVICE_STATUS status{};
  *still_running = QueryServiceStatus(service.h, &status) && status.dwCurrentState != SERVICE_STOPPED;
  if (!DeleteService(service.h)) return Status{static_cast<int>(GetLastError()), "DeleteService"};
  return Status{};
}

const char* service_unsupported_reason() { return nullptr; }

}  // namespace uftp_native

#endif  // _WIN32
