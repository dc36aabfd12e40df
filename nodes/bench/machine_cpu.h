// The whole machine's CPU time, from /proc/stat: what every process and the
// kernel spent, on all cores. Benchmark figures are divided by it to give the
// CPU cost of a byte, which is steadier than a rate on a shared machine and
// says where a CPU-bound figure can still go.
#pragma once

#include "messages/status.h"

namespace bucket::bench {

// Seconds all cores have spent busy since boot (user, nice, system, irq,
// softirq; not idle, iowait or steal).
Result<double> MachineBusySeconds();

}  // namespace bucket::bench
