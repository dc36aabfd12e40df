// TomlReader: reads typed settings out of a TOML file and says precisely what
// is wrong with it.
//
// Each getter names a dotted key ("network.rpc") and leaves the output at its
// default when the key is absent. A wrong type, an out-of-range value or a key
// no getter asked for is an error naming the file, the line and the key, e.g.
//   master.toml:12: key 'lease.duration': expected a duration like "60s", got an integer
// Finish() reports the first error (and how many more there were).
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "messages/status.h"

namespace bucket::config {

class TomlReader {
 public:
  static TomlReader FromFile(const std::string& path);
  static TomlReader FromString(std::string_view text, std::string source_name);
  TomlReader(TomlReader&&) noexcept;
  ~TomlReader();

  void String(std::string_view key, std::string* out);
  void StringList(std::string_view key, std::vector<std::string>* out);
  void Int(std::string_view key, std::int64_t* out, std::int64_t min, std::int64_t max);
  void Bool(std::string_view key, bool* out);
  void Double(std::string_view key, double* out, double min, double max);
  void Size(std::string_view key, std::uint64_t* out, std::uint64_t min, std::uint64_t max);
  void Duration(std::string_view key, std::int64_t* out_ms, std::int64_t min_ms,
                std::int64_t max_ms);
  // Records a problem with `key` found by a rule over several settings.
  void Fail(std::string_view key, std::string message);

  bool Has(std::string_view key) const;
  const std::string& source() const { return source_; }

  // The first error, or OK. Also reports keys that no getter asked for.
  Status Finish();

 private:
  struct Document;  // the parsed toml::table, kept out of this header

  TomlReader(std::string source, std::unique_ptr<Document> doc, Status parse_status);
  void Error(std::string_view key, std::string message);
  std::string Where(std::string_view key) const;
  void FindUnknownKeys(const void* table, const std::string& prefix);

  std::string source_;
  std::unique_ptr<Document> doc_;
  std::set<std::string, std::less<>> known_;
  std::vector<std::string> errors_;
};

}  // namespace bucket::config
