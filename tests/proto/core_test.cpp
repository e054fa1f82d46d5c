// Tests for the codec core: wire.hpp, header.hpp, framing.hpp, status.hpp, json.hpp (MS-SMB2 2.1, 2.2.1).
#include "smbproto/wire.hpp"

#include "proto/test_util.hpp"
#include "smbproto/commands/lock.hpp"
#include "smbproto/commands/negotiate.hpp"
#include "smbproto/framing.hpp"
#include "smbproto/header.hpp"
#include "smbproto/json.hpp"
#include "smbproto/status.hpp"

namespace smb::proto::test {
namespace {

// ---- wire
TEST(Wire, ReaderLatchesTruncation) {
  Bytes b = bytes({1, 2, 3});
  wire::Reader r(b);
  EXPECT_EQ(r.u16(), 0x0201);
  EXPECT_EQ(r.u16(), 0);  // only one byte left
  EXPECT_TRUE(r.truncated());
  EXPECT_EQ(r.u8(), 0);   // latched: later reads fail too
  EXPECT_FALSE(r.ok());
}

TEST(Wire, ViewAtChecksOffsetAndLength) {
  Bytes b(10, 0);
  wire::Reader r(b);
  EXPECT_THAT(r.view_at(11, 0), FailsWith(errc::bad_offset));
  EXPECT_THAT(r.view_at(8, 3), FailsWith(errc::bad_length));
  EXPECT_THAT(r.view_at(10, 0), Succeeds());
}

TEST(Wire, WriterAlignAndPatch) {
  Bytes out(64, 0);
  wire::Writer w(out);
  w.u8(1);
  w.align(8);
  EXPECT_EQ(w.offset(), 72u);
  w.patch_u16(64, 0xBEEF);
  EXPECT_EQ(out[64], 0xEF);
  EXPECT_EQ(out[65], 0xBE);
}

TEST(Wire, Utf16) {
  EXPECT_EQ(wire::utf16le_from_utf8("A\xC3\xA9"), bytes({'A', 0, 0xE9, 0}));
  EXPECT_EQ(wire::utf16le_from_utf8("\xF0\x9F\x98\x80"), bytes({0x3D, 0xD8, 0x00, 0xDE}));  // U+1F600 surrogates
  EXPECT_EQ(*wire::utf8_from_utf16le(bytes({0x3D, 0xD8, 0x00, 0xDE})), "\xF0\x9F\x98\x80");
  EXPECT_THAT(wire::utf8_from_utf16le(bytes({'A'})), FailsWith(errc::bad_string));           // odd length
  EXPECT_THAT(wire::utf8_from_utf16le(bytes({0x00, 0xDC})), FailsWith(errc::bad_string));    // lone low surrogate
  EXPECT_THAT(wire::utf8_from_utf16le(bytes({0x3D, 0xD8})), FailsWith(errc::bad_string));    // unpaired high
}

TEST(Wire, Hex) {
  EXPECT_EQ(wire::to_hex(bytes({0x00, 0xAB})), "00ab");
  EXPECT_EQ(*wire::from_hex("00 AB:cd-ef"), bytes({0x00, 0xAB, 0xCD, 0xEF}));
  EXPECT_THAT(wire::from_hex("abc"), FailsWith(errc::bad_value));
  EXPECT_THAT(wire::from_hex("zz"), FailsWith(errc::bad_value));
}

// ---- header (MS-SMB2 2.2.1.1 async / 2.2.1.2 sync)
Bytes golden_sync_header() {
  return concat({bytes({0xFE, 'S', 'M', 'B'}),  // 0x00 ProtocolId
                 le16(64),                     // 0x04 StructureSize
                 le16(1),                      // 0x06 CreditCharge
                 le32(0),                      // 0x08 Status
                 le16(0x0008),                 // 0x0C Command = READ
                 le16(31),                     // 0x0E CreditRequest
                 le32(0x00000008),             // 0x10 Flags = SIGNED
                 le32(0),                      // 0x14 NextCommand
                 le64(5),                      // 0x18 MessageId
                 le32(0xFEFF),                 // 0x20 Reserved (<3> Windows clients)
                 le32(0x11),                   // 0x24 TreeId
                 le64(0x2222),                 // 0x28 SessionId
                 zeros(16)});                  // 0x30 Signature
}

TEST(HeaderCodec, SyncDecodesGolden) {
  Bytes b = golden_sync_header();
  wire::Reader r(b);
  auto h = decode_header(r);
  ASSERT_THAT(h, Succeeds());
  EXPECT_EQ(h->command, 8);
  EXPECT_EQ(h->credit_request_response, 31);
  EXPECT_EQ(h->message_id, 5u);
  EXPECT_EQ(h->reserved, 0xFEFFu);
  EXPECT_EQ(h->tree_id, 0x11u);
  EXPECT_EQ(h->session_id, 0x2222u);
  Bytes out;
  wire::Writer w(out);
  encode(w, *h);
  EXPECT_EQ(out, golden_sync_header());
}

TEST(HeaderCodec, AsyncUsesAsyncId) {
  Bytes b = golden_sync_header();
  poke32(b, 0x10, 0x3);  // SERVER_TO_REDIR | ASYNC_COMMAND
  wire::Reader r(b);
  auto h = decode_header(r);
  ASSERT_THAT(h, Succeeds());
  EXPECT_EQ(h->async_id, 0x00000011'0000FEFFull);  // 0x20..0x27 as one 8-byte AsyncId
}

TEST(HeaderCodec, Errors) {
  Bytes b = golden_sync_header();
  for (std::size_t n = 0; n < 64; ++n) {
    wire::Reader r(wire::ByteView(b.data(), n));
    EXPECT_THAT(decode_header(r), FailsWith(errc::truncated)) << n;
  }
  Bytes p = b;
  p[0] = 0xFF;  // an SMB1 header is not an SMB2 header
  wire::Reader rp(p);
  EXPECT_THAT(decode_header(rp), FailsWith(errc::bad_protocol_id));
  Bytes s = b;
  poke16(s, 4, 65);
  wire::Reader rs(s);
  EXPECT_THAT(decode_header(rs), FailsWith(errc::bad_header_size));
}

// ---- framing (MS-SMB2 2.1 Direct TCP)
TEST(Framing, NeedMoreAtEverySplitPoint) {
  Bytes msg = golden_sync_header();
  Bytes stream;
  append_frame(stream, msg);
  ASSERT_EQ(stream.size(), 68u);
  EXPECT_EQ(stream[0], 0);
  EXPECT_EQ(stream[3], 64);  // 24-bit big-endian length
  for (std::size_t n = 0; n < stream.size(); ++n) {
    wire::ByteView payload;
    EXPECT_THAT(parse_frame(wire::ByteView(stream.data(), n), payload), FailsWith(errc::need_more)) << n;
  }
  wire::ByteView payload;
  auto used = parse_frame(stream, payload);
  ASSERT_THAT(used, Succeeds());
  EXPECT_EQ(*used, 68u);
  EXPECT_EQ(Bytes(payload.begin(), payload.end()), msg);
}

TEST(Framing, BadFirstByteAndTooLarge) {
  wire::ByteView payload;
  EXPECT_THAT(parse_frame(bytes({0x01, 0, 0, 4, 1, 2, 3, 4}), payload), FailsWith(errc::bad_frame_header));
  EXPECT_THAT(parse_frame(bytes({0x00, 0x01, 0x00, 0x01}), payload, 0x10000), FailsWith(errc::frame_too_large));
}

TEST(Framing, SplitCompound) {
  Bytes a = golden_sync_header();
  poke32(a, 0x14, 64);  // NextCommand -> second header
  Bytes chain = concat({a, golden_sync_header()});
  auto parts = split_compound(chain);
  ASSERT_THAT(parts, Succeeds());
  EXPECT_EQ(parts->size(), 2u);
  Bytes bad = chain;
  poke32(bad, 0x14, 60);  // 2.2.1: NextCommand must be 8-byte aligned
  EXPECT_THAT(split_compound(bad), FailsWith(errc::bad_next_command));
  poke32(bad, 0x14, 256);  // past the end
  EXPECT_THAT(split_compound(bad), FailsWith(errc::bad_next_command));
  poke32(bad, 0x14, 0);   // NextCommand 0 with trailing bytes: the rest belongs to member 1
  EXPECT_THAT(split_compound(bad), Succeeds());
  EXPECT_THAT(split_compound(wire::ByteView(chain.data(), 63)), FailsWith(errc::truncated));
  // Loops are impossible: NextCommand >= 64 always moves forward. A long chain hits the bound.
  Bytes many;
  for (int i = 0; i < 5; ++i) many = concat({many, a});
  poke32(many, 4 * 64 + 0x14, 0);
  EXPECT_THAT(split_compound(many, 4), FailsWith(errc::too_many_commands));
  EXPECT_THAT(split_compound(many, 5), Succeeds());
}

// ---- status (MS-ERREF 2.3)
TEST(Status, NamesAndHex) {
  EXPECT_EQ(status_name(status::STATUS_END_OF_FILE), "STATUS_END_OF_FILE");
  EXPECT_EQ(to_string(NtStatus{0xC0000999}), "0xc0000999");  // unknown codes print as hex
  EXPECT_EQ(status_from_string("STATUS_PENDING"), status::STATUS_PENDING);
  EXPECT_EQ(status_from_string("0xC0000011"), status::STATUS_END_OF_FILE);
  EXPECT_EQ(status_from_string("STATUS_NO_SUCH_THING"), std::nullopt);
  EXPECT_TRUE(status::STATUS_END_OF_FILE.is_error());
  EXPECT_TRUE(status::STATUS_BUFFER_OVERFLOW.is_warning());
  EXPECT_TRUE(status::STATUS_PENDING.is_success());
}

// ---- json / fields
TEST(Json, FromJsonParsesNamesNumbersAndHex) {
  LockRequest m;
  auto err = from_json_value(nlohmann::json::parse(R"({
      "lock_count": 0, "lock_sequence": {"index": "0x40", "number": 3},
      "file_id": {"persistent": 1, "volatile": 2},
      "locks": [{"offset": 0, "length": 10, "flags": "SMB2_LOCKFLAG_EXCLUSIVE_LOCK|SMB2_LOCKFLAG_FAIL_IMMEDIATELY"}]})"),
                             m);
  ASSERT_FALSE(err.has_value()) << err->path << ": " << err->message;
  EXPECT_EQ(m.lock_count, std::optional<std::uint16_t>(0));
  EXPECT_EQ(m.lock_sequence.index, 0x40u);
  EXPECT_EQ(m.locks.at(0).flags, 0x12u);
  NegotiateContext c;
  ASSERT_FALSE(from_json_value(nlohmann::json::parse(R"({"context_type": "SMB2_SIGNING_CAPABILITIES", "data": "0100 0200"})"), c));
  EXPECT_EQ(c.context_type, SMB2_SIGNING_CAPABILITIES);
  EXPECT_EQ(c.data, bytes({1, 0, 2, 0}));
}

TEST(Json, FromJsonRejectsUnknownKeyWithPath) {
  LockRequest m;
  auto err = from_json_value(nlohmann::json::parse(R"({"locks": [{"offset": 0}, {"ofset": 1}]})"), m);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->path, "locks[1].ofset");
  EXPECT_EQ(err->message, "unknown field");
  auto bad_name = from_json_value(nlohmann::json::parse(R"({"locks": [{"flags": "NOT_A_FLAG"}]})"), m);
  ASSERT_TRUE(bad_name.has_value());
  EXPECT_EQ(bad_name->path, "locks[0].flags");
  auto too_big = from_json_value(nlohmann::json::parse(R"({"structure_size": 70000})"), m);
  ASSERT_TRUE(too_big.has_value());
  EXPECT_EQ(too_big->path, "structure_size");
}

TEST(Json, ToJsonRoundTrip) {
  NegotiateRequest m;
  m.dialects = {0x0311};
  m.client_guid = *guid_from_string("01234567-89ab-cdef-0123-456789abcdef");
  m.negotiate_contexts = {make_context(EncryptionCapabilities{{2}})};
  nlohmann::json j = to_json_value(m);
  EXPECT_EQ(j.at("client_guid"), "01234567-89ab-cdef-0123-456789abcdef");
  NegotiateRequest back;
  ASSERT_FALSE(from_json_value(j, back).has_value());
  EXPECT_EQ(back, m);
  EXPECT_EQ(format_named(0x3, names::share_access), "FILE_SHARE_READ|FILE_SHARE_WRITE");
  EXPECT_EQ(parse_named("FILE_SHARE_READ|0x4", &names::share_access), 0x5u);
}

}  // namespace
}  // namespace smb::proto::test
