// Windows side of beneath.h: the POSIX walk done with handles. Each component
// is opened by NtCreateFile relative to the handle of the directory before it
// (ObjectAttributes.RootDirectory), with FILE_OPEN_REPARSE_POINT so that a
// junction or symlink is opened as itself, and refused when met on the way.
// Every step starts from a handle to a directory already checked, so swapping
// a directory for a junction mid-way cannot redirect the walk. The file handed
// to JS is turned into a descriptor of Node's own C runtime by libuv's
// uv_open_osfhandle, so Node's fs.write/fstat/futimes/close work on it.
// Symlinks are not created here (ENOTSUP): that needs a privilege uftpd
// should not hold, and CreateSymbolicLinkW takes only a full path.
// Built and linked by scripts/check-windows.sh; not run by our tests.
#ifdef _WIN32

#include <winsock2.h>  // before windows.h: uv.h pulls in winsock2 too
#include <windows.h>
#include <winternl.h>
#include <uv.h>

#include <cstddef>
#include <cstring>

#include "beneath.h"

namespace uftp_native {

namespace {

using NtCreateFileFn = NTSTATUS(NTAPI*)(PHANDLE, ACCESS_MASK, POBJECT_ATTRIBUTES, PIO_STATUS_BLOCK, PLARGE_INTEGER,
                                        ULONG, ULONG, ULONG, ULONG, PVOID, ULONG);
using NtStatusToDosFn = ULONG(NTAPI*)(NTSTATUS);

constexpr ULONG kShareAll = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;
constexpr NTSTATUS kNotADirectory = static_cast<NTSTATUS>(0xC0000103L);     // STATUS_NOT_A_DIRECTORY
constexpr NTSTATUS kFileIsADirectory = static_cast<NTSTATUS>(0xC00000BAL);  // STATUS_FILE_IS_A_DIRECTORY

// From ntdll at run time: no import library to link, and ntdll is in every process.
struct Ntdll {
  NtCreateFileFn create = nullptr;
  NtStatusToDosFn to_dos = nullptr;
};

template <typename Fn>
Fn proc(HMODULE module, const char* name) {
  // Through void(*)(): the one function type GCC lets any other be cast to and from.
  return reinterpret_cast<Fn>(reinterpret_cast<void (*)()>(GetProcAddress(module, name)));
}

const Ntdll& ntdll() {
  static const Ntdll fns = [] {
    Ntdll out;
    HMODULE module = GetModuleHandleW(L"ntdll.dll");
    if (module != nullptr) {
      out.create = proc<NtCreateFileFn>(module, "NtCreateFile");
      out.to_dos = proc<NtStatusToDosFn>(module, "RtlNtStatusToDosError");
    }
    return out;
  }();
  return fns;
}

// A Win32 error for Status, or a (negative) libuv code where Win32 has none that libuv names right.
int nt_error(NTSTATUS st) {
  if (st == kNotADirectory) return UV_ENOTDIR;
  if (st == kFileIsADirectory) return UV_EISDIR;
  return ntdll().to_dos != nullptr ? static_cast<int>(ntdll().to_dos(st)) : ERROR_GEN_FAILURE;
}

Status refused() { return Status{ERROR_INVALID_PARAMETER, "beneath"}; }

bool widen(const std::string& text, std::wstring* out) {
  out->clear();
  if (text.empty()) return true;
  int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text.data(), static_cast<int>(text.size()), nullptr, 0);
  if (n <= 0) return false;
  out->resize(static_cast<size_t>(n));
  MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text.data(), static_cast<int>(text.size()), &(*out)[0], n);
  return true;
}

std::string narrow(const wchar_t* text, size_t length) {
  if (length == 0) return std::string();
  int n = WideCharToMultiByte(CP_UTF8, 0, text, static_cast<int>(length), nullptr, 0, nullptr, nullptr);
  if (n <= 0) return std::string();
  std::string out(static_cast<size_t>(n), '\0');
  WideCharToMultiByte(CP_UTF8, 0, text, static_cast<int>(length), &out[0], n, nullptr, nullptr);
  return out;
}

// A handle: owned, or the root's own (borrowed).
struct HandleRef {
  HANDLE h = nullptr;
  bool owned = false;
  HandleRef() = default;
  HandleRef(const HandleRef&) = delete;
  HandleRef& operator=(const HandleRef&) = delete;
  ~HandleRef() { reset(nullptr, false); }
  void reset(HANDLE new_h, bool new_owned) {
    if (owned && h != nullptr) CloseHandle(h);
    h = new_h;
    owned = new_owned;
  }
  HANDLE release() {
    HANDLE out = h;
    h = nullptr;
    owned = false;
    return out;
  }
};

// One component, relative to `dir`, never following a reparse point.
int open_relative(HANDLE dir, const std::string& name, ACCESS_MASK access, ULONG disposition, ULONG options,
                  HandleRef* out) {
  std::wstring wide;
  if (!widen(name, &wide)) return ERROR_NO_UNICODE_TRANSLATION;
  if (wide.size() * sizeof(wchar_t) > 0xfffe) return ERROR_FILENAME_EXCED_RANGE;
  if (ntdll().create == nullptr) return ERROR_NOT_SUPPORTED;
  UNICODE_STRING object_name;
  object_name.Buffer = &wide[0];
  object_name.Length = static_cast<USHORT>(wide.size() * sizeof(wchar_t));
  object_name.MaximumLength = object_name.Length;
  OBJECT_ATTRIBUTES attributes;
  std::memset(&attributes, 0, sizeof attributes);
  attributes.Length = sizeof attributes;
  attributes.RootDirectory = dir;
  attributes.ObjectName = &object_name;
  attributes.Attributes = OBJ_CASE_INSENSITIVE;
  IO_STATUS_BLOCK io;
  HANDLE h = nullptr;
  NTSTATUS st = ntdll().create(&h, access | SYNCHRONIZE, &attributes, &io, nullptr, FILE_ATTRIBUTE_NORMAL, kShareAll,
                               disposition, options | FILE_OPEN_REPARSE_POINT | FILE_SYNCHRONOUS_IO_NONALERT,
                               nullptr, 0);
  if (st < 0) return nt_error(st);
  out->reset(h, true);
  return 0;
}

int info_of(HANDLE h, BY_HANDLE_FILE_INFORMATION* info) {
  return GetFileInformationByHandle(h, info) ? 0 : static_cast<int>(GetLastError());
}

bool is_reparse(const BY_HANDLE_FILE_INFORMATION& info) {
  return (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0;
}

bool not_found(int err) { return err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND; }

// A directory on the way: opened (or, with FILE_OPEN_IF, made) relative to `dir`; a reparse point is ELOOP.
int open_dir_step(HANDLE dir, const std::string& name, ACCESS_MASK access, ULONG disposition, HandleRef* out) {
  HandleRef h;
  int err = open_relative(dir, name, access | FILE_TRAVERSE | FILE_READ_ATTRIBUTES, disposition, FILE_DIRECTORY_FILE,
                          &h);
  BY_HANDLE_FILE_INFORMATION info;
  if (err == UV_ENOTDIR) {
    // A file symlink answers "not a directory"; call it a link, as the directory kind would be.
    HandleRef probe;
    if (open_relative(dir, name, FILE_READ_ATTRIBUTES, FILE_OPEN, 0, &probe) == 0 && info_of(probe.h, &info) == 0 &&
        is_reparse(info)) {
      return UV_ELOOP;
    }
    return err;
  }
  if (err != 0) return err;
  if ((err = info_of(h.h, &info)) != 0) return err;
  if (is_reparse(info)) return UV_ELOOP;
  out->reset(h.release(), true);
  return 0;
}

Status resolve(HANDLE root, const std::vector<std::string>& parts, size_t count, HandleRef* out) {
  out->reset(root, false);
  for (size_t i = 0; i < count; i++) {
    HandleRef next;
    if (int err = open_dir_step(out->h, parts[i], 0, FILE_OPEN, &next)) return Status{err, "NtCreateFile"};
    out->reset(next.release(), true);
  }
  return Status{};
}

int64_t unix_seconds(const FILETIME& ft) {
  int64_t ticks = (static_cast<int64_t>(ft.dwHighDateTime) << 32) | ft.dwLowDateTime;
  return (ticks - 116444736000000000LL) / 10000000LL;  // 100 ns ticks since 1601 -> seconds since 1970
}

}  // namespace

const char* beneath_resolver() { return "windows"; }

void beneath_force_walk(bool) {}  // Windows always walks

Status BeneathRoot::open(const std::string& path) {
  close();
  std::wstring wide;
  if (!widen(path, &wide) || wide.find(L'\0') != std::wstring::npos) return Status{ERROR_INVALID_PARAMETER, "CreateFileW"};
  // Followed normally: the administrator named this directory. Backup semantics open a directory.
  HANDLE h = CreateFileW(wide.c_str(), FILE_LIST_DIRECTORY | FILE_TRAVERSE | FILE_READ_ATTRIBUTES | SYNCHRONIZE,
                         kShareAll, nullptr, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, nullptr);
  if (h == INVALID_HANDLE_VALUE) return Status{static_cast<int>(GetLastError()), "CreateFileW"};
  BY_HANDLE_FILE_INFORMATION info;
  int err = info_of(h, &info);
  if (err == 0 && (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) == 0) err = UV_ENOTDIR;
  if (err != 0) {
    CloseHandle(h);
    return Status{err, "CreateFileW"};
  }
  handle_ = h;
  return Status{};
}

bool BeneathRoot::is_open() const { return handle_ != nullptr; }

void BeneathRoot::close() {
  if (handle_ != nullptr) CloseHandle(handle_);
  handle_ = nullptr;
}

Status BeneathRoot::lstat(const std::string& rel, EntryStat* out) const {
  *out = EntryStat{};
  std::vector<std::string> parts;
  if (!beneath_split(rel, false, &parts)) return refused();
  HandleRef parent;
  Status st = resolve(handle_, parts, parts.size() - 1, &parent);
  if (!st.ok()) return not_found(st.error) ? Status{} : st;
  HandleRef h;
  if (int err = open_relative(parent.h, parts.back(), FILE_READ_ATTRIBUTES, FILE_OPEN, 0, &h)) {
    return not_found(err) ? Status{} : Status{err, "NtCreateFile"};
  }
  BY_HANDLE_FILE_INFORMATION info;
  if (int err = info_of(h.h, &info)) return Status{err, "GetFileInformationByHandle"};
  bool directory = (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0;
  if (is_reparse(info)) {
    FILE_ATTRIBUTE_TAG_INFO tag;
    bool link = GetFileInformationByHandleEx(h.h, FileAttributeTagInfo, &tag, sizeof tag) &&
                IsReparseTagNameSurrogate(tag.ReparseTag);
    out->kind = link ? EntryKind::kSymlink : EntryKind::kOther;
  } else {
    out->kind = directory ? EntryKind::kDirectory : EntryKind::kFile;
  }
  out->size = (static_cast<uint64_t>(info.nFileSizeHigh) << 32) | info.nFileSizeLow;
  out->mtime_sec = unix_seconds(info.ftLastWriteTime);
  bool read_only = (info.dwFileAttributes & FILE_ATTRIBUTE_READONLY) != 0;
  out->mode = directory ? 0755 : read_only ? 0444 : 0644;
  return Status{};
}

Status BeneathRoot::list(const std::string& rel, std::vector<std::string>* names) const {
  names->clear();
  std::vector<std::string> parts;
  if (!beneath_split(rel, true, &parts)) return refused();
  HandleRef dir;
  if (parts.empty()) {
    dir.reset(handle_, false);  // opened with FILE_LIST_DIRECTORY; the restart class below rewinds it
  } else {
    HandleRef parent;
    Status st = resolve(handle_, parts, parts.size() - 1, &parent);
    if (!st.ok()) return st;
    if (int err = open_dir_step(parent.h, parts.back(), FILE_LIST_DIRECTORY, FILE_OPEN, &dir)) {
      return Status{err, "NtCreateFile"};
    }
  }
  std::vector<LONGLONG> buffer(8192);  // 64 KiB, aligned for the records
  FILE_INFO_BY_HANDLE_CLASS cls = FileIdBothDirectoryRestartInfo;
  while (GetFileInformationByHandleEx(dir.h, cls, buffer.data(), static_cast<DWORD>(buffer.size() * sizeof(LONGLONG)))) {
    cls = FileIdBothDirectoryInfo;
    const char* at = reinterpret_cast<const char*>(buffer.data());
    while (true) {
      auto* entry = reinterpret_cast<const FILE_ID_BOTH_DIR_INFO*>(at);
      size_t length = entry->FileNameLength / sizeof(wchar_t);
      bool dots = (length == 1 && entry->FileName[0] == L'.') ||
                  (length == 2 && entry->FileName[0] == L'.' && entry->FileName[1] == L'.');
      if (!dots) names->push_back(narrow(entry->FileName, length));
      if (entry->NextEntryOffset == 0) break;
      at += entry->NextEntryOffset;
    }
  }
  DWORD err = GetLastError();
  return err == ERROR_NO_MORE_FILES ? Status{} : Status{static_cast<int>(err), "GetFileInformationByHandleEx"};
}

Status BeneathRoot::mkdirs(const std::string& rel, uint32_t) const {
  std::vector<std::string> parts;
  if (!beneath_split(rel, true, &parts)) return refused();
  HandleRef cur;
  cur.reset(handle_, false);
  for (const std::string& part : parts) {
    HandleRef next;
    // FILE_OPEN_IF: opens the directory, or makes it; a file there is ENOTDIR, a junction ELOOP.
    if (int err = open_dir_step(cur.h, part, 0, FILE_OPEN_IF, &next)) return Status{err, "NtCreateFile"};
    cur.reset(next.release(), true);
  }
  return Status{};
}

Status BeneathRoot::open_file(const std::string& rel, OpenFileFlags flags, uint32_t, int* out) const {
  *out = -1;
  std::vector<std::string> parts;
  if (!beneath_split(rel, false, &parts)) return refused();
  HandleRef parent;
  Status st = resolve(handle_, parts, parts.size() - 1, &parent);
  if (!st.ok()) return st;
  ULONG disposition;
  if (flags.create) disposition = flags.exclusive ? FILE_CREATE : flags.truncate ? FILE_OVERWRITE_IF : FILE_OPEN_IF;
  else disposition = flags.truncate ? FILE_OVERWRITE : FILE_OPEN;
  HandleRef h;
  if (int err = open_relative(parent.h, parts.back(), GENERIC_WRITE | FILE_READ_ATTRIBUTES, disposition,
                              FILE_NON_DIRECTORY_FILE, &h)) {
    return Status{err, "NtCreateFile"};
  }
  // A link was opened as itself (its own, empty data): never hand that out for writing.
  BY_HANDLE_FILE_INFORMATION info;
  if (int err = info_of(h.h, &info)) return Status{err, "GetFileInformationByHandle"};
  if (is_reparse(info)) return Status{UV_ELOOP, "NtCreateFile"};
  int fd = uv_open_osfhandle(h.h);
  if (fd < 0) return Status{ERROR_TOO_MANY_OPEN_FILES, "uv_open_osfhandle"};
  h.release();  // the descriptor owns it now
  *out = fd;
  return Status{};
}

Status BeneathRoot::unlink(const std::string& rel, bool directory) const {
  std::vector<std::string> parts;
  if (!beneath_split(rel, false, &parts)) return refused();
  HandleRef parent;
  Status st = resolve(handle_, parts, parts.size() - 1, &parent);
  if (!st.ok()) return st;
  HandleRef h;
  if (int err = open_relative(parent.h, parts.back(), DELETE | FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES, FILE_OPEN,
                              directory ? FILE_DIRECTORY_FILE : 0, &h)) {
    return Status{err, "NtCreateFile"};
  }
  BY_HANDLE_FILE_INFORMATION info;
  if (int err = info_of(h.h, &info)) return Status{err, "GetFileInformationByHandle"};
  bool is_dir = (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0;
  if (directory && is_reparse(info)) return Status{UV_ENOTDIR, "NtCreateFile"};  // a link: unlink it as one
  if (!directory && is_dir && !is_reparse(info)) return Status{UV_EISDIR, "NtCreateFile"};
  if ((info.dwFileAttributes & FILE_ATTRIBUTE_READONLY) != 0) {
    // POSIX removes a read-only file; Windows refuses until the attribute is cleared.
    FILE_BASIC_INFO basic;
    std::memset(&basic, 0, sizeof basic);  // zero times: left as they are
    basic.FileAttributes = info.dwFileAttributes & ~static_cast<DWORD>(FILE_ATTRIBUTE_READONLY);
    if (basic.FileAttributes == 0) basic.FileAttributes = FILE_ATTRIBUTE_NORMAL;
    SetFileInformationByHandle(h.h, FileBasicInfo, &basic, sizeof basic);
  }
  FILE_DISPOSITION_INFO disposition;
  disposition.DeleteFile = TRUE;
  if (!SetFileInformationByHandle(h.h, FileDispositionInfo, &disposition, sizeof disposition)) {
    return Status{static_cast<int>(GetLastError()), "SetFileInformationByHandle"};
  }
  return Status{};
}

Status BeneathRoot::rename(const std::string& rel, const BeneathRoot& to, const std::string& to_rel) const {
  std::vector<std::string> from_parts;
  std::vector<std::string> to_parts;
  if (!beneath_split(rel, false, &from_parts) || !beneath_split(to_rel, false, &to_parts)) return refused();
  if (!to.is_open()) return Status{ERROR_INVALID_HANDLE, "SetFileInformationByHandle"};
  std::wstring leaf;
  if (!widen(to_parts.back(), &leaf)) return Status{ERROR_NO_UNICODE_TRANSLATION, "beneath"};
  HandleRef from_dir;
  HandleRef to_dir;
  Status st = resolve(handle_, from_parts, from_parts.size() - 1, &from_dir);
  if (st.ok()) st = resolve(to.handle_, to_parts, to_parts.size() - 1, &to_dir);
  if (!st.ok()) return st;
  HandleRef h;
  if (int err = open_relative(from_dir.h, from_parts.back(), DELETE | FILE_READ_ATTRIBUTES, FILE_OPEN, 0, &h)) {
    return Status{err, "NtCreateFile"};
  }
  // The new name is relative to the target directory's handle, not a path: no walk to race.
  size_t size = offsetof(FILE_RENAME_INFO, FileName) + (leaf.size() + 1) * sizeof(wchar_t);
  std::vector<LONGLONG> storage((size + sizeof(LONGLONG) - 1) / sizeof(LONGLONG));
  auto* info = reinterpret_cast<FILE_RENAME_INFO*>(storage.data());
  info->ReplaceIfExists = TRUE;
  info->RootDirectory = to_dir.h;
  info->FileNameLength = static_cast<DWORD>(leaf.size() * sizeof(wchar_t));
  std::memcpy(info->FileName, leaf.c_str(), (leaf.size() + 1) * sizeof(wchar_t));
  if (!SetFileInformationByHandle(h.h, FileRenameInfo, info, static_cast<DWORD>(size))) {
    return Status{static_cast<int>(GetLastError()), "SetFileInformationByHandle"};
  }
  return Status{};
}

Status BeneathRoot::symlink(const std::string& rel, const std::string& target) const {
  std::vector<std::string> parts;
  if (!beneath_split(rel, false, &parts) || target.find('\0') != std::string::npos) return refused();
  return Status{ERROR_NOT_SUPPORTED, "CreateSymbolicLinkW"};
}

Status BeneathRoot::free_space(uint64_t* bytes) const {
  DWORD n = GetFinalPathNameByHandleW(handle_, nullptr, 0, FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
  if (n == 0) return Status{static_cast<int>(GetLastError()), "GetFinalPathNameByHandleW"};
  std::wstring path(n, L'\0');
  n = GetFinalPathNameByHandleW(handle_, &path[0], n, FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
  if (n == 0) return Status{static_cast<int>(GetLastError()), "GetFinalPathNameByHandleW"};
  path.resize(n);
  if (path.empty() || path.back() != L'\\') path += L'\\';
  ULARGE_INTEGER available;
  if (!GetDiskFreeSpaceExW(path.c_str(), &available, nullptr, nullptr)) {
    return Status{static_cast<int>(GetLastError()), "GetDiskFreeSpaceExW"};
  }
  *bytes = available.QuadPart;
  return Status{};
}

}  // namespace uftp_native

#endif  // _WIN32
