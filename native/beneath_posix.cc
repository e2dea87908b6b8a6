// POSIX side of beneath.h: openat2 with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS
// where Linux has it, else openat(O_NOFOLLOW | O_DIRECTORY) one component at a
// time. Both are race-free against a directory swapped for a symlink: each
// step starts from a descriptor of a directory already checked, and no step
// follows a link. openat2 only saves syscalls on deep paths.
#ifndef _WIN32

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

#ifdef __linux__
#include <sys/syscall.h>
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#endif
#if !defined(SYS_openat2) && defined(__NR_openat2)
#define SYS_openat2 __NR_openat2
#endif
#if defined(SYS_openat2)
#define UFTP_HAVE_OPENAT2 1
#ifndef RESOLVE_BENEATH  // kernel headers older than 5.6: the layout is fixed ABI
struct open_how {
  uint64_t flags;
  uint64_t mode;
  uint64_t resolve;
};
#define RESOLVE_NO_SYMLINKS 0x04
#define RESOLVE_BENEATH 0x08
#endif
#endif
#endif

#include "beneath.h"

namespace uftp_native {

namespace {

#ifdef O_PATH
constexpr int kLookup = O_PATH;  // search permission suffices, no read needed
#else
constexpr int kLookup = O_RDONLY;
#endif
constexpr int kDirFlags = kLookup | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

Status refused() { return Status{EINVAL, "beneath"}; }

// A directory descriptor: owned, or the root's own (borrowed).
struct DirRef {
  int fd = -1;
  bool owned = false;
  DirRef() = default;
  DirRef(const DirRef&) = delete;
  DirRef& operator=(const DirRef&) = delete;
  ~DirRef() { reset(-1, false); }
  void reset(int new_fd, bool new_owned) {
    if (owned && fd >= 0) ::close(fd);
    fd = new_fd;
    owned = new_owned;
  }
};

int open_at(int dir, const char* name, int flags, mode_t mode = 0) {
  int fd;
  do fd = ::openat(dir, name, flags, mode);
  while (fd < 0 && errno == EINTR);
  return fd;
}

// O_NOFOLLOW | O_DIRECTORY on a symlink gives ENOTDIR; name it ELOOP, as openat2 does.
int dir_error(int dir, const char* name, int err) {
  struct stat sb;
  if (err == ENOTDIR && ::fstatat(dir, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(sb.st_mode)) return ELOOP;
  return err;
}

// -1: from UFTP_BENEATH, not read yet; 0: auto; 1: walk forced.
std::atomic<int> g_force_walk{-1};

bool walk_forced() {
  int v = g_force_walk.load(std::memory_order_relaxed);
  if (v < 0) {
    const char* env = std::getenv("UFTP_BENEATH");
    int wanted = env != nullptr && std::strcmp(env, "walk") == 0 ? 1 : 0;
    g_force_walk.compare_exchange_strong(v, wanted);
    v = g_force_walk.load(std::memory_order_relaxed);
  }
  return v == 1;
}

#ifdef UFTP_HAVE_OPENAT2
// -1: not probed; 0: missing (ENOSYS) or filtered (EPERM from a seccomp profile); 1: works.
std::atomic<int> g_openat2{-1};

long openat2_dir(int dir, const char* path) {
  open_how how;
  std::memset(&how, 0, sizeof how);
  how.flags = static_cast<uint64_t>(kLookup | O_DIRECTORY | O_CLOEXEC);
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS;
  long fd;
  int tries = 0;
  // EAGAIN: a concurrent rename somewhere on the filesystem made the kernel unsure; ask again.
  do fd = ::syscall(SYS_openat2, dir, path, &how, sizeof how);
  while (fd < 0 && (errno == EINTR || (errno == EAGAIN && ++tries < 16)));
  return fd;
}

bool openat2_missing(int err) { return err == ENOSYS || err == EPERM; }

bool openat2_usable() {
  int v = g_openat2.load(std::memory_order_relaxed);
  if (v < 0) {
    v = 1;
    int root = ::open("/", kLookup | O_DIRECTORY | O_CLOEXEC);
    if (root >= 0) {
      long fd = openat2_dir(root, ".");
      if (fd >= 0) ::close(static_cast<int>(fd));
      else if (openat2_missing(errno)) v = 0;
      ::close(root);
    }
    g_openat2.store(v, std::memory_order_relaxed);
  }
  return v == 1;
}
#endif

Status walk(int root, const std::vector<std::string>& parts, size_t count, DirRef* out) {
  out->reset(root, false);
  for (size_t i = 0; i < count; i++) {
    int next = open_at(out->fd, parts[i].c_str(), kDirFlags);
    if (next < 0) return Status{dir_error(out->fd, parts[i].c_str(), errno), "openat"};
    out->reset(next, true);
  }
  return Status{};
}

// The directory holding the first `count` components.
Status resolve(int root, const std::vector<std::string>& parts, size_t count, DirRef* out) {
  if (count == 0) {
    out->reset(root, false);
    return Status{};
  }
#ifdef UFTP_HAVE_OPENAT2
  if (!walk_forced() && openat2_usable()) {
    std::string joined = parts[0];
    for (size_t i = 1; i < count; i++) joined += "/" + parts[i];
    long fd = openat2_dir(root, joined.c_str());
    if (fd >= 0) {
      out->reset(static_cast<int>(fd), true);
      return Status{};
    }
    if (!openat2_missing(errno)) return Status{errno, "openat2"};
    g_openat2.store(0, std::memory_order_relaxed);
  }
#endif
  return walk(root, parts, count, out);
}

EntryKind kind_of(mode_t mode) {
  if (S_ISREG(mode)) return EntryKind::kFile;
  if (S_ISDIR(mode)) return EntryKind::kDirectory;
  if (S_ISLNK(mode)) return EntryKind::kSymlink;
  return EntryKind::kOther;
}

}  // namespace

const char* beneath_resolver() {
#ifdef UFTP_HAVE_OPENAT2
  if (!walk_forced() && openat2_usable()) return "openat2";
#endif
  return "walk";
}

void beneath_force_walk(bool on) { g_force_walk.store(on ? 1 : 0, std::memory_order_relaxed); }

Status BeneathRoot::open(const std::string& path) {
  close();
  if (path.find('\0') != std::string::npos) return Status{EINVAL, "open"};
  int fd;
  do fd = ::open(path.c_str(), kLookup | O_DIRECTORY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) return Status{errno, "open"};
  fd_ = fd;
  return Status{};
}

bool BeneathRoot::is_open() const { return fd_ >= 0; }

void BeneathRoot::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Status BeneathRoot::lstat(const std::string& rel, EntryStat* out) const {
  *out = EntryStat{};
  std::vector<std::string> parts;
  if (!beneath_split(rel, false, &parts)) return refused();
  DirRef parent;
  Status st = resolve(fd_, parts, parts.size() - 1, &parent);
  if (!st.ok()) return st.error == ENOENT ? Status{} : st;
  struct stat sb;
  if (::fstatat(parent.fd, parts.back().c_str(), &sb, AT_SYMLINK_NOFOLLOW) != 0) {
    return errno == ENOENT ? Status{} : Status{errno, "fstatat"};
  }
  out->kind = kind_of(sb.st_mode);
  out->size = static_cast<uint64_t>(sb.st_size);
  out->mtime_sec = static_cast<int64_t>(sb.st_mtime);
  out->mode = static_cast<uint32_t>(sb.st_mode & 07777);
  return Status{};
}

Status BeneathRoot::list(const std::string& rel, std::vector<std::string>* names) const {
  names->clear();
  std::vector<std::string> parts;
  if (!beneath_split(rel, true, &parts)) return refused();
  int fd;
  if (parts.empty()) {
    fd = open_at(fd_, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return Status{errno, "openat"};
  } else {
    DirRef parent;
    Status st = resolve(fd_, parts, parts.size() - 1, &parent);
    if (!st.ok()) return st;
    fd = open_at(parent.fd, parts.back().c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return Status{dir_error(parent.fd, parts.back().c_str(), errno), "openat"};
  }
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    int err = errno;
    ::close(fd);
    return Status{err, "fdopendir"};
  }
  int err = 0;
  while (true) {
    errno = 0;
    const dirent* entry = ::readdir(dir);
    if (entry == nullptr) {
      err = errno;
      break;
    }
    if (std::strcmp(entry->d_name, ".") == 0 || std::strcmp(entry->d_name, "..") == 0) continue;
    names->emplace_back(entry->d_name);
  }
  ::closedir(dir);
  return err != 0 ? Status{err, "readdir"} : Status{};
}

Status BeneathRoot::mkdirs(const std::string& rel, uint32_t mode) const {
  std::vector<std::string> parts;
  if (!beneath_split(rel, true, &parts)) return refused();
  DirRef cur;
  cur.reset(fd_, false);
  for (const std::string& part : parts) {
    const char* name = part.c_str();
    int next = open_at(cur.fd, name, kDirFlags);
    if (next < 0 && errno == ENOENT) {
      // mkdirat never follows a symlink at the last component: EEXIST then, and the open below refuses it.
      if (::mkdirat(cur.fd, name, static_cast<mode_t>(mode)) != 0 && errno != EEXIST) return Status{errno, "mkdirat"};
      next = open_at(cur.fd, name, kDirFlags);
    }
    if (next < 0) return Status{dir_error(cur.fd, name, errno), "openat"};
    cur.reset(next, true);
  }
  return Status{};
}

Status BeneathRoot::open_file(const std::string& rel, OpenFileFlags flags, uint32_t mode, int* out) const {
  *out = -1;
  std::vector<std::string> parts;
  if (!beneath_split(rel, false, &parts)) return refused();
  DirRef parent;
  Status st = resolve(fd_, parts, parts.size() - 1, &parent);
  if (!st.ok()) return st;
  // O_NONBLOCK: a FIFO raced into place must not hang the open (ENXIO without a reader).
  int oflags = O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
  if (flags.create) oflags |= O_CREAT;
  if (flags.truncate) oflags |= O_TRUNC;
  if (flags.exclusive) oflags |= O_EXCL;
  int fd = open_at(parent.fd, parts.back().c_str(), oflags, static_cast<mode_t>(mode));
  if (fd < 0) return Status{errno, "openat"};
  // Node's fs expects blocking semantics; regular files never block anyway.
  int fl = ::fcntl(fd, F_GETFL);
  if (fl >= 0) ::fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  *out = fd;
  return Status{};
}

Status BeneathRoot::unlink(const std::string& rel, bool directory) const {
  std::vector<std::string> parts;
  if (!beneath_split(rel, false, &parts)) return refused();
  DirRef parent;
  Status st = resolve(fd_, parts, parts.size() - 1, &parent);
  if (!st.ok()) return st;
  if (::unlinkat(parent.fd, parts.back().c_str(), directory ? AT_REMOVEDIR : 0) != 0) return Status{errno, "unlinkat"};
  return Status{};
}

Status BeneathRoot::rename(const std::string& rel, const BeneathRoot& to, const std::string& to_rel) const {
  std::vector<std::string> from_parts;
  std::vector<std::string> to_parts;
  if (!beneath_split(rel, false, &from_parts) || !beneath_split(to_rel, false, &to_parts)) return refused();
  if (!to.is_open()) return Status{EBADF, "renameat"};
  DirRef from_dir;
  DirRef to_dir;
  Status st = resolve(fd_, from_parts, from_parts.size() - 1, &from_dir);
  if (st.ok()) st = resolve(to.fd_, to_parts, to_parts.size() - 1, &to_dir);
  if (!st.ok()) return st;
  if (::renameat(from_dir.fd, from_parts.back().c_str(), to_dir.fd, to_parts.back().c_str()) != 0) {
    return Status{errno, "renameat"};
  }
  return Status{};
}

Status BeneathRoot::symlink(const std::string& rel, const std::string& target) const {
  std::vector<std::string> parts;
  if (!beneath_split(rel, false, &parts) || target.find('\0') != std::string::npos) return refused();
  DirRef parent;
  Status st = resolve(fd_, parts, parts.size() - 1, &parent);
  if (!st.ok()) return st;
  if (::symlinkat(target.c_str(), parent.fd, parts.back().c_str()) != 0) return Status{errno, "symlinkat"};
  return Status{};
}

Status BeneathRoot::free_space(uint64_t* bytes) const {
  struct statvfs sv;
  if (::fstatvfs(fd_, &sv) != 0) return Status{errno, "fstatvfs"};
  *bytes = static_cast<uint64_t>(sv.f_bavail) * static_cast<uint64_t>(sv.f_frsize);
  return Status{};
}

}  // namespace uftp_native

#endif  // !_WIN32
