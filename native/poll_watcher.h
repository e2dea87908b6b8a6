// Watches a socket for readable/writable on a libuv loop (the environment's
// own loop, handed in by the binding). No Node-API here.
#pragma once

#include <uv.h>

#include "io.h"

namespace uftp_native {

class PollWatcher {
 public:
  // status < 0 is a libuv error, after which libuv has stopped the handle (a
  // watch() re-arms it); events is a mask of UV_READABLE / UV_WRITABLE.
  using Callback = void (*)(void* context, int status, int events);

  PollWatcher() = default;
  PollWatcher(const PollWatcher&) = delete;
  PollWatcher& operator=(const PollWatcher&) = delete;
  ~PollWatcher() { close(); }

  // Creates the handle on first use; returns 0 or a libuv error.
  int init(uv_loop_t* loop, sock_t sock, Callback callback, void* context);
  // Polls for exactly these events (0 stops polling); returns 0 or a libuv error.
  int watch(int events);
  // Stops polling and hands the handle to libuv; on_closed(arg) runs once
  // libuv is done with it (at once if there is no handle). Safe to call twice.
  void close(void (*on_closed)(void*) = nullptr, void* arg = nullptr);

 private:
  struct Handle;
  static void on_poll(uv_poll_t* poll, int status, int events);
  Handle* handle_ = nullptr;
  int events_ = 0;
};

}  // namespace uftp_native
