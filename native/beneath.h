// Files beneath an opened directory: every path is resolved from the root's
// descriptor one component at a time, never through a symlink, so nothing a
// local user does to the tree while we work can send an operation outside
// it. The root itself is opened normally (whoever configured it may name it
// through a symlink). Nothing here knows Node or UFTP; binding_files.cc maps
// it onto JS.
//
// Relative paths are bytes: components separated by '/', each non-empty and
// neither "." nor "..", no NUL anywhere; on Windows also no '\\' or ':' (a
// drive or a stream). Anything else is refused before any syscall with the
// platform's EINVAL and the syscall name "beneath".
//
// A symlink met on the way gives ELOOP, a non-directory on the way ENOTDIR;
// the final component is never followed (lstat reports the link itself,
// open_file refuses it with ELOOP, unlink and rename act on the link).
//
// POSIX: openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS) where the kernel has
// it (Linux 5.6+), else openat(O_NOFOLLOW | O_DIRECTORY) per component; the
// final component is always an *at call on the resolved parent.
// Windows: NtCreateFile relative to the parent's handle, one component at a
// time, with FILE_OPEN_REPARSE_POINT; a reparse point on the way is refused.
// What a concurrent rename can still do on either platform: see
// docs/files-safety.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "status.h"

namespace uftp_native {

enum class EntryKind { kNone, kFile, kDirectory, kSymlink, kOther };

struct EntryStat {
  EntryKind kind = EntryKind::kNone;
  uint64_t size = 0;
  int64_t mtime_sec = 0;
  uint32_t mode = 0;  // permission bits (Windows: approximated from the read-only attribute)
};

struct OpenFileFlags {
  bool create = false;
  bool truncate = false;
  bool exclusive = false;  // with create: fail with EEXIST if anything is there, a dangling symlink included
};

class BeneathRoot {
 public:
  BeneathRoot() = default;
  BeneathRoot(const BeneathRoot&) = delete;
  BeneathRoot& operator=(const BeneathRoot&) = delete;
  ~BeneathRoot() { close(); }

  // path: UTF-8 (POSIX: any bytes but NUL). Must be a directory.
  Status open(const std::string& path);
  bool is_open() const;
  void close();

  // kNone when the final component (or a directory before it) does not exist.
  Status lstat(const std::string& rel, EntryStat* out) const;
  // Names in the directory at rel ("" = the root), "." and ".." left out.
  Status list(const std::string& rel, std::vector<std::string>* names) const;
  // mkdir -p beneath the root ("" does nothing); an existing directory is fine.
  Status mkdirs(const std::string& rel, uint32_t mode) const;
  // A regular file opened for writing, as a descriptor of the C runtime that
  // Node's fs uses (POSIX: a plain fd; Windows: libuv's uv_open_osfhandle).
  Status open_file(const std::string& rel, OpenFileFlags flags, uint32_t mode, int* fd) const;
  // directory: rmdir (must be empty); else unlink of a non-directory.
  Status unlink(const std::string& rel, bool directory) const;
  // Replaces a non-directory target (or, POSIX, an empty directory with a directory).
  Status rename(const std::string& rel, const BeneathRoot& to, const std::string& to_rel) const;
  // Windows: not supported (ENOTSUP).
  Status symlink(const std::string& rel, const std::string& target) const;
  // Bytes available to this user on the root's filesystem.
  Status free_space(uint64_t* bytes) const;

 private:
#ifdef _WIN32
  void* handle_ = nullptr;  // the root directory's HANDLE
#else
  int fd_ = -1;
#endif
};

// How POSIX resolves: "openat2", or "walk" (no openat2, or forced); "windows" there.
const char* beneath_resolver();
// Test and diagnostic switch: resolve by walking even where openat2 works.
// Also set by UFTP_BENEATH=walk in the environment (read once, at first use).
void beneath_force_walk(bool on);

// Splits rel into its components; false when rel or a component is refused
// (see above). An empty rel gives no components and is accepted only when
// allow_empty.
bool beneath_split(const std::string& rel, bool allow_empty, std::vector<std::string>* out);

}  // namespace uftp_native
