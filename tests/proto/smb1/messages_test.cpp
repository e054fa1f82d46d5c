// Tests for whole SMB1 messages: dispatch, AndX chains (MS-CIFS 2.2.3.4), error responses, the oplock break.
#include "smbproto/smb1/messages.hpp"

#include "proto/smb1/smb1_test_util.hpp"

namespace smb::proto::smb1::test {
namespace {

Bytes header(std::uint8_t command, std::uint8_t flags, std::uint16_t flags2, std::uint32_t status = 0) {
  return concat({bytes({0xFF, 'S', 'M', 'B', command}), le32(status), bytes({flags}), le16(flags2), le16(0),
                 zeros(8), le16(0), le16(1) /*TID*/, le16(2) /*PIDLow*/, le16(3) /*UID*/, le16(4) /*MID*/});
}

// LOGOFF_ANDX (AndX, 2 words) chained to TREE_DISCONNECT? Not AndX-followable in real life, but
// any command may follow in the codec. Here: LOGOFF_ANDX -> LOGOFF_ANDX -> end.
Bytes chain_request(std::uint16_t first_andx_offset) {
  return concat({header(0x74, 0x00, 0xC001),
                 bytes({0x02, 0x74, 0x00}), le16(first_andx_offset), le16(0),  // 0x20: LOGOFF_ANDX -> 0x74
                 bytes({0x02, 0xFF, 0x00}), le16(0), le16(0)});                // 0x27: LOGOFF_ANDX, end
}

TEST(Smb1Messages, CommandNames) {
  EXPECT_EQ(to_string(Command::SMB_COM_WRITE_AND_CLOSE), "SMB_COM_WRITE_AND_CLOSE");
  EXPECT_EQ(command_from_string("SMB_COM_NT_CREATE_ANDX"), Command::SMB_COM_NT_CREATE_ANDX);
  EXPECT_EQ(static_cast<int>(Command::SMB_COM_NEGOTIATE), 0x72);  // 2.2.2.1
  EXPECT_FALSE(command_from_string("SMB_COM_BOGUS").has_value());
  EXPECT_TRUE(is_andx_command(0x2F));
  EXPECT_FALSE(is_andx_command(0x2C));
}

TEST(Smb1Messages, DecodesAndxChain) {
  auto m = decode_request(chain_request(0x27));
  ASSERT_THAT(m, Succeeds());
  ASSERT_EQ(m->bodies.size(), 2u);
  EXPECT_EQ(command_of(m->bodies[1]), Command::SMB_COM_LOGOFF_ANDX);
  EXPECT_EQ(m->header.uid, 3);
}

TEST(Smb1Messages, EncodesAndxChainOffsets) {
  Smb1Request r;
  r.header.flags2 = 0xC001;
  r.header.tid = 1;
  r.header.pid_low = 2;
  r.header.uid = 3;
  r.header.mid = 4;
  r.bodies = {LogoffAndxRequest{}, LogoffAndxRequest{}};
  // AndXCommand of the first = 0x74 and AndXOffset = 0x27 (32 + 7), the last ends the chain.
  EXPECT_EQ(encode_message(r), chain_request(0x27));
}

TEST(Smb1Messages, RejectsAndxOffsetBackwards) {
  EXPECT_THAT(decode_request(chain_request(0x10)), FailsWith(errc::bad_andx_offset));  // into the header
}

TEST(Smb1Messages, RejectsAndxOffsetIntoCurrentBlock) {
  EXPECT_THAT(decode_request(chain_request(0x20)), FailsWith(errc::bad_andx_offset));  // itself
  EXPECT_THAT(decode_request(chain_request(0x26)), FailsWith(errc::bad_andx_offset));  // its ByteCount
}

TEST(Smb1Messages, RejectsAndxOffsetPastEnd) {
  Bytes m = chain_request(0x27);
  EXPECT_THAT(decode_request(chain_request(static_cast<std::uint16_t>(m.size()))), FailsWith(errc::bad_andx_offset));
  EXPECT_THAT(decode_request(chain_request(0xFFFF)), FailsWith(errc::bad_andx_offset));
}

TEST(Smb1Messages, RejectsChainLongerThanBound) {
  // 17 LOGOFF_ANDX blocks, each pointing at the next: one more than kMaxAndxChain.
  auto build = [](std::size_t n) {
    Bytes m = header(0x74, 0, 0xC001);
    for (std::size_t i = 0; i < n; ++i) {
      bool last = i + 1 == n;
      auto next = static_cast<std::uint16_t>(m.size() + 7);
      m = concat({m, bytes({0x02, last ? 0xFF : 0x74, 0x00}), le16(last ? 0 : next), le16(0)});
    }
    return m;
  };
  EXPECT_THAT(decode_request(build(kMaxAndxChain)), Succeeds());
  EXPECT_THAT(decode_request(build(kMaxAndxChain + 1)), FailsWith(errc::too_many_commands));
}

TEST(Smb1Messages, RejectsUnknownCommands) {
  Bytes m = concat({header(0x99, 0, 0), bytes({0x00}), le16(0)});
  EXPECT_THAT(decode_request(m), FailsWith(errc::unknown_command));
  Bytes c = chain_request(0x27);
  c[0x21] = 0x99;  // AndXCommand naming an unknown command
  EXPECT_THAT(decode_request(c), FailsWith(errc::unknown_command));
}

TEST(Smb1Messages, RejectsShorterThan35Bytes) {
  // MS-CIFS 3.3.5.2: header + WordCount + ByteCount is the minimum.
  Bytes m = concat({header(0x71, 0, 0), bytes({0x00}), le16(0)});
  ASSERT_EQ(m.size(), kMinMessageSize);
  EXPECT_THAT(decode_request(m), Succeeds());
  m.pop_back();
  EXPECT_THAT(decode_request(m), FailsWith(errc::truncated));
}

TEST(Smb1Messages, ErrorResponseIsEmptyBlockWithStatus) {
  // 2.2.3.1 / 3.3.4.1.2: STATUS_INVALID_HANDLE, WordCount 0, ByteCount 0 for a WRITE_AND_CLOSE.
  Bytes m = concat({header(0x2C, 0x80, 0xC001, 0xC0000008), bytes({0x00}), le16(0)});
  auto r = decode_response(m);
  ASSERT_THAT(r, Succeeds());
  ASSERT_EQ(r->bodies.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<Smb1ErrorResponse>(r->bodies[0]));
  EXPECT_EQ(r->header.nt_status(), status::STATUS_INVALID_HANDLE);
  // The same empty block with success is the command's own response (CLOSE: WordCount 0).
  Bytes ok = concat({header(0x04, 0x80, 0xC001, 0), bytes({0x00}), le16(0)});
  auto c = decode_response(ok);
  ASSERT_THAT(c, Succeeds());
  EXPECT_TRUE(std::holds_alternative<CloseResponse>(c->bodies[0]));
  Smb1Response e{r->header, {Smb1ErrorResponse{}}};
  EXPECT_EQ(encode_message(e), m);
}

TEST(Smb1Messages, MoreProcessingRequiredKeepsSessionSetupBody) {
  SessionSetupAndxResponse s;
  s.security_blob = {0xA1, 0x02};
  s.native_os = "Unix";
  Smb1Response r;
  r.header.flags = SMB_FLAGS_REPLY;
  r.header.flags2 = SMB_FLAGS2_UNICODE | SMB_FLAGS2_NT_STATUS;
  r.header.status = status::STATUS_MORE_PROCESSING_REQUIRED.value;
  r.bodies = {s};
  auto back = decode_response(encode_message(r));
  ASSERT_THAT(back, Succeeds());
  ASSERT_TRUE(std::holds_alternative<SessionSetupAndxResponse>(back->bodies[0]));
  EXPECT_EQ(std::get<SessionSetupAndxResponse>(back->bodies[0]), s);
}

TEST(Smb1Messages, OplockBreakRequestGolden) {
  // MS-CIFS 3.3.4.2 + 2.2.4.32.1 + 2.2.1.6.2/3, digest section 8 / traceability SMB1-OPLK-03.
  Bytes golden = concat({bytes({0xFF, 'S', 'M', 'B'}),  // Protocol
                         bytes({0x24}),                 // Command SMB_COM_LOCKING_ANDX
                         le32(0),                       // Status
                         bytes({0x00}),                 // Flags: SMB_FLAGS_REPLY clear (a request)
                         le16(0),                       // Flags2
                         le16(0),                       // PIDHigh
                         zeros(8),                      // SecurityFeatures: never signed (2.2.3.1)
                         le16(0),                       // Reserved
                         le16(0x0801),                  // TID of the open
                         le16(0xFFFF),                  // PIDLow 0xFFFF (2.2.1.6.3)
                         le16(0),                       // UID
                         le16(0xFFFF),                  // MID 0xFFFF (2.2.1.6.2)
                         bytes({0x08}),                 // WordCount 8
                         bytes({0xFF, 0x00}), le16(0),  // AndXCommand none, AndXReserved, AndXOffset
                         le16(0x4005),                  // FID
                         bytes({0x02}),                 // TypeOfLock OPLOCK_RELEASE
                         bytes({0x00}),                 // NewOpLockLevel: no oplock now
                         le32(0),                       // Timeout (SHOULD 0)
                         le16(0), le16(0),              // NumberOfRequestedUnlocks/Locks (SHOULD 0)
                         le16(0)});                     // ByteCount (SHOULD 0)
  ASSERT_EQ(golden.size(), 51u);  // "32 + 1 + 16 + 2 = 51", the size clients test for (3.2.5.42)
  EXPECT_EQ(encode_message(make_oplock_break(0x0801, 0x4005, OPLOCK_LEVEL_NONE)), golden);
  auto back = decode_request(golden);
  ASSERT_THAT(back, Succeeds());
  EXPECT_FALSE(back->header.is_response());
  const auto& b = std::get<LockingAndxRequest>(back->bodies[0]);
  EXPECT_EQ(b.type_of_lock, OPLOCK_RELEASE);
  EXPECT_EQ(b.fid, 0x4005);
}

TEST(Smb1Messages, ToStringNamesCommandAndFields) {
  RequestBody b = CloseRequest{3, 7, 0};
  EXPECT_EQ(to_string(b), "SMB_COM_CLOSE Request {word_count=3, fid=7, last_time_modified=0}");
}

}  // namespace
}  // namespace smb::proto::smb1::test
