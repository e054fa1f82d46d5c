// Leveled stderr logging for the reference server.
#include "smbserver/log.hpp"

namespace smb::server {

LogLevel& log_threshold() {
  static LogLevel level = LogLevel::warn;
  return level;
}

bool parse_log_level(std::string_view text, LogLevel& out) {
  if (text == "error") out = LogLevel::error;
  else if (text == "warn") out = LogLevel::warn;
  else if (text == "info") out = LogLevel::info;
  else if (text == "debug") out = LogLevel::debug;
  else return false;
  return true;
}

void log_line(LogLevel level, const std::string& message) {
  static constexpr const char* kNames[] = {"error", "warn", "info", "debug"};
  std::cerr << "smbconform-server: " << kNames[static_cast<int>(level)] << ": " << message << '\n';
}

}  // namespace smb::server
