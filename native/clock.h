// The server's clock for timeouts: CLOCK_MONOTONIC_COARSE, in milliseconds
// (a timeout may fire up to a tick late anyway, limits.h kTickMs).
#pragma once
#include <cstdint>
#include <ctime>

namespace hotpath::native {

inline int64_t monotonic_ms() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

}  // namespace hotpath::native
