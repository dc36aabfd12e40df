#include "actors/master/directory.h"

#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "actors/master/chunk_list.h"
#include "actors/master/replica_list.h"

namespace bucket::master {
namespace {

using Model = std::map<std::string, InodeId>;

std::vector<std::pair<std::string, InodeId>> ListAfter(const Directory& dir,
                                                       std::string_view after,
                                                       std::size_t limit = SIZE_MAX) {
  std::vector<std::pair<std::string, InodeId>> out;
  dir.ForEachAfter(after, [&](const Directory::Entry& e) {
    if (out.size() == limit) return false;
    out.emplace_back(e.name.view(), e.id);
    return true;
  });
  return out;
}

std::vector<std::pair<std::string, InodeId>> ListAfter(const Model& model, const std::string& after,
                                                       std::size_t limit = SIZE_MAX) {
  std::vector<std::pair<std::string, InodeId>> out;
  for (auto it = after.empty() ? model.begin() : model.upper_bound(after);
       it != model.end() && out.size() < limit; ++it) {
    out.emplace_back(it->first, it->second);
  }
  return out;
}

TEST_CASE("directory: agrees with a sorted map through random adds, removals and listings",
          "[unit][master]") {
  std::mt19937_64 rng(11);
  Directory dir;
  Model model;
  // Few distinct names, so that adds hit existing names and removals find them;
  // many operations, so that pages fill, split and empty out.
  auto name = [&] { return "n" + std::to_string(rng() % 3000); };
  for (int step = 0; step < 30000; ++step) {
    const std::string n = name();
    switch (rng() % 4) {
      case 0:
      case 1: {
        const InodeId id = rng() % 100000;
        dir.Set(n, id);
        model[n] = id;
        break;
      }
      case 2:
        CHECK(dir.Erase(n) == (model.erase(n) == 1));
        break;
      default: {
        auto found = dir.Find(n);
        auto expected = model.find(n);
        REQUIRE(found.has_value() == (expected != model.end()));
        if (found) CHECK(*found == expected->second);
      }
    }
    REQUIRE(dir.size() == model.size());
    if (step % 1000 == 0) {
      REQUIRE(ListAfter(dir, "") == ListAfter(model, ""));
      const std::string after = name();
      CHECK(ListAfter(dir, after, 300) == ListAfter(model, after, 300));
    }
  }
  CHECK(ListAfter(dir, "") == ListAfter(model, ""));
  CHECK(ListAfter(dir, "zzz").empty());
}

TEST_CASE("directory: names added in order, many pages of them", "[unit][master]") {
  Directory dir;
  Model model;
  for (int i = 0; i < 5000; ++i) {
    char text[16];
    std::snprintf(text, sizeof(text), "f%06d", i);
    dir.Set(text, static_cast<InodeId>(i));
    model[text] = static_cast<InodeId>(i);
  }
  CHECK(ListAfter(dir, "") == ListAfter(model, ""));
  CHECK(ListAfter(dir, "f002599", 3) == ListAfter(model, "f002599", 3));
  CHECK(*dir.Find("f004999") == 4999);
  for (int i = 0; i < 5000; i += 2) {
    char text[16];
    std::snprintf(text, sizeof(text), "f%06d", i);
    REQUIRE(dir.Erase(text));
    model.erase(text);
  }
  CHECK(dir.size() == 2500);
  CHECK(ListAfter(dir, "") == ListAfter(model, ""));
  CHECK_FALSE(dir.Find("f000000"));
  CHECK_FALSE(dir.Erase("f000000"));
}

TEST_CASE("directory: names short and long keep their bytes through copies and moves",
          "[unit][master]") {
  std::vector<std::string> names;
  for (std::size_t length : {1, 14, 15, 16, 17, 100, 255}) {
    for (char c : {'a', 'b'}) names.push_back(std::string(length, c));
  }
  names.push_back(std::string("with\0nul", 8));
  Directory dir;
  InodeId id = 1;
  for (const auto& name : names) dir.Set(name, id++);
  id = 1;
  for (const auto& name : names) {
    INFO("length " << name.size());
    auto found = dir.Find(name);
    REQUIRE(found.has_value());
    CHECK(*found == id++);
  }
  EntryName original(std::string(200, 'q'));
  EntryName copy = original;
  EntryName moved = std::move(copy);
  CHECK(original.view() == std::string(200, 'q'));
  CHECK(moved.view() == std::string(200, 'q'));
  EntryName short_one("abc");
  moved = short_one;
  CHECK(moved.view() == "abc");
  CHECK(EntryName().view().empty());
}

TEST_CASE("chunk list: grows one handle at a time, copies, and compares", "[unit][master]") {
  ChunkList list;
  CHECK(list.empty());
  CHECK(list.begin() == list.end());
  std::vector<ChunkHandle> model;
  for (ChunkHandle h = 100; h < 1100; ++h) {
    list.push_back(h);
    model.push_back(h);
    REQUIRE(list.size() == model.size());
    REQUIRE(list.back() == h);
  }
  CHECK(list == model);
  ChunkList copy = list;
  copy[5] = 7;
  CHECK(list[5] == 105);  // a copy shares nothing
  CHECK(copy[5] == 7);
  CHECK(ChunkList(model).ToVector() == model);
  ChunkList empty_copy = ChunkList(std::vector<ChunkHandle>{});
  CHECK(empty_copy.empty());
}

TEST_CASE("replica list: three in place, more on the heap, removals and copies",
          "[unit][master]") {
  ReplicaList list;
  CHECK(list.empty());
  for (NodeIndex n = 0; n < 7; ++n) {
    list.push_back({n, 100 + n});
    REQUIRE(list.size() == n + 1);
    for (NodeIndex k = 0; k <= n; ++k) {
      REQUIRE(list[k].node == k);
      REQUIRE(std::uint64_t{list[k].version} == 100 + k);  // a copy: the field is packed
    }
  }
  ReplicaList copy = list;
  CHECK(list.RemoveIf([](const Replica& r) { return r.node % 2 == 0; }) == 4);
  REQUIRE(list.size() == 3);
  CHECK(list[0].node == 1);
  CHECK(list[1].node == 3);
  CHECK(list[2].node == 5);
  CHECK(copy.size() == 7);  // the copy kept its own
  for (Replica& r : copy) r.version = 1;
  CHECK(std::uint64_t{list[0].version} == 101);
  copy = list;
  CHECK(copy.size() == 3);
  CHECK(copy[2].node == 5);
  CHECK(copy.RemoveIf([](const Replica&) { return true; }) == 3);
  CHECK(copy.empty());
  copy.push_back({9, 9});
  CHECK(copy[0].node == 9);
}

}  // namespace
}  // namespace bucket::master
