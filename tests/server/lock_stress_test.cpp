// Stress test of SMB2 LOCK in the reference server: 64 opens of one file over 8 connections doing random lock/unlock/cancel/close.
//
// Everything runs in-process on the test thread (the server is single-threaded by design): each
// "connection" is a FakeTransport fed through receive(), exactly as the TCP service feeds it. After a
// bounded run the test checks the invariants the spec gives for the end state: every blocking LOCK got
// exactly one final response (3.3.4.2 / 3.3.5.16 / 3.3.4.17), no byte-range lock and no waiter is left
// (MS-FSA 2.1.5.5), and every per-file / per-request object the run created is gone again.
#include "smbserver/lock_hooks.hpp"

#include <chrono>
#include <map>
#include <random>
#include <set>

#include "server_fixture.hpp"

namespace smb::server::test {
namespace {

constexpr std::uint32_t kShared = 0x01, kExclusive = 0x02, kUnlock = 0x04, kFailImmediately = 0x10;

/** One SMB2 client connection on a shared Server. */
class Peer {
 public:
  Peer(Server& s) : server_(s), transport_(std::make_shared<FakeTransport>()), conn_(&add_connection(s, transport_)) {}

  /** Feeds one request; returns every response element sent by the server meanwhile (to any peer: see drain). */
  std::uint64_t send(proto::Command cmd, const proto::RequestBody& body, std::optional<std::uint64_t> mid = {}) {
    proto::Header h;
    h.command = static_cast<std::uint16_t>(cmd);
    h.message_id = mid ? *mid : next_mid_++;
    h.session_id = session_id_;
    h.tree_id = tree_id_;
    h.credit_request_response = 64;
    h.credit_charge = 1;
    wire::Bytes framed;
    proto::append_frame(framed, proto::encode_message(h, body));
    receive(server_, *conn_, framed);
    return h.message_id;
  }

  /** Decodes and removes every frame the server has sent on this connection so far. */
  std::vector<Reply> drain() {
    std::vector<Reply> out = std::move(backlog_);
    backlog_.clear();
    for (auto& f : transport_->frames) {
      wire::ByteView payload;
      if (!proto::parse_frame(f, payload)) continue;
      auto parts = proto::split_compound(payload);
      if (!parts) continue;
      for (auto p : *parts) {
        auto r = proto::decode_response(p);
        if (r) out.push_back({r->header, std::move(r->body), {}});
      }
    }
    transport_->frames.clear();
    return out;
  }

  Reply one(proto::Command cmd, const proto::RequestBody& body) {
    std::uint64_t mid = send(cmd, body);
    std::optional<Reply> mine;
    for (auto& r : drain()) {
      if (r.header.message_id == mid && !mine) mine = std::move(r);
      else backlog_.push_back(std::move(r));  // other responses (e.g. finals of cancelled locks) stay for drain()
    }
    if (mine) return *mine;
    ADD_FAILURE() << "no response to " << proto::to_string(cmd);
    return Reply{proto::Header{}, proto::ErrorResponse{}, {}};
  }

  void logon() {
    proto::NegotiateRequest n;
    n.dialects = {0x0210, 0x0300, 0x0302};
    n.security_mode = 0x0001;
    n.client_guid.bytes[0] = static_cast<std::uint8_t>(conn_->id);
    ASSERT_TRUE(one(proto::Command::NEGOTIATE, n).status().is_success());
    security::Initiator ini(security::Credentials{"alice", "pass", "", "TEST"});
    proto::SessionSetupRequest ss;
    ss.security_mode = 0x01;
    ss.security_buffer = ini.initial_token();
    Reply r1 = one(proto::Command::SESSION_SETUP, ss);
    ASSERT_EQ(r1.status(), status::STATUS_MORE_PROCESSING_REQUIRED);
    session_id_ = r1.header.session_id;
    auto tok = ini.step(r1.as<proto::SessionSetupResponse>().security_buffer);
    ASSERT_TRUE(tok.has_value());
    ss.security_buffer = *tok;
    ASSERT_TRUE(one(proto::Command::SESSION_SETUP, ss).status().is_success());
    proto::TreeConnectRequest t;
    t.path = "\\\\127.0.0.1\\share";
    Reply tr = one(proto::Command::TREE_CONNECT, t);
    ASSERT_TRUE(tr.status().is_success());
    tree_id_ = tr.header.tree_id;
  }

  proto::FileId open(const std::string& name) {
    proto::CreateRequest c;
    c.name = name;
    c.desired_access = kReadWrite;
    c.share_access = 7;
    c.create_disposition = 3;  // FILE_OPEN_IF
    c.impersonation_level = 2;
    Reply r = one(proto::Command::CREATE, c);
    EXPECT_TRUE(r.status().is_success());
    return r.status().is_success() ? r.as<proto::CreateResponse>().file_id : proto::FileId{};
  }

  Connection& connection() { return *conn_; }

 private:
  Server& server_;
  std::shared_ptr<FakeTransport> transport_;
  Connection* conn_;
  std::uint64_t next_mid_ = 0;
  std::uint64_t session_id_ = 0;
  std::uint32_t tree_id_ = 0;
  std::vector<Reply> backlog_;  ///< responses drained by one() that belong to other requests
};

std::unique_ptr<Server> make_test_server(const TempDir& dir) {
  ServerConfig cfg;
  ShareConfig sc;
  sc.name = "share";
  sc.root = dir.path;
  cfg.shares.push_back(sc);
  cfg.users["alice"] = "pass";
  auto made = make_server(cfg);
  if (auto* e = std::get_if<std::string>(&made)) throw std::runtime_error(*e);
  return std::move(std::get<0>(made));
}

/** MS-FSA 2.1.4.10 invariant of a lock table: no two granted locks of different owners conflict. */
bool table_consistent(const LockManager& t) {
  const auto& ls = t.locks();
  for (std::size_t i = 0; i < ls.size(); ++i)
    for (std::size_t j = i + 1; j < ls.size(); ++j) {
      const auto& a = ls[i];
      const auto& b = ls[j];
      if ((a.offset == 0 && a.length == 0) || (b.offset == 0 && b.length == 0)) continue;
      if (a.length == 0 || b.length == 0) continue;
      bool overlap = a.offset <= b.offset + b.length - 1 && a.offset + a.length - 1 >= b.offset;
      if (!overlap) continue;
      if (a.owner == b.owner) {
        if (a.exclusive && b.exclusive) return false;  // an open never holds overlapping exclusive locks
        continue;
      }
      if (a.exclusive || b.exclusive) return false;
    }
  return true;
}

struct Slot {
  std::size_t peer = 0;
  proto::FileId fid;
};

TEST(LockStress, RandomLockUnlockCancelCloseLeavesNothingBehind) {
  TempDir dir;
  dir.write_file("stress.dat", std::string(4096, 'x'));
  auto server = make_test_server(dir);
  constexpr std::size_t kPeers = 8, kOpensPerPeer = 8;
  std::vector<std::unique_ptr<Peer>> peers;
  for (std::size_t i = 0; i < kPeers; ++i) {
    peers.push_back(std::make_unique<Peer>(*server));
    peers.back()->logon();
    if (HasFatalFailure()) return;
  }
  std::vector<Slot> slots;
  for (std::size_t p = 0; p < kPeers; ++p)
    for (std::size_t k = 0; k < kOpensPerPeer; ++k) slots.push_back({p, peers[p]->open("stress.dat")});
  ASSERT_EQ(server->files.size(), 1u);
  const std::size_t baseline_opens = server->global_open_table.size();
  ASSERT_EQ(baseline_opens, kPeers * kOpensPerPeer);

  // Requests that got an interim response and still wait for their final one, per peer: MessageId -> AsyncId.
  std::vector<std::map<std::uint64_t, std::uint64_t>> pending(kPeers);
  std::vector<std::set<std::uint64_t>> sent_blocking(kPeers);  // MessageIds of blocking LOCKs without a final yet
  std::size_t finals = 0, cancelled = 0, granted_async = 0, interims = 0;
  auto collect = [&] {
    for (std::size_t p = 0; p < kPeers; ++p)
      for (const Reply& r : peers[p]->drain()) {
        std::uint64_t mid = r.header.message_id;
        if (!sent_blocking[p].count(mid)) continue;
        if (r.header.is_async() && r.status() == status::STATUS_PENDING) {
          // 3.3.4.2: one interim per request, AsyncId non-zero.
          EXPECT_NE(r.header.async_id, 0u);
          EXPECT_FALSE(pending[p].count(mid)) << "second interim for MessageId " << mid;
          pending[p][mid] = r.header.async_id;
          ++interims;
          continue;
        }
        // Final response: exactly one per request.
        sent_blocking[p].erase(mid);
        if (auto it = pending[p].find(mid); it != pending[p].end()) {
          EXPECT_TRUE(r.header.is_async()) << "final response of an async request must use the ASYNC header (3.3.4.2)";
          EXPECT_EQ(r.header.async_id, it->second);
          pending[p].erase(it);
        }
        ++finals;
        if (r.status() == status::STATUS_CANCELLED) ++cancelled;
        else if (r.status().is_success()) ++granted_async;
        else EXPECT_EQ(r.status(), status::STATUS_INVALID_PARAMETER) << to_string(r.status());
      }
  };

  std::mt19937_64 rng(0x5eed1234);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  std::size_t ops = 0;
  while (std::chrono::steady_clock::now() < deadline && ops < 200000) {
    ++ops;
    Slot& s = slots[pick(slots.size())];
    Peer& peer = *peers[s.peer];
    const std::uint64_t offset = pick(16) * 16, length = 1 + pick(32);
    proto::LockRequest lr;
    lr.file_id = s.fid;
    switch (pick(10)) {
      case 0: case 1: case 2: {  // fail-immediately lock, one or two elements
        std::uint32_t mode = pick(2) ? kExclusive : kShared;
        lr.locks.push_back({offset, length, mode | kFailImmediately, 0});
        if (pick(3) == 0) lr.locks.push_back({offset + 300, length, kShared | kFailImmediately, 0});
        peer.send(proto::Command::LOCK, lr);
        break;
      }
      case 3: case 4: {  // blocking lock
        lr.locks.push_back({offset, length, pick(2) ? kExclusive : kShared, 0});
        sent_blocking[s.peer].insert(peer.send(proto::Command::LOCK, lr));
        break;
      }
      case 5: case 6: {  // unlock (often of a range that is not locked: RANGE_NOT_LOCKED is fine)
        lr.locks.push_back({offset, length, kUnlock, 0});
        peer.send(proto::Command::LOCK, lr);
        break;
      }
      case 7: case 8: {  // CANCEL of one of this peer's pending requests (by MessageId, 3.3.5.16)
        if (!pending[s.peer].empty()) {
          auto it = pending[s.peer].begin();
          std::advance(it, pick(pending[s.peer].size()));
          peer.send(proto::Command::CANCEL, proto::CancelRequest{}, it->first);
        }
        break;
      }
      case 9: {  // CLOSE and reopen
        proto::CloseRequest c;
        c.file_id = s.fid;
        peer.send(proto::Command::CLOSE, c);
        s.fid = peer.open("stress.dat");
        break;
      }
    }
    collect();
    for (auto& [key, f] : server->files) ASSERT_TRUE(table_consistent(f->locks)) << "after op " << ops;
    // Every queued waiter belongs to a request with an outstanding interim response.
    std::size_t waiting = 0;
    for (auto& p : pending) waiting += p.size();
    for (auto& [key, f] : server->files) ASSERT_EQ(f->locks.waiter_count(), waiting) << "after op " << ops;
  }
  EXPECT_GT(ops, 1000u);
  EXPECT_GT(interims, 0u);
  EXPECT_GT(granted_async, 0u);

  // Open.LockCount matches the table for every open (3.3.5.14.1/.2 bookkeeping).
  for (auto& [dfid, open] : server->global_open_table)
    EXPECT_EQ(open->lock_count, open->file->locks.lock_count(lock_owner(*open)));

  // Cancel every pending request: each completes STATUS_CANCELLED; no waiter is left.
  for (std::size_t p = 0; p < kPeers; ++p)
    for (auto [mid, aid] : std::map<std::uint64_t, std::uint64_t>(pending[p]))
      peers[p]->send(proto::Command::CANCEL, proto::CancelRequest{}, mid);
  collect();
  for (auto& p : pending) EXPECT_TRUE(p.empty());
  for (auto& s : sent_blocking) EXPECT_TRUE(s.empty()) << "a blocking LOCK never got its final response";
  for (auto& [key, f] : server->files) EXPECT_EQ(f->locks.waiter_count(), 0u);
  for (auto& p : peers) EXPECT_TRUE(p->connection().async_command_list.empty());

  // Close every open: the locks go with them (MS-FSA 2.1.5.5) and so does the file object.
  for (Slot& s : slots) {
    proto::CloseRequest c;
    c.file_id = s.fid;
    EXPECT_TRUE(peers[s.peer]->one(proto::Command::CLOSE, c).status().is_success());
  }
  EXPECT_TRUE(server->files.empty()) << "file objects (and their lock tables) must die with the last open";
  EXPECT_TRUE(server->global_open_table.empty());
  std::size_t opens = 0;
  for (auto& [cid, c] : server->connections)
    for (auto& [sid, sess] : c->session_table) opens += sess->open_table.size();
  EXPECT_EQ(opens, 0u);
  EXPECT_GT(finals, 0u);
  EXPECT_GT(cancelled, 0u);
}

TEST(LockStress, ConnectionLossCancelsWaitersAndGrantsOthers) {
  // 3.3.4.17 via connection teardown: a waiter of the lost connection disappears, and a waiter of
  // another connection blocked only by the lost connection's lock is granted (MS-FSA 2.1.5.8).
  TempDir dir;
  dir.write_file("f.dat", std::string(64, 'x'));
  auto server = make_test_server(dir);
  Peer a(*server), b(*server), c(*server);
  a.logon();
  b.logon();
  c.logon();
  proto::FileId fa = a.open("f.dat"), fb = b.open("f.dat"), fc = c.open("f.dat");
  proto::LockRequest l;
  l.locks.push_back({0, 10, kExclusive | kFailImmediately, 0});
  l.file_id = fa;
  ASSERT_TRUE(a.one(proto::Command::LOCK, l).status().is_success());
  l.locks[0].flags = kExclusive;  // blocking
  l.file_id = fb;
  std::uint64_t mb = b.send(proto::Command::LOCK, l);
  auto rb = b.drain();
  ASSERT_EQ(rb.size(), 1u);
  EXPECT_EQ(rb[0].status(), status::STATUS_PENDING);
  l.file_id = fc;
  c.send(proto::Command::LOCK, l);
  ASSERT_EQ(c.drain().size(), 1u);
  remove_connection(*server, b.connection().id);  // B goes away: its waiter is dropped silently
  ASSERT_EQ(server->files.size(), 1u);
  EXPECT_EQ(server->files.begin()->second->locks.waiter_count(), 1u);
  remove_connection(*server, a.connection().id);  // A's lock goes: C's waiter is granted
  auto rc = c.drain();
  ASSERT_EQ(rc.size(), 1u);
  EXPECT_TRUE(rc[0].status().is_success());
  EXPECT_TRUE(rc[0].header.is_async());
  (void)mb;
  EXPECT_EQ(server->files.begin()->second->locks.waiter_count(), 0u);
  ASSERT_EQ(server->global_open_table.size(), 1u);
  EXPECT_EQ(server->global_open_table.begin()->second->lock_count, 1u);
}

}  // namespace
}  // namespace smb::server::test
