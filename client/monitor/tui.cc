#include "client/monitor/tui.h"

#include <langinfo.h>
#include <ncursesw/curses.h>

#include <chrono>
#include <clocale>
#include <cstring>

#include "client/monitor/monitor_view.h"

namespace bucket::client {

void RunTui(const MonitorModel& model, std::atomic<bool>& stop) {
  std::setlocale(LC_ALL, "");
  const bool unicode = std::strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
  initscr();
  cbreak();
  noecho();
  curs_set(0);
  keypad(stdscr, TRUE);
  timeout(250);  // a redraw at least four times a second
  ViewOptions options;
  options.unicode = unicode;
  MonitorModel::Snapshot shown = model.Take();
  while (!stop.load()) {
    if (!options.paused) shown = model.Take();
    options.now_unix_ms = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::system_clock::now().time_since_epoch())
            .count());
    int height = 0, width = 0;
    getmaxyx(stdscr, height, width);
    const auto lines = RenderScreen(shown, options, width, height);
    erase();
    for (int y = 0; y < static_cast<int>(lines.size()) && y < height; ++y) {
      if (y == 0 || y == 4) attron(A_BOLD);
      mvaddstr(y, 0, lines[static_cast<std::size_t>(y)].c_str());
      if (y == 0 || y == 4) attroff(A_BOLD);
    }
    refresh();
    const int key = getch();
    if (key == 'q' || key == 'Q') break;
    if (key == 's') options.sort = NextSort(options.sort);
    if (key == 'f') options.filter = NextFilter(options.filter);
    if (key == 'p' || key == ' ') options.paused = !options.paused;
  }
  endwin();
}

}  // namespace bucket::client
