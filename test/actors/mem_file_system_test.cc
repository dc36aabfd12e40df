#include "actors/storage/mem_file_system.h"

#include <catch2/catch.hpp>

#include "actors/storage/posix_file_system.h"

namespace bucket::storage {
namespace {

std::string ReadAll(FileSystem& fs, const std::string& path) {
  auto content = ReadWholeFile(fs, path);
  REQUIRE(content.ok());
  return *content;
}

void Write(File& file, std::uint64_t offset, const std::string& text) {
  REQUIRE(file.WriteAt(offset, text.data(), text.size()).ok());
}

TEST_CASE("mem fs: synced data and directory entries survive a crash", "[unit][storage]") {
  MemFileSystem fs;
  REQUIRE(fs.MakeDirs("/d").ok());
  auto file = fs.Open("/d/log", OpenMode::kCreate);
  REQUIRE(file.ok());
  Write(**file, 0, "durable");
  REQUIRE((*file)->Sync().ok());
  REQUIRE(fs.SyncDir("/d").ok());
  Write(**file, 7, "-lost");
  CHECK(ReadAll(fs, "/d/log") == "durable-lost");

  fs.Crash();
  CHECK(ReadAll(fs, "/d/log") == "durable");
  // The handle belonged to the crashed process.
  CHECK((*file)->Sync().code() == Code::kIoError);
}

TEST_CASE("mem fs: a file whose directory was never synced vanishes", "[unit][storage]") {
  MemFileSystem fs;
  REQUIRE(fs.MakeDirs("/d").ok());
  auto file = fs.Open("/d/new", OpenMode::kCreate);
  REQUIRE(file.ok());
  Write(**file, 0, "x");
  REQUIRE((*file)->Sync().ok());
  fs.Crash();
  CHECK_FALSE(fs.Exists("/d/new"));
}

TEST_CASE("mem fs: an unsynced rename is undone by a crash", "[unit][storage]") {
  MemFileSystem fs;
  REQUIRE(fs.MakeDirs("/d").ok());
  REQUIRE(WriteFileDurably(fs, "/d/a", "old").ok());
  {
    auto tmp = fs.Open("/d/b", OpenMode::kCreate);
    REQUIRE(tmp.ok());
    Write(**tmp, 0, "new");
    REQUIRE((*tmp)->Sync().ok());
  }
  REQUIRE(fs.Rename("/d/b", "/d/a").ok());
  CHECK(ReadAll(fs, "/d/a") == "new");
  fs.Crash();
  CHECK(ReadAll(fs, "/d/a") == "old");
}

TEST_CASE("mem fs: a torn crash keeps a prefix of the unsynced tail", "[unit][storage]") {
  std::mt19937_64 rng(7);
  int shorter = 0;
  for (int i = 0; i < 20; ++i) {
    MemFileSystem fs;
    REQUIRE(fs.MakeDirs("/d").ok());
    REQUIRE(WriteFileDurably(fs, "/d/log", "head").ok());
    auto file = fs.Open("/d/log", OpenMode::kReadWrite);
    REQUIRE(file.ok());
    Write(**file, 4, "0123456789");
    fs.Crash(rng, /*torn=*/true);
    const std::string after = ReadAll(fs, "/d/log");
    REQUIRE(after.size() >= 4);
    CHECK(std::string("head0123456789").rfind(after, 0) == 0);  // a prefix of what was written
    if (after.size() < 14) ++shorter;
  }
  CHECK(shorter > 0);
}

TEST_CASE("mem fs: a full disk says NoSpace and writes nothing", "[unit][storage]") {
  MemFileSystem fs(10);
  REQUIRE(fs.MakeDirs("/d").ok());
  auto file = fs.Open("/d/f", OpenMode::kCreate);
  REQUIRE(file.ok());
  Write(**file, 0, "12345678");
  const std::string more = "abcdef";
  CHECK((*file)->WriteAt(8, more.data(), more.size()).code() == Code::kNoSpace);
  CHECK(ReadAll(fs, "/d/f") == "12345678");
}

TEST_CASE("mem fs: EIO under a prefix, bit flips", "[unit][storage]") {
  MemFileSystem fs;
  REQUIRE(fs.MakeDirs("/disk1").ok());
  REQUIRE(fs.MakeDirs("/disk2").ok());
  auto a = fs.Open("/disk1/c", OpenMode::kCreate);
  auto b = fs.Open("/disk2/c", OpenMode::kCreate);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  fs.SetFailingPrefix("/disk1/");
  CHECK((*a)->WriteAt(0, "x", 1).code() == Code::kIoError);
  CHECK((*b)->WriteAt(0, "x", 1).ok());
  fs.ClearFailingPrefix();
  REQUIRE(fs.FlipBit("/disk2/c", 0, 0).ok());
  CHECK(ReadAll(fs, "/disk2/c") == "y");
}

TEST_CASE("posix fs: write, read, rename and list in a temporary folder", "[unit][storage]") {
  auto fs = NewPosixFileSystem();
  char pattern[] = "/tmp/bucket-fs-XXXXXX";
  REQUIRE(mkdtemp(pattern) != nullptr);
  const std::string dir = pattern;
  REQUIRE(fs->MakeDirs(dir + "/a/b").ok());
  REQUIRE(WriteFileDurably(*fs, dir + "/a/b/f", "hello").ok());
  CHECK(ReadAll(*fs, dir + "/a/b/f") == "hello");
  auto names = fs->List(dir + "/a/b");
  REQUIRE(names.ok());
  CHECK(*names == std::vector<std::string>{"f"});
  CHECK(fs->Open(dir + "/missing", OpenMode::kReadOnly).status().code() == Code::kNotFound);
  REQUIRE(fs->Remove(dir + "/a/b/f").ok());
  auto usage = fs->Usage(dir);
  REQUIRE(usage.ok());
  CHECK(usage->capacity_bytes > 0);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("posix fs: ReadAt reads what was written, fewer bytes only at the end", "[unit][storage]") {
  auto fs = NewPosixFileSystem();
  char pattern[] = "/tmp/bucket-fs-XXXXXX";
  REQUIRE(mkdtemp(pattern) != nullptr);
  const std::string dir = pattern;
  std::string content(3 * 4096 + 123, '\0');
  for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>(i * 7 + i / 251);
  auto file = fs->Open(dir + "/f", OpenMode::kCreate);
  REQUIRE(file.ok());
  REQUIRE((*file)->WriteAt(0, content.data(), content.size()).ok());
  std::string out(5000, '\0');
  auto read = (*file)->ReadAt(1000, out.data(), out.size());  // not on a page boundary
  REQUIRE(read.ok());
  CHECK(*read == 5000);
  CHECK(out == content.substr(1000, 5000));
  read = (*file)->ReadAt(4096 * 3, out.data(), 4096);  // asks past the end: gets up to it
  REQUIRE(read.ok());
  CHECK(*read == 123);
  CHECK(out.substr(0, 123) == content.substr(4096 * 3));
  read = (*file)->ReadAt(content.size() + 10, out.data(), 100);
  REQUIRE(read.ok());
  CHECK(*read == 0);
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace
}  // namespace bucket::storage
