// Invariant checks for the fuzz targets. A failed check prints what broke and
// aborts, which libFuzzer reports as a crash (and saves the input) and the
// replay driver reports as a failed test. Not assert(): it must also fire in
// release builds (the replay tests run in the -O2 build/).
//   FUZZ_CHECK(condition);  FUZZ_CHECK(condition, "printf format", args...);
#pragma once
#include <cstdarg>
#include <cstdio>
#include <cstdlib>

namespace hotpath::fuzz {

[[noreturn]] __attribute__((format(printf, 4, 5))) inline void check_failed(const char* file, int line,
                                                                             const char* condition,
                                                                             const char* format, ...) {
  std::fprintf(stderr, "%s:%d: invariant failed: %s\n ", file, line, condition);
  va_list args;
  va_start(args, format);
  std::vfprintf(stderr, format, args);
  va_end(args);
  std::fprintf(stderr, "\n");
  std::abort();
}

}  // namespace hotpath::fuzz

// " " keeps the format non-empty when no message is given.
#define FUZZ_CHECK(cond, ...) \
  ((cond) ? (void)0 : ::hotpath::fuzz::check_failed(__FILE__, __LINE__, #cond, " " __VA_ARGS__))
