// BUCKET_CHECK: for bugs, not for operating errors (TigerBeetle's two kinds of
// failure). A false condition means the program's own logic is wrong; it logs to
// stderr and aborts in every build. Bad input, dead peers and full disks are
// Statuses, never checks.
#pragma once

#include <cstdio>
#include <cstdlib>

#define BUCKET_CHECK(cond)                                                            \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      std::fprintf(stderr, "BUCKET_CHECK failed at %s:%d: %s\n", __FILE__, __LINE__, \
                   #cond);                                                            \
      std::abort();                                                                   \
    }                                                                                 \
  } while (0)
