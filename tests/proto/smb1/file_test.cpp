// Tests for NT_CREATE_ANDX, READ_ANDX, WRITE_ANDX, CLOSE, FLUSH, DELETE, DELETE_DIRECTORY, ECHO, LOGOFF_ANDX,
// TREE_DISCONNECT (MS-CIFS 2.2.4.x, MS-SMB 2.2.4.x).
#include "smbproto/smb1/nt_create_andx.hpp"
#include "smbproto/smb1/read_andx.hpp"
#include "smbproto/smb1/simple.hpp"
#include "smbproto/smb1/write_andx.hpp"

#include "proto/smb1/smb1_test_util.hpp"

namespace smb::proto::smb1::test {
namespace {

// 2.2.4.64.1 (Unicode): words 0x21..0x50, ByteCount 0x51, Bytes 0x53: pad -> FileName at 0x54.
Bytes nt_create_request() {
  return concat({bytes({0x18, 0xFF, 0x00}), le16(0),
                 bytes({0x00}),              // 0x04 Reserved
                 le16(12),                   // 0x05 NameLength: "a.txt" UTF-16 + terminator
                 le32(0x00000016),           // 0x07 Flags OPBATCH|OPLOCK|EXTENDED_RESPONSE
                 le32(0),                    // 0x0B RootDirectoryFID
                 le32(0x0002019F),           // 0x0F DesiredAccess
                 le64(0),                    // 0x13 AllocationSize
                 le32(0x80),                 // 0x1B ExtFileAttributes ATTR_NORMAL
                 le32(0x7),                  // 0x1F ShareAccess
                 le32(3),                    // 0x23 CreateDisposition FILE_OPEN_IF
                 le32(0x40),                 // 0x27 CreateOptions FILE_NON_DIRECTORY_FILE
                 le32(2),                    // 0x2B ImpersonationLevel
                 bytes({0x01}),              // 0x2F SecurityFlags
                 le16(13),                   // ByteCount
                 bytes({0x00}),              // Pad
                 uni("a.txt")});
}

TEST(Smb1NtCreate, RequestGolden) {
  auto m = decode_block<NtCreateAndxRequest>(nt_create_request(), kUni);
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->flags, NT_CREATE_REQUEST_OPLOCK | NT_CREATE_REQUEST_OPBATCH | NT_CREATE_REQUEST_EXTENDED_RESPONSE);
  EXPECT_EQ(m->desired_access, 0x0002019Fu);
  EXPECT_EQ(m->create_disposition, 3u);
  EXPECT_EQ(m->security_flags, 1);
  EXPECT_EQ(m->file_name, "a.txt");
  EXPECT_EQ(encode_block(*m, kUni), nt_create_request());
  expect_every_cut<NtCreateAndxRequest>(nt_create_request(), block_cuts(48), kUni);
  Bytes b = nt_create_request();
  poke16(b, 6, 14);  // NameLength larger than ByteCount (13)
  EXPECT_THAT(decode_block<NtCreateAndxRequest>(b, kUni), FailsWith(errc::bad_length));
}

Bytes nt_create_response_words() {
  return concat({bytes({0xFF, 0x00}), le16(0),
                 bytes({0x02}),              // 0x04 OpLockLevel batch
                 le16(0x4007),               // 0x05 FID
                 le32(2),                    // 0x07 CreateDisposition FILE_CREATED
                 le64(11), le64(12), le64(13), le64(14),  // 0x0B .. 0x23 times
                 le32(0x20),                 // 0x2B ExtFileAttributes
                 le64(4096),                 // 0x2F AllocationSize
                 le64(5),                    // 0x37 EndOfFile
                 le16(0),                    // 0x3F ResourceType
                 le16(0),                    // 0x41 NMPipeStatus
                 bytes({0x00})});            // 0x43 Directory
}

TEST(Smb1NtCreate, ResponseGolden) {
  Bytes g = concat({bytes({0x22}), nt_create_response_words(), le16(0)});
  ASSERT_EQ(g.size(), 1 + 68 + 2u);  // 2.2.4.64.2: 68 bytes of words
  auto m = decode_block<NtCreateAndxResponse>(g);
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->op_lock_level, BATCH_OPLOCK);
  EXPECT_EQ(m->fid, 0x4007);
  EXPECT_EQ(m->last_change_time, 14u);
  EXPECT_EQ(m->end_of_file, 5u);
  EXPECT_EQ(encode_block(*m), g);
  expect_every_cut<NtCreateAndxResponse>(g, block_cuts(68));
}

TEST(Smb1NtCreate, ExtendedResponseHas50WordsBehindWordCount42) {
  // MS-SMB 2.2.4.9.2: VolumeGUID, FileId, MaximalAccessRights, GuestMaximalAccessRights follow
  // Directory; WordCount says 0x2A while 100 bytes of words are sent (digest: MS-SMB <50>).
  Bytes g = concat({bytes({0x2A}), nt_create_response_words(), bytes({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}),
                    le64(0x1122334455667788), le32(0x001F01FF), le32(0x00120089), le16(0)});
  ASSERT_EQ(g.size(), 1 + 100 + 2u);
  auto m = decode_block<NtCreateAndxResponse>(g);
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->volume_guid.bytes[0], 1);
  EXPECT_EQ(m->file_id, 0x1122334455667788u);
  EXPECT_EQ(m->maximal_access_rights, 0x001F01FFu);
  EXPECT_EQ(m->guest_maximal_access_rights, 0x00120089u);
  EXPECT_EQ(encode_block(*m), g);
  Bytes bc = g;
  poke16(bc, 101, 1);  // 2.2.4.64.2: ByteCount MUST be 0
  bc.push_back(0);
  EXPECT_THAT(decode_block<NtCreateAndxResponse>(bc), FailsWith(errc::bad_byte_count));
  Bytes w = g;
  w[0] = 0x23;
  EXPECT_THAT(decode_block<NtCreateAndxResponse>(w), FailsWith(errc::bad_word_count));
}

// 2.2.4.42.1, 12-word form.
Bytes read_request() {
  return concat({bytes({0x0C, 0xFF, 0x00}), le16(0), le16(0x4007), le32(0x1000), le16(0x8000), le16(1), le32(0),
                 le16(0), le32(0x00000001), le16(0)});
}

TEST(Smb1ReadAndx, RequestGolden) {
  auto m = decode_block<ReadAndxRequest>(read_request());
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->offset, 0x1000u);
  EXPECT_EQ(m->max_count_of_bytes_to_return, 0x8000);
  EXPECT_EQ(m->offset_high, 1u);
  EXPECT_EQ(encode_block(*m), read_request());
  expect_every_cut<ReadAndxRequest>(read_request(), block_cuts(24));
  const Bytes twelve = read_request();
  Bytes ten = concat({bytes({0x0A}), Bytes(twelve.begin() + 1, twelve.begin() + 21), le16(0)});  // no OffsetHigh
  auto t = decode_block<ReadAndxRequest>(ten);
  ASSERT_THAT(t, Succeeds());
  EXPECT_EQ(t->offset_high, 0u);
  Bytes bc = read_request();
  poke16(bc, 25, 1);  // 2.2.4.42.1: ByteCount MUST be 0
  bc.push_back(0);
  EXPECT_THAT(decode_block<ReadAndxRequest>(bc), FailsWith(errc::bad_byte_count));
}

// 2.2.4.42.2 / MS-SMB 2.2.4.2.2: words 0x21..0x38, ByteCount 0x39, Pad 0x3B, Data 0x3C.
Bytes read_response() {
  return concat({bytes({0x0C, 0xFF, 0x00}), le16(0), le16(0), le16(0), le16(0),
                 le16(3),                    // 0x0A DataLength
                 le16(0x3C),                 // 0x0C DataOffset (header-relative)
                 le16(0),                    // 0x0E DataLengthHigh
                 zeros(8),                   // 0x10 Reserved2
                 le16(4),                    // ByteCount: pad + data
                 bytes({0x00}), bytes({'a', 'b', 'c'})});
}

TEST(Smb1ReadAndx, ResponseGolden) {
  auto m = decode_block<ReadAndxResponse>(read_response());
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->data, bytes({'a', 'b', 'c'}));
  EXPECT_EQ(encode_block(*m), read_response());
  expect_every_cut<ReadAndxResponse>(read_response(), block_cuts(24));
}

TEST(Smb1ReadAndx, ResponseRejectsBadDataOffset) {
  Bytes before = read_response();
  poke16(before, 13, 0x30);  // DataOffset inside the words
  EXPECT_THAT(decode_block<ReadAndxResponse>(before), FailsWith(errc::bad_offset));
  Bytes past = read_response();
  poke16(past, 11, 9);  // DataLength past the message
  EXPECT_THAT(decode_block<ReadAndxResponse>(past), FailsWith(errc::bad_length));
}

// 2.2.4.43.1, 14-word form: words 0x21..0x3C, ByteCount 0x3D, Pad 0x3F, Data 0x40.
Bytes write_request() {
  return concat({bytes({0x0E, 0xFF, 0x00}), le16(0), le16(0x4007), le32(0x200), le32(0), le16(0x0001), le16(0),
                 le16(0),                    // 0x12 DataLengthHigh
                 le16(2),                    // 0x14 DataLength
                 le16(0x40),                 // 0x16 DataOffset
                 le32(0),                    // 0x18 OffsetHigh
                 le16(3), bytes({0x00}), bytes({'h', 'i'})});
}

TEST(Smb1WriteAndx, RequestGolden) {
  auto m = decode_block<WriteAndxRequest>(write_request());
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->offset, 0x200u);
  EXPECT_EQ(m->write_mode, 1);
  EXPECT_EQ(m->data, bytes({'h', 'i'}));
  EXPECT_EQ(encode_block(*m), write_request());
  expect_every_cut<WriteAndxRequest>(write_request(), block_cuts(28));
  Bytes before = write_request();
  poke16(before, 23, 0x3D);  // DataOffset pointing at ByteCount
  EXPECT_THAT(decode_block<WriteAndxRequest>(before), FailsWith(errc::bad_offset));
  Bytes past = write_request();
  poke16(past, 21, 3);  // DataLength one past the message
  EXPECT_THAT(decode_block<WriteAndxRequest>(past), FailsWith(errc::bad_length));
}

TEST(Smb1WriteAndx, ResponseGolden) {
  Bytes g = concat({bytes({0x06, 0xFF, 0x00}), le16(0), le16(2), le16(0xFFFF), le16(0), le16(0), le16(0)});
  auto m = decode_block<WriteAndxResponse>(g);
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->count, 2);
  EXPECT_EQ(m->available, 0xFFFF);
  EXPECT_EQ(encode_block(*m), g);
}

TEST(Smb1Simple, Goldens) {
  Bytes close = concat({bytes({0x03}), le16(0x4007), le32(0xFFFFFFFF), le16(0)});  // 2.2.4.5.1
  auto c = decode_block<CloseRequest>(close);
  ASSERT_THAT(c, Succeeds());
  EXPECT_EQ(c->fid, 0x4007);
  EXPECT_EQ(encode_block(*c), close);
  Bytes flush = concat({bytes({0x01}), le16(0xFFFF), le16(0)});  // 2.2.4.6.1
  auto f = decode_block<FlushRequest>(flush);
  ASSERT_THAT(f, Succeeds());
  EXPECT_EQ(f->fid, 0xFFFF);
  EXPECT_EQ(encode_block(*f), flush);
  // 2.2.4.7.1: SearchAttributes, ByteCount, BufferFormat 0x04 at 0x25, name at 0x26 (even: no pad).
  Bytes del = concat({bytes({0x01}), le16(0x0006), le16(1 + 8), bytes({0x04}), uni("x.y")});
  auto d = decode_block<DeleteRequest>(del, kUni);
  ASSERT_THAT(d, Succeeds());
  EXPECT_EQ(d->file_name, "x.y");
  EXPECT_EQ(encode_block(*d, kUni), del);
  // 2.2.4.2.1: WordCount 0, BufferFormat at 0x23, name at 0x24.
  Bytes rmdir = concat({bytes({0x00}), le16(1 + 6), bytes({0x04}), uni("dd")});
  auto rd = decode_block<DeleteDirectoryRequest>(rmdir, kUni);
  ASSERT_THAT(rd, Succeeds());
  EXPECT_EQ(rd->directory_name, "dd");
  EXPECT_EQ(encode_block(*rd, kUni), rmdir);
  // 2.2.4.8.1: SearchAttributes 0x0016, ByteCount, BufferFormat1 at 0x25, OldFileName at 0x26 (even: no pad),
  // BufferFormat2 at 0x2A, then one pad byte so that NewFileName starts at the even offset 0x2C (2.2.1.1).
  Bytes ren = concat({bytes({0x01}), le16(0x0016), le16(1 + 4 + 1 + 1 + 4), bytes({0x04}), uni("a"), bytes({0x04, 0x00}),
                      uni("b")});
  auto rn = decode_block<RenameRequest>(ren, kUni);
  ASSERT_THAT(rn, Succeeds());
  EXPECT_EQ(rn->search_attributes, 0x0016);
  EXPECT_EQ(rn->old_file_name, "a");
  EXPECT_EQ(rn->new_file_name, "b");
  EXPECT_EQ(encode_block(*rn, kUni), ren);
  // 2.2.4.66.1: WordCount 4 (SearchAttributes, InformationLevel 0x0104, Reserved), ByteCount at 0x29, BufferFormat1 at
  // 0x2B, OldFileName at 0x2C, BufferFormat2 at 0x30, pad, NewFileName at 0x32.
  Bytes nren = concat({bytes({0x04}), le16(0x0006), le16(0x0104), le32(0), le16(1 + 4 + 1 + 1 + 4), bytes({0x04}),
                       uni("a"), bytes({0x04, 0x00}), uni("b")});
  auto nr = decode_block<NtRenameRequest>(nren, kUni);
  ASSERT_THAT(nr, Succeeds());
  EXPECT_EQ(nr->information_level, SMB_NT_RENAME_RENAME_FILE);
  EXPECT_EQ(nr->old_file_name, "a");
  EXPECT_EQ(nr->new_file_name, "b");
  EXPECT_EQ(encode_block(*nr, kUni), nren);
  // OEM names: no alignment.
  Bytes oem = concat({bytes({0x01}), le16(0), le16(1 + 2 + 1 + 2), bytes({0x04, 'a', 0x00, 0x04, 'b', 0x00})});
  auto ro = decode_block<RenameRequest>(oem, Context{false});
  ASSERT_THAT(ro, Succeeds());
  EXPECT_EQ(ro->new_file_name, "b");
  EXPECT_EQ(encode_block(*ro, Context{false}), oem);
  Bytes echo = concat({bytes({0x01}), le16(2), le16(3), bytes({'p', 'n', 'g'})});  // 2.2.4.39.1
  auto e = decode_block<EchoRequest>(echo);
  ASSERT_THAT(e, Succeeds());
  EXPECT_EQ(e->echo_count, 2);
  EXPECT_EQ(encode_block(*e), echo);
  auto er = decode_block<EchoResponse>(echo);
  ASSERT_THAT(er, Succeeds());
  EXPECT_EQ(er->sequence_number, 2);
  Bytes logoff = concat({bytes({0x02, 0xFF, 0x00}), le16(0), le16(0)});  // 2.2.4.54.1
  EXPECT_THAT(decode_block<LogoffAndxRequest>(logoff), Succeeds());
  EXPECT_THAT(decode_block<LogoffAndxResponse>(logoff), Succeeds());
  Bytes empty = concat({bytes({0x00}), le16(0)});
  EXPECT_THAT(decode_block<TreeDisconnectRequest>(empty), Succeeds());
  EXPECT_THAT(decode_block<CloseResponse>(empty), Succeeds());
  EXPECT_EQ(encode_block(TreeDisconnectResponse{}), empty);
  // 2.2.4.65.1 NT_CANCEL: WordCount 0x00, ByteCount 0x0000; a block with words is not one.
  EXPECT_EQ(encode_block(NtCancelRequest{}), empty);
  EXPECT_THAT(decode_block<NtCancelRequest>(empty), Succeeds());
  EXPECT_THAT(decode_block<NtCancelRequest>(concat({bytes({0x01}), le16(0), le16(0)})), FailsWith(errc::bad_word_count));
}

TEST(Smb1Simple, Rejections) {
  // "ByteCount: This field MUST be 0x0000" (2.2.4.5.1).
  EXPECT_THAT(decode_block<CloseRequest>(concat({bytes({0x03}), le16(1), le32(0), le16(1), bytes({0})})),
              FailsWith(errc::bad_byte_count));
  EXPECT_THAT(decode_block<CloseRequest>(concat({bytes({0x02}), le16(1), le16(0), le16(0)})),
              FailsWith(errc::bad_word_count));
  EXPECT_THAT(decode_block<FlushRequest>(concat({bytes({0x01}), le16(1)})), FailsWith(errc::truncated));
  // BufferFormat MUST be 0x04 (2.2.4.7.1); a DELETE without it is short of Bytes.
  EXPECT_THAT(decode_block<DeleteRequest>(concat({bytes({0x01}), le16(0), le16(1 + 4), bytes({0x02}), uni("x")}), kUni),
              FailsWith(errc::bad_value));
  EXPECT_THAT(decode_block<DeleteRequest>(concat({bytes({0x01}), le16(0), le16(0)}), kUni),
              FailsWith(errc::bad_byte_count));
  // RENAME: BufferFormat2 MUST be 0x04 too (2.2.4.8.1), and both names must be there; NT_RENAME has WordCount 4.
  EXPECT_THAT(decode_block<RenameRequest>(concat({bytes({0x01}), le16(0), le16(1 + 4 + 1 + 1 + 4), bytes({0x04}), uni("a"),
                                                  bytes({0x02, 0x00}), uni("b")}), kUni),
              FailsWith(errc::bad_value));
  EXPECT_THAT(decode_block<RenameRequest>(concat({bytes({0x01}), le16(0), le16(1 + 4), bytes({0x04}), uni("a")}), kUni),
              FailsWith(errc::bad_byte_count));
  EXPECT_THAT(decode_block<NtRenameRequest>(concat({bytes({0x01}), le16(0), le16(0)}), kUni), FailsWith(errc::bad_word_count));
  EXPECT_THAT(decode_block<EchoRequest>(concat({bytes({0x01}), le16(1), le16(5), bytes({1, 2})})),
              FailsWith(errc::bad_byte_count));
  EXPECT_THAT(decode_block<Smb1ErrorResponse>(concat({bytes({0x00}), le16(1), bytes({0})})),
              FailsWith(errc::bad_byte_count));
}

}  // namespace
}  // namespace smb::proto::smb1::test
