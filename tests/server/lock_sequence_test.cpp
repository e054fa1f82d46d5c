// LockSequenceArray rules of SMB2 LOCK (MS-SMB2 3.3.5.14, 3.3.5.14.1, 3.3.5.14.2) for every dialect, handle kind and scope.
#include "smbserver/lock_sequence.hpp"

#include <cstdint>
#include <optional>

#include <gtest/gtest.h>

#include "smbserver/state.hpp"

namespace smb::server::test {
namespace {

constexpr std::uint16_t k202 = 0x0202, k210 = 0x0210, k300 = 0x0300, k302 = 0x0302, k311 = 0x0311;
using V = LockSequenceVerdict;
using Scope = LockSequenceScope;

enum class Kind { plain, resilient, durable, persistent };

LockSequenceContext ctx(std::uint16_t dialect, Kind kind, bool multi_channel = false, Scope scope = Scope::spec) {
  LockSequenceContext c;
  c.dialect = dialect;
  c.server_capabilities = multi_channel ? kGlobalCapMultiChannel : 0;
  c.is_resilient = kind == Kind::resilient;
  c.is_durable = kind == Kind::durable;
  c.is_persistent = kind == Kind::persistent;
  c.scope = scope;
  return c;
}

const std::optional<LockSequenceSlot> kValid1 = LockSequenceSlot{true, 1};

// ---------------------------------------------------------------------------------------------
// Conditions

TEST(LockSequenceConditions, VerificationPerDialectKindAndScope) {
  // 3.3.5.14: verify (SHOULD, <370>) when "Open.IsResilient or Open.IsDurable or Open.IsPersistent
  // is TRUE or Connection.Dialect belongs to the SMB 3.x dialect family and
  // Connection.ServerCapabilities includes SMB2_GLOBAL_CAP_MULTI_CHANNEL"; narrowed by lockseq_scope.
  struct C {
    std::uint16_t dialect;
    Kind kind;
    bool mc;
    bool spec, resilient_only, resilient_or_persistent;
  } cases[] = {
      {k210, Kind::plain, false, false, false, false},
      {k210, Kind::resilient, false, true, true, true},
      {k210, Kind::durable, false, true, false, false},
      {k210, Kind::plain, true, false, false, false},  // MULTI_CHANNEL counts only for 3.x
      {k300, Kind::plain, false, false, false, false},
      {k300, Kind::plain, true, true, false, false},
      {k302, Kind::plain, true, true, false, false},
      {k311, Kind::plain, true, true, false, false},
      {k311, Kind::durable, false, true, false, false},
      {k311, Kind::persistent, false, true, false, true},
      {k311, Kind::resilient, true, true, true, true},
  };
  for (const C& c : cases) {
    SCOPED_TRACE(::testing::Message() << "dialect 0x" << std::hex << c.dialect << " kind " << int(c.kind)
                                      << " mc " << c.mc);
    EXPECT_EQ(lock_sequence_verifies(ctx(c.dialect, c.kind, c.mc, Scope::spec)), c.spec);
    EXPECT_EQ(lock_sequence_verifies(ctx(c.dialect, c.kind, c.mc, Scope::resilient_only)), c.resilient_only);
    EXPECT_EQ(lock_sequence_verifies(ctx(c.dialect, c.kind, c.mc, Scope::resilient_or_persistent)),
              c.resilient_or_persistent);
    EXPECT_FALSE(lock_sequence_verifies(ctx(c.dialect, c.kind, c.mc, Scope::none)));
  }
}

TEST(LockSequenceConditions, RecordingFollowsTheSpecTextWhateverTheScope) {
  // 3.3.5.14.1 / 3.3.5.14.2: record when "Connection.Dialect is not "2.0.2" and if Open.IsResilient
  // or Open.IsDurable, or Open.IsPersistent is TRUE or Connection.ServerCapabilities includes the
  // SMB2_GLOBAL_CAP_MULTI_CHANNEL bit".
  EXPECT_FALSE(lock_sequence_records(ctx(k202, Kind::resilient)));
  EXPECT_FALSE(lock_sequence_records(ctx(k202, Kind::plain, true)));
  EXPECT_FALSE(lock_sequence_records(ctx(k210, Kind::plain)));
  EXPECT_FALSE(lock_sequence_records(ctx(k311, Kind::plain)));
  EXPECT_TRUE(lock_sequence_records(ctx(k210, Kind::resilient)));
  EXPECT_TRUE(lock_sequence_records(ctx(k210, Kind::durable, false, Scope::resilient_only)));
  EXPECT_TRUE(lock_sequence_records(ctx(k311, Kind::persistent, false, Scope::none)));
  EXPECT_TRUE(lock_sequence_records(ctx(k311, Kind::plain, true)));
  EXPECT_TRUE(lock_sequence_records(ctx(k210, Kind::plain, true)));  // literal text: no 3.x qualifier
}

TEST(LockSequenceConditions, IndexRange) {
  // 2.2.26: LockSequenceIndex "MUST contain a value from 0 to 64, where 0 is reserved"; 3.3.5.14
  // skips index 0 and indexes beyond the array.
  EXPECT_FALSE(lock_sequence_index_valid(0));
  EXPECT_TRUE(lock_sequence_index_valid(1));
  EXPECT_TRUE(lock_sequence_index_valid(64));
  EXPECT_FALSE(lock_sequence_index_valid(65));
  EXPECT_FALSE(lock_sequence_index_valid(0x0FFFFFFF));
}

// ---------------------------------------------------------------------------------------------
// decide_lock_sequence: every branch

TEST(LockSequenceDecide, Dialect202NeverConsultsNorRecords) {
  // SMB2-LOCK-32(a), 3.3.5.14: only "If Connection.Dialect is not "2.0.2"" is the array used.
  LockSequenceDecision d = decide_lock_sequence(ctx(k202, Kind::resilient), 1, 1, kValid1);
  EXPECT_EQ(d.verdict, V::not_consulted);
  EXPECT_FALSE(d.invalidate_entry);
  EXPECT_FALSE(d.record_on_success);
}

TEST(LockSequenceDecide, IndexZeroOrPast64IsNeverConsultedNorRecorded) {
  // SMB2-LOCK-37 / SMB2-LOCK-40, 3.3.5.14: index 0 or beyond the array -> continue processing; the
  // store step is skipped for these (smb2-processing.md 7.5).
  for (std::uint32_t idx : {0u, 65u, 1000u}) {
    LockSequenceDecision d = decide_lock_sequence(ctx(k311, Kind::resilient), idx, 1, std::nullopt);
    EXPECT_EQ(d.verdict, V::not_consulted) << idx;
    EXPECT_FALSE(d.record_on_success) << idx;
  }
}

TEST(LockSequenceDecide, InvalidEntryProcessesAndRecordsWhenTheOpenQualifies) {
  // 3.3.5.14: entry Valid FALSE -> continue; 3.3.5.14.1/.2 then store on success.
  LockSequenceDecision d = decide_lock_sequence(ctx(k210, Kind::resilient), 3, 1, LockSequenceSlot{false, 1});
  EXPECT_EQ(d.verdict, V::not_consulted);
  EXPECT_FALSE(d.invalidate_entry);
  EXPECT_TRUE(d.record_on_success);
  d = decide_lock_sequence(ctx(k210, Kind::plain), 3, 1, LockSequenceSlot{false, 1});
  EXPECT_FALSE(d.record_on_success);
}

TEST(LockSequenceDecide, ValidEqualEntryIsAReplay) {
  // SMB2-LOCK-33, 3.3.5.14: equal sequence numbers -> complete with success, nothing else done.
  LockSequenceDecision d = decide_lock_sequence(ctx(k210, Kind::resilient), 1, 1, kValid1);
  EXPECT_EQ(d.verdict, V::replay);
  EXPECT_FALSE(d.invalidate_entry);
  EXPECT_FALSE(d.record_on_success);
}

TEST(LockSequenceDecide, OnlyTheLowFourBitsAreCompared) {
  // 2.2.26: LockSequenceNumber is 4 bits.
  EXPECT_EQ(decide_lock_sequence(ctx(k311, Kind::durable), 9, 0x13, LockSequenceSlot{true, 3}).verdict, V::replay);
}

TEST(LockSequenceDecide, ValidDifferentEntryIsInvalidatedBeforeProcessing) {
  // SMB2-LOCK-36, 3.3.5.14: different numbers -> reset Valid to FALSE, continue, record on success.
  LockSequenceDecision d = decide_lock_sequence(ctx(k300, Kind::persistent), 1, 2, kValid1);
  EXPECT_EQ(d.verdict, V::mismatch);
  EXPECT_TRUE(d.invalidate_entry);
  EXPECT_TRUE(d.record_on_success);
}

TEST(LockSequenceDecide, ValidEntryOfANonQualifyingOpenIsNotCompared) {
  // SMB2-LOCK-32(b): dialect >= 2.1, neither durable, resilient nor persistent, no MULTI_CHANNEL ->
  // no verification, so a repeated request is processed again.
  LockSequenceDecision d = decide_lock_sequence(ctx(k311, Kind::plain), 1, 1, kValid1);
  EXPECT_EQ(d.verdict, V::not_consulted);
  EXPECT_FALSE(d.invalidate_entry);
  EXPECT_FALSE(d.record_on_success);
}

TEST(LockSequenceDecide, MultiChannelConnectionQualifiesA3xOpen) {
  // SMB2-LOCK-34 (multichannel case), 3.3.5.14: 3.x + MULTI_CHANNEL verifies even a plain open.
  EXPECT_EQ(decide_lock_sequence(ctx(k311, Kind::plain, true), 1, 1, kValid1).verdict, V::replay);
  EXPECT_EQ(decide_lock_sequence(ctx(k210, Kind::plain, true), 1, 1, kValid1).verdict, V::not_consulted);
}

TEST(LockSequenceDecide, WindowsNarrowingSkipsVerificationButStillRecords) {
  // SMB2-LOCK-34 with lockseq_scope resilient-only (<370> Win7/2008 R2): a durable open is not
  // verified -> its repeat is processed; recording follows 3.3.5.14.1/.2 unchanged.
  LockSequenceDecision d = decide_lock_sequence(ctx(k210, Kind::durable, false, Scope::resilient_only), 1, 1, kValid1);
  EXPECT_EQ(d.verdict, V::not_consulted);
  EXPECT_FALSE(d.invalidate_entry);
  EXPECT_TRUE(d.record_on_success);
  // resilient-or-persistent: persistent verified, durable not.
  EXPECT_EQ(decide_lock_sequence(ctx(k311, Kind::persistent, false, Scope::resilient_or_persistent), 1, 1, kValid1)
                .verdict,
            V::replay);
  EXPECT_EQ(
      decide_lock_sequence(ctx(k311, Kind::durable, false, Scope::resilient_or_persistent), 1, 1, kValid1).verdict,
      V::not_consulted);
  // none: even a resilient open is not verified.
  EXPECT_EQ(decide_lock_sequence(ctx(k311, Kind::resilient, false, Scope::none), 1, 1, kValid1).verdict,
            V::not_consulted);
}

// ---------------------------------------------------------------------------------------------
// begin/commit over an Open's array: the life cycle of smb2-processing.md 7.5

TEST(LockSequenceArray, ResilientLockThenReplay) {
  // SMB2-LOCK-33 / SMB2-LOCK-40: success records {TRUE, n}; the identical request is a replay.
  LockSequenceSlots a{};
  const auto c = ctx(k210, Kind::resilient);
  EXPECT_EQ(begin_lock_sequence(a, c, 1, 1), V::not_consulted);
  EXPECT_TRUE(commit_lock_sequence(a, c, 1, 1));
  EXPECT_EQ(a[0], (LockSequenceSlot{true, 1}));
  EXPECT_EQ(begin_lock_sequence(a, c, 1, 1), V::replay);
  EXPECT_EQ(a[0], (LockSequenceSlot{true, 1}));
}

TEST(LockSequenceArray, UnlockReplayAtIndex2) {
  // SMB2-LOCK-35, 3.3.5.14.1: the unlock path records the same way; the repeat is a replay.
  LockSequenceSlots a{};
  const auto c = ctx(k311, Kind::resilient);
  EXPECT_EQ(begin_lock_sequence(a, c, 2, 5), V::not_consulted);
  EXPECT_TRUE(commit_lock_sequence(a, c, 2, 5));
  EXPECT_EQ(begin_lock_sequence(a, c, 2, 5), V::replay);
}

TEST(LockSequenceArray, MismatchResetsThenNewNumberIsStored) {
  // SMB2-LOCK-36: entry 3 = {Valid, 1}; (3,2) is processed (entry reset first, set to 2 on
  // success); (3,1) afterwards is processed normally, no longer a replay.
  LockSequenceSlots a{};
  const auto c = ctx(k311, Kind::resilient);
  a[2] = LockSequenceSlot{true, 1};
  EXPECT_EQ(begin_lock_sequence(a, c, 3, 2), V::mismatch);
  EXPECT_FALSE(a[2].valid);
  EXPECT_TRUE(commit_lock_sequence(a, c, 3, 2));
  EXPECT_EQ(a[2], (LockSequenceSlot{true, 2}));
  EXPECT_EQ(begin_lock_sequence(a, c, 3, 1), V::mismatch);
  EXPECT_FALSE(a[2].valid);
}

TEST(LockSequenceArray, FailedRequestRecordsNothing) {
  // SMB2-LOCK-38: (4,7) fails -> no commit; the resend is processed again, then recorded.
  LockSequenceSlots a{};
  const auto c = ctx(k210, Kind::resilient);
  EXPECT_EQ(begin_lock_sequence(a, c, 4, 7), V::not_consulted);
  // (request failed: the handler does not call commit)
  EXPECT_FALSE(a[3].valid);
  EXPECT_EQ(begin_lock_sequence(a, c, 4, 7), V::not_consulted);
  EXPECT_TRUE(commit_lock_sequence(a, c, 4, 7));
  EXPECT_EQ(begin_lock_sequence(a, c, 4, 7), V::replay);
}

TEST(LockSequenceArray, FailureAfterMismatchLeavesTheEntryInvalid) {
  // 3.3.5.14 resets the entry before processing; a failing request then stores nothing (7.5).
  LockSequenceSlots a{};
  const auto c = ctx(k210, Kind::durable);
  a[4] = LockSequenceSlot{true, 9};
  EXPECT_EQ(begin_lock_sequence(a, c, 5, 10), V::mismatch);
  EXPECT_FALSE(a[4].valid);
  EXPECT_EQ(begin_lock_sequence(a, c, 5, 9), V::not_consulted);  // old number no longer replays
}

TEST(LockSequenceArray, Index64IsTheLastEntryAnd0And65TouchNothing) {
  // SMB2-LOCK-37 / SMB2-LOCK-40: index 64 is stored at the end of the array; 0 and 65 never are.
  LockSequenceSlots a{};
  const auto c = ctx(k311, Kind::resilient);
  EXPECT_FALSE(commit_lock_sequence(a, c, 0, 1));
  EXPECT_FALSE(commit_lock_sequence(a, c, 65, 1));
  EXPECT_EQ(a, LockSequenceSlots{});
  EXPECT_EQ(begin_lock_sequence(a, c, 0, 1), V::not_consulted);
  EXPECT_EQ(begin_lock_sequence(a, c, 65, 1), V::not_consulted);
  EXPECT_TRUE(commit_lock_sequence(a, c, 64, 1));
  EXPECT_EQ(a[63], (LockSequenceSlot{true, 1}));
  EXPECT_EQ(begin_lock_sequence(a, c, 64, 1), V::replay);
}

TEST(LockSequenceArray, NonQualifyingOpenAndDialect202AreNeverStored) {
  // SMB2-LOCK-32 / SMB2-LOCK-40: no store for 2.0.2, nor for a plain open without MULTI_CHANNEL.
  LockSequenceSlots a{};
  EXPECT_FALSE(commit_lock_sequence(a, ctx(k202, Kind::resilient), 1, 1));
  EXPECT_FALSE(commit_lock_sequence(a, ctx(k311, Kind::plain), 1, 1));
  EXPECT_EQ(a, LockSequenceSlots{});
}

TEST(LockSequenceArray, CommitKeepsFourBits) {
  // 2.2.26: SequenceNumber is 4 bits.
  LockSequenceSlots a{};
  EXPECT_TRUE(commit_lock_sequence(a, ctx(k311, Kind::resilient), 1, 0x1F));
  EXPECT_EQ(a[0].sequence_number, 0xF);
}

TEST(LockSequenceArray, ResetOnCreate) {
  // 3.3.5.9: a new Open's LockSequenceArray entries are all Valid FALSE.
  LockSequenceSlots a{};
  a[10] = LockSequenceSlot{true, 4};
  reset_lock_sequence_array(a);
  EXPECT_EQ(a, LockSequenceSlots{});
}

TEST(LockSequenceArray, WorksOnTheServersOpenState) {
  // The server's Open (state.hpp, 3.3.1.10) stores its own entry type; the templates accept it.
  Open open;
  const auto c = ctx(k311, Kind::resilient);
  EXPECT_EQ(begin_lock_sequence(open.lock_sequence_array, c, 7, 3), V::not_consulted);
  EXPECT_TRUE(commit_lock_sequence(open.lock_sequence_array, c, 7, 3));
  EXPECT_TRUE(open.lock_sequence_array[6].valid);
  EXPECT_EQ(begin_lock_sequence(open.lock_sequence_array, c, 7, 3), V::replay);
  reset_lock_sequence_array(open.lock_sequence_array);
  EXPECT_FALSE(open.lock_sequence_array[6].valid);
}

}  // namespace
}  // namespace smb::server::test
