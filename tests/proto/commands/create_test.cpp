// Tests for the SMB2 CREATE codec and create contexts (MS-SMB2 2.2.13, 2.2.13.2, 2.2.14, 2.2.14.2).
#include "smbproto/commands/create.hpp"

#include "proto/test_util.hpp"

namespace smb::proto::test {
namespace {

// MS-SMB2 2.2.13 opening "a.txt" with an MxAc (no data) and a DHnQ context.
// Name at hdr 0x78 (10 bytes, to 0x82), pad to 0x88, contexts 0x88..0xC8.
Bytes golden_create_request() {
  return concat({
      bytes({0x39, 0x00}),        // 0x00 StructureSize = 57
      bytes({0x00}),              // 0x02 SecurityFlags
      bytes({0x09}),              // 0x03 RequestedOplockLevel = BATCH
      le32(2),                    // 0x04 ImpersonationLevel = Impersonation
      le64(0),                    // 0x08 SmbCreateFlags
      le64(0),                    // 0x10 Reserved
      le32(0x00120089),           // 0x18 DesiredAccess = READ_DATA|READ_EA|READ_ATTRIBUTES|READ_CONTROL|SYNCHRONIZE
      le32(0x80),                 // 0x1C FileAttributes = NORMAL
      le32(0x3),                  // 0x20 ShareAccess = READ|WRITE
      le32(1),                    // 0x24 CreateDisposition = FILE_OPEN
      le32(0x40),                 // 0x28 CreateOptions = NON_DIRECTORY_FILE
      le16(0x78),                 // 0x2C NameOffset = 64 + 56
      le16(10),                   // 0x2E NameLength
      le32(0x88),                 // 0x30 CreateContextsOffset (8-aligned)
      le32(64),                   // 0x34 CreateContextsLength
      u16s("a.txt"),              // 0x38 Buffer: name
      zeros(6),                   //      pad to hdr 0x88
      // context 1 at hdr 0x88 (2.2.13.2)
      le32(24),                   // +0x00 Next
      le16(16), le16(4),          // +0x04 NameOffset, +0x06 NameLength
      le16(0),                    // +0x08 Reserved
      le16(0), le32(0),           // +0x0A DataOffset, +0x0C DataLength (no data)
      bytes({'M', 'x', 'A', 'c'}),  // +0x10 name
      zeros(4),                   //       pad to the next 8-byte boundary
      // context 2 at hdr 0xA0
      le32(0),                    // +0x00 Next = last
      le16(16), le16(4),          // +0x04 NameOffset, NameLength
      le16(0),                    // +0x08 Reserved
      le16(24), le32(16),         // +0x0A DataOffset (8-aligned), +0x0C DataLength
      bytes({'D', 'H', 'n', 'Q'}),  // +0x10 name
      zeros(4),                   //       pad
      zeros(16)});                // +0x18 data: DurableRequest (16 bytes of 0)
}

// MS-SMB2 2.2.14 with one MxAc response context at hdr 0x98.
Bytes golden_create_response() {
  return concat({
      bytes({0x59, 0x00}),        // 0x00 StructureSize = 89
      bytes({0x09}),              // 0x02 OplockLevel = BATCH
      bytes({0x00}),              // 0x03 Flags
      le32(1),                    // 0x04 CreateAction = FILE_OPENED
      le64(11), le64(12), le64(13), le64(14),  // 0x08..0x20 the four times
      le64(4096),                 // 0x28 AllocationSize
      le64(5),                    // 0x30 EndofFile
      le32(0x20),                 // 0x38 FileAttributes = ARCHIVE
      le32(0),                    // 0x3C Reserved2
      le64(0x77), le64(0x88),     // 0x40 FileId
      le32(0x98),                 // 0x50 CreateContextsOffset = 64 + 88
      le32(32),                   // 0x54 CreateContextsLength
      le32(0), le16(16), le16(4), le16(0), le16(24), le32(8),  // 0x58 context header
      bytes({'M', 'x', 'A', 'c'}), zeros(4),                   //      name + pad
      le32(0), le32(0x001F01FF)});  // data: QueryStatus = 0, MaximalAccess (2.2.14.2.5)
}

TEST(CreateCodec, RequestDecodesGolden) {
  auto m = decode_body<CreateRequest>(golden_create_request());
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->requested_oplock_level, 0x09);
  EXPECT_EQ(m->impersonation_level, 2u);
  EXPECT_EQ(m->desired_access, 0x00120089u);
  EXPECT_EQ(m->share_access, 3u);
  EXPECT_EQ(m->create_disposition, 1u);
  EXPECT_EQ(m->create_options, 0x40u);
  EXPECT_EQ(m->name, "a.txt");
  ASSERT_EQ(m->create_contexts.size(), 2u);
  EXPECT_EQ(m->create_contexts[0].name, bytes({'M', 'x', 'A', 'c'}));
  EXPECT_TRUE(m->create_contexts[0].data.empty());
  EXPECT_EQ(m->create_contexts[1].name, bytes({0x44, 0x48, 0x6E, 0x51}));  // "DHnQ" in network order
  EXPECT_EQ(m->create_contexts[1].data, zeros(16));
  EXPECT_EQ(encode_body(*m), golden_create_request());
}

TEST(CreateCodec, ResponseDecodesGolden) {
  auto m = decode_body<CreateResponse>(golden_create_response());
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->create_action, 1u);
  EXPECT_EQ(m->creation_time, 11u);
  EXPECT_EQ(m->change_time, 14u);
  EXPECT_EQ(m->end_of_file, 5u);
  EXPECT_EQ(m->file_id, (FileId{0x77, 0x88}));
  ASSERT_EQ(m->create_contexts.size(), 1u);
  QueryMaximalAccessResponse mx;
  ASSERT_THAT(parse_create_context(m->create_contexts[0], mx), Succeeds());
  EXPECT_EQ(mx.query_status, 0u);
  EXPECT_EQ(mx.maximal_access, 0x001F01FFu);
  EXPECT_EQ(encode_body(*m), golden_create_response());
}

TEST(CreateCodec, EmptyNameStillWritesOneBufferByte) {
  // 2.2.13: "In the request, the Buffer field MUST be at least one byte in length."
  CreateRequest m;
  Bytes b = encode_body(m);
  EXPECT_EQ(b.size(), 57u);
  EXPECT_EQ(b[0x2E], 0);  // NameLength 0
  auto back = decode_body<CreateRequest>(b);
  ASSERT_THAT(back, Succeeds());
  EXPECT_EQ(*back, m);
}

TEST(CreateCodec, RoundTrip) {
  CreateRequest q;
  q.security_flags = 1;
  q.smb_create_flags = 2;
  q.reserved = 3;
  q.file_attributes = 0x10;
  q.name = "dir\\sub\\f\xC3\xA9.txt";
  RequestLeaseV2 lease;
  lease.lease_key[0] = 0xAB;
  lease.lease_state = 0x7;
  lease.flags = 0x4;
  lease.parent_lease_key[15] = 0xCD;
  lease.epoch = 9;
  DurableHandleRequestV2 dh2;
  dh2.timeout = 1000;
  dh2.flags = 0x2;
  dh2.create_guid.bytes[3] = 0x33;
  q.create_contexts = {make_create_context(lease), make_create_context(dh2),
                       make_create_context(QueryMaximalAccessRequest{std::uint64_t{5}}),
                       CreateContext{Bytes(SMB2_CREATE_APP_INSTANCE_ID.begin(), SMB2_CREATE_APP_INSTANCE_ID.end()), 7,
                                     bytes({1, 2, 3})}};
  auto bq = decode_body<CreateRequest>(encode_body(q));
  ASSERT_THAT(bq, Succeeds());
  EXPECT_EQ(*bq, q);

  RequestLeaseV2 lease_back;
  ASSERT_THAT(parse_create_context(*find_create_context(bq->create_contexts, SMB2_CREATE_REQUEST_LEASE), lease_back),
              Succeeds());
  EXPECT_EQ(lease_back, lease);
  DurableHandleRequestV2 dh2_back;
  ASSERT_THAT(parse_create_context(
                  *find_create_context(bq->create_contexts, SMB2_CREATE_DURABLE_HANDLE_REQUEST_V2), dh2_back),
              Succeeds());
  EXPECT_EQ(dh2_back, dh2);

  CreateResponse r;
  r.create_contexts = {make_create_context(QueryOnDiskIdResponse{}), make_create_context(DurableHandleResponseV2{5, 2})};
  auto br = decode_body<CreateResponse>(encode_body(r));
  ASSERT_THAT(br, Succeeds());
  EXPECT_EQ(*br, r);
}

TEST(CreateCodec, TypedContextsMatchSpecLayouts) {
  // 2.2.13.2.8 SMB2_CREATE_REQUEST_LEASE: LeaseKey (16) | LeaseState (4) | LeaseFlags (4) | LeaseDuration (8)
  RequestLease l;
  l.lease_key = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  l.lease_state = 0x3;
  CreateContext c = make_create_context(l);
  EXPECT_EQ(c.name, bytes({'R', 'q', 'L', 's'}));
  EXPECT_EQ(c.data, concat({bytes({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}), le32(3), le32(0), le64(0)}));
  // 2.2.13.2.11 DH2Q: Timeout (4) | Flags (4) | Reserved (8) | CreateGuid (16)
  DurableHandleRequestV2 d;
  d.timeout = 0x11223344;
  d.flags = 2;
  CreateContext dc = make_create_context(d);
  EXPECT_EQ(dc.name, bytes({'D', 'H', '2', 'Q'}));
  EXPECT_EQ(dc.data, concat({le32(0x11223344), le32(2), le64(0), zeros(16)}));
  // 2.2.13.2.5 MxAc request without a timestamp has no data.
  EXPECT_TRUE(make_create_context(QueryMaximalAccessRequest{}).data.empty());
}

TEST(CreateCodec, TypedContextsRejectWrongSize) {
  // 3.3.5.9: a lease context of neither 0x20 nor 0x34 bytes is invalid.
  CreateContext c{create_context_name("RqLs"), 0, Bytes(0x21, 0)};
  RequestLease l;
  RequestLeaseV2 l2;
  EXPECT_THAT(parse_create_context(c, l), FailsWith(errc::bad_length));
  EXPECT_THAT(parse_create_context(c, l2), FailsWith(errc::bad_length));
  QueryMaximalAccessRequest mx;
  EXPECT_THAT(parse_create_context(CreateContext{{}, 0, Bytes(4, 0)}, mx), FailsWith(errc::bad_length));
  DurableHandleRequestV2 d;
  EXPECT_THAT(parse_create_context(CreateContext{{}, 0, Bytes(31, 0)}, d), FailsWith(errc::bad_length));
}

TEST(CreateCodec, EveryCut) {
  expect_every_cut<CreateRequest>(golden_create_request(), [](std::size_t n) -> std::optional<errc> {
    if (n < 56) return errc::truncated;    // fixed part
    if (n < 66) return errc::bad_length;   // name (hdr 0x78, 10 bytes) cut
    if (n < 72) return errc::bad_offset;   // CreateContextsOffset 0x88 lies past the end
    return errc::bad_length;               // context list cut
  });
  expect_every_cut<CreateResponse>(golden_create_response(), cuts(88));
}

TEST(CreateCodec, DecodeRejectsStructureSizeMismatch) {
  Bytes q = golden_create_request();
  poke16(q, 0, 56);
  EXPECT_THAT(decode_body<CreateRequest>(q), FailsWith(errc::bad_structure_size));
  Bytes r = golden_create_response();
  poke16(r, 0, 88);
  EXPECT_THAT(decode_body<CreateResponse>(r), FailsWith(errc::bad_structure_size));
}

TEST(CreateCodec, DecodeRejectsNameProblems) {
  Bytes q = golden_create_request();
  poke16(q, 0x2C, 0x70);  // NameOffset inside the fixed part
  EXPECT_THAT(decode_body<CreateRequest>(q), FailsWith(errc::bad_offset));
  q = golden_create_request();
  poke16(q, 0x2E, 9);  // odd NameLength
  EXPECT_THAT(decode_body<CreateRequest>(q), FailsWith(errc::bad_string));
  q = golden_create_request();
  poke16(q, 0x2E, 0x200);
  EXPECT_THAT(decode_body<CreateRequest>(q), FailsWith(errc::bad_length));
}

TEST(CreateCodec, DecodeRejectsMisalignedContextList) {
  Bytes q = golden_create_request();
  poke32(q, 0x30, 0x8C);  // 2.2.13: the first context is 8-byte aligned
  EXPECT_THAT(decode_body<CreateRequest>(q), FailsWith(errc::bad_alignment));
}

TEST(CreateCodec, DecodeRejectsBadNext) {
  const std::size_t ctx1 = 0x88 - 64;  // body offset of context 1
  Bytes q = golden_create_request();
  poke32(q, ctx1, 8);  // Next smaller than the 16-byte context header
  EXPECT_THAT(decode_body<CreateRequest>(q), FailsWith(errc::bad_offset));
  q = golden_create_request();
  poke32(q, ctx1, 20);  // Next not a multiple of 8
  EXPECT_THAT(decode_body<CreateRequest>(q), FailsWith(errc::bad_alignment));
  q = golden_create_request();
  poke32(q, ctx1, 72);  // Next past CreateContextsLength
  EXPECT_THAT(decode_body<CreateRequest>(q), FailsWith(errc::bad_offset));
}

TEST(CreateCodec, DecodeRejectsContextNameOrDataOutsideContext) {
  const std::size_t ctx1 = 0x88 - 64, ctx2 = 0xA0 - 64;
  Bytes q = golden_create_request();
  poke16(q, ctx1 + 4, 8);  // NameOffset inside the context header
  EXPECT_THAT(decode_body<CreateRequest>(q), FailsWith(errc::bad_offset));
  q = golden_create_request();
  poke16(q, ctx1 + 6, 9);  // name runs past Next (24)
  EXPECT_THAT(decode_body<CreateRequest>(q), FailsWith(errc::bad_length));
  q = golden_create_request();
  poke32(q, ctx2 + 12, 17);  // data runs past the list end
  EXPECT_THAT(decode_body<CreateRequest>(q), FailsWith(errc::bad_length));
  q = golden_create_request();
  poke16(q, ctx2 + 10, 4);  // DataOffset inside the header
  EXPECT_THAT(decode_body<CreateRequest>(q), FailsWith(errc::bad_offset));
}

TEST(CreateCodec, DecodeRejectsContextListShorterThanAHeader) {
  Bytes q = golden_create_request();
  poke32(q, 0x34, 8);  // CreateContextsLength 8 < 16-byte header
  EXPECT_THAT(decode_body<CreateRequest>(q), FailsWith(errc::bad_length));
}

}  // namespace
}  // namespace smb::proto::test
