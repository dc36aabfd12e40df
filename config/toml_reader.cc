#include "config/toml_reader.h"

#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "config/units.h"

namespace bucket::config {
namespace {

const char* TypeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time: return "a date or time";
    default: return "nothing";
  }
}

}  // namespace

struct TomlReader::Document {
  toml::table root;
};

TomlReader::TomlReader(std::string source, std::unique_ptr<Document> doc, Status parse_status)
    : source_(std::move(source)), doc_(std::move(doc)) {
  if (!parse_status.ok()) errors_.push_back(parse_status.message());
}

TomlReader::TomlReader(TomlReader&&) noexcept = default;
TomlReader::~TomlReader() = default;

TomlReader TomlReader::FromFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return TomlReader(path, std::make_unique<Document>(),
                      Status::NotFound(path + ": cannot read the file"));
  }
  std::stringstream text;
  text << in.rdbuf();
  return FromString(text.str(), path);
}

TomlReader TomlReader::FromString(std::string_view text, std::string source_name) {
  try {
    auto doc = std::make_unique<Document>(Document{toml::parse(text, source_name)});
    return TomlReader(std::move(source_name), std::move(doc), Status::Ok());
  } catch (const toml::parse_error& e) {
    std::string message = source_name + ":" + std::to_string(e.source().begin.line) + ": " +
                          std::string(e.description());
    return TomlReader(std::move(source_name), std::make_unique<Document>(),
                      Status::InvalidArgument(std::move(message)));
  }
}

std::string TomlReader::Where(std::string_view key) const {
  const toml::node* node = doc_->root.at_path(key).node();
  if (node != nullptr && node->source().begin.line > 0) {
    return source_ + ":" + std::to_string(node->source().begin.line);
  }
  return source_;
}

void TomlReader::Error(std::string_view key, std::string message) {
  errors_.push_back(Where(key) + ": key '" + std::string(key) + "': " + message);
}

void TomlReader::Fail(std::string_view key, std::string message) {
  Error(key, std::move(message));
}

bool TomlReader::Has(std::string_view key) const {
  return doc_->root.at_path(key).node() != nullptr;
}

void TomlReader::String(std::string_view key, std::string* out) {
  known_.emplace(key);
  const toml::node* node = doc_->root.at_path(key).node();
  if (node == nullptr) return;
  if (auto value = node->value<std::string>()) {
    *out = *value;
  } else {
    Error(key, std::string("expected a string, got ") + TypeName(*node));
  }
}

void TomlReader::StringList(std::string_view key, std::vector<std::string>* out) {
  known_.emplace(key);
  const toml::node* node = doc_->root.at_path(key).node();
  if (node == nullptr) return;
  const toml::array* array = node->as_array();
  if (array == nullptr) {
    Error(key, std::string("expected an array of strings, got ") + TypeName(*node));
    return;
  }
  std::vector<std::string> values;
  for (const toml::node& element : *array) {
    auto value = element.value<std::string>();
    if (!value) {
      Error(key, std::string("expected an array of strings, found ") + TypeName(element));
      return;
    }
    values.push_back(*value);
  }
  *out = std::move(values);
}

void TomlReader::Int(std::string_view key, std::int64_t* out, std::int64_t min,
                     std::int64_t max) {
  known_.emplace(key);
  const toml::node* node = doc_->root.at_path(key).node();
  if (node == nullptr) return;
  if (!node->is_integer()) {
    Error(key, std::string("expected an integer, got ") + TypeName(*node));
    return;
  }
  const std::int64_t value = *node->value<std::int64_t>();
  if (value < min || value > max) {
    Error(key, std::to_string(value) + " is out of range [" + std::to_string(min) + ", " +
                   std::to_string(max) + "]");
    return;
  }
  *out = value;
}

void TomlReader::Bool(std::string_view key, bool* out) {
  known_.emplace(key);
  const toml::node* node = doc_->root.at_path(key).node();
  if (node == nullptr) return;
  if (!node->is_boolean()) {
    Error(key, std::string("expected true or false, got ") + TypeName(*node));
    return;
  }
  *out = *node->value<bool>();
}

void TomlReader::Double(std::string_view key, double* out, double min, double max) {
  known_.emplace(key);
  const toml::node* node = doc_->root.at_path(key).node();
  if (node == nullptr) return;
  double value = 0;
  if (node->is_floating_point()) {
    value = *node->value<double>();
  } else if (node->is_integer()) {
    value = static_cast<double>(*node->value<std::int64_t>());
  } else {
    Error(key, std::string("expected a number, got ") + TypeName(*node));
    return;
  }
  if (value < min || value > max) {
    Error(key, std::to_string(value) + " is out of range [" + std::to_string(min) + ", " +
                   std::to_string(max) + "]");
    return;
  }
  *out = value;
}

void TomlReader::Size(std::string_view key, std::uint64_t* out, std::uint64_t min,
                      std::uint64_t max) {
  known_.emplace(key);
  const toml::node* node = doc_->root.at_path(key).node();
  if (node == nullptr) return;
  std::uint64_t value = 0;
  if (node->is_integer() && *node->value<std::int64_t>() >= 0) {
    value = static_cast<std::uint64_t>(*node->value<std::int64_t>());
  } else if (auto text = node->value<std::string>()) {
    auto parsed = ParseSize(*text);
    if (!parsed.ok()) {
      Error(key, parsed.status().message());
      return;
    }
    value = *parsed;
  } else {
    Error(key, std::string("expected a size like \"64MiB\", got ") + TypeName(*node));
    return;
  }
  if (value < min || value > max) {
    Error(key, FormatSize(value) + " is out of range [" + FormatSize(min) + ", " +
                   FormatSize(max) + "]");
    return;
  }
  *out = value;
}

void TomlReader::Duration(std::string_view key, std::int64_t* out_ms, std::int64_t min_ms,
                          std::int64_t max_ms) {
  known_.emplace(key);
  const toml::node* node = doc_->root.at_path(key).node();
  if (node == nullptr) return;
  auto text = node->value<std::string>();
  if (!text || node->is_integer()) {
    Error(key, std::string("expected a duration like \"10s\", got ") + TypeName(*node));
    return;
  }
  auto parsed = ParseDuration(*text);
  if (!parsed.ok()) {
    Error(key, parsed.status().message());
    return;
  }
  if (*parsed < min_ms || *parsed > max_ms) {
    Error(key, FormatDuration(*parsed) + " is out of range [" + FormatDuration(min_ms) + ", " +
                   FormatDuration(max_ms) + "]");
    return;
  }
  *out_ms = *parsed;
}

void TomlReader::FindUnknownKeys(const void* opaque_table, const std::string& prefix) {
  const auto& table = *static_cast<const toml::table*>(opaque_table);
  for (const auto& [name, node] : table) {
    const std::string path = prefix.empty() ? std::string(name.str())
                                            : prefix + "." + std::string(name.str());
    if (known_.count(path) != 0) continue;
    if (const toml::table* inner = node.as_table()) {
      const auto next = known_.lower_bound(path + ".");
      const bool section_known = next != known_.end() && next->rfind(path + ".", 0) == 0;
      if (section_known) {
        FindUnknownKeys(inner, path);
        continue;
      }
      errors_.push_back(source_ + ":" + std::to_string(node.source().begin.line) +
                        ": unknown section [" + path + "]");
      continue;
    }
    errors_.push_back(source_ + ":" + std::to_string(node.source().begin.line) +
                      ": unknown key '" + path + "'");
  }
}

Status TomlReader::Finish() {
  if (errors_.empty()) FindUnknownKeys(&doc_->root, "");
  if (errors_.empty()) return Status::Ok();
  std::string message = errors_.front();
  if (errors_.size() > 1) {
    message += " (and " + std::to_string(errors_.size() - 1) + " more)";
  }
  return Status::InvalidArgument(std::move(message));
}

}  // namespace bucket::config
