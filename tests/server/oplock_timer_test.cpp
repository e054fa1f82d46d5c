// Tests of oplock breaks and the acknowledgment timer on a fake clock (reference_server/include/smbserver/oplock.hpp).
#include "smbserver/oplock.hpp"

#include <gtest/gtest.h>

#include "server_fixture.hpp"

namespace smb::server {
namespace {

using namespace std::chrono_literals;
using test::Fixture;
using test::Reply;

constexpr std::uint32_t kRw = 0x0001 | 0x0002 | 0x0004 | 0x0080;  // READ/WRITE/APPEND_DATA, READ_ATTRIBUTES
constexpr std::uint32_t kOpen = 1, kOverwriteIf = 5;

/**
 * One client on a server whose clock is a fake: real time only moves when the test says so, so every timer
 * (MS-SMB2 3.3.2.1) fires exactly when the test advances or sets the clock. Breaks are triggered by a second open
 * of the same file from the same client, which MS-FSA 2.1.4.12 treats like any other conflicting open.
 */
class OplockTimer : public ::testing::Test {
 protected:
  void SetUp() override {
    f.server->clock = Clock([this] { return real; });
    f.logon();
  }

  /** Decodes every frame sent since `from`. */
  std::vector<Reply> since(std::size_t from) {
    std::vector<Reply> out;
    for (std::size_t i = from; i < f.transport->frames.size(); ++i) {
      wire::ByteView payload;
      if (!proto::parse_frame(f.transport->frames[i], payload)) continue;
      auto r = proto::decode_response(payload);
      if (r) out.push_back({r->header, std::move(r->body), {}});
    }
    return out;
  }

  proto::CreateRequest create_req(const std::string& name, std::uint8_t oplock, std::uint32_t disposition = kOpen) {
    proto::CreateRequest c;
    c.name = name;
    c.desired_access = kRw;
    c.share_access = 7;
    c.create_disposition = disposition;
    c.impersonation_level = 2;
    c.requested_oplock_level = oplock;
    return c;
  }

  /** Opens `name` with a BATCH oplock; the file exists and nobody else has it open, so BATCH is granted. */
  proto::FileId open_batch(const std::string& name) {
    f.dir.write_file(name, "hello");
    Reply r = f.request(proto::Command::CREATE, create_req(name, SMB2_OPLOCK_LEVEL_BATCH));
    EXPECT_EQ(r.status(), status::STATUS_SUCCESS);
    EXPECT_EQ(r.as<proto::CreateResponse>().oplock_level, SMB2_OPLOCK_LEVEL_BATCH);  // MS-SMB2 3.3.5.9
    return r.as<proto::CreateResponse>().file_id;
  }

  /**
   * A conflicting open of `name`: MS-SMB2 3.3.4.6 sends the notification and 3.3.4.2 an interim response.
   * Returns the AsyncId of the pending CREATE.
   */
  std::uint64_t conflicting_open(const std::string& name, const proto::FileId& holder) {
    auto replies = f.send_raw(f.encode(f.header(proto::Command::CREATE), proto::RequestBody(create_req(name, 0))));
    EXPECT_EQ(replies.size(), 2u);  // notification + interim
    if (replies.size() != 2) return 0;
    const Reply& n = replies[0];
    EXPECT_EQ(n.header.message_id, proto::kUnsolicitedMessageId);  // 3.3.4.6
    EXPECT_EQ(n.header.tree_id, 0u);                               // 3.3.4.6
    EXPECT_EQ(n.as<proto::OplockBreakResponse>().file_id, holder);
    EXPECT_EQ(n.as<proto::OplockBreakResponse>().oplock_level, SMB2_OPLOCK_LEVEL_II);  // MS-FSA 2.1.4.12 FILE_OPEN
    const Reply& interim = replies[1];
    EXPECT_EQ(interim.status(), status::STATUS_PENDING);  // 3.3.4.2
    EXPECT_TRUE(interim.header.is_async());
    return interim.header.async_id;
  }

  Reply ack(const proto::FileId& fid, std::uint8_t level) {
    proto::OplockBreakAcknowledgment a;
    a.file_id = fid;
    a.oplock_level = level;
    return f.request(proto::Command::OPLOCK_BREAK, a);
  }

  /** The final response of the pending CREATE with `async_id`, if it was sent since `from`. */
  std::optional<Reply> final_create(std::size_t from, std::uint64_t async_id) {
    for (auto& r : since(from))
      if (r.header.is_async() && r.header.async_id == async_id && r.status() != status::STATUS_PENDING) return r;
    return std::nullopt;
  }

  Clock::TimePoint real{std::chrono::hours(1)};
  Fixture f;
};

TEST_F(OplockTimer, BreakSetsBreakingAndTimeoutNowPlus35s) {
  // MS-SMB2 3.3.4.6: OplockState Breaking, OplockTimeout = now + 35 s (<246>), OplockLevel unchanged.
  proto::FileId x = open_batch("x.txt");
  conflicting_open("x.txt", x);
  auto st = f.open_state(x);
  EXPECT_EQ(st["oplock_state"], "Breaking");
  EXPECT_EQ(st["oplock_level"], SMB2_OPLOCK_LEVEL_BATCH);
  EXPECT_EQ(st["oplock_timeout_ms"], 35000);
}

TEST_F(OplockTimer, TwoBreaksWithDifferentDeadlinesExpireIndependently) {
  // MS-SMB2 3.3.6.1: only opens whose OplockTimeout is in the past are reset; the timer restarts for the rest.
  proto::FileId x = open_batch("x.txt");
  proto::FileId y = open_batch("y.txt");
  std::uint64_t ax = conflicting_open("x.txt", x);  // deadline t = 35 s
  f.server->clock.advance(20s);
  std::uint64_t ay = conflicting_open("y.txt", y);  // deadline t = 55 s
  std::size_t mark = f.transport->frames.size();

  f.server->clock.advance(14999ms);  // t = 34.999 s: nothing is due
  EXPECT_EQ(f.open_state(x)["oplock_state"], "Breaking");
  EXPECT_FALSE(final_create(mark, ax));

  f.server->clock.advance(1ms);  // t = 35 s: x's deadline
  EXPECT_EQ(f.open_state(x)["oplock_state"], "None");
  EXPECT_EQ(f.open_state(x)["oplock_level"], SMB2_OPLOCK_LEVEL_NONE);
  auto cx = final_create(mark, ax);
  ASSERT_TRUE(cx);
  EXPECT_EQ(cx->status(), status::STATUS_SUCCESS);  // the waiting CREATE completes (3.3.6.1 -> 3.3.4.6)
  EXPECT_EQ(f.open_state(y)["oplock_state"], "Breaking");
  EXPECT_EQ(f.open_state(y)["oplock_timeout_ms"], 20000);
  EXPECT_FALSE(final_create(mark, ay));

  f.server->clock.advance(19999ms);  // t = 54.999 s
  EXPECT_EQ(f.open_state(y)["oplock_state"], "Breaking");
  f.server->clock.advance(1ms);  // t = 55 s: y's deadline
  EXPECT_EQ(f.open_state(y)["oplock_state"], "None");
  auto cy = final_create(mark, ay);
  ASSERT_TRUE(cy);
  EXPECT_EQ(cy->status(), status::STATUS_SUCCESS);
  EXPECT_EQ(oplock_table(*f.server).timeouts_fired, 2u);
}

TEST_F(OplockTimer, AckRacingExpiryWinsWhenItArrivesBeforeTheTimerRuns) {
  // The deadline has passed in real time but the service has not run the timer yet (3.3.6.1 has not happened):
  // the open is still Breaking, so 3.3.5.22.1 accepts the acknowledgment, and the timer must not undo it later.
  proto::FileId x = open_batch("x.txt");
  std::uint64_t ax = conflicting_open("x.txt", x);
  std::size_t mark = f.transport->frames.size();
  real += 35s;  // due, not fired
  Reply r = ack(x, SMB2_OPLOCK_LEVEL_II);
  EXPECT_EQ(r.status(), status::STATUS_SUCCESS);
  EXPECT_EQ(r.as<proto::OplockBreakResponse>().oplock_level, SMB2_OPLOCK_LEVEL_II);
  f.server->clock.fire_due();  // what the service does next
  EXPECT_EQ(f.open_state(x)["oplock_state"], "Held");
  EXPECT_EQ(f.open_state(x)["oplock_level"], SMB2_OPLOCK_LEVEL_II);
  EXPECT_EQ(oplock_table(*f.server).timeouts_fired, 0u);
  auto c = final_create(mark, ax);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status(), status::STATUS_SUCCESS);
  f.server->clock.advance(60s);  // no stale timer
  EXPECT_EQ(f.open_state(x)["oplock_level"], SMB2_OPLOCK_LEVEL_II);
}

TEST_F(OplockTimer, AckAfterTheTimerFiredIsInvalidDeviceState) {
  // 3.3.6.1 resets OplockState to None; 3.3.5.22.1 then answers STATUS_INVALID_DEVICE_STATE.
  proto::FileId x = open_batch("x.txt");
  conflicting_open("x.txt", x);
  f.server->clock.advance(35s);
  EXPECT_EQ(ack(x, SMB2_OPLOCK_LEVEL_II).status(), status::STATUS_INVALID_DEVICE_STATE);
  EXPECT_EQ(f.open_state(x)["oplock_level"], SMB2_OPLOCK_LEVEL_NONE);
}

TEST_F(OplockTimer, AckCancelsTheTimer) {
  proto::FileId x = open_batch("x.txt");
  conflicting_open("x.txt", x);
  EXPECT_EQ(ack(x, SMB2_OPLOCK_LEVEL_NONE).status(), status::STATUS_SUCCESS);
  f.server->clock.fire_due();  // the waiting CREATE resumes
  EXPECT_EQ(f.server->clock.pending(), 0u);
  EXPECT_TRUE(oplock_table(*f.server).breaking.empty());
}

TEST_F(OplockTimer, CloseOfTheHolderCompletesTheBreakWithoutTheTimer) {
  // MS-FSA 2.1.5.4 cleanup: the closed holder no longer blocks the waiting open.
  proto::FileId x = open_batch("x.txt");
  std::uint64_t ax = conflicting_open("x.txt", x);
  std::size_t mark = f.transport->frames.size();
  EXPECT_EQ(f.close(x).status(), status::STATUS_SUCCESS);
  f.server->clock.fire_due();
  auto c = final_create(mark, ax);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status(), status::STATUS_SUCCESS);
  EXPECT_EQ(f.server->clock.pending(), 0u);
}

TEST_F(OplockTimer, OverwritingOpenBreaksToNone) {
  // MS-FSA 2.1.4.12: FILE_OVERWRITE_IF breaks BATCH to NONE (notification OplockLevel 0x00).
  open_batch("x.txt");
  auto replies = f.send_raw(f.encode(f.header(proto::Command::CREATE),
                                     proto::RequestBody(create_req("x.txt", 0, kOverwriteIf))));
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0].as<proto::OplockBreakResponse>().oplock_level, SMB2_OPLOCK_LEVEL_NONE);
}

TEST_F(OplockTimer, ConfiguredTimeoutIsUsed) {
  // smbconform-server --oplock-timeout SECONDS sets Server config oplock_timeout (3.3.4.6 implementation-specific).
  f.server->config.oplock_timeout = 3000ms;
  proto::FileId x = open_batch("x.txt");
  conflicting_open("x.txt", x);
  EXPECT_EQ(f.open_state(x)["oplock_timeout_ms"], 3000);
  f.server->clock.advance(3s);
  EXPECT_EQ(f.open_state(x)["oplock_state"], "None");
}

TEST(OplockTimeout, PersistentOpensGet60sByDefault) {
  // MS-SMB2 3.3.4.6 <246>: 35 000 ms, or 60 000 ms when Open.IsPersistent.
  ServerConfig cfg;
  Server s(cfg);
  Open o;
  EXPECT_EQ(oplock_timeout_for(s, o), Clock::Duration(35s));
  o.is_persistent = true;
  EXPECT_EQ(oplock_timeout_for(s, o), Clock::Duration(60s));
}

}  // namespace
}  // namespace smb::server
