// OpenSSL 3 EVP under the contexts of cipher_context.h. The symbols resolve
// against the OpenSSL inside the Node binary (node.exe on Windows), so the
// addon links no OpenSSL of its own.
#include "cipher_context.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <climits>

namespace uftp_native {
namespace {

constexpr size_t kMaxInput = INT_MAX - 64;  // EVP counts in int; leave room for a padding block

// OpenSSL's reason for the last failure, leaving its error queue empty, so
// that Node's own crypto never sees a stale error of ours.
std::string take_error(const char* what) {
  unsigned long code = ERR_peek_last_error();
  std::string text(what);
  if (code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    text += ": ";
    text += buf;
  }
  ERR_clear_error();
  return text;
}

// The ciphers UFTP's key types name. Anything else is refused: other modes break the output bound
// (key wrap writes 8 bytes past it) or the padding and IV rules this class relies on.
constexpr const char* kProtocolCiphers[] = {"DES-CBC",     "DES-EDE3-CBC", "AES-128-CBC", "AES-256-CBC",
                                            "AES-128-GCM", "AES-256-GCM",  "AES-128-CCM", "AES-256-CCM"};

bool protocol_cipher(const EVP_CIPHER* cipher) {
  for (const char* name : kProtocolCiphers) {
    if (EVP_CIPHER_is_a(cipher, name)) return true;
  }
  return false;
}

bool ctrl(EVP_CIPHER_CTX* ctx, int type, size_t arg, void* ptr) {
  return EVP_CIPHER_CTX_ctrl(ctx, type, static_cast<int>(arg), ptr) == 1;
}

}  // namespace

std::unique_ptr<CipherContext> CipherContext::Create(const std::string& name, const uint8_t* key, size_t key_len,
                                                     bool decrypt, size_t tag_len, std::string* error) {
  EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, name.c_str(), nullptr);
  if (cipher == nullptr) {
    *error = take_error(("cipher '" + name + "' is not available").c_str());
    return nullptr;
  }
  if (!protocol_cipher(cipher)) {
    EVP_CIPHER_free(cipher);
    *error = "cipher '" + name + "' is not one UFTP uses (DES/3DES/AES-128/AES-256 in CBC, AES-128/AES-256 in GCM or CCM)";
    return nullptr;
  }
  std::unique_ptr<CipherContext> self(new CipherContext());
  self->decrypt_ = decrypt;
  self->block_size_ = static_cast<size_t>(EVP_CIPHER_get_block_size(cipher));
  int mode = EVP_CIPHER_get_mode(cipher);
  bool aead = (EVP_CIPHER_get_flags(cipher) & EVP_CIPH_FLAG_AEAD_CIPHER) != 0;
  size_t want_key = static_cast<size_t>(EVP_CIPHER_get_key_length(cipher));
  if (aead && mode != EVP_CIPH_GCM_MODE && mode != EVP_CIPH_CCM_MODE) {
    *error = "cipher '" + name + "': of the AEAD modes only GCM and CCM are supported";
  } else if (key_len != want_key) {
    *error = "cipher '" + name + "' needs a " + std::to_string(want_key) + "-byte key, not " + std::to_string(key_len);
  } else if (aead && (tag_len < 4 || tag_len > 16 || (mode == EVP_CIPH_CCM_MODE && tag_len % 2 != 0))) {
    *error = "cipher '" + name + "' cannot use a " + std::to_string(tag_len) + "-byte tag";
  }
  if (!error->empty()) {
    EVP_CIPHER_free(cipher);
    return nullptr;
  }
  self->kind_ = !aead ? Kind::kPlain : mode == EVP_CIPH_GCM_MODE ? Kind::kGcm : Kind::kCcm;
  // AEAD: unknown until the first message sets it (CCM's default nonce is 7 bytes, not the 12 reported).
  self->iv_len_ = aead ? 0 : static_cast<size_t>(EVP_CIPHER_get_iv_length(cipher));
  self->tag_len_ = tag_len;
  if (self->kind_ == Kind::kCcm) self->ccm_key_.assign(key, key + key_len);
  self->padded_ = !aead && self->block_size_ > 1;  // OpenSSL pads block modes by default (PKCS#7)
  self->ctx_ = EVP_CIPHER_CTX_new();
  int enc = decrypt ? 0 : 1;
  bool ok = self->ctx_ != nullptr && EVP_CipherInit_ex(self->ctx_, cipher, nullptr, nullptr, nullptr, enc) == 1;
  // CCM fixes its tag length before the key; decryption sets the tag itself per message.
  if (ok && self->kind_ == Kind::kCcm) ok = ctrl(self->ctx_, EVP_CTRL_AEAD_SET_TAG, tag_len, nullptr);
  // The key schedule is computed here, once; per message only the IV changes.
  ok = ok && EVP_CipherInit_ex(self->ctx_, nullptr, nullptr, key, nullptr, enc) == 1;
  EVP_CIPHER_free(cipher);  // the context holds its own reference
  if (!ok) {
    *error = take_error(("cipher '" + name + "' could not be set up").c_str());
    return nullptr;
  }
  return self;
}

CipherContext::~CipherContext() {
  EVP_CIPHER_CTX_free(ctx_);
  if (!ccm_key_.empty()) OPENSSL_cleanse(ccm_key_.data(), ccm_key_.size());
}

size_t CipherContext::OutputBound(size_t in_len) const {
  if (decrypt_) return in_len >= tag_length() ? in_len - tag_length() : 0;
  if (aead()) return in_len + tag_len_;
  return padded_ ? (in_len / block_size_ + 1) * block_size_ : in_len;
}

std::string CipherContext::CheckIv(size_t iv_len) const {
  bool fits;
  switch (kind_) {
    case Kind::kGcm:
      fits = iv_len >= 1 && iv_len <= 64;
      break;
    case Kind::kCcm:
      fits = iv_len >= 7 && iv_len <= 13;
      break;
    default:
      fits = iv_len == static_cast<size_t>(EVP_CIPHER_CTX_get_iv_length(ctx_));
  }
  if (fits) return std::string();
  return "an IV of " + std::to_string(iv_len) + " bytes does not suit " + EVP_CIPHER_CTX_get0_name(ctx_);
}

std::string CipherContext::CheckMessage(size_t iv_len, size_t aad_len) const {
  std::string bad_iv = CheckIv(iv_len);
  if (!bad_iv.empty()) return bad_iv;
  if (aad_len > 0 && !aead()) return "aad needs an AEAD cipher";
  return std::string();
}

std::string CipherContext::CheckOutput(const uint8_t* in, size_t in_len, const uint8_t* out, size_t out_len) const {
  size_t need = OutputBound(in_len);
  if (out_len < need) return "out has " + std::to_string(out_len) + " bytes, needs " + std::to_string(need);
  if (in != out && in < out + out_len && out < in + in_len) return "out overlaps the input other than exactly";
  return std::string();
}

// Sets a new IV on the keyed context, changing the IV length first if need be.
bool CipherContext::Start(const uint8_t* iv, size_t iv_len) {
  if (aead() && iv_len != iv_len_) {
    iv_len_ = 0;
    if (!ctrl(ctx_, EVP_CTRL_AEAD_SET_IVLEN, iv_len, nullptr)) return false;
    // CCM fixes its nonce length when keyed, so it is keyed again.
    if (kind_ == Kind::kCcm && EVP_CipherInit_ex(ctx_, nullptr, nullptr, ccm_key_.data(), nullptr, -1) != 1) return false;
    iv_len_ = iv_len;
  }
  return EVP_CipherInit_ex(ctx_, nullptr, nullptr, nullptr, iv, -1) == 1;
}

long CipherContext::Fail() {
  last_error_ = take_error(decrypt_ ? "open failed" : "seal failed");
  return -1;
}

// A failed open may have written plaintext that did not authenticate (GCM decrypts before the tag
// check, CBC all blocks before the padding check): none of it stays readable.
long CipherContext::FailOpen(uint8_t* out, size_t written) {
  if (written > 0) OPENSSL_cleanse(out, written);
  return Fail();
}

long CipherContext::Open(const uint8_t* iv, size_t iv_len, const uint8_t* aad, size_t aad_len, const uint8_t* in,
                         size_t in_len, uint8_t* out) {
  if (in_len < tag_length() || in_len > kMaxInput || aad_len > kMaxInput) return -1;
  size_t body = in_len - tag_length();
  // The tag is read from the const input; OpenSSL only copies it.
  auto* tag = const_cast<uint8_t*>(in + body);
  int n = 0;
  int last = 0;
  if (kind_ == Kind::kGcm && iv_len == iv_len_) {
    // The common case, a new IV of the same length: IV and tag in one call rather than an init and a
    // ctrl, each of which has the provider parse parameters by name.
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag, tag_len_),
        OSSL_PARAM_construct_end(),
    };
    if (EVP_CipherInit_ex2(ctx_, nullptr, nullptr, iv, -1, params) != 1) return Fail();
  } else {
    if (!Start(iv, iv_len)) return Fail();
    if (kind_ != Kind::kPlain && !ctrl(ctx_, EVP_CTRL_AEAD_SET_TAG, tag_len_, tag)) return Fail();
  }
  if (kind_ == Kind::kCcm) {
    // CCM: tag (set above), then the message length, then AAD; the data is checked in one update.
    if (EVP_CipherUpdate(ctx_, nullptr, &n, nullptr, static_cast<int>(body)) != 1) return Fail();
    if (aad_len > 0 && EVP_CipherUpdate(ctx_, nullptr, &n, aad, static_cast<int>(aad_len)) != 1) return Fail();
    if (EVP_CipherUpdate(ctx_, out, &n, in, static_cast<int>(body)) != 1) return FailOpen(out, body);
    return n;
  }
  if (kind_ == Kind::kGcm) {
    if (aad_len > 0 && EVP_CipherUpdate(ctx_, nullptr, &n, aad, static_cast<int>(aad_len)) != 1) return Fail();
    n = 0;  // an AAD update reports the AAD's length, not bytes written
  }
  if (body > 0 && EVP_CipherUpdate(ctx_, out, &n, in, static_cast<int>(body)) != 1) return FailOpen(out, body);
  if (EVP_CipherFinal_ex(ctx_, out + n, &last) != 1) return FailOpen(out, OutputBound(in_len));
  return n + last;
}

long CipherContext::Seal(const uint8_t* iv, size_t iv_len, const uint8_t* aad, size_t aad_len, const uint8_t* in,
                         size_t in_len, uint8_t* out) {
  if (in_len > kMaxInput || aad_len > kMaxInput) {
    last_error_ = "input too long";
    return -1;
  }
  int n = 0;
  int last = 0;
  if (!Start(iv, iv_len)) return Fail();
  if (kind_ == Kind::kCcm && EVP_CipherUpdate(ctx_, nullptr, &n, nullptr, static_cast<int>(in_len)) != 1) {
    return Fail();
  }
  if (aead() && aad_len > 0 && EVP_CipherUpdate(ctx_, nullptr, &n, aad, static_cast<int>(aad_len)) != 1) {
    return Fail();
  }
  n = 0;  // the updates above report lengths, not bytes written
  // CCM takes its data in exactly one update, even an empty one.
  if ((in_len > 0 || kind_ == Kind::kCcm) && EVP_CipherUpdate(ctx_, out, &n, in, static_cast<int>(in_len)) != 1) {
    return Fail();
  }
  if (EVP_CipherFinal_ex(ctx_, out + n, &last) != 1) return Fail();
  size_t len = static_cast<size_t>(n) + static_cast<size_t>(last);
  if (aead() && !ctrl(ctx_, EVP_CTRL_AEAD_GET_TAG, tag_len_, out + len)) return Fail();
  return static_cast<long>(len + tag_length());
}

std::unique_ptr<HmacContext> HmacContext::Create(const std::string& hash, const uint8_t* key, size_t key_len,
                                                 std::string* error) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  std::unique_ptr<HmacContext> self(new HmacContext());
  self->ctx_ = mac == nullptr ? nullptr : EVP_MAC_CTX_new(mac);
  EVP_MAC_free(mac);  // the context holds its own reference
  std::string digest = hash;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, &digest[0], 0),
      OSSL_PARAM_construct_end(),
  };
  static const uint8_t kNoKey = 0;  // HMAC takes an empty key, but not a null one
  if (self->ctx_ == nullptr || EVP_MAC_init(self->ctx_, key_len > 0 ? key : &kNoKey, key_len, params) != 1) {
    *error = take_error(("HMAC with hash '" + hash + "' could not be set up").c_str());
    return nullptr;
  }
  self->size_ = EVP_MAC_CTX_get_mac_size(self->ctx_);
  return self;
}

HmacContext::~HmacContext() { EVP_MAC_CTX_free(ctx_); }

bool HmacContext::Digest(const uint8_t* data, size_t len, size_t zero_start, size_t zero_end, uint8_t* out) {
  static const uint8_t kZeros[256] = {};
  zero_end = std::min(zero_end, len);
  zero_start = std::min(zero_start, zero_end);
  // A null key restarts from the keyed state kept since Create.
  bool ok = EVP_MAC_init(ctx_, nullptr, 0, nullptr) == 1 && EVP_MAC_update(ctx_, data, zero_start) == 1;
  for (size_t left = zero_end - zero_start; ok && left > 0;) {
    size_t step = std::min(left, sizeof kZeros);
    ok = EVP_MAC_update(ctx_, kZeros, step) == 1;
    left -= step;
  }
  size_t written = 0;
  ok = ok && EVP_MAC_update(ctx_, data + zero_end, len - zero_end) == 1 &&
       EVP_MAC_final(ctx_, out, &written, size_) == 1 && written == size_;
  if (!ok) ERR_clear_error();
  return ok;
}

bool HmacContext::Verify(const uint8_t* data, size_t len, size_t zero_start, size_t zero_end,
                         const uint8_t* expected) {
  uint8_t mac[EVP_MAX_MD_SIZE];
  if (size_ > sizeof mac || !Digest(data, len, zero_start, zero_end, mac)) return false;
  return CRYPTO_memcmp(mac, expected, size_) == 0;
}

}  // namespace uftp_native
