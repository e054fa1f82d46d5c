// Issue 9: every receive path honours its deadline absolutely, whatever a misbehaving peer keeps sending.
// A tiny loopback peer per test trickles bytes, declares an oversized frame, floods interim responses or floods
// unrelated responses; the call under test must return its error (errc::timeout) instead of waiting for ever.
// These are correctness tests, not timing tests: the deadline is 300 ms and a call fails only if it has not
// returned after 10 s (it is then unblocked by closing the peer, so a regression fails instead of hanging).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <thread>

#include "harness/fake_server.hpp"
#include "smbharness/client.hpp"
#include "smbharness/error.hpp"
#include "smbharness/runner.hpp"
#include "smbharness/scenario_loader.hpp"
#include "smbharness/smb1_client.hpp"
#include "smbharness/transport.hpp"
#include "smbproto/framing.hpp"
#include "smbproto/messages.hpp"
#include "smbproto/smb1/messages.hpp"
#include "smbproto/status.hpp"

namespace smb::harness {
namespace {

using namespace std::chrono_literals;
constexpr auto kDeadline = 300ms;
constexpr auto kHangBound = 10s;

/** One-connection loopback peer: accepts one client and runs `act` on it until `act` returns or stop(). */
class Peer {
 public:
  using Act = std::function<void(int fd, const std::atomic<bool>& stop)>;
  explicit Peer(Act act) {
    lfd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(lfd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(lfd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(lfd_, 4);
    socklen_t len = sizeof a;
    ::getsockname(lfd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this, act = std::move(act)] {
      int fd = -1;
      while (!stop_ && fd < 0) {
        pollfd p{lfd_, POLLIN, 0};
        if (::poll(&p, 1, 20) > 0) fd = ::accept(lfd_, nullptr, nullptr);
      }
      if (fd < 0) return;
      act(fd, stop_);
      ::close(fd);  // closing unblocks a client that would otherwise still be waiting
    });
  }
  ~Peer() {
    stop();
    ::close(lfd_);
  }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::uint16_t port() const { return port_; }

 private:
  int lfd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

/** Sends all of `b` (non-blocking, 20 ms polls) unless stopped or the client is gone. */
bool send_all(int fd, wire::ByteView b, const std::atomic<bool>& stop) {
  std::size_t done = 0;
  while (done < b.size()) {
    if (stop) return false;
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    ssize_t n = ::send(fd, b.data() + done, b.size() - done, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

/** Reads one Direct TCP frame (MS-SMB2 2.1) from the client; empty when stopped or closed. */
wire::Bytes read_frame(int fd, wire::Bytes& buf, const std::atomic<bool>& stop) {
  for (;;) {
    wire::ByteView payload;
    auto n = proto::parse_frame(buf, payload);
    if (n) {
      wire::Bytes out(payload.begin(), payload.end());
      buf.erase(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n));
      return out;
    }
    if (stop || n.error() != proto::errc::need_more) return {};
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    std::uint8_t tmp[4096];
    ssize_t k = ::recv(fd, tmp, sizeof tmp, MSG_DONTWAIT);
    if (k == 0) return {};
    if (k > 0) buf.insert(buf.end(), tmp, tmp + k);
  }
}

/** Discards what the client sends meanwhile; false once it closed. */
bool client_alive(int fd) {
  std::uint8_t tmp[4096];
  ssize_t k = ::recv(fd, tmp, sizeof tmp, MSG_DONTWAIT);
  return k != 0;
}

wire::Bytes framed(const wire::Bytes& message) {
  wire::Bytes out;
  proto::append_frame(out, message);
  return out;
}

/** An SMB2 response to `req` (FakeServer::reply) as a framed message. */
wire::Bytes framed_response(const proto::Response& r) { return framed(proto::encode_message(r.header, r.body)); }

/** An interim response (MS-SMB2 3.3.4.2): ASYNC_COMMAND flag, STATUS_PENDING, non-zero AsyncId, ERROR body. */
wire::Bytes interim_for(const proto::Header& req) {
  proto::Header h = req;
  h.flags = proto::SMB2_FLAGS_SERVER_TO_REDIR | proto::SMB2_FLAGS_ASYNC_COMMAND;
  h.status = status::STATUS_PENDING.value;
  h.async_id = 0x1234;
  h.credit_request_response = 1;
  h.next_command = 0;
  return framed(proto::encode_message(h, proto::ResponseBody(proto::ErrorResponse{})));
}

/** Floods `unit` (repeated 64 times per write) until the client closes or the test stops the peer. */
void flood(int fd, const wire::Bytes& unit, const std::atomic<bool>& stop) {
  wire::Bytes batch;
  for (int i = 0; i < 64; ++i) batch.insert(batch.end(), unit.begin(), unit.end());
  while (!stop && client_alive(fd))
    if (!send_all(fd, batch, stop)) return;
}

/**
 * Runs `call` on its own thread. Fails the test if it has not returned after kHangBound, then stops the peer so the
 * call ends anyway (with errc::closed) and the test can finish.
 */
template <class F>
auto bounded(Peer& peer, F call) {
  auto fut = std::async(std::launch::async, std::move(call));
  if (fut.wait_for(kHangBound) != std::future_status::ready) {
    ADD_FAILURE() << "the call did not return within " << kHangBound.count() << " s of a "
                  << std::chrono::duration_cast<std::chrono::milliseconds>(kDeadline).count() << " ms deadline";
    peer.stop();
  }
  return fut.get();
}

// --- TcpTransport::receive_message --------------------------------------------------------------------------------

TEST(TransportDeadline, TrickledFrameTimesOut) {
  // A frame declaring 4096 bytes (MS-SMB2 2.1 stream header) whose bytes come one every 5 ms, for ever.
  Peer peer([](int fd, const std::atomic<bool>& stop) {
    const std::uint8_t hdr[4] = {0x00, 0x00, 0x10, 0x00};
    if (!send_all(fd, wire::ByteView(hdr, 4), stop)) return;
    const std::uint8_t one[1] = {0x42};
    while (!stop && client_alive(fd)) {
      if (!send_all(fd, wire::ByteView(one, 1), stop)) return;
      std::this_thread::sleep_for(5ms);
    }
  });
  auto t = TcpTransport::connect("127.0.0.1", peer.port(), deadline_in(5s));
  ASSERT_TRUE(t) << t.error().message();
  auto r = bounded(peer, [&] { return t->receive_message(deadline_in(kDeadline)); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), make_error_code(errc::timeout)) << r.error().message();
}

TEST(TransportDeadline, OversizedFrameStillArrivingTimesOut) {
  // The largest length the 24-bit field allows (MS-SMB2 2.1: 0xFFFFFF), its bytes streamed at ~4 MB/s: data keeps
  // arriving past the deadline, the frame completes only seconds later.
  Peer peer([](int fd, const std::atomic<bool>& stop) {
    const std::uint8_t hdr[4] = {0x00, 0xFF, 0xFF, 0xFF};
    if (!send_all(fd, wire::ByteView(hdr, 4), stop)) return;
    wire::Bytes chunk(4096, 0x5A);
    while (!stop && client_alive(fd)) {
      if (!send_all(fd, chunk, stop)) return;
      std::this_thread::sleep_for(1ms);
    }
  });
  auto t = TcpTransport::connect("127.0.0.1", peer.port(), deadline_in(5s));
  ASSERT_TRUE(t) << t.error().message();
  auto r = bounded(peer, [&] { return t->receive_message(deadline_in(kDeadline)); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), make_error_code(errc::timeout)) << r.error().message();
}

TEST(TransportDeadline, FrameAlreadyWaitingIsReturnedEvenWithAnExpiredDeadline) {
  // The deadline bounds waiting, not reading: a complete frame the peer sent earlier is still delivered.
  std::atomic<bool> sent{false};
  const wire::Bytes message{0xFE, 'S', 'M', 'B', 1, 2, 3};
  Peer peer([&](int fd, const std::atomic<bool>& stop) {
    if (!send_all(fd, framed(message), stop)) return;
    sent = true;
    while (!stop && client_alive(fd)) std::this_thread::sleep_for(5ms);
  });
  auto t = TcpTransport::connect("127.0.0.1", peer.port(), deadline_in(5s));
  ASSERT_TRUE(t) << t.error().message();
  for (int i = 0; i < 500 && !sent; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(sent);
  std::this_thread::sleep_for(50ms);
  auto r = t->receive_message(Clock::now() - 1ms);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, message);
}

// --- Client::wait_for (SMB2) --------------------------------------------------------------------------------------

/** A peer reading the client's first request and answering it with `reply(request)` (once or in a flood). */
Peer reacting_peer(std::function<void(int, const proto::Request&, const std::atomic<bool>&)> reply) {
  return Peer([reply = std::move(reply)](int fd, const std::atomic<bool>& stop) {
    wire::Bytes buf;
    wire::Bytes req = read_frame(fd, buf, stop);
    if (req.empty()) return;
    auto decoded = proto::decode_request(req);
    if (!decoded) return;
    reply(fd, *decoded, stop);
  });
}

TEST(ClientDeadline, EndlessInterimResponsesTimeOut) {
  // MS-SMB2 3.2.5.1.5: an interim response is not the final one; a server that sends only interims must still let
  // wait_for end at its deadline.
  auto peer = reacting_peer([](int fd, const proto::Request& req, const std::atomic<bool>& stop) {
    flood(fd, interim_for(req.header), stop);
  });
  auto c = Client::connect("127.0.0.1", peer.port(), deadline_in(5s));
  ASSERT_TRUE(c) << c.error().message();
  auto id = c->send(c->make_header(proto::Command::ECHO), proto::EchoRequest{});
  ASSERT_TRUE(id) << id.error().message();
  auto r = bounded(peer, [&] { return c->wait_for(*id, deadline_in(kDeadline)); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), make_error_code(errc::timeout)) << r.error().message();
}

TEST(ClientDeadline, EndlessUnrelatedResponsesTimeOutAndStayQueued) {
  // Final responses to a MessageId the client never sent: wait_for skips them (queued for receive()) until its
  // deadline.
  auto peer = reacting_peer([](int fd, const proto::Request& req, const std::atomic<bool>& stop) {
    proto::Request other = req;
    other.header.message_id = req.header.message_id + 1000;
    flood(fd, framed_response(testing::FakeServer::reply(other, proto::EchoResponse{}, 0)), stop);
  });
  auto c = Client::connect("127.0.0.1", peer.port(), deadline_in(5s));
  ASSERT_TRUE(c) << c.error().message();
  auto id = c->send(c->make_header(proto::Command::ECHO), proto::EchoRequest{});
  ASSERT_TRUE(id) << id.error().message();
  auto r = bounded(peer, [&] { return c->wait_for(*id, deadline_in(kDeadline)); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), make_error_code(errc::timeout)) << r.error().message();
  auto next = c->receive(deadline_in(kDeadline));
  ASSERT_TRUE(next) << next.error().message();
  EXPECT_EQ(next->header.message_id, *id + 1000);
}

TEST(ClientDeadline, FinalResponseAfterInterimsIsReturned) {
  // The deadline check must not break the normal async path (MS-SMB2 3.3.4.2 interim, then the final response).
  auto peer = reacting_peer([](int fd, const proto::Request& req, const std::atomic<bool>& stop) {
    wire::Bytes out;
    for (int i = 0; i < 3; ++i) {
      auto one = interim_for(req.header);
      out.insert(out.end(), one.begin(), one.end());
    }
    auto fin = framed_response(testing::FakeServer::reply(req, proto::EchoResponse{}, 0));
    out.insert(out.end(), fin.begin(), fin.end());
    if (!send_all(fd, out, stop)) return;
    while (!stop && client_alive(fd)) std::this_thread::sleep_for(5ms);
  });
  auto c = Client::connect("127.0.0.1", peer.port(), deadline_in(5s));
  ASSERT_TRUE(c) << c.error().message();
  auto id = c->send(c->make_header(proto::Command::ECHO), proto::EchoRequest{});
  ASSERT_TRUE(id) << id.error().message();
  auto r = bounded(peer, [&] { return c->wait_for(*id, deadline_in(5s)); });
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->header.message_id, *id);
  EXPECT_FALSE(r->header.is_async());
  EXPECT_EQ(r->header.nt_status(), status::STATUS_SUCCESS);
}

// --- Smb1Client::wait_for ------------------------------------------------------------------------------------------

TEST(Smb1ClientDeadline, EndlessUnrelatedResponsesTimeOut) {
  // MS-CIFS 3.2.5.1: a response is matched to its request by MID; responses to another MID never end the wait.
  Peer peer([](int fd, const std::atomic<bool>& stop) {
    wire::Bytes buf;
    wire::Bytes req = read_frame(fd, buf, stop);
    if (req.size() < 32) return;
    proto::smb1::Header h;
    h.command = req[4];
    h.flags = proto::smb1::SMB_FLAGS_REPLY;
    h.mid = static_cast<std::uint16_t>((req[30] | (req[31] << 8)) + 100);
    std::vector<proto::smb1::ResponseBody> bodies{proto::smb1::EchoResponse{}};
    flood(fd, framed(proto::smb1::encode_message(h, bodies)), stop);
  });
  auto c = Smb1Client::connect("127.0.0.1", peer.port(), deadline_in(5s));
  ASSERT_TRUE(c) << c.error().message();
  auto mid = c->send(c->make_header(proto::smb1::Command::SMB_COM_ECHO), {proto::smb1::EchoRequest{}});
  ASSERT_TRUE(mid) << mid.error().message();
  auto r = bounded(peer, [&] { return c->wait_for(*mid, deadline_in(kDeadline)); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), make_error_code(errc::timeout)) << r.error().message();
}

// --- The runner: an expect step against a flooding server ends as a fail (issue 9: fail/ungraded, never a hang) ---

Scenario echo_scenario() {
  auto r = load_scenario_text(R"({"id": "t", "title": "t", "description": "d", "requirements": ["SMB2-COMMON-20"],
    "spec": ["MS-SMB2 3.3.5.2"], "level": "MUST", "connections": {"A": {"connect": "negotiate"}},
    "timeout_ms": 300, "steps": [{ "send": "ECHO" }, { "expect": "ECHO" }]})",
                              "scenarios/t.json");
  if (auto* e = std::get_if<LoadError>(&r)) ADD_FAILURE() << e->message;
  return std::get<Scenario>(r);
}

/** NEGOTIATE answered properly (2.0.2), then `after_echo` acts on the ECHO request. */
Peer negotiating_peer(std::function<void(int, const proto::Request&, const std::atomic<bool>&)> after_echo) {
  return Peer([after_echo = std::move(after_echo)](int fd, const std::atomic<bool>& stop) {
    wire::Bytes buf;
    for (;;) {
      wire::Bytes raw = read_frame(fd, buf, stop);
      if (raw.empty()) return;
      auto req = proto::decode_request(raw);
      if (!req) return;
      if (req->header.command == static_cast<std::uint16_t>(proto::Command::NEGOTIATE)) {
        if (!send_all(fd, framed_response(testing::FakeServer::negotiate_response(*req)), stop)) return;
        continue;
      }
      after_echo(fd, *req, stop);
      return;
    }
  });
}

ScenarioResult run_against(Peer& peer) {
  Target t;
  t.display = "hostile";
  t.host = "127.0.0.1";
  t.port = peer.port();
  t.share = "share";
  RunOptions o;
  o.timeout_ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(kDeadline).count());
  o.prologue_timeout_ms = 2000;
  Scenario sc = echo_scenario();
  return bounded(peer, [&] { return run_scenario(sc, t, o); });
}

TEST(RunnerDeadline, EndlessInterimResponsesEndTheStepAsAFail) {
  auto peer = negotiating_peer([](int fd, const proto::Request& req, const std::atomic<bool>& stop) {
    flood(fd, interim_for(req.header), stop);
  });
  auto r = run_against(peer);
  EXPECT_EQ(r.verdict, Verdict::fail) << r.message;
  EXPECT_NE(r.message.find("step 2 (expect ECHO)"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("interim responses only"), std::string::npos) << r.message;
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_LE(r.steps[1].received.size(), 1000u);  // the report stays bounded under a flood
}

TEST(RunnerDeadline, EndlessUnrelatedResponsesEndTheStepAsAFail) {
  auto peer = negotiating_peer([](int fd, const proto::Request& req, const std::atomic<bool>& stop) {
    proto::Request other = req;
    other.header.message_id = req.header.message_id + 1000;
    flood(fd, framed_response(testing::FakeServer::reply(other, proto::EchoResponse{}, 0)), stop);
  });
  auto r = run_against(peer);
  EXPECT_EQ(r.verdict, Verdict::fail) << r.message;
  EXPECT_NE(r.message.find("step 2 (expect ECHO): no ECHO response"), std::string::npos) << r.message;
}

}  // namespace
}  // namespace smb::harness
