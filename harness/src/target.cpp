// Target URL parsing and the reference server's control-channel client.
#include "smbharness/target.hpp"

#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

#include "smbharness/error.hpp"

namespace smb::harness {

std::optional<int> lane_cpu(int lane) {
  // Read once, before any worker pins itself (worker 0 is the calling thread, whose mask pinning would narrow).
  static const std::vector<int> cpus = [] {
    std::vector<int> v;
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof set, &set) == 0)
      for (int c = 0; c < CPU_SETSIZE; ++c)
        if (CPU_ISSET(c, &set)) v.push_back(c);
    return v;
  }();
  if (cpus.empty() || lane < 0) return std::nullopt;
  return cpus[static_cast<std::size_t>(lane) % cpus.size()];
}

std::optional<security::Credentials> parse_user(const std::string& s) {
  auto colon = s.find(':');
  security::Credentials c;
  std::string user = colon == std::string::npos ? s : s.substr(0, colon);
  if (colon != std::string::npos) c.password = s.substr(colon + 1);
  auto bs = user.find('\\');
  if (bs == std::string::npos) bs = user.find(';');
  if (bs != std::string::npos) {
    c.domain = user.substr(0, bs);
    user = user.substr(bs + 1);
  }
  if (user.empty()) return std::nullopt;
  c.user = user;
  return c;
}

std::optional<Target> parse_target_url(const std::string& url, std::string& error) {
  const std::string scheme = "smb://";
  if (url.rfind(scheme, 0) != 0) {
    error = "target must be \"ref\" or smb://[user[:pass]@]host[:port]/share";
    return std::nullopt;
  }
  std::string rest = url.substr(scheme.size());
  Target t;
  auto at = rest.rfind('@');
  std::string userinfo;
  if (at != std::string::npos) {
    userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
  }
  auto slash = rest.find('/');
  if (slash == std::string::npos || slash + 1 >= rest.size()) {
    error = "target URL has no share: " + url;
    return std::nullopt;
  }
  std::string hostport = rest.substr(0, slash);
  t.share = rest.substr(slash + 1);
  if (!t.share.empty() && t.share.back() == '/') t.share.pop_back();
  auto colon = hostport.rfind(':');
  if (colon != std::string::npos && hostport.find(']') == std::string::npos) {
    try {
      int p = std::stoi(hostport.substr(colon + 1));
      if (p <= 0 || p > 65535) throw std::out_of_range("port");
      t.port = static_cast<std::uint16_t>(p);
    } catch (...) {
      error = "bad port in " + url;
      return std::nullopt;
    }
    hostport = hostport.substr(0, colon);
  }
  if (hostport.empty()) {
    error = "target URL has no host: " + url;
    return std::nullopt;
  }
  t.host = hostport;
  if (!userinfo.empty()) {
    auto c = parse_user(userinfo);
    if (!c) {
      error = "bad user in target URL";
      return std::nullopt;
    }
    t.user = *c;
  }
  t.display = "smb://" + (t.user.user.empty() ? "" : t.user.user + "@") + t.host + ":" + std::to_string(t.port) + "/" + t.share;
  return t;
}

Result<nlohmann::json> ControlClient::call(const nlohmann::json& request, Deadline deadline) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errc::connect_failed;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path_.size() >= sizeof addr.sun_path) {
    ::close(fd);
    return errc::connect_failed;
  }
  std::strcpy(addr.sun_path, path_.c_str());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return errc::connect_failed;
  }
  std::string line = request.dump() + "\n";
  std::size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::send(fd, line.data() + done, line.size() - done, MSG_NOSIGNAL);
    if (n <= 0) {
      ::close(fd);
      return errc::closed;
    }
    done += static_cast<std::size_t>(n);
  }
  std::string reply;
  for (;;) {
    auto nl = reply.find('\n');
    if (nl != std::string::npos) {
      reply.resize(nl);
      break;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      ::close(fd);
      return errc::timeout;
    }
    pollfd p{fd, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left));
    if (r == 0) {
      ::close(fd);
      return errc::timeout;
    }
    char buf[65536];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (!reply.empty()) break;
      ::close(fd);
      return errc::closed;
    }
    reply.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(reply);
  } catch (...) {
    last_error_ = "control reply is not JSON: " + reply.substr(0, 200);
    return errc::control_error;
  }
  if (!j.is_object() || !j.value("ok", false)) {
    last_error_ = j.is_object() && j.contains("error") ? j["error"].dump() : reply.substr(0, 200);
    return errc::control_error;
  }
  return j;
}

bool reference_quiet(const std::string& control_path, const std::vector<ClientBytes>& connections,
                     std::uint16_t watch, std::chrono::milliseconds window, Deadline deadline) {
  if (control_path.empty()) return false;
  const ClientBytes* w = nullptr;
  nlohmann::json ports = nlohmann::json::array();
  for (const auto& c : connections) {
    ports.push_back(c.port);
    if (c.port == watch) w = &c;
  }
  if (w == nullptr || w->buffered != 0) return false;  // a message already read is the caller's to report
  ControlClient cc(control_path);
  const nlohmann::json req{{"op", "quiesce"}, {"ports", std::move(ports)}};
  const auto window_end = Clock::now() + window;
  for (;;) {
    auto reply = cc.call(req, deadline);
    if (!reply) return false;
    bool settled = true;
    std::size_t i = 0;
    for (const auto& e : reply->value("connections", nlohmann::json::array())) {
      if (i >= connections.size()) return false;
      const ClientBytes& c = connections[i++];
      if (!e.value("found", false)) return false;  // closed, or not this server's: cannot tell
      if (e.value("received", std::uint64_t{0}) != c.sent) settled = false;  // our bytes still on their way
      if (c.port == watch) {
        std::uint64_t queued = e.value("queued", std::uint64_t{0}), written = e.value("written", std::uint64_t{0});
        if (written != queued) settled = false;                      // still writing to us
        else if (written != c.received) return false;                // bytes on their way to us: a message comes
      }
    }
    if (i != connections.size()) return false;
    if (settled) {
      const auto& next = (*reply)["next_timer_ms"];
      if (next.is_null()) return true;
      if (!next.is_number()) return false;
      // A server timer falls due inside the window (often another scenario's, at -j N): let it fire, then look
      // again. Whatever it sends to the watched connection then shows as written bytes not yet read (false above).
      auto due = Clock::now() + std::chrono::microseconds(static_cast<std::int64_t>(next.get<double>() * 1000.0) + 500);
      if (due >= window_end) return true;
      if (due > deadline) return false;
      std::this_thread::sleep_until(due);
      continue;
    }
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

}  // namespace smb::harness
