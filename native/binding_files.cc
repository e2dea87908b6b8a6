// Files beneath a directory: the JS face of beneath.h, one function per core
// call. A root is a tagged External holding a BeneathRoot (collected roots
// close their descriptor); relative paths are strings (UTF-8) or Uint8Arrays
// (bytes as they are). Failures throw Errors with code/errno/syscall; a name
// refused before any syscall has code EINVAL and syscall "beneath".
//
//   openRoot(path: string): Root                      closeRoot(root): void (idempotent)
//   lstatAt(root, rel): { kind, size, mtimeSec, mode }  kind: 'none'|'file'|'directory'|'symlink'|'other'
//   readdirAt(root, rel): Buffer[]                     names; rel '' is the root itself
//   mkdirs(root, rel, mode): void                      openFile(root, rel, { create, truncate, exclusive }, mode): fd
//   unlinkAt(root, rel, { directory }): void           renameAt(rootA, relA, rootB, relB): void
//   symlinkAt(root, rel, target): void                 freeSpaceAt(root): number (bytes for this user)
//   beneathResolver(): 'openat2'|'walk'|'windows'      setBeneathWalk(on: boolean): void (tests)
#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "beneath.h"
#include "binding_args.h"
#include "binding_errors.h"
#include "binding_init.h"

namespace uftp_native {
namespace {

// Tells a root's External from any other External handed in.
constexpr napi_type_tag kRootTag = {0x7a1c9e1d5b3f4a62ULL, 0x9d04c8e2b6a15f37ULL};

using RootExternal = Napi::External<BeneathRoot>;

BeneathRoot* root_value(Napi::Env env, Napi::Value value) {
  if (!value.IsExternal() || !value.As<RootExternal>().CheckTypeTag(&kRootTag)) {
    throw Napi::TypeError::New(env, "root must be a handle from openRoot()");
  }
  return value.As<RootExternal>().Data();
}

const BeneathRoot& open_root_arg(const Napi::CallbackInfo& info, size_t i) {
  BeneathRoot* root = root_value(info.Env(), info[i]);
  if (!root->is_open()) throw closed_error(info.Env(), "directory root", "ERR_ROOT_CLOSED");
  return *root;
}

// A path as bytes: a string's UTF-8, or a Uint8Array's contents.
std::string path_arg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (info[i].IsString()) return info[i].As<Napi::String>().Utf8Value();
  if (info[i].IsTypedArray()) {
    ByteView bytes = bytes_arg(info, i, name);
    return std::string(reinterpret_cast<const char*>(bytes.data), bytes.length);
  }
  throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a string or a Uint8Array");
}

bool flag(const Napi::CallbackInfo& info, size_t i, const char* key) {
  if (!info[i].IsObject()) return false;
  return info[i].As<Napi::Object>().Get(key).ToBoolean();
}

const char* kind_name(EntryKind kind) {
  switch (kind) {
    case EntryKind::kFile: return "file";
    case EntryKind::kDirectory: return "directory";
    case EntryKind::kSymlink: return "symlink";
    case EntryKind::kOther: return "other";
    case EntryKind::kNone: break;
  }
  return "none";
}

Napi::Value OpenRoot(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) throw Napi::TypeError::New(env, "path must be a string");
  auto root = std::make_unique<BeneathRoot>();
  check(env, root->open(info[0].As<Napi::String>().Utf8Value()));
  auto handle = RootExternal::New(env, root.get(), [](Napi::Env, BeneathRoot* held) { delete held; });
  root.release();
  handle.TypeTag(&kRootTag);
  return handle;
}

void CloseRoot(const Napi::CallbackInfo& info) { root_value(info.Env(), info[0])->close(); }

Napi::Value LstatAt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const BeneathRoot& root = open_root_arg(info, 0);
  EntryStat st;
  check(env, root.lstat(path_arg(info, 1, "rel"), &st));
  auto out = Napi::Object::New(env);
  out.Set("kind", kind_name(st.kind));
  out.Set("size", static_cast<double>(st.size));
  out.Set("mtimeSec", static_cast<double>(st.mtime_sec));
  out.Set("mode", st.mode);
  return out;
}

Napi::Value ReaddirAt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const BeneathRoot& root = open_root_arg(info, 0);
  std::vector<std::string> names;
  check(env, root.list(path_arg(info, 1, "rel"), &names));
  auto out = Napi::Array::New(env, names.size());
  for (size_t i = 0; i < names.size(); i++) {
    out[static_cast<uint32_t>(i)] = Napi::Buffer<char>::Copy(env, names[i].data(), names[i].size());
  }
  return out;
}

void Mkdirs(const Napi::CallbackInfo& info) {
  const BeneathRoot& root = open_root_arg(info, 0);
  check(info.Env(), root.mkdirs(path_arg(info, 1, "rel"), optional_uint_arg(info, 2, "mode", 0777)));
}

Napi::Value OpenFile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const BeneathRoot& root = open_root_arg(info, 0);
  std::string rel = path_arg(info, 1, "rel");
  OpenFileFlags flags;
  flags.create = flag(info, 2, "create");
  flags.truncate = flag(info, 2, "truncate");
  flags.exclusive = flag(info, 2, "exclusive");
  int fd = -1;
  check(env, root.open_file(rel, flags, optional_uint_arg(info, 3, "mode", 0666), &fd));
  return Napi::Number::New(env, fd);
}

void UnlinkAt(const Napi::CallbackInfo& info) {
  const BeneathRoot& root = open_root_arg(info, 0);
  check(info.Env(), root.unlink(path_arg(info, 1, "rel"), flag(info, 2, "directory")));
}

void RenameAt(const Napi::CallbackInfo& info) {
  const BeneathRoot& from = open_root_arg(info, 0);
  std::string from_rel = path_arg(info, 1, "fromRel");
  const BeneathRoot& to = open_root_arg(info, 2);
  check(info.Env(), from.rename(from_rel, to, path_arg(info, 3, "toRel")));
}

void SymlinkAt(const Napi::CallbackInfo& info) {
  const BeneathRoot& root = open_root_arg(info, 0);
  std::string rel = path_arg(info, 1, "rel");
  check(info.Env(), root.symlink(rel, path_arg(info, 2, "target")));
}

Napi::Value FreeSpaceAt(const Napi::CallbackInfo& info) {
  const BeneathRoot& root = open_root_arg(info, 0);
  uint64_t bytes = 0;
  check(info.Env(), root.free_space(&bytes));
  return Napi::Number::New(info.Env(), static_cast<double>(bytes));
}

Napi::Value BeneathResolver(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), beneath_resolver());
}

void SetBeneathWalk(const Napi::CallbackInfo& info) { beneath_force_walk(info[0].ToBoolean()); }

}  // namespace

void InitFiles(Napi::Env env, Napi::Object exports) {
  exports.Set("openRoot", Napi::Function::New<OpenRoot>(env, "openRoot"));
  exports.Set("closeRoot", Napi::Function::New<CloseRoot>(env, "closeRoot"));
  exports.Set("lstatAt", Napi::Function::New<LstatAt>(env, "lstatAt"));
  exports.Set("readdirAt", Napi::Function::New<ReaddirAt>(env, "readdirAt"));
  exports.Set("mkdirs", Napi::Function::New<Mkdirs>(env, "mkdirs"));
  exports.Set("openFile", Napi::Function::New<OpenFile>(env, "openFile"));
  exports.Set("unlinkAt", Napi::Function::New<UnlinkAt>(env, "unlinkAt"));
  exports.Set("renameAt", Napi::Function::New<RenameAt>(env, "renameAt"));
  exports.Set("symlinkAt", Napi::Function::New<SymlinkAt>(env, "symlinkAt"));
  exports.Set("freeSpaceAt", Napi::Function::New<FreeSpaceAt>(env, "freeSpaceAt"));
  exports.Set("beneathResolver", Napi::Function::New<BeneathResolver>(env, "beneathResolver"));
  exports.Set("setBeneathWalk", Napi::Function::New<SetBeneathWalk>(env, "setBeneathWalk"));
}

}  // namespace uftp_native
