// The names beneath_*.cc accept: the one check both platforms share.
#include <cstring>

#include "beneath.h"

namespace uftp_native {

bool beneath_split(const std::string& rel, bool allow_empty, std::vector<std::string>* out) {
  out->clear();
  if (rel.empty()) return allow_empty;
  if (rel.find('\0') != std::string::npos) return false;
  size_t start = 0;
  while (true) {
    size_t end = rel.find('/', start);
    std::string part = rel.substr(start, end == std::string::npos ? std::string::npos : end - start);
    // A leading or doubled '/' shows up here as an empty component: absolute paths are refused with it.
    if (part.empty() || part == "." || part == "..") return false;
#ifdef _WIN32
    // A backslash would be a separator there, a colon a drive or an alternate data stream.
    if (part.find_first_of("\\:") != std::string::npos) return false;
#endif
    out->push_back(std::move(part));
    if (end == std::string::npos) return true;
    start = end + 1;
  }
}

}  // namespace uftp_native
