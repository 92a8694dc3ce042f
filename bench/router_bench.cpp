// make bench-router: nanoseconds per lookup of the native C++ matcher.
//   HelloRai:      GET /hello/rai on bench/c-core.tsv
//   GithubApi:     every request of bench/github-api.requests (one per route
//                  of bench/github-api.tsv), in file order
// "Lookup" is match_request (method + target -> route and decoded params);
// the *Render variants add body_size + render_body into a buffer.
#include <benchmark/benchmark.h>

#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "table_loader.h"

using namespace hotpath;
using namespace hotpath::testing;

namespace {

struct Request {
  RequestMethod method;
  std::string target;
};

std::vector<Request> read_requests(const std::string& path) {
  std::istringstream in(read_file(path));
  std::vector<Request> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t tab = line.find('\t');
    if (tab == std::string::npos) throw std::runtime_error("bad request line: " + line);
    out.push_back({request_method_from_token(line.data(), static_cast<uint32_t>(tab)), line.substr(tab + 1)});
  }
  return out;
}

LoadedTable load_or_die(const std::string& path) {
  LoadedTable t = load_table(read_file(path));
  if (!t.ok) throw std::runtime_error(path + ": " + t.error);
  return t;
}

void run(benchmark::State& state, const LoadedTable& t, const std::vector<Request>& requests, bool render) {
  char scratch[kMaxTargetLength];
  static char out[1 << 16];
  Reply reply;
  for (const Request& r : requests) {  // every request must route to a table route
    match_request(t.table.root, r.method, r.target.data(), static_cast<uint32_t>(r.target.size()), scratch, &reply);
    if (reply.route->line == 0) throw std::runtime_error("benchmark request not routed: " + r.target);
  }
  for (auto _ : state) {
    for (const Request& r : requests) {
      match_request(t.table.root, r.method, r.target.data(), static_cast<uint32_t>(r.target.size()), scratch,
                    &reply);
      if (render) {
        benchmark::DoNotOptimize(render_body(*reply.route, reply.params, out, sizeof out));
      }
      benchmark::DoNotOptimize(reply.route);
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * requests.size()));
  state.counters["ns_per_lookup"] = benchmark::Counter(
      static_cast<double>(state.iterations() * requests.size()),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

const std::string kBench = HOTPATH_SOURCE_DIR "/bench/";

void HelloRai(benchmark::State& state) {
  static const LoadedTable t = load_or_die(kBench + "c-core.tsv");
  run(state, t, {{kGet, "/hello/rai"}}, false);
}
void HelloRaiRender(benchmark::State& state) {
  static const LoadedTable t = load_or_die(kBench + "c-core.tsv");
  run(state, t, {{kGet, "/hello/rai"}}, true);
}
void GithubApi(benchmark::State& state) {
  static const LoadedTable t = load_or_die(kBench + "github-api.tsv");
  static const std::vector<Request> requests = read_requests(kBench + "github-api.requests");
  run(state, t, requests, false);
}
void GithubApiRender(benchmark::State& state) {
  static const LoadedTable t = load_or_die(kBench + "github-api.tsv");
  static const std::vector<Request> requests = read_requests(kBench + "github-api.requests");
  run(state, t, requests, true);
}

}  // namespace

BENCHMARK(HelloRai);
BENCHMARK(HelloRaiRender);
BENCHMARK(GithubApi);
BENCHMARK(GithubApiRender);
BENCHMARK_MAIN();
