// Fuzz target: ChunkedDecoder (native/http_parser.cpp) alone, on arbitrary
// bytes as a chunked body, so the fuzzer reaches chunk extensions, quoted
// strings and trailers without first building a valid request head.
//
// Input: a 16-byte cut header (cut_points.h), then the body bytes.
//
// Invariants, for the default trailer limit and a small one (32 bytes, so the
// limit is reached often):
//  - Split reads change nothing: fed whole and fed in the chosen reads, the
//    decoder ends in the same result with the same payload count and the
//    same total of bytes consumed (the position of the end or the error).
//  - It never consumes past the bytes it is given; when it asks for more it
//    has consumed all of them; once complete it stays complete and consumes
//    nothing more; after an error it is not fed again (as a server does).
//  - The payload never exceeds the bytes consumed.
// Each read is an exact-size heap copy: ASan sees any read past its end.
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cut_points.h"
#include "fuzz_check.h"
#include "http_parser.h"

namespace {

using namespace hotpath::http;

struct Result {
  ParseResult result = ParseResult::kIncomplete;
  uint64_t payload = 0;
  size_t consumed = 0;
};

Result decode(const std::vector<std::string>& reads, uint32_t max_trailer) {
  ChunkedDecoder decoder(max_trailer);
  Result out;
  for (const std::string& read : reads) {
    std::unique_ptr<char[]> copy(new char[read.size()]);
    std::memcpy(copy.get(), read.data(), read.size());
    size_t consumed = SIZE_MAX;
    out.result = decoder.feed(copy.get(), read.size(), &consumed, &out.payload);
    FUZZ_CHECK(consumed <= read.size(), "consumed %zu of %zu", consumed, read.size());
    out.consumed += consumed;
    if (out.result == ParseResult::kIncomplete) FUZZ_CHECK(consumed == read.size(), "incomplete but bytes left");
    if (out.result != ParseResult::kIncomplete) break;
  }
  FUZZ_CHECK(out.payload <= out.consumed);
  if (out.result == ParseResult::kComplete) {
    // Complete stays complete and takes no more bytes.
    char more[4] = {'0', '\r', '\n', '\r'};
    size_t consumed = SIZE_MAX;
    uint64_t payload = out.payload;
    FUZZ_CHECK(decoder.feed(more, sizeof more, &consumed, &payload) == ParseResult::kComplete);
    FUZZ_CHECK(consumed == 0 && payload == out.payload);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  hotpath::fuzz::SplitInput in = hotpath::fuzz::split_input(data, size);
  for (uint32_t max_trailer : {16384u, 32u}) {
    Result whole = decode({in.payload}, max_trailer);
    Result split = decode(in.reads, max_trailer);
    FUZZ_CHECK(whole.result == split.result && whole.payload == split.payload && whole.consumed == split.consumed,
               "split reads changed the result (trailer limit %u): result %d/%d payload %llu/%llu consumed %zu/%zu",
               max_trailer, static_cast<int>(whole.result), static_cast<int>(split.result),
               static_cast<unsigned long long>(whole.payload), static_cast<unsigned long long>(split.payload),
               whole.consumed, split.consumed);
  }
  return 0;
}
