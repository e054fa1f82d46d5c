// A hostile SMB2 peer on loopback for the runner's robustness test: it relays the first frames of each
// connection to a real server, then resets, stalls, sends garbage, declares oversized frames or floods interim
// responses.
//
//   hostile_server --mode reset|stall|garbage|oversized|interim|mixed [--upstream HOST:PORT]
//                  [--after N | --after-max N] [--seed S]
//
// Prints "listening 127.0.0.1:PORT" on stdout once it accepts connections and runs until SIGTERM/SIGINT.
// Per connection it relays N request frames (N fixed by --after, or drawn from [0, --after-max]) to the
// upstream server and copies everything the upstream answers; at the N+1-th request frame it turns hostile.
// "mixed" draws the behaviour per connection. With N = 0 no upstream is needed.
//
// Threading: the main thread accepts; each connection has its own thread, polling with a 20 ms period so that
// SIGTERM (an atomic flag) ends every thread promptly. Nothing is shared between connections but the flag,
// the counters (atomics) and the seed sequence (taken under a mutex).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "smbproto/framing.hpp"
#include "smbproto/messages.hpp"
#include "smbproto/status.hpp"

namespace {

using smb::wire::ByteView;
using smb::wire::Bytes;

enum class Mode { reset, stall, garbage, oversized, interim, mixed };
constexpr const char* kModeNames[] = {"reset", "stall", "garbage", "oversized", "interim", "mixed"};

std::atomic<bool> g_stop{false};
std::atomic<int> g_connections{0};
std::atomic<int> g_hostile[5];

void on_signal(int) { g_stop = true; }

struct Options {
  Mode mode = Mode::stall;
  std::string upstream_host;
  std::uint16_t upstream_port = 0;
  int after = 0;
  int after_max = -1;  // -1: use `after`
  unsigned seed = 1;
};

/** Sends everything or gives up when the peer is gone or we are stopping. */
bool send_all(int fd, const std::uint8_t* p, std::size_t n) {
  while (n > 0) {
    if (g_stop) return false;
    pollfd pf{fd, POLLOUT, 0};
    if (::poll(&pf, 1, 20) <= 0) continue;
    ssize_t k = ::send(fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (k < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return false;
    }
    p += k;
    n -= static_cast<std::size_t>(k);
  }
  return true;
}
bool send_all(int fd, const Bytes& b) { return send_all(fd, b.data(), b.size()); }

/** Reads what is available without blocking; false once the peer closed or reset. */
bool drain(int fd, Bytes* into) {
  for (;;) {
    std::uint8_t tmp[65536];
    ssize_t n = ::recv(fd, tmp, sizeof tmp, MSG_DONTWAIT);
    if (n > 0) {
      if (into) into->insert(into->end(), tmp, tmp + n);
      continue;
    }
    if (n == 0) return false;
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
  }
}

/** Waits up to `ms` for the client to send or close; false once it closed. Discards what it sends. */
bool client_alive(int fd, int ms) {
  pollfd pf{fd, POLLIN, 0};
  if (::poll(&pf, 1, ms) <= 0) return true;
  return drain(fd, nullptr);
}

int connect_upstream(const Options& o) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(o.upstream_port);
  ::inet_pton(AF_INET, o.upstream_host.c_str(), &a.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

/** The request header of a frame payload, or a zeroed one when it does not decode. */
smb::proto::Header request_header(ByteView payload) {
  smb::wire::Reader r(payload);
  auto h = smb::proto::decode_header(r);
  return h ? *h : smb::proto::Header{};
}

/** An interim response (MS-SMB2 3.3.4.2): ASYNC flag, STATUS_PENDING, the request's MessageId, an ERROR body. */
Bytes interim_for(const smb::proto::Header& req, std::uint64_t async_id) {
  smb::proto::Header h = req;
  h.flags = smb::proto::SMB2_FLAGS_SERVER_TO_REDIR | smb::proto::SMB2_FLAGS_ASYNC_COMMAND;
  h.status = smb::status::STATUS_PENDING.value;
  h.async_id = async_id;
  h.credit_request_response = 1;
  h.next_command = 0;
  h.signature = {};
  Bytes out;
  smb::proto::append_frame(out, smb::proto::encode_message(h, smb::proto::ResponseBody(smb::proto::ErrorResponse{})));
  return out;
}

/** One garbage reply: raw random bytes, a well-framed random payload, or a valid header with a random body. */
Bytes garbage_for(const smb::proto::Header& req, std::mt19937& rng) {
  std::uniform_int_distribution<int> byte(0, 255), len(1, 2048), kind(0, 2);
  Bytes body(static_cast<std::size_t>(len(rng)));
  for (auto& b : body) b = static_cast<std::uint8_t>(byte(rng));
  Bytes out;
  switch (kind(rng)) {
    case 0:
      return body;  // not even a stream header (first byte is usually not zero)
    case 1:
      smb::proto::append_frame(out, body);
      return out;
    default: {
      smb::proto::Header h = req;
      h.flags = smb::proto::SMB2_FLAGS_SERVER_TO_REDIR;
      h.status = static_cast<std::uint32_t>(rng());
      h.credit_request_response = static_cast<std::uint16_t>(rng());
      Bytes msg;
      smb::wire::Writer w(msg);
      smb::proto::encode(w, h);
      msg.insert(msg.end(), body.begin(), body.end());
      smb::proto::append_frame(out, msg);
      return out;
    }
  }
}

/** Acts out `mode` from the request `payload` on; returns when the client is gone or we stop. */
void turn_hostile(int cfd, Mode mode, ByteView payload, Bytes& pending, std::mt19937& rng) {
  ++g_hostile[static_cast<int>(mode)];
  switch (mode) {
    case Mode::reset: {
      linger l{1, 0};  // close with RST instead of FIN
      ::setsockopt(cfd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
      return;
    }
    case Mode::stall:
      while (!g_stop && client_alive(cfd, 20)) {
      }
      return;
    case Mode::garbage: {
      // Answer this and every later frame with garbage, until the client closes.
      smb::proto::Header h = request_header(payload);
      if (!send_all(cfd, garbage_for(h, rng))) return;
      Bytes buf = std::move(pending);
      while (!g_stop) {
        ByteView p;
        auto n = smb::proto::parse_frame(buf, p);
        if (n) {
          Bytes g = garbage_for(request_header(p), rng);
          buf.erase(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n));
          if (!send_all(cfd, g)) return;
          continue;
        }
        if (n.error() != smb::proto::errc::need_more) buf.clear();
        pollfd pf{cfd, POLLIN, 0};
        if (::poll(&pf, 1, 20) > 0 && !drain(cfd, &buf)) return;
      }
      return;
    }
    case Mode::oversized: {
      // Declare the largest frame the 24-bit length allows (MS-SMB2 2.1), then trickle its bytes forever:
      // the client must give up at its deadline, not wait for 16 MiB that arrive at 25 KiB/s.
      const std::uint8_t hdr[4] = {0x00, 0xFF, 0xFF, 0xFF};
      if (!send_all(cfd, hdr, sizeof hdr)) return;
      Bytes chunk(512);
      while (!g_stop) {
        for (auto& b : chunk) b = static_cast<std::uint8_t>(rng());
        if (!send_all(cfd, chunk)) return;
        if (!client_alive(cfd, 20)) return;
      }
      return;
    }
    case Mode::interim: {
      // Endless STATUS_PENDING interim responses for the request, as fast as the client reads them.
      Bytes one = interim_for(request_header(payload), rng());
      Bytes batch;
      for (int i = 0; i < 64; ++i) batch.insert(batch.end(), one.begin(), one.end());
      while (!g_stop) {
        if (!send_all(cfd, batch)) return;
        if (!drain(cfd, nullptr)) return;
      }
      return;
    }
    case Mode::mixed:
      return;  // resolved by the caller
  }
}

void serve(int cfd, Options o, unsigned conn_seed) {
  std::mt19937 rng(conn_seed);
  Mode mode = o.mode;
  if (mode == Mode::mixed) mode = static_cast<Mode>(std::uniform_int_distribution<int>(0, 4)(rng));
  int after = o.after_max >= 0 ? std::uniform_int_distribution<int>(0, o.after_max)(rng) : o.after;
  int ufd = -1;
  if (after > 0) {
    ufd = connect_upstream(o);
    if (ufd < 0) after = 0;
  }
  Bytes cbuf;
  int relayed = 0;
  bool done = false;
  while (!g_stop && !done) {
    // Relay complete request frames until the hostile one.
    for (;;) {
      ByteView p;
      auto n = smb::proto::parse_frame(cbuf, p);
      if (!n) {
        if (n.error() != smb::proto::errc::need_more) {
          done = true;  // the client sent a bad stream header: just hang up
        }
        break;
      }
      if (relayed < after) {
        if (!send_all(ufd, cbuf.data(), *n)) {
          done = true;
          break;
        }
        cbuf.erase(cbuf.begin(), cbuf.begin() + static_cast<std::ptrdiff_t>(*n));
        ++relayed;
        continue;
      }
      Bytes payload(p.begin(), p.end());
      Bytes rest(cbuf.begin() + static_cast<std::ptrdiff_t>(*n), cbuf.end());
      if (ufd >= 0) ::close(ufd);
      ufd = -1;
      turn_hostile(cfd, mode, payload, rest, rng);
      done = true;
      break;
    }
    if (done) break;
    pollfd pf[2] = {{cfd, POLLIN, 0}, {ufd, POLLIN, 0}};
    int np = ufd >= 0 ? 2 : 1;
    if (::poll(pf, np, 20) <= 0) continue;
    if (pf[0].revents && !drain(cfd, &cbuf)) break;
    if (np == 2 && pf[1].revents) {
      Bytes up;
      bool alive = drain(ufd, &up);
      if (!up.empty() && !send_all(cfd, up)) break;
      if (!alive) break;
    }
  }
  if (ufd >= 0) ::close(ufd);
  ::close(cfd);
}

[[noreturn]] void usage(const char* msg) {
  std::fprintf(stderr, "hostile_server: %s\nusage: hostile_server --mode reset|stall|garbage|oversized|interim|mixed "
                       "[--upstream HOST:PORT] [--after N | --after-max N] [--seed S]\n", msg);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value after " + a).c_str());
      return argv[++i];
    };
    if (a == "--mode") {
      std::string m = value();
      bool found = false;
      for (int k = 0; k < 6; ++k)
        if (m == kModeNames[k]) {
          o.mode = static_cast<Mode>(k);
          found = true;
        }
      if (!found) usage(("unknown mode " + m).c_str());
    } else if (a == "--upstream") {
      std::string v = value();
      auto colon = v.rfind(':');
      if (colon == std::string::npos) usage("--upstream wants HOST:PORT");
      o.upstream_host = v.substr(0, colon);
      o.upstream_port = static_cast<std::uint16_t>(std::atoi(v.c_str() + colon + 1));
    } else if (a == "--after") {
      o.after = std::atoi(value().c_str());
    } else if (a == "--after-max") {
      o.after_max = std::atoi(value().c_str());
    } else if (a == "--seed") {
      o.seed = static_cast<unsigned>(std::strtoul(value().c_str(), nullptr, 10));
    } else {
      usage(("unknown argument " + a).c_str());
    }
  }
  if ((o.after > 0 || o.after_max > 0) && o.upstream_port == 0) usage("--after/--after-max need --upstream");

  struct sigaction sa{};
  sa.sa_handler = on_signal;
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  int lfd = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(lfd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(lfd, 256) != 0) {
    std::perror("hostile_server: bind/listen");
    return 1;
  }
  socklen_t len = sizeof a;
  ::getsockname(lfd, reinterpret_cast<sockaddr*>(&a), &len);
  std::printf("listening 127.0.0.1:%u\n", ntohs(a.sin_port));
  std::fflush(stdout);

  std::seed_seq seq{o.seed};
  std::mt19937 seeds(seq);
  std::vector<std::thread> threads;
  while (!g_stop) {
    pollfd pf{lfd, POLLIN, 0};
    if (::poll(&pf, 1, 50) <= 0) continue;
    int cfd = ::accept(lfd, nullptr, nullptr);
    if (cfd < 0) continue;
    ++g_connections;
    threads.emplace_back(serve, cfd, o, static_cast<unsigned>(seeds()));
  }
  for (auto& t : threads) t.join();
  ::close(lfd);
  std::fprintf(stderr, "hostile_server: %d connections; hostile: reset=%d stall=%d garbage=%d oversized=%d interim=%d\n",
               g_connections.load(), g_hostile[0].load(), g_hostile[1].load(), g_hostile[2].load(),
               g_hostile[3].load(), g_hostile[4].load());
  return 0;
}
