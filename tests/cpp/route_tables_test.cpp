// RouteTables (native/route_tables.h): a replaced route table is freed once
// no reader can hold it, and not before. The deterministic cases check the
// rule step by step; the threaded one reloads while readers route, each
// read checked whole (under ASan, a table freed too early is a
// use-after-free report, not a lucky pass).
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "limits.h"
#include "loaded_routes.h"
#include "match.h"
#include "render.h"
#include "route_tables.h"

namespace hotpath::native {
namespace {

// Table `generation`: GET /gen answers "gen <generation>" padded to 4 KB, so
// a read of freed memory has something to trip over.
std::unique_ptr<LoadedRoutes> table(uint32_t generation) {
  std::string body = "gen " + std::to_string(generation) + " " + std::string(4096, static_cast<char>('a' + generation % 26));
  std::string error;
  auto loaded = load_routes_text("GET\t/gen\t200\ttext/plain\t" + body + "\nGET\t/other\t200\ttext/plain\tx\n",
                                 "gen.tsv", &error);
  EXPECT_NE(loaded, nullptr) << error;
  return loaded;
}

// Routes GET /gen on `routes` and returns the body, or "" if it is not
// self-consistent (the body of one table, all of it).
std::string answer(const LoadedRoutes& routes) {
  char scratch[kParamScratchBytes];
  Match match;
  match_request(routes.table.root, kGet, "/gen", 4, scratch, &match);
  if (match.status != 200) return "";
  std::string body(body_size(*match.route, match.params), '\0');
  render_body(*match.route, match.params, body.data(), static_cast<uint32_t>(body.size()));
  size_t space = body.find(' ', 4);
  if (body.compare(0, 4, "gen ") != 0 || space == std::string::npos) return "";
  uint32_t generation = static_cast<uint32_t>(std::stoul(body.substr(4, space - 4)));
  if (body.size() != space + 1 + 4096) return "";
  if (body.find_first_not_of(static_cast<char>('a' + generation % 26), space + 1) != std::string::npos) return "";
  return body.substr(0, space);
}

TEST(RouteTables, AnOfflineReaderDoesNotHoldATable) {
  RouteTables tables(table(0), 2);
  tables.replace(table(1));
  EXPECT_EQ(tables.reclaim(), 0u);
  EXPECT_EQ(tables.freed(), 1u);
  EXPECT_EQ(answer(tables.current()), "gen 1");
}

TEST(RouteTables, AnOnlineReaderHoldsTheTableItMayHaveReadUntilItsNextQuiescentPoint) {
  RouteTables tables(table(0), 2);
  tables.online(0);
  const LoadedRoutes& held = tables.current();
  tables.replace(table(1));
  EXPECT_EQ(tables.reclaim(), 1u) << "reader 0 may still be answering from table 0";
  EXPECT_EQ(answer(held), "gen 0");
  tables.online(1);  // another reader coming online sees the new epoch: it does not hold table 0
  EXPECT_EQ(tables.reclaim(), 1u);
  tables.offline(0);
  EXPECT_EQ(tables.reclaim(), 0u);
  EXPECT_EQ(tables.freed(), 1u);
}

TEST(RouteTables, ANewAnnouncementReleasesTheOldTable) {
  RouteTables tables(table(0), 1);
  tables.online(0);
  tables.replace(table(1));
  tables.replace(table(2));
  EXPECT_EQ(tables.reclaim(), 2u);
  tables.online(0);  // a quiescent point without going offline (the next batch)
  EXPECT_EQ(answer(tables.current()), "gen 2");
  EXPECT_EQ(tables.reclaim(), 0u);
  EXPECT_EQ(tables.freed(), 2u);
}

TEST(RouteTables, RetiredTablesAreFreedInAnyOrderOfReaders) {
  RouteTables tables(table(0), 3);
  for (uint32_t r = 0; r < 3; ++r) tables.online(r);
  tables.replace(table(1));
  tables.online(2);
  tables.replace(table(2));
  tables.online(1);
  EXPECT_EQ(tables.reclaim(), 2u);  // reader 0 announced before either replace
  tables.online(0);
  EXPECT_EQ(tables.reclaim(), 1u);  // reader 2 announced between the two
  tables.offline(2);
  EXPECT_EQ(tables.reclaim(), 0u);
}

// Readers route continuously, passing a quiescent point every few requests
// (and going offline now and then, as before epoll_wait), while the writer
// replaces the table thousands of times and reclaims after each. Every
// answer must be one whole table's; at the end every replaced table is freed.
TEST(RouteTables, ThousandsOfReplacementsWhileReadersRoute) {
  constexpr uint32_t kReaders = 4;
  constexpr uint32_t kReplacements = 3000;
  RouteTables tables(table(0), kReaders);
  std::atomic<bool> done{false};
  std::atomic<uint64_t> answered{0};
  std::atomic<uint64_t> bad{0};
  std::vector<std::thread> readers;
  for (uint32_t r = 0; r < kReaders; ++r) {
    readers.emplace_back([&, r] {
      uint32_t last = 0;
      for (uint64_t i = 0; !done.load(); ++i) {
        tables.online(r);
        for (int k = 0; k < 4; ++k) {
          std::string got = answer(tables.current());
          if (got.empty()) {
            bad.fetch_add(1);
            continue;
          }
          uint32_t generation = static_cast<uint32_t>(std::stoul(got.substr(4)));
          if (generation < last) bad.fetch_add(1);  // a table older than one already seen
          last = generation;
          answered.fetch_add(1);
        }
        if (i % 8 == 0) tables.offline(r);
      }
      tables.offline(r);
    });
  }
  size_t most_retired = 0;
  for (uint32_t g = 1; g <= kReplacements; ++g) {
    tables.replace(table(g));
    size_t kept = tables.reclaim();
    if (kept > most_retired) most_retired = kept;
  }
  done.store(true);
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(tables.reclaim(), 0u);
  EXPECT_EQ(tables.freed(), kReplacements);
  EXPECT_EQ(bad.load(), 0u);
  EXPECT_GT(answered.load(), 0u);
  EXPECT_EQ(answer(tables.current()), "gen " + std::to_string(kReplacements));
  std::cout << "[ reclaim  ] " << kReplacements << " replacements, " << answered.load() << " answers by " << kReaders
            << " readers, at most " << most_retired << " tables retired at once\n";
}

}  // namespace
}  // namespace hotpath::native
