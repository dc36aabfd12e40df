#include "actors/master/namespace_tree.h"

#include <algorithm>
#include <catch2/catch.hpp>

namespace bucket::master {
namespace {

const FileDefaults kDefaults{3, 1 << 20};

Code CreateFile(NamespaceTree& tree, const std::string& path, bool overwrite = false,
                bool parents = false) {
  return tree.Create(path, 0, 0, overwrite, parents, 1, kDefaults).status().code();
}

std::vector<std::string> Names(const NamespaceTree& tree, const std::string& path) {
  auto listing = tree.List(path, "", 1000);
  REQUIRE(listing.ok());
  std::vector<std::string> names;
  for (const auto& e : listing->entries) names.push_back(e.name + (e.is_dir ? "/" : ""));
  return names;
}

TEST_CASE("namespace: mkdir, create and list, with every error", "[unit][master]") {
  NamespaceTree tree;
  CHECK(tree.Mkdir("/a", false, 1).ok());
  CHECK(tree.Mkdir("/a", false, 1).code() == Code::kAlreadyExists);
  CHECK(tree.Mkdir("/a", true, 1).ok());  // -p: an existing directory is fine
  CHECK(tree.Mkdir("/x/y", false, 1).code() == Code::kNotFound);
  CHECK(tree.Mkdir("/x/y/z", true, 1).ok());
  CHECK(CreateFile(tree, "/a/f") == Code::kOk);
  CHECK(CreateFile(tree, "/a/f") == Code::kAlreadyExists);
  CHECK(CreateFile(tree, "/a") == Code::kIsADirectory);
  CHECK(CreateFile(tree, "/a/f/g") == Code::kNotADirectory);
  CHECK(CreateFile(tree, "/nope/f") == Code::kNotFound);
  CHECK(CreateFile(tree, "/deep/er/f", false, true) == Code::kOk);
  CHECK(tree.Mkdir("/a/f", true, 1).code() == Code::kAlreadyExists);  // a file is there
  CHECK(tree.Mkdir("/a/f/sub", true, 1).code() == Code::kNotADirectory);
  CHECK(Names(tree, "/") == std::vector<std::string>{"a/", "deep/", "x/"});
  CHECK(Names(tree, "/a") == std::vector<std::string>{"f"});
  CHECK(Names(tree, "/a/f") == std::vector<std::string>{"f"});  // a file lists itself
  CHECK(tree.List("/missing", "", 10).status().code() == Code::kNotFound);
  CHECK(tree.file_count() == 2);
  CHECK(tree.directory_count() == 7);  // /, a, x, y, z, deep, er
  auto info = tree.Info(*tree.Lookup("/a/f"), "f");
  CHECK(info.replication == 3);
  CHECK(info.chunk_size == 1 << 20);
}

TEST_CASE("namespace: listing pages through large directories", "[unit][master]") {
  NamespaceTree tree;
  for (int i = 0; i < 25; ++i) {
    char name[16];
    std::snprintf(name, sizeof(name), "/f%02d", i);
    REQUIRE(CreateFile(tree, name) == Code::kOk);
  }
  auto first = tree.List("/", "", 10);
  REQUIRE(first.ok());
  CHECK(first->entries.size() == 10);
  CHECK(first->truncated);
  auto rest = tree.List("/", first->entries.back().name, 100);
  REQUIRE(rest.ok());
  CHECK(rest->entries.size() == 15);
  CHECK_FALSE(rest->truncated);
  CHECK(rest->entries.front().name == "f10");
}

TEST_CASE("namespace: delete goes to the trash, undelete brings it back", "[unit][master]") {
  NamespaceTree tree;
  REQUIRE(tree.Mkdir("/d", false, 1).ok());
  REQUIRE(CreateFile(tree, "/d/f") == Code::kOk);
  REQUIRE(tree.SetChunk(*tree.Lookup("/d/f"), 0, 77).ok());
  std::vector<ChunkHandle> freed;
  CHECK(tree.Delete("/d", false, false, 5, &freed).code() == Code::kDirectoryNotEmpty);
  CHECK(tree.Delete("/", true, false, 5, &freed).code() == Code::kInvalidArgument);
  CHECK(tree.Delete("/nope", false, false, 5, &freed).code() == Code::kNotFound);
  REQUIRE(tree.Delete("/d/f", false, false, 5, &freed).ok());
  CHECK(freed.empty());  // in the trash, its chunks still belong to it
  CHECK(tree.Lookup("/d/f").status().code() == Code::kNotFound);
  CHECK(tree.trash().size() == 1);
  REQUIRE(tree.Undelete("/d/f", 6).ok());
  CHECK(tree.Lookup("/d/f").ok());
  CHECK(tree.Undelete("/d/f", 6).code() == Code::kNotFound);
  // A new file at the path blocks the undelete of the old one.
  REQUIRE(tree.Delete("/d/f", false, false, 7, &freed).ok());
  REQUIRE(CreateFile(tree, "/d/f") == Code::kOk);
  CHECK(tree.Undelete("/d/f", 8).code() == Code::kAlreadyExists);
}

TEST_CASE("namespace: deleting what is already deleted frees it at once", "[unit][master]") {
  NamespaceTree tree;
  REQUIRE(CreateFile(tree, "/f") == Code::kOk);
  REQUIRE(tree.SetChunk(*tree.Lookup("/f"), 0, 5).ok());
  REQUIRE(tree.SetChunk(*tree.Lookup("/f"), 1, 6).ok());
  std::vector<ChunkHandle> freed;
  REQUIRE(tree.Delete("/f", false, false, 1, &freed).ok());
  CHECK(freed.empty());
  REQUIRE(tree.Delete("/f", false, false, 2, &freed).ok());
  CHECK(freed == std::vector<ChunkHandle>{5, 6});
  CHECK(tree.trash().empty());
  CHECK(tree.file_count() == 0);
}

TEST_CASE("namespace: a recursive delete and purge free every chunk below", "[unit][master]") {
  NamespaceTree tree;
  REQUIRE(CreateFile(tree, "/t/a/f1", false, true) == Code::kOk);
  REQUIRE(CreateFile(tree, "/t/b/f2", false, true) == Code::kOk);
  REQUIRE(tree.SetChunk(*tree.Lookup("/t/a/f1"), 0, 1).ok());
  REQUIRE(tree.SetChunk(*tree.Lookup("/t/b/f2"), 0, 2).ok());
  std::vector<ChunkHandle> freed;
  REQUIRE(tree.Delete("/t", true, true, 1, &freed).ok());
  std::sort(freed.begin(), freed.end());
  CHECK(freed == std::vector<ChunkHandle>{1, 2});
  CHECK(tree.file_count() == 0);
  CHECK(tree.directory_count() == 1);
}

TEST_CASE("namespace: rename files and directories, atomically, with its errors",
          "[unit][master]") {
  NamespaceTree tree;
  REQUIRE(CreateFile(tree, "/a/f", false, true) == Code::kOk);
  REQUIRE(CreateFile(tree, "/b/g", false, true) == Code::kOk);
  CHECK(tree.Rename("/a/f", "/b/g", false, 2).code() == Code::kAlreadyExists);
  CHECK(tree.Rename("/a/f", "/nodir/f", false, 2).code() == Code::kNotFound);
  CHECK(tree.Rename("/missing", "/c", false, 2).code() == Code::kNotFound);
  CHECK(tree.Rename("/a", "/a/inside", false, 2).code() == Code::kInvalidArgument);
  CHECK(tree.Rename("/a/f", "/b", true, 2).code() == Code::kIsADirectory);
  CHECK(tree.Rename("/a", "/b/g", true, 2).code() == Code::kNotADirectory);
  REQUIRE(tree.Rename("/a/f", "/b/g", true, 2).ok());  // the old /b/g goes to the trash
  CHECK(tree.trash().size() == 1);
  CHECK(tree.Lookup("/a/f").status().code() == Code::kNotFound);
  REQUIRE(tree.Rename("/b", "/a/b2", false, 3).ok());  // a whole directory
  CHECK(tree.Lookup("/a/b2/g").ok());
  CHECK(tree.Rename("/a", "/a", false, 3).ok());
  REQUIRE(CreateFile(tree, "/x/y", false, true) == Code::kOk);
  CHECK(tree.Rename("/a", "/x", true, 3).code() == Code::kDirectoryNotEmpty);
}

TEST_CASE("namespace: overwrite puts the old file in the trash", "[unit][master]") {
  NamespaceTree tree;
  REQUIRE(CreateFile(tree, "/f") == Code::kOk);
  const InodeId old_id = *tree.Lookup("/f");
  REQUIRE(CreateFile(tree, "/f", true) == Code::kOk);
  CHECK(*tree.Lookup("/f") != old_id);
  CHECK(tree.trash().size() == 1);
}

TEST_CASE("paths: validation rules", "[unit][master]") {
  CHECK(ValidatePath("/").ok());
  CHECK(ValidatePath("/a/b.c/d-e").ok());
  CHECK(ValidatePath("").code() == Code::kInvalidPath);
  CHECK(ValidatePath("a/b").code() == Code::kInvalidPath);
  CHECK(ValidatePath("/a//b").code() == Code::kInvalidPath);
  CHECK(ValidatePath("/a/").code() == Code::kInvalidPath);
  CHECK(ValidatePath("/a/./b").code() == Code::kInvalidPath);
  CHECK(ValidatePath("/a/../b").code() == Code::kInvalidPath);
  CHECK(ValidatePath(std::string("/a\0b", 4)).code() == Code::kInvalidPath);
  CHECK(ValidatePath("/" + std::string(256, 'x')).code() == Code::kInvalidPath);
  CHECK(ValidatePath("/" + std::string(255, 'x')).ok());
  std::string long_path;
  while (long_path.size() <= 4096) long_path += "/abcdefgh";
  CHECK(ValidatePath(long_path).code() == Code::kInvalidPath);
  CHECK(*ResolvePath("/a/b", "../c") == "/a/c");
  CHECK(*ResolvePath("/a", "./x//y/") == "/a/x/y");
  CHECK(*ResolvePath("/a", "/z") == "/z");
  CHECK(*ResolvePath("/", "..") == "/");
}

TEST_CASE("namespace: a snapshot copies a tree whose files share the chunks", "[unit][master]") {
  NamespaceTree tree;
  REQUIRE(CreateFile(tree, "/src/a", false, true) == Code::kOk);
  REQUIRE(CreateFile(tree, "/src/sub/b", false, true) == Code::kOk);
  const InodeId a = *tree.Lookup("/src/a");
  const InodeId b = *tree.Lookup("/src/sub/b");
  REQUIRE(tree.SetChunk(a, 0, 11).ok());
  REQUIRE(tree.SetChunk(a, 1, 12).ok());
  REQUIRE(tree.SetChunk(b, 0, 21).ok());
  REQUIRE(tree.ExtendSize(a, 1500).ok());
  std::vector<ChunkHandle> shared;
  REQUIRE(tree.Snapshot("/src", "/snaps/one", /*parents=*/true, 5, &shared).ok());
  std::sort(shared.begin(), shared.end());
  CHECK(shared == std::vector<ChunkHandle>{11, 12, 21});
  CHECK(Names(tree, "/snaps/one") == std::vector<std::string>{"a", "sub/"});
  const Inode* copy = tree.Find(*tree.Lookup("/snaps/one/a"));
  CHECK(copy->chunks == std::vector<ChunkHandle>{11, 12});
  CHECK(copy->size == 1500);
  CHECK(tree.Find(*tree.Lookup("/snaps/one/sub/b"))->chunks == std::vector<ChunkHandle>{21});
  // A file alone, and every error.
  shared.clear();
  CHECK(tree.Snapshot("/src/a", "/a2", false, 5, &shared).ok());
  CHECK(shared == std::vector<ChunkHandle>{11, 12});
  CHECK(tree.Snapshot("/src", "/src/inside", false, 5, &shared).code() == Code::kInvalidArgument);
  CHECK(tree.Snapshot("/src", "/a2", false, 5, &shared).code() == Code::kAlreadyExists);
  CHECK(tree.Snapshot("/src", "/no/such", false, 5, &shared).code() == Code::kNotFound);
  CHECK(tree.Snapshot("/missing", "/m", false, 5, &shared).code() == Code::kNotFound);
  CHECK(tree.Snapshot("/src", "/a2/x", false, 5, &shared).code() == Code::kNotADirectory);
  // Copy-on-write points one file at its own copy; the other keeps the original.
  const InodeId a2 = *tree.Lookup("/a2");
  CHECK(tree.ReplaceChunk(a2, 0, 12, 99).code() == Code::kInvalidArgument);
  REQUIRE(tree.ReplaceChunk(a2, 0, 11, 99).ok());
  CHECK(tree.Find(a2)->chunks == std::vector<ChunkHandle>{99, 12});
  CHECK(tree.Find(a)->chunks == std::vector<ChunkHandle>{11, 12});
}

}  // namespace
}  // namespace bucket::master
