#include "poll_watcher.h"

namespace uftp_native {

// Heap-held so it can outlive the watcher until libuv's close callback.
struct PollWatcher::Handle {
  uv_poll_t poll;
  Callback callback;
  void* context;
  PollWatcher* watcher;  // null once closed
  void (*on_closed)(void*);
  void* closed_arg;
};

void PollWatcher::on_poll(uv_poll_t* poll, int status, int events) {
  auto* handle = static_cast<Handle*>(poll->data);
  // libuv stops the handle on an error: what is watched now is nothing.
  if (status < 0 && handle->watcher != nullptr) handle->watcher->events_ = 0;
  if (handle->callback != nullptr) handle->callback(handle->context, status, events);
}

int PollWatcher::init(uv_loop_t* loop, sock_t sock, Callback callback, void* context) {
  if (handle_ != nullptr) return 0;
  auto* handle = new Handle{};
  handle->callback = callback;
  handle->context = context;
  handle->watcher = this;
  handle->poll.data = handle;
  int rc = uv_poll_init_socket(loop, &handle->poll, sock);
  if (rc < 0) {
    delete handle;
    return rc;
  }
  handle_ = handle;
  return 0;
}

int PollWatcher::watch(int events) {
  if (handle_ == nullptr || events == events_) return 0;
  int rc = events == 0 ? uv_poll_stop(&handle_->poll) : uv_poll_start(&handle_->poll, events, on_poll);
  if (rc == 0) events_ = events;
  return rc;
}

void PollWatcher::close(void (*on_closed)(void*), void* arg) {
  if (handle_ == nullptr) {
    if (on_closed != nullptr) on_closed(arg);
    return;
  }
  uv_poll_stop(&handle_->poll);
  handle_->callback = nullptr;  // nothing reaches the owner any more
  handle_->watcher = nullptr;
  handle_->on_closed = on_closed;
  handle_->closed_arg = arg;
  uv_close(reinterpret_cast<uv_handle_t*>(&handle_->poll), [](uv_handle_t* h) {
    auto* handle = static_cast<Handle*>(h->data);
    if (handle->on_closed != nullptr) handle->on_closed(handle->closed_arg);
    delete handle;
  });
  handle_ = nullptr;
  events_ = 0;
}

}  // namespace uftp_native
