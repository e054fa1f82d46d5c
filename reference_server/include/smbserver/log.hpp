// Minimal leveled logging to stderr for the reference server (stdout is reserved for the ready lines).
#pragma once

#include <iostream>
#include <sstream>
#include <string>
#include <string_view>

namespace smb::server {

enum class LogLevel { error = 0, warn = 1, info = 2, debug = 3 };

/** Process-wide threshold; messages above it are dropped. Set once at start-up. */
LogLevel& log_threshold();
/** "error" / "warn" / "info" / "debug" -> level; false for anything else. */
bool parse_log_level(std::string_view text, LogLevel& out);
/** Writes one line "smbconform-server: <level>: <message>" to stderr. */
void log_line(LogLevel level, const std::string& message);

template <class... Args>
void log(LogLevel level, const Args&... args) {
  if (static_cast<int>(level) > static_cast<int>(log_threshold())) return;
  std::ostringstream os;
  (os << ... << args);
  log_line(level, os.str());
}

}  // namespace smb::server
