/*
 * A Windows service's life seen from the Service Control Manager's side, for the Wine lab tests (built with
 * mingw-w64 by wine-services.ts). Wine's sc.exe can neither watch a start closely nor send INTERROGATE:
 *   service-control start NAME TIMEOUT_MS   StartService, then QueryServiceStatusEx every 2 ms until RUNNING
 *                                           or STOPPED: one line per state seen, in order, then
 *                                           "end STATE WIN32_EXIT_CODE SERVICE_EXIT_CODE CONTROLS_ACCEPTED"
 *   service-control interrogate NAME        ControlService(INTERROGATE): "end STATE ..." as above
 * A failed call prints "error FUNCTION CODE" and exits 1; a start that neither runs nor stops in time, exit 2.
 */
#include <windows.h>
#include <stdio.h>

static const char *state_name(DWORD state) {
  switch (state) {
    case SERVICE_STOPPED: return "STOPPED";
    case SERVICE_START_PENDING: return "START_PENDING";
    case SERVICE_STOP_PENDING: return "STOP_PENDING";
    case SERVICE_RUNNING: return "RUNNING";
    default: return "OTHER";
  }
}

static int failed(const char *function) {
  printf("error %s %lu\n", function, GetLastError());
  return 1;
}

static void print_end(const SERVICE_STATUS *s) {
  printf("end %s %lu %lu %lu\n", state_name(s->dwCurrentState), s->dwWin32ExitCode, s->dwServiceSpecificExitCode,
         s->dwControlsAccepted);
}

static int start_and_watch(SC_HANDLE service, DWORD timeout_ms) {
  if (!StartServiceW(service, 0, NULL)) return failed("StartService");
  DWORD last = 0;
  DWORD begun = GetTickCount();
  for (;;) {
    SERVICE_STATUS_PROCESS p;
    DWORD needed;
    if (!QueryServiceStatusEx(service, SC_STATUS_PROCESS_INFO, (BYTE *)&p, sizeof p, &needed)) {
      return failed("QueryServiceStatusEx");
    }
    if (p.dwCurrentState != last) printf("%s\n", state_name(p.dwCurrentState));
    last = p.dwCurrentState;
    if (last == SERVICE_RUNNING || last == SERVICE_STOPPED) {
      SERVICE_STATUS s = {p.dwServiceType, p.dwCurrentState, p.dwControlsAccepted, p.dwWin32ExitCode,
                          p.dwServiceSpecificExitCode, p.dwCheckPoint, p.dwWaitHint};
      print_end(&s);
      return 0;
    }
    if (GetTickCount() - begun > timeout_ms) {
      printf("timeout\n");
      return 2;
    }
    Sleep(2);
  }
}

int wmain(int argc, wchar_t **argv) {
  if (argc < 3) {
    printf("usage: service-control start NAME TIMEOUT_MS | interrogate NAME\n");
    return 1;
  }
  SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
  if (scm == NULL) return failed("OpenSCManager");
  SC_HANDLE service = OpenServiceW(scm, argv[2], SERVICE_START | SERVICE_QUERY_STATUS | SERVICE_INTERROGATE);
  if (service == NULL) return failed("OpenService");
  int code;
  if (wcscmp(argv[1], L"start") == 0 && argc == 4) {
    code = start_and_watch(service, (DWORD)_wtoi(argv[3]));
  } else if (wcscmp(argv[1], L"interrogate") == 0) {
    SERVICE_STATUS s;
    code = ControlService(service, SERVICE_CONTROL_INTERROGATE, &s) ? (print_end(&s), 0) : failed("ControlService");
  } else {
    printf("unknown command\n");
    code = 1;
  }
  fflush(stdout);
  CloseServiceHandle(service);
  CloseServiceHandle(scm);
  return code;
}
