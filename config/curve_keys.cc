#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "config/security_config.h"
#include "messages/rights.h"

namespace bucket::config {
namespace {

constexpr std::size_t kZ85KeyLength = 40;

Result<std::string> ReadKeyFile(const std::string& path, const char* what, bool secret) {
  if (path.empty()) return Status::InvalidArgument(std::string("security.") + what + " is not set");
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Status::NotFound(std::string("security.") + what + ": cannot read " + path);
  }
  if (secret && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return Status::PermissionDenied(std::string("security.") + what + ": " + path +
                                    " is readable by others; chmod 600 it");
  }
  std::ifstream in(path);
  std::string key;
  in >> key;
  if (key.size() != kZ85KeyLength) {
    return Status::InvalidArgument(std::string("security.") + what + ": " + path +
                                   " does not hold a 40-character Z85 key");
  }
  return key;
}

Status ReadAllowList(const std::string& path, CurveKeys* keys) {
  if (path.empty()) return Status::InvalidArgument("security.allow_list is not set");
  std::ifstream in(path);
  if (!in) return Status::NotFound("security.allow_list: cannot read " + path);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string key, role, name;
    fields >> key >> role >> name;
    if (key.size() != kZ85KeyLength || !messages::ParseRole(role)) {
      return Status::InvalidArgument(path + ":" + std::to_string(number) +
                                     ": expected 'PUBLIC_KEY ROLE NAME' with ROLE one of "
                                     "master, chunkserver, admin, read-write, read-only, monitor");
    }
    keys->allowed[key] = role;
    keys->names[key] = name.empty() ? key.substr(0, 8) : name;
  }
  return Status::Ok();
}

}  // namespace

Result<CurveKeys> LoadCurveKeys(const SecurityConfig& security, bool server) {
  CurveKeys keys;
  if (!security.curve) return keys;
  keys.enabled = true;
  auto server_public = ReadKeyFile(security.server_public_key, "server_public_key", false);
  if (!server_public.ok()) return server_public.status();
  keys.server_public = *server_public;
  auto own_public = ReadKeyFile(security.public_key, "public_key", false);
  if (!own_public.ok()) return own_public.status();
  keys.public_key = *own_public;
  auto own_secret = ReadKeyFile(security.secret_key, "secret_key", true);
  if (!own_secret.ok()) return own_secret.status();
  keys.secret_key = *own_secret;
  if (server) {
    auto server_secret = ReadKeyFile(security.server_secret_key, "server_secret_key", true);
    if (!server_secret.ok()) return server_secret.status();
    keys.server_secret = *server_secret;
    BUCKET_RETURN_IF_ERROR(ReadAllowList(security.allow_list, &keys));
  }
  return keys;
}

}  // namespace bucket::config
