// CipherContext and HmacContext: the JS face of cipher_context.h, OpenSSL
// state kept per key and reused per message. Generic crypto; nothing of UFTP.
// Lengths and types that do not fit throw TypeError; an input that does not
// authenticate answers -1.
#include <napi.h>

#include <memory>
#include <string>

#include "binding_args.h"
#include "binding_errors.h"
#include "binding_init.h"
#include "cipher_context.h"

namespace uftp_native {
namespace {

constexpr const char* kClosedCode = "ERR_CONTEXT_CLOSED";

void type_error_unless_empty(Napi::Env env, const std::string& why) {
  if (!why.empty()) throw Napi::TypeError::New(env, why);
}

void check_direction(Napi::Env env, const CipherContext& core, bool open) {
  if (core.decrypt() != open) {
    throw Napi::TypeError::New(env, open ? "this context seals; it cannot open" : "this context opens; it cannot seal");
  }
}

// Bytes written, or -1 (open: does not authenticate), as a JS number.
Napi::Value length_value(Napi::Env env, long n) {
  napi_value result;
  napi_create_int32(env, static_cast<int32_t>(n), &result);
  return Napi::Value(env, result);
}

// new CipherContext(name: string, key: Uint8Array, decrypt: boolean, tagLength = 16)
//   open(iv, aad | null, sealed, out): number   bytes written, -1 if it does not authenticate/unpad
//   seal(iv, aad | null, plain, out): number    bytes written (ciphertext, then the tag)
//   openRange(data, aadStart, aadEnd, sealedStart, sealedEnd, iv): number
//       open() over ranges of one array: AAD data[aadStart, aadEnd), sealed data[sealedStart, sealedEnd),
//       the plaintext written over the sealed bytes from sealedStart. RangeError for a range outside
//       data, out of order, or a non-empty AAD range overlapping the sealed one.
//   outputLength(inputLength): number           the room out needs
//   close(): void                               frees the OpenSSL context now (GC would later)
// The OpenSSL context, shared by a wrapper and the openRange function of its own: either may be
// collected first, and close() empties it for both.
struct CipherCore {
  std::unique_ptr<CipherContext> ctx;
};
using SharedCipherCore = std::shared_ptr<CipherCore>;

class CipherContextWrap : public Napi::ObjectWrap<CipherContextWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "CipherContext",
                       {
                           InstanceMethod<&CipherContextWrap::Open>("open"),
                           InstanceMethod<&CipherContextWrap::OpenRange>("openRange"),
                           InstanceMethod<&CipherContextWrap::Seal>("seal"),
                           InstanceMethod<&CipherContextWrap::OutputLength>("outputLength"),
                           InstanceMethod<&CipherContextWrap::Close>("close"),
                       });
  }

  explicit CipherContextWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<CipherContextWrap>(info) {
    Napi::Env env = info.Env();
    if (!info[0].IsString()) throw Napi::TypeError::New(env, "name must be a string");
    ByteView key = bytes_arg(info, 1, "key");
    if (!info[2].IsBoolean()) throw Napi::TypeError::New(env, "decrypt must be a boolean");
    uint32_t tag_len = optional_uint_arg(info, 3, "tagLength", 16);
    std::string error;
    shared_->ctx = CipherContext::Create(info[0].As<Napi::String>().Utf8Value(), key.data, key.length,
                                         info[2].As<Napi::Boolean>().Value(), tag_len, &error);
    if (!shared_->ctx) throw Napi::TypeError::New(env, error);
    // openRange as an own function bound to the core: a per-packet call then skips the wrapper lookup
    // (napi_unwrap) that a prototype method pays. The prototype's openRange stays for feature tests.
    auto* bound = new SharedCipherCore(shared_);
    Napi::Function fn = Napi::Function::New<OpenRangeBound>(env, "openRange", bound);
    fn.AddFinalizer([](Napi::Env, SharedCipherCore* held) { delete held; }, bound);
    info.This().As<Napi::Object>().DefineProperty(Napi::PropertyDescriptor::Value("openRange", fn, napi_default));
  }

 private:
  Napi::Value Open(const Napi::CallbackInfo& info) { return Run(info, true); }
  Napi::Value Seal(const Napi::CallbackInfo& info) { return Run(info, false); }

  Napi::Value Run(const Napi::CallbackInfo& info, bool open) {
    Napi::Env env = info.Env();
    CipherContext* core = live(env);
    check_direction(env, *core, open);
    ByteView iv = bytes_arg(info, 0, "iv");
    ByteView aad = bytes_arg(info, 1, "aad", true);
    ByteView in = bytes_arg(info, 2, open ? "sealed" : "plain");
    ByteView out = bytes_arg(info, 3, "out");
    type_error_unless_empty(env, core->CheckMessage(iv.length, aad.length));
    type_error_unless_empty(env, core->CheckOutput(in.data, in.length, out.data, out.length));
    long n = open ? core->Open(iv.data, iv.length, aad.data, aad.length, in.data, in.length, out.data)
                  : core->Seal(iv.data, iv.length, aad.data, aad.length, in.data, in.length, out.data);
    if (n < 0 && !open) throw Napi::Error::New(env, core->last_error());
    return length_value(env, n);
  }

  CipherContext* live(Napi::Env env) const {
    if (!shared_->ctx) throw closed_error(env, "CipherContext", kClosedCode);
    return shared_->ctx.get();
  }

  Napi::Value OpenRange(const Napi::CallbackInfo& info) { return OpenRangeOn(info, shared_->ctx.get()); }

  static Napi::Value OpenRangeBound(const Napi::CallbackInfo& info) {
    return OpenRangeOn(info, static_cast<SharedCipherCore*>(info.Data())->get()->ctx.get());
  }

  // The per-packet path: one array, no views to make in JS, the plaintext left where the ciphertext was.
  static Napi::Value OpenRangeOn(const Napi::CallbackInfo& info, CipherContext* core) {
    Napi::Env env = info.Env();
    if (core == nullptr) throw closed_error(env, "CipherContext", kClosedCode);
    check_direction(env, *core, true);
    ByteView data = bytes_arg(info, 0, "data");
    size_t aad_start = index_arg(info, 1, "aadStart", data.length);
    size_t aad_end = index_arg(info, 2, "aadEnd", data.length);
    size_t sealed_start = index_arg(info, 3, "sealedStart", data.length);
    size_t sealed_end = index_arg(info, 4, "sealedEnd", data.length);
    ByteView iv = bytes_arg(info, 5, "iv");
    if (aad_end < aad_start || sealed_end < sealed_start) {
      throw Napi::RangeError::New(env, "a range ends before it starts");
    }
    if (aad_end > aad_start && aad_start < sealed_end && sealed_start < aad_end) {
      throw Napi::RangeError::New(env, "the AAD range overlaps the sealed range");
    }
    type_error_unless_empty(env, core->CheckMessage(iv.length, aad_end - aad_start));
    uint8_t* sealed = data.data + sealed_start;
    long n = core->Open(iv.data, iv.length, data.data + aad_start, aad_end - aad_start, sealed,
                         sealed_end - sealed_start, sealed);
    return length_value(env, n);
  }

  Napi::Value OutputLength(const Napi::CallbackInfo& info) {
    CipherContext* core = live(info.Env());
    return Napi::Number::New(info.Env(), static_cast<double>(core->OutputBound(uint_arg(info, 0, "inputLength"))));
  }

  void Close(const Napi::CallbackInfo&) { shared_->ctx.reset(); }

  SharedCipherCore shared_ = std::make_shared<CipherCore>();
};

// new HmacContext(hash: string, key: Uint8Array); .size is the MAC length.
//   digest(data, out, zeroStart = 0, zeroEnd = 0): number       MAC of data with [zeroStart, zeroEnd) read as zeros
//   verify(data, expected, zeroStart = 0, zeroEnd = 0): boolean  the same MAC compared in constant time
//   close(): void
class HmacContextWrap : public Napi::ObjectWrap<HmacContextWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "HmacContext",
                       {
                           InstanceMethod<&HmacContextWrap::Digest>("digest"),
                           InstanceMethod<&HmacContextWrap::Verify>("verify"),
                           InstanceMethod<&HmacContextWrap::Close>("close"),
                       });
  }

  explicit HmacContextWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<HmacContextWrap>(info) {
    Napi::Env env = info.Env();
    if (!info[0].IsString()) throw Napi::TypeError::New(env, "hash must be a string");
    ByteView key = bytes_arg(info, 1, "key");
    std::string error;
    core_ = HmacContext::Create(info[0].As<Napi::String>().Utf8Value(), key.data, key.length, &error);
    if (!core_) throw Napi::TypeError::New(env, error);
    info.This().As<Napi::Object>().DefineProperty(Napi::PropertyDescriptor::Value(
        "size", Napi::Number::New(env, static_cast<double>(core_->size())), napi_enumerable));
  }

 private:
  struct Input {
    ByteView data;
    ByteView mac;
    size_t zero_start;
    size_t zero_end;
  };

  Input Args(const Napi::CallbackInfo& info, const char* mac_name) {
    Napi::Env env = info.Env();
    if (!core_) throw closed_error(env, "HmacContext", kClosedCode);
    Input in{bytes_arg(info, 0, "data"), bytes_arg(info, 1, mac_name), optional_uint_arg(info, 2, "zeroStart", 0),
             optional_uint_arg(info, 3, "zeroEnd", 0)};
    if (in.zero_end < in.zero_start || in.zero_end > in.data.length) {
      throw Napi::RangeError::New(env, "zeroStart..zeroEnd must lie within the data, in order");
    }
    return in;
  }

  Napi::Value Digest(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Input in = Args(info, "out");
    if (in.mac.length < core_->size()) {
      throw Napi::TypeError::New(env, "out has " + std::to_string(in.mac.length) + " bytes, needs " +
                                          std::to_string(core_->size()));
    }
    if (!core_->Digest(in.data.data, in.data.length, in.zero_start, in.zero_end, in.mac.data)) {
      throw Napi::Error::New(env, "HMAC failed");
    }
    return Napi::Number::New(env, static_cast<double>(core_->size()));
  }

  Napi::Value Verify(const Napi::CallbackInfo& info) {
    Input in = Args(info, "expected");
    bool same = in.mac.length == core_->size() &&
                core_->Verify(in.data.data, in.data.length, in.zero_start, in.zero_end, in.mac.data);
    return Napi::Boolean::New(info.Env(), same);
  }

  void Close(const Napi::CallbackInfo&) { core_.reset(); }

  std::unique_ptr<HmacContext> core_;
};

}  // namespace

void InitCrypto(Napi::Env env, Napi::Object exports) {
  exports.Set("CipherContext", CipherContextWrap::Define(env));
  exports.Set("HmacContext", HmacContextWrap::Define(env));
}

}  // namespace uftp_native
