// Child-process helpers for the hardening programs and bench/: start smbconform-server and wait for its
// "listening HOST:PORT" line, kill it (SIGKILL or SIGTERM), and read its CPU time and resident memory from /proc.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace smb::hardening {

/** A started child process. */
struct Child {
  pid_t pid = -1;
  std::uint16_t port = 0;  ///< from its "listening 127.0.0.1:PORT" line (servers only)
};

/**
 * Starts `argv` with stdout on a pipe and stderr appended to `log_path` (or /dev/null), and waits up to
 * `timeout_ms` for a line "listening 127.0.0.1:PORT". Returns nullopt (and kills the child) when the program cannot
 * start, exits or never prints the line; `error` says which.
 */
inline std::optional<Child> start_server(const std::vector<std::string>& argv, const std::string& log_path,
                                         int timeout_ms, std::string& error) {
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) {
    error = "pipe failed";
    return std::nullopt;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_addopen(&fa, 2, log_path.empty() ? "/dev/null" : log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(out[1]);
  if (rc != 0) {
    ::close(out[0]);
    error = "cannot start " + argv[0];
    return std::nullopt;
  }
  std::string text;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{out[0], POLLIN, 0};
    int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count());
    if (::poll(&p, 1, std::max(left, 1)) <= 0) continue;
    char buf[512];
    ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    auto at = text.find("listening 127.0.0.1:");
    if (at != std::string::npos && text.find('\n', at) != std::string::npos) {
      ::close(out[0]);  // the server writes nothing else on stdout that we need
      return Child{pid, static_cast<std::uint16_t>(std::stoi(text.substr(at + 20)))};
    }
  }
  ::close(out[0]);
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  error = argv[0] + " did not print its listening line; stdout: " + text;
  return std::nullopt;
}

/** Sends `sig` and reaps the child. Returns its exit status, 128 + signal when killed, -1 when not running. */
inline int stop(Child& c, int sig = SIGTERM) {
  if (c.pid <= 0) return -1;
  ::kill(c.pid, sig);
  int st = 0;
  ::waitpid(c.pid, &st, 0);
  c.pid = -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/**
 * The contents of a /proc file; "" when it cannot be read. A process can exit between open() and read(), and then
 * read() fails with ESRCH, which std::ifstream turns into an exception from inside its buffer (runner_bench died of
 * it sampling a reference server as it exited): so plain open/read.
 */
inline std::string read_proc(const std::string& path) {
  std::string out;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return out;
}

/** utime + stime of `pid` in seconds (/proc/PID/stat fields 14 and 15); with `children`, plus cutime + cstime. */
inline double cpu_seconds(pid_t pid, bool children = false) {
  std::string s = read_proc("/proc/" + std::to_string(pid) + "/stat");
  auto close = s.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream in(s.substr(close + 2));
  std::vector<std::string> fields;
  std::string x;
  while (in >> x) fields.push_back(x);
  // fields[0] is field 3 (state); utime is field 14 -> index 11.
  if (fields.size() < 15) return 0;
  double ticks = std::stod(fields[11]) + std::stod(fields[12]);
  if (children) ticks += std::stod(fields[13]) + std::stod(fields[14]);
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

/** VmRSS of `pid` in KiB (/proc/PID/status); 0 when gone. */
inline long rss_kib(pid_t pid) {
  std::istringstream f(read_proc("/proc/" + std::to_string(pid) + "/status"));
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

/**
 * Direct children of `pid`, whichever of its threads forked them (/proc/PID/task/TID/children lists the children of
 * one thread: the runner starts reference server variants from keeper threads).
 */
inline std::vector<pid_t> children_of(pid_t pid) {
  std::vector<pid_t> out;
  std::string tasks = "/proc/" + std::to_string(pid) + "/task";
  if (DIR* d = ::opendir(tasks.c_str())) {
    while (auto* e = ::readdir(d)) {
      if (e->d_name[0] == '.') continue;
      std::istringstream f(read_proc(tasks + "/" + e->d_name + "/children"));
      pid_t c;
      while (f >> c) out.push_back(c);
    }
    ::closedir(d);
  }
  return out;
}

/** Number of open file descriptors of `pid` (entries of /proc/PID/fd); -1 when unreadable. */
inline int fd_count(pid_t pid) {
  std::string dir = "/proc/" + std::to_string(pid) + "/fd";
  int n = 0;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (auto* e = ::readdir(d))
      if (e->d_name[0] != '.') ++n;
    ::closedir(d);
    return n;
  }
  return -1;
}

/**
 * How this machine's idle CPUs sleep, for the benchmarks' headers: the cpuidle driver and governor, and for the
 * guest haltpoll driver (virtual machines) how long an idle CPU polls before it halts. On a VM whose idle CPUs halt
 * at once (guest_halt_poll_ns 0), every wake-up of an idle CPU is a VM exit, and work that waits on round trips
 * between CPUs pays it twice per operation: on the 2-CPU VM of README "Performance", one-connection echo ran 3x
 * faster, at a third of the server CPU per operation, with guest_halt_poll_ns 200000.
 */
inline std::string cpuidle_summary() {
  auto first_line = [](const char* path) {
    std::ifstream f(path);
    std::string line;
    std::getline(f, line);
    return line;
  };
  std::string driver = first_line("/sys/devices/system/cpu/cpuidle/current_driver");
  if (driver.empty()) return "cpuidle: unknown";
  std::string out = "cpuidle: " + driver;
  out += " (governor " + first_line("/sys/devices/system/cpu/cpuidle/current_governor");
  if (std::string poll = first_line("/sys/module/haltpoll/parameters/guest_halt_poll_ns"); !poll.empty())
    out += ", guest_halt_poll_ns " + poll + (poll == "0" ? ": an idle CPU halts at once" : "");
  return out + ")";
}

}  // namespace smb::hardening
