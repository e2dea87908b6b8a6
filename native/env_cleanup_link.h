// What an environment cleanup hook holds for an object polled on libuv (a socket, a capture): not the
// object, which the GC may free while libuv still holds its poll handle (and so the hook), but this link,
// which lives until the hook is removed and forgets the object when the object shuts down. Owner has a
// Shutdown() (idempotent, touching no JS) that calls Close() and befriends this class.
#ifndef UFTP_NATIVE_ENV_CLEANUP_LINK_H
#define UFTP_NATIVE_ENV_CLEANUP_LINK_H

#include <node_api.h>

#include "poll_watcher.h"

namespace uftp_native {

template <typename Owner>
class EnvCleanupLink {
 public:
  // Asynchronous, so that Node keeps the addon loaded until libuv has called back about the poll
  // handle, also when a worker is torn down. nullptr when the hook could not be added.
  static EnvCleanupLink* Add(napi_env env, Owner* owner) {
    auto* link = new EnvCleanupLink(owner);
    if (napi_add_async_cleanup_hook(env, &EnvCleanupLink::OnEnvCleanup, link, &link->hook_) != napi_ok) {
      delete link;
      return nullptr;
    }
    return link;
  }

  // At the owner's shutdown: forgets the owner and closes its watcher; the link and the hook go once
  // libuv lets go of the handle. `*slot` (the owner's pointer to its link, or nullptr) is cleared.
  static void Close(EnvCleanupLink** slot, PollWatcher* watcher) {
    EnvCleanupLink* link = *slot;
    *slot = nullptr;
    if (link != nullptr) link->owner_ = nullptr;
    watcher->close(link != nullptr ? &EnvCleanupLink::Release : nullptr, link);
  }

 private:
  explicit EnvCleanupLink(Owner* owner) : owner_(owner) {}

  static void OnEnvCleanup(napi_async_cleanup_hook_handle, void* arg) {
    // No owner: it shut down already, and the hook goes when libuv lets go of its handle.
    Owner* owner = static_cast<EnvCleanupLink*>(arg)->owner_;
    if (owner != nullptr) owner->Shutdown();
  }

  static void Release(void* arg) {
    auto* link = static_cast<EnvCleanupLink*>(arg);
    napi_remove_async_cleanup_hook(link->hook_);
    delete link;
  }

  Owner* owner_;
  napi_async_cleanup_hook_handle hook_ = nullptr;
};

}  // namespace uftp_native

#endif  // UFTP_NATIVE_ENV_CLEANUP_LINK_H
