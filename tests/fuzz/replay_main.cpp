// Runs a fuzz target's LLVMFuzzerTestOneInput on saved inputs, without
// libFuzzer, so the regression inputs under regressions/<target>/ (and the
// generated seeds) run as ordinary tests in every build: g++ or clang, -O2
// (build/) or ASan+UBSan (build-asan/).
//   <target>_replay FILE|DIR...   (a DIR runs every file in it, sorted)
// Fails when an argument names nothing or a directory holds no input, so a
// test cannot pass by running nothing. An invariant violation aborts.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    fs::path arg(argv[i]);
    std::error_code ec;
    size_t before = files.size();
    if (fs::is_directory(arg, ec)) {
      for (const auto& entry : fs::directory_iterator(arg)) {
        if (entry.is_regular_file() && entry.path().filename().string()[0] != '.') files.push_back(entry.path());
      }
      std::sort(files.begin() + static_cast<std::ptrdiff_t>(before), files.end());
    } else if (fs::is_regular_file(arg, ec)) {
      files.push_back(arg);
    }
    if (files.size() == before) {
      std::fprintf(stderr, "replay: no input in %s\n", argv[i]);
      return 1;
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
    return 1;
  }
  for (const fs::path& path : files) {
    std::ifstream in(path, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
      return 1;
    }
    // A heap copy of exactly the input's size, as libFuzzer passes it, so
    // ASan sees a read past the end.
    std::vector<uint8_t> data(bytes.begin(), bytes.end());
    std::fprintf(stderr, "replay: %s (%zu bytes)\n", path.c_str(), data.size());
    static const uint8_t kEmpty = 0;
    LLVMFuzzerTestOneInput(data.empty() ? &kEmpty : data.data(), data.size());
  }
  std::printf("replay: %zu input(s), all invariants held\n", files.size());
  return 0;
}
