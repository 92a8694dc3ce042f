#include <sched.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "server_config.h"

namespace hotpath::native {
namespace {

// cgroup v2 "cpu.max" ("max 100000" or "200000 100000"), else cgroup v1.
double cgroup_cpu_limit() {
  std::ifstream v2("/sys/fs/cgroup/cpu.max");
  std::string quota;
  double period = 0;
  if (v2 >> quota >> period) {
    if (quota == "max" || period <= 0) return 0;
    return std::stod(quota) / period;
  }
  std::ifstream q("/sys/fs/cgroup/cpu/cpu.cfs_quota_us");
  std::ifstream p("/sys/fs/cgroup/cpu/cpu.cfs_period_us");
  double quota_us = 0;
  if (q >> quota_us && p >> period && quota_us > 0 && period > 0) return quota_us / period;
  return 0;
}

}  // namespace

uint32_t default_thread_count() {
  cpu_set_t set;
  CPU_ZERO(&set);
  uint32_t cores = 0;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    // A core is the set of its hyperthread siblings: count distinct sets.
    std::set<std::string> seen;
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
      if (!CPU_ISSET(cpu, &set)) continue;
      std::ifstream siblings("/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/thread_siblings_list");
      std::string list;
      if (!(siblings >> list)) list = "cpu" + std::to_string(cpu);
      seen.insert(list);
    }
    cores = static_cast<uint32_t>(seen.size());
  }
  if (cores == 0) cores = 1;
  double limit = cgroup_cpu_limit();
  if (limit > 0 && std::ceil(limit) < cores) cores = static_cast<uint32_t>(std::ceil(limit));
  return cores ? cores : 1;
}

}  // namespace hotpath::native
