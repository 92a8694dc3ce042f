// Split reads for the HTTP targets: the input starts with a header of
// kCutHeaderBytes bytes (eight little-endian u16s) that places up to eight
// cuts in the payload after it, so the fuzzer chooses and mutates where a
// socket read ends. Cut i lands at (v_i * (payload + 1)) >> 16: any byte
// boundary of a payload up to 64 KiB can be hit. Equal cuts give empty
// reads, which a server must also handle.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace hotpath::fuzz {

constexpr size_t kCutHeaderBytes = 16;

struct SplitInput {
  std::string payload;
  std::vector<std::string> reads;  // payload cut at the chosen points, in order
};

inline SplitInput split_input(const uint8_t* data, size_t size) {
  size_t header = std::min(size, kCutHeaderBytes);
  SplitInput in;
  in.payload.assign(reinterpret_cast<const char*>(data) + header, size - header);
  std::vector<size_t> cuts;
  for (size_t i = 0; i + 1 < header; i += 2) {
    uint32_t v = static_cast<uint32_t>(data[i]) | (static_cast<uint32_t>(data[i + 1]) << 8);
    cuts.push_back(static_cast<size_t>((static_cast<uint64_t>(v) * (in.payload.size() + 1)) >> 16));
  }
  std::sort(cuts.begin(), cuts.end());
  size_t from = 0;
  for (size_t cut : cuts) {
    in.reads.push_back(in.payload.substr(from, cut - from));
    from = cut;
  }
  in.reads.push_back(in.payload.substr(from));
  return in;
}

}  // namespace hotpath::fuzz
