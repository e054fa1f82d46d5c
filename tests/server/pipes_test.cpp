// Tests of reference_server/src/pipes.cpp (named pipes on IPC$) and of --close-pending-lock-status (handlers/close.cpp).
#include <gtest/gtest.h>

#include "server_fixture.hpp"
#include "smbserver/pipes.hpp"

namespace smb::server::test {
namespace {

constexpr std::uint32_t FILE_READ_DATA = 0x1, FILE_WRITE_DATA = 0x2;
constexpr std::uint8_t SMB2_OPLOCK_LEVEL_BATCH = 0x09;
constexpr std::uint32_t SMB2_LOCKFLAG_EXCLUSIVE_LOCK = 0x02, SMB2_LOCKFLAG_FAIL_IMMEDIATELY = 0x10;

/** The status name without its hex value ("STATUS_SUCCESS"). */
std::string s(NtStatus st) {
  std::string t = smb::to_string(st);
  return t.substr(0, t.find(' '));
}

/** The bind PDU of flush-pipe-waits-for-reader: srvsvc v3.0 over NDR, call_id 1 (C706 12.6.4.3). */
wire::Bytes srvsvc_bind() {
  const char* hex =
      "05000b03100000004800000001000000b810b810000000000100000000000100c84f324b7016d30112785a47bf6ee18803000000"
      "045d888aeb1cc9119fe808002b10486002000000";
  wire::Bytes b;
  for (std::size_t i = 0; hex[i] && hex[i + 1]; i += 2) b.push_back(static_cast<std::uint8_t>(std::stoi(std::string(hex + i, 2), nullptr, 16)));
  return b;
}

struct PipeFixture : Fixture {
  PipeFixture() {
    EXPECT_EQ(s(negotiate().status()), "STATUS_SUCCESS");
    EXPECT_EQ(s(session_setup().status()), "STATUS_SUCCESS");
    EXPECT_EQ(s(tree_connect("IPC$").status()), "STATUS_SUCCESS");
  }
  Reply create_pipe(const std::string& name, std::uint8_t oplock = 0) {
    proto::CreateRequest c;
    c.name = name;
    c.desired_access = FILE_READ_DATA | FILE_WRITE_DATA;
    c.create_disposition = 1;  // FILE_OPEN
    c.share_access = 3;
    c.impersonation_level = 2;
    c.requested_oplock_level = oplock;
    return request(proto::Command::CREATE, c);
  }
  proto::FileId pipe(const std::string& name) {
    Reply r = create_pipe(name);
    EXPECT_EQ(s(r.status()), "STATUS_SUCCESS") << name;
    return r.status().is_success() ? r.as<proto::CreateResponse>().file_id : proto::FileId{};
  }
  Reply write(const proto::FileId& f, wire::Bytes data) {
    proto::WriteRequest w;
    w.file_id = f;
    w.data = std::move(data);
    return request(proto::Command::WRITE, w);
  }
  Reply read(const proto::FileId& f, std::uint32_t length) {
    proto::ReadRequest r;
    r.file_id = f;
    r.length = length;
    return request(proto::Command::READ, r);
  }
  /** Responses the server sent since frame index `from` (async completions outside feed()). */
  std::vector<Reply> sent_since(std::size_t from) {
    std::vector<Reply> out;
    for (std::size_t i = from; i < transport->frames.size(); ++i) {
      wire::ByteView payload;
      if (!proto::parse_frame(transport->frames[i], payload)) continue;
      auto r = proto::decode_response(payload);
      if (r) out.push_back({r->header, std::move(r->body), wire::Bytes(payload.begin(), payload.end())});
    }
    return out;
  }
  /** Sends a FLUSH that must go async: returns its MessageId after checking the interim response (3.3.4.2). */
  std::uint64_t pending_flush(const proto::FileId& f) {
    proto::Header h = header(proto::Command::FLUSH);
    proto::FlushRequest fl;
    fl.file_id = f;
    Reply r = request(h, proto::RequestBody(fl));
    EXPECT_EQ(s(r.status()), "STATUS_PENDING");
    EXPECT_TRUE(r.header.flags & proto::SMB2_FLAGS_ASYNC_COMMAND);
    EXPECT_NE(r.header.async_id, 0u);
    return h.message_id;
  }
};

TEST(Pipes, CreateOnIpcGrantsNoOplock) {
  // SMB2-CREATE-07: MS-SMB2 3.3.5.9 skips oplock acquisition for named pipes -> OplockLevel NONE (2.2.14).
  PipeFixture f;
  Reply r = f.create_pipe("srvsvc", SMB2_OPLOCK_LEVEL_BATCH);
  ASSERT_EQ(s(r.status()), "STATUS_SUCCESS");
  EXPECT_EQ(r.as<proto::CreateResponse>().oplock_level, 0);
  EXPECT_EQ(s(f.create_pipe("no-such-pipe").status()), "STATUS_OBJECT_NAME_NOT_FOUND");
  EXPECT_TRUE(pipe_endpoint_exists("\\SRVSVC"));
}

TEST(Pipes, SrvsvcConsumesABindAndAnswersBindAck) {
  // SMB2-FLUSH-13: the reader consumed the written bind PDU, so FLUSH succeeds at once (3.3.5.11, 2.2.17); the
  // bind_ack (C706 12.6.4.4) can then be read.
  PipeFixture f;
  auto p = f.pipe("srvsvc");
  Reply w = f.write(p, srvsvc_bind());
  ASSERT_EQ(s(w.status()), "STATUS_SUCCESS");
  EXPECT_EQ(w.as<proto::WriteResponse>().count, 72u);
  EXPECT_EQ(s(f.flush(p).status()), "STATUS_SUCCESS");
  Reply r = f.read(p, 1024);
  ASSERT_EQ(s(r.status()), "STATUS_SUCCESS");
  const auto& d = r.as<proto::ReadResponse>().data;
  ASSERT_GE(d.size(), 28u);
  EXPECT_EQ(d[0], 5);   // rpc_vers
  EXPECT_EQ(d[2], 12);  // bind_ack
  EXPECT_EQ(d[8] | (d[9] << 8), static_cast<int>(d.size()));  // frag_length
  EXPECT_EQ(d[12], 1);  // call_id echoed
  // one result, acceptance (0), NDR transfer syntax
  std::size_t results = d.size() - 4 - 24;
  EXPECT_EQ(d[results], 1);
  EXPECT_EQ(d[results + 4] | (d[results + 5] << 8), 0);
}

TEST(Pipes, StalledFlushIsPendingAndCancelCompletesItCancelled) {
  // SMB2-FLUSH-14/15: interim STATUS_PENDING (3.3.4.2); CANCEL (3.3.5.16) -> STATUS_CANCELLED, no reply to CANCEL.
  PipeFixture f;
  auto p = f.pipe("smbconform-stall");
  ASSERT_EQ(s(f.write(p, {1, 2, 3}).status()), "STATUS_SUCCESS");
  std::uint64_t mid = f.pending_flush(p);
  proto::Header h = f.header(proto::Command::CANCEL);
  h.message_id = mid;
  auto replies = f.send_raw(f.encode(h, proto::RequestBody(proto::CancelRequest{})));
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].header.command, static_cast<std::uint16_t>(proto::Command::FLUSH));
  EXPECT_EQ(replies[0].header.message_id, mid);
  EXPECT_EQ(s(replies[0].status()), "STATUS_CANCELLED");
}

TEST(Pipes, HangupCompletesPendingFlushWithPipeBroken) {
  // SMB2-FLUSH-16: the server end closes -> the pending FLUSH fails with STATUS_PIPE_BROKEN (3.3.5.11).
  PipeFixture f;
  auto p = f.pipe("smbconform-hangup");
  ASSERT_EQ(s(f.write(p, {1}).status()), "STATUS_SUCCESS");
  // A WRITE alone does not start the hang-up: the end closes 5 ms after a FLUSH (or READ) starts waiting.
  f.server->clock.advance(std::chrono::seconds(1));
  std::uint64_t mid = f.pending_flush(p);
  std::size_t mark = f.transport->frames.size();
  f.server->clock.advance(std::chrono::milliseconds(4));
  EXPECT_TRUE(f.sent_since(mark).empty());
  f.server->clock.advance(std::chrono::milliseconds(1));
  auto sent = f.sent_since(mark);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].header.message_id, mid);
  EXPECT_EQ(s(sent[0].status()), "STATUS_PIPE_BROKEN");
  EXPECT_EQ(s(f.write(p, {2}).status()), "STATUS_PIPE_BROKEN");
  EXPECT_EQ(s(f.flush(p).status()), "STATUS_PIPE_BROKEN");
}

TEST(Pipes, ControlledReaderReleaseCompletesFlushAndSendFeedsRead) {
  // SMB2-FLUSH-13: FLUSH does not complete until the reader consumed all data, then STATUS_SUCCESS.
  PipeFixture f;
  auto p = f.pipe("smbconform-test");
  ASSERT_EQ(s(f.write(p, {1, 2, 3, 4}).status()), "STATUS_SUCCESS");
  std::uint64_t mid = f.pending_flush(p);
  auto st = handle_control(*f.server, R"({"op":"pipe_list"})");
  ASSERT_EQ(st["pipes"].size(), 1u);
  EXPECT_EQ(st["pipes"][0]["inbound_bytes"], 4);
  EXPECT_EQ(st["pipes"][0]["pending_flushes"], 1);
  std::size_t mark = f.transport->frames.size();
  EXPECT_EQ(handle_control(*f.server, R"({"op":"pipe_release"})")["ok"], true);
  auto sent = f.sent_since(mark);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].header.message_id, mid);
  EXPECT_EQ(s(sent[0].status()), "STATUS_SUCCESS");
  EXPECT_EQ(handle_control(*f.server, R"({"op":"state"})")["pipes"][0]["consumed_bytes"], 4);
  // READ with nothing queued waits; pipe_send completes it with the bytes.
  Reply r = f.read(p, 16);
  EXPECT_EQ(s(r.status()), "STATUS_PENDING");
  mark = f.transport->frames.size();
  EXPECT_EQ(handle_control(*f.server, R"({"op":"pipe_send","data":"6869"})")["ok"], true);
  sent = f.sent_since(mark);
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_EQ(s(sent[0].status()), "STATUS_SUCCESS");
  EXPECT_EQ(sent[0].as<proto::ReadResponse>().data, (wire::Bytes{'h', 'i'}));
  // Server end closed: I/O fails with STATUS_PIPE_BROKEN; the control op on it is refused.
  EXPECT_EQ(handle_control(*f.server, R"({"op":"pipe_close"})")["ok"], true);
  EXPECT_EQ(s(f.read(p, 16).status()), "STATUS_PIPE_BROKEN");
  EXPECT_EQ(handle_control(*f.server, R"({"op":"pipe_release"})")["ok"], false);
  EXPECT_EQ(handle_control(*f.server, R"({"op":"pipe_send","data":"6"})")["ok"], false);
  EXPECT_EQ(s(f.close(p).status()), "STATUS_SUCCESS");
  EXPECT_EQ(handle_control(*f.server, R"({"op":"pipe_hold"})")["ok"], false);  // no smbconform-test open left
}

TEST(Pipes, CloseCancelsAPendingFlush) {
  // 3.3.4.17: closing the open cancels its pending requests (3.3.5.16: STATUS_CANCELLED).
  PipeFixture f;
  auto p = f.pipe("smbconform-stall");
  ASSERT_EQ(s(f.write(p, {1}).status()), "STATUS_SUCCESS");
  std::uint64_t mid = f.pending_flush(p);
  proto::CloseRequest c;
  c.file_id = p;
  auto replies = f.send_raw(f.encode(f.header(proto::Command::CLOSE), proto::RequestBody(c)));
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0].header.message_id, mid);
  EXPECT_EQ(s(replies[0].status()), "STATUS_CANCELLED");
  EXPECT_EQ(s(replies[1].status()), "STATUS_SUCCESS");
}

// ---- --close-pending-lock-status ------------------------------------------------------------------------------

struct LockFixture : Fixture {
  proto::FileId holder, waiter;
  std::uint64_t lock_mid = 0;
  LockFixture() {
    logon();
    dir.write_file("f.txt", std::string(100, 'x'));
    // The waiter is opened first: TREE_DISCONNECT closes opens in FileId order, and closing the holder first would
    // grant the pending lock (MS-FSA 2.1.5.8) instead of cancelling it.
    waiter = open("f.txt", FILE_READ_DATA | FILE_WRITE_DATA, 1);
    holder = open("f.txt", FILE_READ_DATA | FILE_WRITE_DATA, 1);
    EXPECT_EQ(s(lock(holder, SMB2_LOCKFLAG_EXCLUSIVE_LOCK | SMB2_LOCKFLAG_FAIL_IMMEDIATELY).status()), "STATUS_SUCCESS");
    proto::Header h = header(proto::Command::LOCK);
    lock_mid = h.message_id;
    Reply r = request(h, proto::RequestBody(lock_req(waiter, SMB2_LOCKFLAG_EXCLUSIVE_LOCK)));  // blocking
    EXPECT_EQ(s(r.status()), "STATUS_PENDING");
  }
  static proto::LockRequest lock_req(const proto::FileId& f, std::uint32_t flags) {
    proto::LockRequest l;
    l.file_id = f;
    l.locks.push_back({0, 10, flags, 0});
    return l;
  }
  Reply lock(const proto::FileId& f, std::uint32_t flags) { return request(proto::Command::LOCK, lock_req(f, flags)); }
  /** Closes `waiter` and returns the final status of the pending LOCK (sent before the CLOSE response). */
  std::string close_waiter() {
    proto::CloseRequest c;
    c.file_id = waiter;
    auto replies = send_raw(encode(header(proto::Command::CLOSE), proto::RequestBody(c)));
    EXPECT_EQ(replies.size(), 2u);
    if (replies.size() != 2) return "";
    EXPECT_EQ(replies[0].header.message_id, lock_mid);
    EXPECT_EQ(s(replies[1].status()), "STATUS_SUCCESS");
    return s(replies[0].status());
  }
};

TEST(ClosePendingLockStatus, DefaultIsCancelled) {
  // MS-SMB2 3.3.5.10 -> 3.3.4.17 -> 3.3.5.16: the pending LOCK completes with STATUS_CANCELLED (SMB2-LOCK-26).
  LockFixture f;
  EXPECT_EQ(f.close_waiter(), "STATUS_CANCELLED");
}

TEST(ClosePendingLockStatus, OptInRangeNotLocked) {
  // --close-pending-lock-status range-not-locked: the Windows/Samba result smbtorture smb2.lock.cancel checks.
  LockFixture f;
  f.server->config.close_pending_lock_status = status::STATUS_RANGE_NOT_LOCKED;
  EXPECT_EQ(f.close_waiter(), "STATUS_RANGE_NOT_LOCKED");
  // The holder's lock is untouched and the waiter's open is gone.
  EXPECT_EQ(f.open_state(f.waiter), nullptr);
  EXPECT_EQ(f.open_state(f.holder)["locks"].size(), 1u);
}

TEST(ClosePendingLockStatus, OptInLeavesTreeDisconnectCancelled) {
  // The option covers CLOSE only: TREE_DISCONNECT (3.3.5.8 -> 3.3.4.17) keeps STATUS_CANCELLED.
  LockFixture f;
  f.server->config.close_pending_lock_status = status::STATUS_RANGE_NOT_LOCKED;
  auto replies = f.send_raw(f.encode(f.header(proto::Command::TREE_DISCONNECT), proto::RequestBody(proto::TreeDisconnectRequest{})));
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0].header.message_id, f.lock_mid);
  EXPECT_EQ(s(replies[0].status()), "STATUS_CANCELLED");
}

TEST(ClosePendingLockStatus, ParsesOptionValues) {
  NtStatus st = status::STATUS_SUCCESS;
  EXPECT_FALSE(parse_close_pending_lock_status("range-not-locked", st));
  EXPECT_EQ(s(st), "STATUS_RANGE_NOT_LOCKED");
  EXPECT_FALSE(parse_close_pending_lock_status("cancelled", st));
  EXPECT_EQ(s(st), "STATUS_CANCELLED");
  EXPECT_TRUE(parse_close_pending_lock_status("bogus", st));
  ServerConfig c;
  EXPECT_FALSE(apply_config_json(nlohmann::json{{"close_pending_lock_status", "range-not-locked"}}, c));
  EXPECT_EQ(s(c.close_pending_lock_status), "STATUS_RANGE_NOT_LOCKED");
}

}  // namespace
}  // namespace smb::server::test
