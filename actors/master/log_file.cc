#include "actors/master/log_file.h"

#include <cstring>

#include "actors/core/crc32c.h"

namespace bucket::master {
namespace {

void PutU32(char* out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((value >> (8 * i)) & 0xFF);
}

std::uint32_t GetU32(const char* in) {
  std::uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value |= static_cast<std::uint32_t>(static_cast<unsigned char>(in[i])) << (8 * i);
  return value;
}

// True if a whole, valid frame starts at `pos`; sets `length`.
bool ValidFrameAt(const std::string& bytes, std::size_t pos, std::uint32_t* length) {
  if (bytes.size() - pos < kFrameHeaderBytes) return false;
  *length = GetU32(bytes.data() + pos);
  if (*length > kFrameBytesMax || bytes.size() - pos - kFrameHeaderBytes < *length) return false;
  const std::uint32_t stored = GetU32(bytes.data() + pos + 4);
  std::uint32_t crc = Crc32c(bytes.data() + pos, 4);
  crc = Crc32cExtend(crc, bytes.data() + pos + kFrameHeaderBytes, *length);
  return crc == stored;
}

// The offset of the next valid frame after a bad one at `bad`, or npos. A frame
// is at most kFrameBytesMax long, so looking that far is enough.
std::size_t NextValidFrame(const std::string& bytes, std::size_t bad) {
  const std::size_t limit = std::min(bytes.size(), bad + kFrameHeaderBytes + kFrameBytesMax + 1);
  std::uint32_t length = 0;
  for (std::size_t pos = bad + 1; pos < limit; ++pos) {
    if (ValidFrameAt(bytes, pos, &length)) return pos;
  }
  return std::string::npos;
}

}  // namespace

Result<std::unique_ptr<FramedWriter>> FramedWriter::Create(storage::FileSystem& fs,
                                                           const std::string& path,
                                                           std::string_view magic) {
  auto file = fs.Open(path, storage::OpenMode::kTruncate);
  if (!file.ok()) return file.status();
  char header[kFileHeaderBytes] = {};
  std::memcpy(header, magic.data(), 8);
  PutU32(header + 8, kLogFormatVersion);
  BUCKET_RETURN_IF_ERROR((*file)->WriteAt(0, header, sizeof(header)));
  return std::unique_ptr<FramedWriter>(
      new FramedWriter(std::shared_ptr<storage::File>(std::move(*file)), path, kFileHeaderBytes));
}

Status FramedWriter::Append(std::string_view payload) {
  if (payload.size() > kFrameBytesMax) {
    return Status::InvalidArgument("record of " + std::to_string(payload.size()) +
                                   " bytes is above the frame limit");
  }
  std::string frame(kFrameHeaderBytes + payload.size(), '\0');
  PutU32(frame.data(), static_cast<std::uint32_t>(payload.size()));
  std::memcpy(frame.data() + kFrameHeaderBytes, payload.data(), payload.size());
  std::uint32_t crc = Crc32c(frame.data(), 4);
  crc = Crc32cExtend(crc, payload.data(), payload.size());
  PutU32(frame.data() + 4, crc);
  BUCKET_RETURN_IF_ERROR(file_->WriteAt(size_, frame.data(), frame.size()));
  size_ += frame.size();
  return Status::Ok();
}

Result<FramedContents> ReadFramedFile(storage::FileSystem& fs, const std::string& path,
                                      std::string_view magic, bool is_last_file,
                                      bool skip_corrupt) {
  auto bytes = storage::ReadWholeFile(fs, path);
  if (!bytes.ok()) return bytes.status();
  const std::string& data = *bytes;
  FramedContents contents;
  if (data.size() < kFileHeaderBytes) {
    if (is_last_file) {  // created, then the header itself was torn
      contents.torn_tail = true;
      contents.good_end = 0;
      return contents;
    }
    return Status::Corruption(path + ": shorter than its header");
  }
  if (data.compare(0, 8, magic.data(), 8) != 0) {
    return Status::Corruption(path + ": not a Bucket " +
                              std::string(magic == kOplogMagic ? "log segment" : "checkpoint"));
  }
  const std::uint32_t version = GetU32(data.data() + 8);
  if (version > kLogFormatVersion) {
    return Status::Corruption(path + ": format version " + std::to_string(version) +
                              " is newer than this master's " +
                              std::to_string(kLogFormatVersion) + "; upgrade Bucket to read it");
  }
  std::size_t pos = kFileHeaderBytes;
  contents.good_end = pos;
  while (pos < data.size()) {
    std::uint32_t length = 0;
    if (ValidFrameAt(data, pos, &length)) {
      contents.payloads.emplace_back(data, pos + kFrameHeaderBytes, length);
      pos += kFrameHeaderBytes + length;
      contents.good_end = pos;
      continue;
    }
    const std::size_t next = NextValidFrame(data, pos);
    if (next == std::string::npos && is_last_file) {
      contents.torn_tail = true;
      return contents;
    }
    const std::string where = path + " at offset " + std::to_string(pos) + " (record " +
                              std::to_string(contents.payloads.size() + 1) + ")";
    if (!skip_corrupt) {
      return Status::Corruption("corrupt record in the middle of " + where +
                                "; start with --recover-skip to skip it");
    }
    contents.skipped.push_back(where);
    if (next == std::string::npos) return contents;
    pos = next;
  }
  return contents;
}

}  // namespace bucket::master
