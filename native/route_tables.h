// The route table every event loop reads, and the tables it replaced, each
// freed once no event loop can still be reading it: quiescent-state-based
// reclamation (QSBR, as in liburcu's rcu-qsbr).
//
// Each reader (an event loop) announces the epoch it has seen whenever it
// holds no table, that is between two batches of requests: online() after
// epoll_wait returns, offline() before it blocks again. replace() publishes
// a new table and starts a new epoch; the old table is retired with that
// epoch and reclaim() frees it once every reader is offline or has announced
// an epoch at least as new, because such a reader loaded current() after the
// swap and so can only hold the new table. Readers never wait, never lock
// and never write anything shared but their own cache line.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "loaded_routes.h"

namespace hotpath::native {

class RouteTables {
 public:
  RouteTables(std::unique_ptr<LoadedRoutes> first, uint32_t readers);
  ~RouteTables();
  RouteTables(const RouteTables&) = delete;
  RouteTables& operator=(const RouteTables&) = delete;

  // ---- readers: each event loop, by its index; never blocks ----

  // The table to answer from; valid until this reader's next offline().
  const LoadedRoutes& current() const { return *current_.load(std::memory_order_seq_cst); }
  // Before the reader reads current() again (it may have been replaced).
  void online(uint32_t reader);
  // The reader holds no table until its next online().
  void offline(uint32_t reader);

  // ---- the writer: one thread (main.cpp's signal loop) ----

  // Publishes `next` for every later current(); the previous table is
  // retired, to be freed by reclaim() once no reader can hold it.
  void replace(std::unique_ptr<LoadedRoutes> next);
  // Frees every retired table that no reader can still hold. Returns how
  // many stay retired (a reader has not passed a quiescent point yet).
  size_t reclaim();
  size_t retired() const { return retired_.size(); }
  // Tables freed by reclaim() so far.
  uint64_t freed() const { return freed_; }

 private:
  static constexpr uint64_t kOffline = UINT64_MAX;
  struct alignas(64) Reader {
    std::atomic<uint64_t> epoch{kOffline};
  };
  struct Retired {
    const LoadedRoutes* table;
    uint64_t epoch;  // freed once every online reader has announced this epoch
  };

  std::atomic<const LoadedRoutes*> current_;
  std::atomic<uint64_t> epoch_{1};
  std::unique_ptr<Reader[]> readers_;
  uint32_t reader_count_;
  std::vector<Retired> retired_;
  uint64_t freed_ = 0;
};

}  // namespace hotpath::native
