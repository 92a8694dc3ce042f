// make bench-router: nanoseconds per lookup of the native C++ matcher.
//   HelloRai:      GET /hello/rai on bench/c-core.tsv
//   GithubApi:     every request of bench/github-api.requests (one per route
//                  of bench/github-api.tsv), in file order
//   Constraints:   bench/constraints.requests on bench/constraints.tsv
//                  (constrained parameters, an optional segment)
//   Segments:      bench/segments.requests on bench/segments.tsv (several
//                  parameters or static text in a segment, a wildcard suffix)
// "Lookup" is match_request (method + target -> route and decoded params);
// the *Render variants add body_size + render_body into a buffer.
//
// router_bench --print-matches [NAME]: no benchmark; for every request of
// bench/NAME.requests (github-api by default), one line
// "LINE<TAB>VALUE<TAB>..." (the table line of the route it matched, then its
// decoded parameter values), so that bench/router-compare.mjs checks this
// binary against the other routers.
#include <benchmark/benchmark.h>

#include <cstring>
#include <iostream>
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
    // METHOD<TAB>TARGET, then (for the pattern tables) the expected values.
    size_t end = line.find('\t', tab + 1);
    out.push_back({request_method_from_token(line.data(), static_cast<uint32_t>(tab)),
                   line.substr(tab + 1, end == std::string::npos ? std::string::npos : end - tab - 1)});
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
  Match match;
  for (const Request& r : requests) {  // every request must route to a table route
    match_request(t.table.root, r.method, r.target.data(), static_cast<uint32_t>(r.target.size()), scratch, &match);
    if (match.route->line == 0) throw std::runtime_error("benchmark request not routed: " + r.target);
  }
  for (auto _ : state) {
    for (const Request& r : requests) {
      match_request(t.table.root, r.method, r.target.data(), static_cast<uint32_t>(r.target.size()), scratch,
                    &match);
      if (render) {
        benchmark::DoNotOptimize(render_body(*match.route, match.params, out, sizeof out));
      }
      benchmark::DoNotOptimize(match.route);
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

void Constraints(benchmark::State& state) {
  static const LoadedTable t = load_or_die(kBench + "constraints.tsv");
  static const std::vector<Request> requests = read_requests(kBench + "constraints.requests");
  run(state, t, requests, false);
}
void Segments(benchmark::State& state) {
  static const LoadedTable t = load_or_die(kBench + "segments.tsv");
  static const std::vector<Request> requests = read_requests(kBench + "segments.requests");
  run(state, t, requests, false);
}

int print_matches(const std::string& name) {
  const LoadedTable t = load_or_die(kBench + name + ".tsv");
  char scratch[kMaxTargetLength];
  Match match;
  for (const Request& r : read_requests(kBench + name + ".requests")) {
    match_request(t.table.root, r.method, r.target.data(), static_cast<uint32_t>(r.target.size()), scratch, &match);
    std::cout << match.route->line;
    for (uint32_t k = 0; k < match.param_count; ++k) {
      std::cout << '\t' << std::string(match.params[k].data, match.params[k].size);
    }
    std::cout << '\n';
  }
  return 0;
}

}  // namespace

BENCHMARK(HelloRai);
BENCHMARK(HelloRaiRender);
BENCHMARK(GithubApi);
BENCHMARK(GithubApiRender);
BENCHMARK(Constraints);
BENCHMARK(Segments);

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "--print-matches") == 0) return print_matches(argc == 3 ? argv[2] : "github-api");
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
