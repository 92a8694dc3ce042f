#include "route_tables.h"

namespace hotpath::native {

// Every access below is sequentially consistent, which the argument in the
// header needs: a reclaim() that sees a reader offline precedes, in the one
// total order, that reader's next online() and its next current(), so the
// reader loads the new table. (One fence per epoll_wait is nothing next to
// the system call.)

RouteTables::RouteTables(std::unique_ptr<LoadedRoutes> first, uint32_t readers)
    : current_(first.release()), readers_(new Reader[readers]), reader_count_(readers) {}

RouteTables::~RouteTables() {
  // The readers have stopped (their threads were joined).
  for (const Retired& r : retired_) delete r.table;
  delete current_.load();
}

void RouteTables::online(uint32_t reader) { readers_[reader].epoch.store(epoch_.load()); }

void RouteTables::offline(uint32_t reader) { readers_[reader].epoch.store(kOffline); }

void RouteTables::replace(std::unique_ptr<LoadedRoutes> next) {
  const LoadedRoutes* old = current_.exchange(next.release());
  const uint64_t epoch = epoch_.fetch_add(1) + 1;
  retired_.push_back(Retired{old, epoch});
}

size_t RouteTables::reclaim() {
  uint64_t oldest = kOffline;
  for (uint32_t i = 0; i < reader_count_; ++i) {
    uint64_t seen = readers_[i].epoch.load();
    if (seen < oldest) oldest = seen;
  }
  size_t kept = 0;
  for (const Retired& r : retired_) {
    if (r.epoch <= oldest) {
      delete r.table;
      ++freed_;
    } else {
      retired_[kept++] = r;
    }
  }
  retired_.resize(kept);
  return kept;
}

}  // namespace hotpath::native
