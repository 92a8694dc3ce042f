#include "request_target.h"

#include <cstring>

#include "match.h"  // kMaxTargetLength

namespace hotpath::native {

RequestTarget parse_request_target(const char* target, uint32_t length) {
  if (length == 1 && target[0] == '*') return {RequestTarget::kAsterisk, target, length};
  RequestTarget result{RequestTarget::kOrigin, target, length};
  if (target[0] != '/') {
    // absolute-form: scheme "://" authority [path]. The authority is not
    // checked: Host is the authority that counts (RFC 9112 3.2.2).
    const char* scheme_end = static_cast<const char*>(std::memchr(target, ':', length));
    if (!scheme_end || length - (scheme_end - target) < 3 || scheme_end[1] != '/' || scheme_end[2] != '/') {
      return {RequestTarget::kInvalid, nullptr, 0};
    }
    const char* authority = scheme_end + 3;
    const char* path = static_cast<const char*>(std::memchr(authority, '/', target + length - authority));
    result.form = RequestTarget::kAbsolute;
    if (path) {
      result.path = path;
      result.path_length = static_cast<uint32_t>(target + length - path);
    } else {
      result.path = "/";
      result.path_length = 1;
    }
  }
  if (result.path_length <= kMaxTargetLength && std::memchr(result.path, '#', result.path_length)) {
    return {RequestTarget::kInvalid, nullptr, 0};
  }
  return result;
}

}  // namespace hotpath::native
