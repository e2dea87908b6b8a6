#ifndef _WIN32

#include "capture_filter.h"

#include <cstddef>
#include <utility>

namespace uftp_native {
namespace {

constexpr uint32_t kNet = static_cast<uint32_t>(SKF_NET_OFF);
constexpr uint32_t kSnap = 0x40000;  // bytes kept of an accepted frame: all of any frame

// A program written with absolute jump targets; the kernel wants them relative.
class Program {
 public:
  void add(uint16_t code, uint32_t k) { code_.push_back(sock_filter{code, 0, 0, k}); }
  // A conditional jump to instruction `yes` or `no` (absolute indexes).
  void jump(uint16_t test, uint32_t k, size_t yes, size_t no) {
    size_t next = code_.size() + 1;
    code_.push_back(sock_filter{static_cast<uint16_t>(BPF_JMP | test | BPF_K), static_cast<uint8_t>(yes - next),
                                static_cast<uint8_t>(no - next), k});
  }
  size_t size() const { return code_.size(); }
  std::vector<sock_filter> take() { return std::move(code_); }

 private:
  std::vector<sock_filter> code_;
};

}  // namespace

std::vector<sock_filter> udp_port_filter(uint16_t port) {
  // Instruction indexes, fixed by the layout below.
  constexpr size_t kV6 = 16, kAccept = 22, kReject = 23;
  Program p;
  p.add(BPF_LD | BPF_B | BPF_ABS, kNet);       // 0: IP version in the high nibble
  p.add(BPF_ALU | BPF_RSH | BPF_K, 4);         // 1
  p.jump(BPF_JEQ, 4, 4, 3);                    // 2
  p.jump(BPF_JEQ, 6, kV6, kReject);            // 3
  p.add(BPF_LD | BPF_B | BPF_ABS, kNet + 9);   // 4: IPv4 protocol
  p.jump(BPF_JEQ, 17, 6, kReject);             // 5
  p.add(BPF_LD | BPF_H | BPF_ABS, kNet + 6);   // 6: flags and fragment offset
  p.jump(BPF_JSET, 0x3fff, kReject, 8);        // 7: a fragment (more follow, or not the first)
  p.add(BPF_LD | BPF_B | BPF_ABS, kNet);       // 8: X = header length
  p.add(BPF_ALU | BPF_AND | BPF_K, 0x0f);      // 9
  p.add(BPF_ALU | BPF_LSH | BPF_K, 2);         // 10
  p.add(BPF_MISC | BPF_TAX, 0);                // 11
  p.add(BPF_LD | BPF_H | BPF_IND, kNet);       // 12: source port
  p.jump(BPF_JEQ, port, kAccept, 14);          // 13
  p.add(BPF_LD | BPF_H | BPF_IND, kNet + 2);   // 14: destination port
  p.jump(BPF_JEQ, port, kAccept, kReject);     // 15
  p.add(BPF_LD | BPF_B | BPF_ABS, kNet + 6);   // 16 = kV6: next header (extension headers not followed)
  p.jump(BPF_JEQ, 17, 18, kReject);            // 17
  p.add(BPF_LD | BPF_H | BPF_ABS, kNet + 40);  // 18: source port
  p.jump(BPF_JEQ, port, kAccept, 20);          // 19
  p.add(BPF_LD | BPF_H | BPF_ABS, kNet + 42);  // 20: destination port
  p.jump(BPF_JEQ, port, kAccept, kReject);     // 21
  p.add(BPF_RET | BPF_K, kSnap);               // 22 = kAccept
  p.add(BPF_RET | BPF_K, 0);                   // 23 = kReject
  return p.take();
}

}  // namespace uftp_native

#endif
