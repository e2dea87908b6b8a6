// Reusable OpenSSL contexts for per-packet crypto, in plain C++ (no Node-API):
// a cipher context keeps its key schedule and takes only a new IV per message,
// an HMAC context keeps its keyed state and restarts per message. Creating
// them per packet costs several times the cipher work itself. Nothing here
// knows UFTP; binding_crypto.cc maps it onto JS.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

struct evp_cipher_ctx_st;  // OpenSSL's EVP_CIPHER_CTX, kept out of this header so
struct evp_mac_ctx_st;     // binding_crypto.cc compiles without OpenSSL's headers

namespace uftp_native {

// One cipher, one key, one direction. AEAD ciphers (GCM, CCM) carry their tag
// after the ciphertext, as WebCrypto does: sealed = ciphertext | tag.
class CipherContext {
 public:
  // name: an OpenSSL name of a cipher UFTP uses ("aes-128-gcm", "aes-256-cbc", "des-ede3-cbc", ...);
  // others are refused.
  // tag_len: the AEAD tag length (ignored for other ciphers).
  // On failure answers null and says why in *error.
  static std::unique_ptr<CipherContext> Create(const std::string& name, const uint8_t* key, size_t key_len,
                                               bool decrypt, size_t tag_len, std::string* error);
  ~CipherContext();
  CipherContext(const CipherContext&) = delete;
  CipherContext& operator=(const CipherContext&) = delete;

  bool decrypt() const { return decrypt_; }
  bool aead() const { return kind_ != Kind::kPlain; }
  size_t tag_length() const { return aead() ? tag_len_ : 0; }

  // The most bytes a call on in_len bytes of input writes (0 when the input
  // cannot be opened at all, e.g. shorter than the tag).
  size_t OutputBound(size_t in_len) const;
  // Empty if a message with this IV and AAD length can go through this
  // context (the IV length suits the cipher, AAD only with AEAD), else why not.
  std::string CheckMessage(size_t iv_len, size_t aad_len) const;
  // Empty if out (out_len bytes) can take the output for in: it holds
  // OutputBound(in_len) and is either the very same bytes as in or apart from
  // them (OpenSSL works in place, but not on partly overlapping buffers).
  std::string CheckOutput(const uint8_t* in, size_t in_len, const uint8_t* out, size_t out_len) const;

  // Both answer the bytes written to out (which holds OutputBound(in_len)),
  // or -1: for Open when the input does not authenticate or unpad (out then
  // holds no plaintext: what was written is zeroed), for Seal when OpenSSL
  // fails (last_error() says why). OpenSSL's error queue is left empty either way.
  long Open(const uint8_t* iv, size_t iv_len, const uint8_t* aad, size_t aad_len, const uint8_t* in, size_t in_len,
            uint8_t* out);
  long Seal(const uint8_t* iv, size_t iv_len, const uint8_t* aad, size_t aad_len, const uint8_t* in, size_t in_len,
            uint8_t* out);
  const std::string& last_error() const { return last_error_; }

 private:
  enum class Kind { kPlain, kGcm, kCcm };
  CipherContext() = default;
  std::string CheckIv(size_t iv_len) const;  // empty if the IV length suits this cipher
  bool Start(const uint8_t* iv, size_t iv_len);
  long Fail();
  long FailOpen(uint8_t* out, size_t written);

  evp_cipher_ctx_st* ctx_ = nullptr;
  Kind kind_ = Kind::kPlain;
  bool decrypt_ = false;
  size_t tag_len_ = 0;
  size_t block_size_ = 1;
  size_t iv_len_ = 0;  // the IV length the context is set for now
  bool padded_ = false;
  std::vector<uint8_t> ccm_key_;  // CCM only: keyed again when the IV length changes
  std::string last_error_;
};

// HMAC with one hash and one key. A range of the data can be read as zeros:
// the MAC of a packet whose signature field is being filled in or checked.
class HmacContext {
 public:
  static std::unique_ptr<HmacContext> Create(const std::string& hash, const uint8_t* key, size_t key_len,
                                             std::string* error);
  ~HmacContext();
  HmacContext(const HmacContext&) = delete;
  HmacContext& operator=(const HmacContext&) = delete;

  size_t size() const { return size_; }
  // MAC of data with [zero_start, zero_end) read as zeros, into out (size()
  // bytes). False only if OpenSSL fails.
  bool Digest(const uint8_t* data, size_t len, size_t zero_start, size_t zero_end, uint8_t* out);
  // Digest compared in constant time with expected (size() bytes).
  bool Verify(const uint8_t* data, size_t len, size_t zero_start, size_t zero_end, const uint8_t* expected);

 private:
  HmacContext() = default;
  evp_mac_ctx_st* ctx_ = nullptr;
  size_t size_ = 0;
};

}  // namespace uftp_native
