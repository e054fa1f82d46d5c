// Tests for SMB_COM_TRANSACTION2 blocks, TRANS2 subcommands and information levels (MS-CIFS 2.2.4.46, 2.2.6, 2.2.8).
#include "smbproto/smb1/trans2.hpp"

#include "proto/smb1/smb1_test_util.hpp"

namespace smb::proto::smb1::test {
namespace {

// TRANS2_FIND_FIRST2 parameters (2.2.6.2.1), at a 4-aligned offset.
Bytes find_first_params() {
  return concat({le16(0x0016),     // 0x00 SearchAttributes HIDDEN|SYSTEM|DIRECTORY
                 le16(1366),       // 0x02 SearchCount
                 le16(0x0006),     // 0x04 Flags CLOSE_AT_EOS|RETURN_RESUME_KEYS
                 le16(0x0104),     // 0x06 InformationLevel SMB_FIND_FILE_BOTH_DIRECTORY_INFO
                 le32(0),          // 0x08 SearchStorageType
                 uni("\\*")});     // 0x0C FileName
}

// 2.2.4.46.1 request block at header offset 0x20 (Unicode). Words 0x21..0x3E, ByteCount 0x3F,
// Bytes at 0x41: Pad, Name (UTF-16 NUL) at 0x42, Trans2_Parameters at 0x44.
Bytes find_first_block() {
  return concat({bytes({0x0F}),                 // WordCount = 14 + SetupCount
                 le16(18), le16(0),             // 0x00 TotalParameterCount, 0x02 TotalDataCount
                 le16(10), le16(0xFFFF),        // 0x04 MaxParameterCount, 0x06 MaxDataCount
                 bytes({0x00, 0x00}),           // 0x08 MaxSetupCount, 0x09 Reserved1
                 le16(0), le32(0), le16(0),     // 0x0A Flags, 0x0C Timeout, 0x10 Reserved2
                 le16(18), le16(0x44),          // 0x12 ParameterCount, 0x14 ParameterOffset
                 le16(0), le16(0),              // 0x16 DataCount, 0x18 DataOffset
                 bytes({0x01, 0x00}),           // 0x1A SetupCount, 0x1B Reserved3
                 le16(0x0001),                  // 0x1C Setup[0] TRANS2_FIND_FIRST2
                 le16(3 + 18),                  // ByteCount
                 bytes({0x00}), bytes({0x00, 0x00}),  // Pad, Name
                 find_first_params()});
}

TEST(Smb1Transaction2, RequestGolden) {
  auto t = decode_block<Transaction2Request>(find_first_block(), kUni);
  ASSERT_THAT(t, Succeeds());
  EXPECT_EQ(t->setup, std::vector<std::uint16_t>{TRANS2_FIND_FIRST2});
  EXPECT_EQ(t->trans2_parameters, find_first_params());
  EXPECT_TRUE(t->trans2_data.empty());
  EXPECT_EQ(encode_block(*t, kUni), find_first_block());
  Trans2FindFirst2Request f;
  ASSERT_THAT(from_transaction2(*t, f, kUni), Succeeds());
  EXPECT_EQ(f.search_attributes, 0x0016);
  EXPECT_EQ(f.search_count, 1366);
  EXPECT_EQ(f.flags, 0x0006);
  EXPECT_EQ(f.information_level, SMB_FIND_FILE_BOTH_DIRECTORY_INFO);
  EXPECT_EQ(f.file_name, "\\*");
  EXPECT_EQ(to_transaction2(f, kUni), *t);
}

TEST(Smb1Transaction2, EveryCut) { expect_every_cut<Transaction2Request>(find_first_block(), block_cuts(30), kUni); }

TEST(Smb1Transaction2, RejectsTotalBelowCount) {
  Bytes b = find_first_block();
  poke16(b, 1, 17);  // TotalParameterCount 17 < ParameterCount 18
  EXPECT_THAT(decode_block<Transaction2Request>(b, kUni), FailsWith(errc::bad_count));
  Bytes d = find_first_block();
  poke16(d, 23, 1);  // DataCount 1 > TotalDataCount 0
  poke16(d, 25, 0x44);
  EXPECT_THAT(decode_block<Transaction2Request>(d, kUni), FailsWith(errc::bad_count));
}

TEST(Smb1Transaction2, RejectsParameterBlockOutsideBytes) {
  Bytes b = find_first_block();
  poke16(b, 21, 0x30);  // ParameterOffset inside the words
  EXPECT_THAT(decode_block<Transaction2Request>(b, kUni), FailsWith(errc::bad_offset));
  Bytes l = find_first_block();
  poke16(l, 1, 40);
  poke16(l, 19, 40);  // ParameterCount 40 runs past ByteCount
  EXPECT_THAT(decode_block<Transaction2Request>(l, kUni), FailsWith(errc::bad_length));
}

TEST(Smb1Transaction2, RejectsWordCountSetupMismatch) {
  Bytes b = find_first_block();
  b[27] = 2;  // SetupCount 2 but WordCount 15
  EXPECT_THAT(decode_block<Transaction2Request>(b, kUni), FailsWith(errc::bad_word_count));
  Bytes s = find_first_block();
  s[0] = 0x0D;  // below the 14 fixed words
  EXPECT_THAT(decode_block<Transaction2Request>(s, kUni), FailsWith(errc::bad_word_count));
}

TEST(Smb1Transaction2, SubcommandRejections) {
  auto t = decode_block<Transaction2Request>(find_first_block(), kUni);
  ASSERT_THAT(t, Succeeds());
  Trans2FindNext2Request n;
  EXPECT_THAT(from_transaction2(*t, n, kUni), FailsWith(errc::bad_value));  // Setup[0] is FIND_FIRST2
  Transaction2Request partial = *t;
  partial.total_parameter_count = 30;  // secondary requests would follow
  Trans2FindFirst2Request f;
  EXPECT_THAT(from_transaction2(partial, f, kUni), FailsWith(errc::unsupported));
  Transaction2Request shortp = *t;
  shortp.trans2_parameters.resize(10);
  shortp.total_parameter_count = 10;
  EXPECT_THAT(from_transaction2(shortp, f, kUni), FailsWith(errc::truncated));
}

// 2.2.8.1.7 SMB_FIND_FILE_BOTH_DIRECTORY_INFO for "a.txt" (Unicode, no terminator), last entry.
Bytes both_dir_entry() {
  return concat({le32(0),                     // 0x00 NextEntryOffset (last)
                 le32(0),                     // 0x04 FileIndex
                 le64(1), le64(2), le64(3), le64(4),  // 0x08 times
                 le64(5),                     // 0x28 EndOfFile
                 le64(4096),                  // 0x30 AllocationSize
                 le32(0x20),                  // 0x38 ExtFileAttributes
                 le32(10),                    // 0x3C FileNameLength
                 le32(0),                     // 0x40 EaSize
                 bytes({10, 0}),              // 0x44 ShortNameLength, Reserved
                 u16s("A.TXT"), zeros(14),    // 0x46 ShortName[24]
                 u16s("a.txt")});             // 0x5E FileName
}

TEST(Smb1Transaction2, FindFirst2ResponseGolden) {
  // 2.2.4.46.2: WordCount 10, words 0x21..0x34, ByteCount 0x35, Bytes 0x37: Pad1 -> params at 0x38,
  // Pad2 -> data at 0x44.
  Bytes params = concat({le16(0x0001), le16(1), le16(1), le16(0), le16(0)});
  Bytes entry = both_dir_entry();
  Bytes block = concat({bytes({0x0A}), le16(10), le16(static_cast<std::uint16_t>(entry.size())), le16(0),
                        le16(10), le16(0x38), le16(0),
                        le16(static_cast<std::uint16_t>(entry.size())), le16(0x44), le16(0), bytes({0x00, 0x00}),
                        le16(static_cast<std::uint16_t>(1 + 10 + 2 + entry.size())),
                        bytes({0x00}), params, bytes({0x00, 0x00}), entry});
  auto t = decode_block<Transaction2Response>(block, kUni);
  ASSERT_THAT(t, Succeeds());
  EXPECT_EQ(encode_block(*t, kUni), block);
  Trans2FindFirst2Response r;
  ASSERT_THAT(from_transaction2(*t, r, kUni), Succeeds());
  EXPECT_EQ(r.sid, 1);
  EXPECT_EQ(r.search_count, 1);
  EXPECT_EQ(r.end_of_search, 1);
  auto entries = decode_find_entries(r.data, SMB_FIND_FILE_BOTH_DIRECTORY_INFO, kUni);
  ASSERT_THAT(entries, Succeeds());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].file_name, "a.txt");
  EXPECT_EQ((*entries)[0].short_name, "A.TXT");
  EXPECT_EQ((*entries)[0].end_of_file, 5u);
  EXPECT_EQ(encode_find_entries(*entries, SMB_FIND_FILE_BOTH_DIRECTORY_INFO, kUni), entry);
}

TEST(Smb1Transaction2, FindEntriesChainAndRejections) {
  SmbFindFileBothDirectoryInfo a, b;
  a.file_name = ".";
  b.file_name = "longer-name.bin";
  b.file_id = 77;
  for (std::uint16_t level : {SMB_FIND_FILE_BOTH_DIRECTORY_INFO, SMB_FIND_FILE_ID_BOTH_DIRECTORY_INFO}) {
    auto data = encode_find_entries({a, b}, level, kUni);
    auto back = decode_find_entries(data, level, kUni);
    ASSERT_THAT(back, Succeeds());
    ASSERT_EQ(back->size(), 2u);
    EXPECT_EQ((*back)[1].file_name, "longer-name.bin");
    EXPECT_EQ((*back)[1].file_id, level == SMB_FIND_FILE_ID_BOTH_DIRECTORY_INFO ? 77u : 0u);
    wire::Reader r(data);
    EXPECT_EQ(r.u32() % 8, 0u);  // entries 8-aligned
  }
  Bytes e = both_dir_entry();
  for (std::size_t n = 1; n < 94; ++n)  // n = 0: no entries at all, which is valid
    EXPECT_THAT(decode_find_entries(wire::ByteView(e.data(), n), SMB_FIND_FILE_BOTH_DIRECTORY_INFO, kUni),
                FailsWith(errc::truncated)) << n;
  Bytes name_past = e;
  poke32(name_past, 0x3C, 12);
  EXPECT_THAT(decode_find_entries(name_past, SMB_FIND_FILE_BOTH_DIRECTORY_INFO, kUni), FailsWith(errc::bad_length));
  Bytes next_inside = e;
  poke32(next_inside, 0, 8);
  EXPECT_THAT(decode_find_entries(next_inside, SMB_FIND_FILE_BOTH_DIRECTORY_INFO, kUni), FailsWith(errc::bad_offset));
  EXPECT_THAT(decode_find_entries(e, 0x0001, kUni), FailsWith(errc::unsupported));
}

template <class T>
Result<T> decode_info(const Bytes& b, Context c = {}) {
  wire::Reader r(b);
  T out{};
  if (auto res = decode(r, out, c); !res) return res.error();
  return out;
}
template <class T>
Bytes encode_info(const T& m, Context c = {}) {
  Bytes out;
  wire::Writer w(out);
  encode(w, m, c);
  return out;
}

TEST(Smb1InfoLevels, Goldens) {
  Bytes basic = concat({le64(1), le64(2), le64(3), le64(4), le32(0x10), le32(0)});  // 2.2.8.3.6, 40 bytes
  auto b = decode_info<SmbQueryFileBasicInfo>(basic);
  ASSERT_THAT(b, Succeeds());
  EXPECT_EQ(b->ext_file_attributes, 0x10u);
  EXPECT_EQ(encode_info(*b), basic);
  Bytes standard = concat({le64(4096), le64(5), le32(1), bytes({0, 1})});  // 2.2.8.3.7, 22 bytes
  auto s = decode_info<SmbQueryFileStandardInfo>(standard);
  ASSERT_THAT(s, Succeeds());
  EXPECT_EQ(s->directory, 1);
  EXPECT_EQ(encode_info(*s), standard);
  Bytes all = concat({le64(1), le64(2), le64(3), le64(4), le32(0x20), le32(0), le64(4096), le64(5), le32(1),
                      bytes({0, 0}), le16(0), le32(0), le32(4), u16s("\\f")});  // 2.2.8.3.10
  auto a = decode_info<SmbQueryFileAllInfo>(all, kUni);
  ASSERT_THAT(a, Succeeds());
  EXPECT_EQ(a->file_name, "\\f");
  EXPECT_EQ(encode_info(*a, kUni), all);
  Bytes size = concat({le64(1000), le64(500), le32(8), le32(512)});  // 2.2.8.2.4
  auto z = decode_info<SmbQueryFsSizeInfo>(size);
  ASSERT_THAT(z, Succeeds());
  EXPECT_EQ(z->bytes_per_sector, 512u);
  EXPECT_EQ(encode_info(*z), size);
  Bytes attr = concat({le32(0x0000000F), le32(255), le32(8), u16s("NTFS")});  // 2.2.8.2.6, Unicode name
  auto at = decode_info<SmbQueryFsAttributeInfo>(attr);
  ASSERT_THAT(at, Succeeds());
  EXPECT_EQ(at->file_system_name, "NTFS");
  EXPECT_EQ(encode_info(*at), attr);
  Bytes vol = concat({le64(9), le32(0xABCD), le32(4), le16(0), u16s("VL")});  // 2.2.8.2.3
  auto v = decode_info<SmbQueryFsVolumeInfo>(vol);
  ASSERT_THAT(v, Succeeds());
  EXPECT_EQ(v->volume_label, "VL");
  EXPECT_EQ(encode_info(*v), vol);
  auto disp = decode_info<SmbSetFileDispositionInfo>(bytes({0x01}));  // 2.2.8.4.2
  ASSERT_THAT(disp, Succeeds());
  EXPECT_EQ(disp->delete_pending, 1);
  EXPECT_THAT(decode_info<SmbSetFileEndOfFileInfo>(zeros(7)), FailsWith(errc::truncated));
  Bytes attr_past = attr;
  poke32(attr_past, 8, 10);
  EXPECT_THAT(decode_info<SmbQueryFsAttributeInfo>(attr_past), FailsWith(errc::bad_length));
  EXPECT_TRUE(is_pass_through(pass_through_level(0x16)));  // MS-SMB 2.2.2.3.5: 1000 + class
  EXPECT_EQ(pass_through_level(0x16), 1022);
}

TEST(Smb1Transaction2, SubcommandsRoundTrip) {
  auto rt = [](const auto& m) {
    using T = std::decay_t<decltype(m)>;
    auto t = to_transaction2(m, kUni);
    T back{};
    EXPECT_THAT(from_transaction2(t, back, kUni), Succeeds());
    EXPECT_EQ(back, m);
  };
  rt(Trans2FindNext2Request{7, 100, SMB_FIND_FILE_BOTH_DIRECTORY_INFO, 3, 0x2, "f.txt", {}});
  rt(Trans2QueryFsInformationRequest{SMB_QUERY_FS_ATTRIBUTE_INFO});
  rt(Trans2QueryPathInformationRequest{SMB_QUERY_FILE_ALL_INFO, 0, "\\dir\\x", {}});
  rt(Trans2QueryFileInformationRequest{0x4001, pass_through_level(0x16), {}});
  rt(Trans2SetPathInformationRequest{SMB_SET_FILE_BASIC_INFO, 0, "\\p", zeros(40)});
  rt(Trans2SetFileInformationRequest{0x4001, SMB_SET_FILE_DISPOSITION_INFO, 0, bytes({1})});
  rt(Trans2FindNext2Response{1, 1, 0, 0, bytes({1, 2})});
  rt(Trans2QueryFsInformationResponse{zeros(24)});
  rt(Trans2QueryInformationResponse{0, zeros(40)});
  rt(Trans2SetInformationResponse{0});
  // And through the wire block.
  auto t = to_transaction2(Trans2SetFileInformationRequest{0x4001, SMB_SET_FILE_END_OF_FILE_INFO, 0, le64(10)}, kUni);
  auto back = decode_block<Transaction2Request>(encode_block(t, kUni), kUni);
  ASSERT_THAT(back, Succeeds());
  EXPECT_EQ(*back, t);
}

}  // namespace
}  // namespace smb::proto::smb1::test
