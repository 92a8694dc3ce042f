// hotpath-check-routes FILE.tsv...: loads each route table with the same
// parser every Hotpath path uses and prints "FILE: N routes" or
// "FILE:LINE: reason". Exit status 1 when any table fails. `make wasm` runs
// it so a bad table fails the build instead of the first request.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "router.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s ROUTES.tsv...\n", argv[0]);
    return 2;
  }
  int status = 0;
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "%s: cannot open\n", argv[i]);
      status = 1;
      continue;
    }
    std::ostringstream text;
    text << in.rdbuf();
    const std::string bytes = text.str();
    std::vector<char> memory(hotpath::suggested_arena_size(bytes.size()));
    for (;;) {
      hotpath::Arena arena{memory.data(), memory.size(), 0};
      hotpath::RouteTable table;
      hotpath::LoadError error;
      if (hotpath::parse_route_table(bytes.data(), bytes.size(), arena, &table, &error)) {
        std::printf("%s: %u routes\n", argv[i], table.route_count);
        break;
      }
      if (error.out_of_memory) {
        memory.resize(memory.size() * 2);
        continue;
      }
      // The message starts with "line N: "; print it as FILE:N: reason.
      std::string message(error.message, error.message_length);
      const std::string prefix = "line " + std::to_string(error.line) + ": ";
      if (error.line && message.rfind(prefix, 0) == 0) message = message.substr(prefix.size());
      std::fprintf(stderr, "%s:%u: %s\n", argv[i], error.line, message.c_str());
      status = 1;
      break;
    }
  }
  return status;
}
