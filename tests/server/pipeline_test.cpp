// The common request pipeline of the reference server: framing, sequence window, malformed input,
// compound chains and the ERROR response (MS-SMB2 2.1, 3.3.5.2.x, 3.3.4.4).
#include "smbserver/access.hpp"

#include "server_fixture.hpp"

namespace smb::server::test {
namespace {

namespace a = access;

TEST(Framing, FrameSplitAtEveryByteIsProcessedOnce) {
  Fixture f;
  proto::NegotiateRequest n;
  n.dialects = {0x0202};
  wire::Bytes framed;
  proto::append_frame(framed, proto::encode_message(f.header(proto::Command::NEGOTIATE), proto::RequestBody(n)));
  std::vector<Reply> all;
  for (std::size_t i = 0; i < framed.size(); ++i) {
    auto r = f.feed(wire::ByteView(framed).subspan(i, 1));
    all.insert(all.end(), r.begin(), r.end());
    if (i + 1 < framed.size()) {
      EXPECT_TRUE(r.empty()) << "response before the frame was complete (byte " << i << ")";
    }
  }
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].status(), status::STATUS_SUCCESS);
}

TEST(Framing, NonZeroFirstByteDisconnects) {
  Fixture f;
  wire::Bytes bad = {0x85, 0, 0, 0};  // 2.1: the first byte MUST be zero
  EXPECT_TRUE(f.feed(bad).empty());
  EXPECT_TRUE(f.transport->closed);
}

TEST(Framing, OversizedFrameDisconnects) {
  Fixture f;
  f.logon();
  // 3.3.5.2: longer than MaxTransactSize + 256 -> disconnect (before the body arrives).
  std::size_t len = f.conn->max_transact_size + 4096;
  wire::Bytes hdr = {0, static_cast<std::uint8_t>(len >> 16), static_cast<std::uint8_t>(len >> 8), static_cast<std::uint8_t>(len)};
  EXPECT_TRUE(f.feed(hdr).empty());
  EXPECT_TRUE(f.transport->closed);
}

TEST(Sequence, ReusedMessageIdDisconnects) {
  Fixture f;
  f.logon();
  // SMB2-COMMON-15, 3.3.5.2.3: a MessageId already used -> terminate, no response.
  auto h = f.header(proto::Command::ECHO);
  h.message_id = 1;
  EXPECT_TRUE(f.send_raw(proto::encode_message(h, proto::RequestBody(proto::EchoRequest{}))).empty());
  EXPECT_TRUE(f.transport->closed);
}

TEST(Sequence, MessageIdBeyondTheWindowDisconnects) {
  Fixture f;
  f.logon();
  auto h = f.header(proto::Command::ECHO);
  h.message_id += 100000;
  EXPECT_TRUE(f.send_raw(proto::encode_message(h, proto::RequestBody(proto::EchoRequest{}))).empty());
  EXPECT_TRUE(f.transport->closed);
}

TEST(Sequence, CreditsAreGrantedAsRequested) {
  Fixture f;
  f.logon();
  auto h = f.header(proto::Command::ECHO);
  h.credit_request_response = 10;
  Reply r = f.request(h, proto::RequestBody(proto::EchoRequest{}));
  // 3.3.1.2: the server grants credits in CreditResponse (here the 10 requested, within the limit).
  EXPECT_EQ(r.header.credit_request_response, 10);
}

TEST(Malformed, UndefinedCommandDisconnectsWithoutResponse) {
  Fixture f;
  f.logon();
  wire::Bytes m = proto::encode_message(f.header(proto::Command::ECHO), proto::RequestBody(proto::EchoRequest{}));
  m[0x0C] = 0x14;  // Command 0x0014 is not defined (3.3.5.2.6 / SMB2-COMMON-16(b))
  EXPECT_TRUE(f.send_raw(m).empty());
  EXPECT_TRUE(f.transport->closed);
}

TEST(Malformed, ShortMessageDisconnects) {
  Fixture f;
  wire::Bytes m = {0xFE, 'S', 'M', 'B', 64, 0};  // < 64 bytes (3.3.5.2.6)
  EXPECT_TRUE(f.send_raw(m).empty());
  EXPECT_TRUE(f.transport->closed);
}

TEST(Malformed, WrongStructureSizeIsInvalidParameterAndTheConnectionStays) {
  Fixture f;
  f.logon();
  proto::FileId id = f.open("m.txt", a::GENERIC_WRITE, 3);
  proto::FlushRequest fr;
  fr.file_id = id;
  fr.structure_size = 25;
  // SMB2-COMMON-17, 3.3.5.2.6 (<265>): wrong StructureSize -> STATUS_INVALID_PARAMETER.
  Reply r = f.request(proto::Command::FLUSH, fr);
  EXPECT_EQ(r.status(), status::STATUS_INVALID_PARAMETER);
  // SMB2-COMMON-20, 3.3.4.4 / 2.2.2: the ERROR response echoes Command and MessageId, has
  // SERVER_TO_REDIR, NextCommand 0 and an ERROR body (StructureSize 9, ByteCount 0).
  EXPECT_EQ(r.header.command, 0x0007);
  EXPECT_TRUE(r.header.flags & proto::SMB2_FLAGS_SERVER_TO_REDIR);
  EXPECT_EQ(r.header.next_command, 0u);
  const auto& e = r.as<proto::ErrorResponse>();
  EXPECT_EQ(e.structure_size, 9);
  EXPECT_EQ(e.byte_count, 0u);
  EXPECT_EQ(e.error_context_count, 0);
  EXPECT_TRUE(r.raw.size() == 64 + 8 || r.raw.size() == 64 + 9);
  EXPECT_FALSE(f.transport->closed);
  EXPECT_EQ(f.flush(id).status(), status::STATUS_SUCCESS);
}

TEST(Malformed, TruncatedBodyIsInvalidParameter) {
  Fixture f;
  f.logon();
  wire::Bytes m = proto::encode_message(f.header(proto::Command::CLOSE), proto::RequestBody(proto::CloseRequest{}));
  m.resize(m.size() - 8);  // cut the FileId
  auto r = f.send_raw(m);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status(), status::STATUS_INVALID_PARAMETER);
}

/** Builds a related compound chain (2.2.1 NextCommand, 8-byte aligned members). */
wire::Bytes chain(std::vector<wire::Bytes> parts) {
  wire::Bytes out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    auto& p = parts[i];
    if (i + 1 < parts.size()) {
      while (p.size() % 8) p.push_back(0);
      std::uint32_t next = static_cast<std::uint32_t>(p.size());
      for (int k = 0; k < 4; ++k) p[0x14 + k] = static_cast<std::uint8_t>(next >> (8 * k));
    }
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

TEST(Compound, RelatedFileIdWithoutPreviousFileIdIsInvalidHandle) {
  Fixture f;
  ASSERT_EQ(f.negotiate().status(), status::STATUS_SUCCESS);
  ASSERT_EQ(f.session_setup().status(), status::STATUS_SUCCESS);
  proto::TreeConnectRequest t;
  t.path = "\\\\h\\share";
  auto h1 = f.header(proto::Command::TREE_CONNECT);
  h1.tree_id = 0;
  proto::FlushRequest fr;
  fr.file_id = proto::FileId::all_ones();
  auto h2 = f.header(proto::Command::FLUSH);
  h2.flags |= proto::SMB2_FLAGS_RELATED_OPERATIONS;
  h2.session_id = ~0ull;
  h2.tree_id = 0xFFFFFFFF;
  auto r = f.send_raw(chain({proto::encode_message(h1, proto::RequestBody(t)), proto::encode_message(h2, proto::RequestBody(fr))}));
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].status(), status::STATUS_SUCCESS);
  // SMB2-COMMON-18, 3.3.5.2.7.2: TREE_CONNECT supplies no FileId -> STATUS_INVALID_HANDLE.
  EXPECT_EQ(r[1].status(), status::STATUS_INVALID_HANDLE);
  EXPECT_NE(r[0].header.next_command, 0u);
}

TEST(Compound, FailedCreateFailsTheRelatedOperations) {
  Fixture f;
  f.logon();
  proto::CreateRequest c;
  c.name = "missing.txt";
  c.desired_access = a::GENERIC_WRITE;
  c.create_disposition = 1;  // FILE_OPEN
  proto::FlushRequest fr;
  fr.file_id = proto::FileId::all_ones();
  proto::CloseRequest cl;
  cl.file_id = proto::FileId::all_ones();
  auto h2 = f.header(proto::Command::FLUSH);
  h2.flags |= proto::SMB2_FLAGS_RELATED_OPERATIONS;
  auto h3 = f.header(proto::Command::CLOSE);
  h3.flags |= proto::SMB2_FLAGS_RELATED_OPERATIONS;
  auto r = f.send_raw(chain({proto::encode_message(f.header(proto::Command::CREATE), proto::RequestBody(c)),
                             proto::encode_message(h2, proto::RequestBody(fr)),
                             proto::encode_message(h3, proto::RequestBody(cl))}));
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].status(), status::STATUS_OBJECT_NAME_NOT_FOUND);
  // SMB2-COMMON-19, 3.3.5.2.7.2: the related operations fail with the CREATE's status (SHOULD).
  EXPECT_EQ(r[1].status(), status::STATUS_OBJECT_NAME_NOT_FOUND);
  EXPECT_EQ(r[2].status(), status::STATUS_OBJECT_NAME_NOT_FOUND);
}

TEST(Compound, CreateFlushCloseUsesTheNewFileId) {
  Fixture f;
  f.logon();
  proto::CreateRequest c;
  c.name = "chain.txt";
  c.desired_access = a::GENERIC_WRITE;
  c.create_disposition = 3;
  proto::FlushRequest fr;
  fr.file_id = proto::FileId::all_ones();
  proto::CloseRequest cl;
  cl.file_id = proto::FileId::all_ones();
  auto h2 = f.header(proto::Command::FLUSH);
  h2.flags |= proto::SMB2_FLAGS_RELATED_OPERATIONS;
  auto h3 = f.header(proto::Command::CLOSE);
  h3.flags |= proto::SMB2_FLAGS_RELATED_OPERATIONS;
  auto r = f.send_raw(chain({proto::encode_message(f.header(proto::Command::CREATE), proto::RequestBody(c)),
                             proto::encode_message(h2, proto::RequestBody(fr)),
                             proto::encode_message(h3, proto::RequestBody(cl))}));
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].status(), status::STATUS_SUCCESS);
  EXPECT_EQ(r[1].status(), status::STATUS_SUCCESS);
  EXPECT_EQ(r[2].status(), status::STATUS_SUCCESS);
  // Responses mirror RELATED_OPERATIONS (2.2.1.2).
  EXPECT_TRUE(r[1].header.flags & proto::SMB2_FLAGS_RELATED_OPERATIONS);
  auto st = handle_control(*f.server, R"({"op":"state"})");
  EXPECT_TRUE(st["sessions"][0]["opens"].empty());
}

TEST(Cancel, UnknownTargetGetsNoResponse) {
  Fixture f;
  f.logon();
  auto h = f.header(proto::Command::CANCEL);
  // 3.3.5.16: no response is ever sent to a CANCEL; it consumes no MessageId.
  EXPECT_TRUE(f.send_raw(proto::encode_message(h, proto::RequestBody(proto::CancelRequest{}))).empty());
  EXPECT_FALSE(f.transport->closed);
  f.next_message_id = h.message_id;  // the id was not consumed: reuse it
  EXPECT_EQ(f.request(proto::Command::ECHO, proto::EchoRequest{}).status(), status::STATUS_SUCCESS);
}

TEST(Issue4, LockHasAHandlerNow) {
  Fixture f;
  f.logon();
  proto::FileId id = f.open("l.txt", a::GENERIC_WRITE, 3);
  proto::LockRequest l;
  l.file_id = id;
  l.locks.push_back({0, 1, 0x12, 0});
  // LOCK used to fall through to the command list's default handler (STATUS_NOT_SUPPORTED); an
  // EXCLUSIVE|FAIL_IMMEDIATELY lock on an unlocked range of a fresh open is granted (MS-SMB2 3.3.5.14.2).
  EXPECT_EQ(f.request(proto::Command::LOCK, l).status(), status::STATUS_SUCCESS);
}

}  // namespace
}  // namespace smb::server::test
