#include "nodes/bench/machine_cpu.h"

#include <unistd.h>

#include <fstream>
#include <string>

namespace bucket::bench {

Result<double> MachineBusySeconds() {
  std::ifstream stat("/proc/stat");
  std::string label;
  unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0;
  if (!(stat >> label >> user >> nice >> system >> idle >> iowait >> irq >> softirq) ||
      label != "cpu") {
    return Status::IoError("/proc/stat: no 'cpu' line to read the machine's CPU time from");
  }
  const long ticks_per_second = ::sysconf(_SC_CLK_TCK);
  if (ticks_per_second <= 0) return Status::Internal("sysconf(_SC_CLK_TCK) failed");
  return static_cast<double>(user + nice + system + irq + softirq) /
         static_cast<double>(ticks_per_second);
}

}  // namespace bucket::bench
