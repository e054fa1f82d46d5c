// Tests for the MS-FSCC information structures (fscc.hpp; MS-FSCC 2.4, 2.5).
#include "smbproto/fscc.hpp"

#include "proto/test_util.hpp"

namespace smb::proto::test {
namespace {

using namespace smb::proto::fscc;

TEST(Fscc, BasicInformationDecodesGolden) {
  // MS-FSCC 2.4 FileBasicInformation: 4 times (8 each) | FileAttributes (4) | Reserved (4) = 40 bytes.
  Bytes b = concat({le64(1), le64(2), le64(3), le64(4), le32(0x20), le32(0)});
  auto m = decode_info<FileBasicInformation>(b);
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->creation_time, 1u);
  EXPECT_EQ(m->change_time, 4u);
  EXPECT_EQ(m->file_attributes, 0x20u);
  EXPECT_EQ(encode_info(*m), b);
  EXPECT_THAT(decode_info<FileBasicInformation>(wire::ByteView(b.data(), 39)), FailsWith(errc::truncated));
}

TEST(Fscc, StandardInformationDecodesGolden) {
  // MS-FSCC 2.4 FileStandardInformation: AllocationSize | EndOfFile | NumberOfLinks | DeletePending |
  // Directory | Reserved (2) = 24 bytes.
  Bytes b = concat({le64(4096), le64(10), le32(1), bytes({0x00, 0x01}), le16(0)});
  auto m = decode_info<FileStandardInformation>(b);
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->end_of_file, 10u);
  EXPECT_EQ(m->number_of_links, 1u);
  EXPECT_EQ(m->directory, 1);
  EXPECT_EQ(encode_info(*m), b);
}

TEST(Fscc, AllInformationLayout) {
  // MS-FSCC 2.4 FileAllInformation: 100 fixed bytes; FileNameLength at 0x60, FileName at 0x64.
  FileAllInformation a;
  a.standard_information.end_of_file = 5;
  a.position_information.current_byte_offset = 7;
  a.name_information.file_name = "\\x";
  Bytes b = encode_info(a);
  ASSERT_EQ(b.size(), 100u + 4);
  EXPECT_EQ(b[0x30], 5);     // StandardInformation.EndOfFile at 0x28 + 8
  EXPECT_EQ(b[0x50], 7);     // PositionInformation at 0x50
  EXPECT_EQ(b[0x60], 4);     // FileNameLength
  EXPECT_EQ(b[0x64], '\\');  // FileName
  auto back = decode_info<FileAllInformation>(b);
  ASSERT_THAT(back, Succeeds());
  EXPECT_EQ(*back, a);
  EXPECT_THAT(decode_info<FileAllInformation>(wire::ByteView(b.data(), 99)), FailsWith(errc::truncated));
  EXPECT_THAT(decode_info<FileAllInformation>(wire::ByteView(b.data(), 103)), FailsWith(errc::bad_length));
}

TEST(Fscc, RenameInformationType2DecodesGolden) {
  // MS-FSCC 2.4 FileRenameInformation (TYPE_2): ReplaceIfExists (1) | Reserved (7) | RootDirectory (8)
  // | FileNameLength (4) | FileName.
  Bytes b = concat({bytes({0x01}), zeros(7), le64(0), le32(6), u16s("b\\c")});
  auto m = decode_info<FileRenameInformation>(b);
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->replace_if_exists, 1);
  EXPECT_EQ(m->file_name, "b\\c");
  EXPECT_EQ(encode_info(*m), b);
  poke32(b, 16, 8);
  EXPECT_THAT(decode_info<FileRenameInformation>(b), FailsWith(errc::bad_length));
  poke32(b, 16, 5);
  EXPECT_THAT(decode_info<FileRenameInformation>(b), FailsWith(errc::bad_string));
}

TEST(Fscc, FsStructuresRoundTrip) {
  FileFsVolumeInformation v{};
  v.volume_serial_number = 0xABCD;
  v.volume_label = "vol";
  Bytes vb = encode_info(v);
  EXPECT_EQ(vb.size(), 18u + 6);  // MS-FSCC 2.5 FileFsVolumeInformation: 18 fixed bytes + label
  EXPECT_EQ(*decode_info<FileFsVolumeInformation>(vb), v);
  FileFsAttributeInformation a{};
  a.file_system_attributes = 0x3;
  a.maximum_component_name_length = 255;
  a.file_system_name = "NTFS";
  Bytes ab = encode_info(a);
  EXPECT_EQ(ab.size(), 12u + 8);  // 2.5 FileFsAttributeInformation
  EXPECT_EQ(*decode_info<FileFsAttributeInformation>(ab), a);
  FileFsFullSizeInformation f{};
  f.bytes_per_sector = 512;
  EXPECT_EQ(encode_info(f).size(), 32u);
  EXPECT_EQ(*decode_info<FileFsFullSizeInformation>(encode_info(f)), f);
  EXPECT_EQ(encode_info(FileFsSizeInformation{}).size(), 24u);
  EXPECT_EQ(encode_info(FileFsDeviceInformation{}).size(), 8u);
  EXPECT_EQ(encode_info(FileFsSectorSizeInformation{}).size(), 28u);
  EXPECT_EQ(encode_info(FileNetworkOpenInformation{}).size(), 56u);
  EXPECT_EQ(encode_info(FileAttributeTagInformation{}).size(), 8u);
}

TEST(Fscc, DirectoryEntriesChainAndAlign) {
  // MS-FSCC 2.4 FileIdBothDirectoryInformation: 104 fixed bytes; entries 8-aligned, last unpadded.
  FileIdBothDirectoryInformation a{};
  a.file_name = ".";      // 104 + 2 = 106 -> next entry at 112
  a.file_id = 1;
  FileIdBothDirectoryInformation b{};
  b.file_name = "abc";    // 104 + 6 = 110, last: no padding
  b.end_of_file = 3;
  Bytes buf = encode_entries(std::vector{a, b});
  ASSERT_EQ(buf.size(), 112u + 110);
  EXPECT_EQ(buf[0], 112);         // NextEntryOffset of entry 0
  EXPECT_EQ(buf[106], 0);         // padding is zero
  EXPECT_EQ(buf[112], 0);         // NextEntryOffset of the last entry is 0
  EXPECT_EQ(buf[112 + 0x3C], 6);  // FileNameLength at 0x3C
  EXPECT_EQ(buf[112 + 0x68], 'a');  // FileName at 0x68
  auto back = decode_entries<FileIdBothDirectoryInformation>(buf);
  ASSERT_THAT(back, Succeeds());
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0], a);
  EXPECT_EQ((*back)[1], b);
  EXPECT_EQ(entry_size(a), 106u);
}

TEST(Fscc, AllDirectoryClassesRoundTrip) {
  auto check = [](auto e, std::size_t fixed) {
    using T = decltype(e);
    e.file_index = 3;
    e.file_name = "name.txt";
    Bytes one = encode_entries(std::vector<T>{e});
    EXPECT_EQ(one.size(), fixed + 16) << typeid(T).name();
    auto back = decode_entries<T>(encode_entries(std::vector<T>{e, e, e}));
    ASSERT_THAT(back, Succeeds());
    EXPECT_EQ(back->size(), 3u);
    EXPECT_EQ(back->at(2), e);
  };
  check(FileDirectoryInformation{}, 64);        // MS-FSCC 2.4 FileDirectoryInformation
  check(FileFullDirectoryInformation{}, 68);    // FileFullDirectoryInformation
  check(FileBothDirectoryInformation{}, 94);    // FileBothDirectoryInformation
  check(FileIdBothDirectoryInformation{}, 104); // FileIdBothDirectoryInformation
  check(FileIdFullDirectoryInformation{}, 80);  // FileIdFullDirectoryInformation
  check(FileNamesInformation{}, 12);            // FileNamesInformation
}

TEST(Fscc, StreamInformationDecodesGolden) {
  // MS-FSCC 2.4 FileStreamInformation: NextEntryOffset | StreamNameLength | StreamSize | StreamAllocationSize | StreamName
  Bytes b = concat({le32(0), le32(14), le64(5), le64(4096), u16s("::$DATA")});
  auto m = decode_entries<FileStreamInformation>(b);
  ASSERT_THAT(m, Succeeds());
  ASSERT_EQ(m->size(), 1u);
  EXPECT_EQ(m->at(0).stream_name, "::$DATA");
  EXPECT_EQ(m->at(0).stream_size, 5u);
  EXPECT_EQ(encode_entries(*m), b);
}

TEST(Fscc, EntryChainErrors) {
  FileNamesInformation e{};
  e.file_name = "ab";  // 12 + 4 = 16 bytes
  Bytes buf = encode_entries(std::vector{e, e});
  EXPECT_THAT(decode_entries<FileNamesInformation>(wire::ByteView(buf.data(), 11)), FailsWith(errc::truncated));
  EXPECT_THAT(decode_entries<FileNamesInformation>(wire::ByteView(buf.data(), 15)), FailsWith(errc::bad_offset));
  Bytes bad = buf;
  poke32(bad, 0, 12);  // NextEntryOffset not 8-aligned
  EXPECT_THAT(decode_entries<FileNamesInformation>(bad), FailsWith(errc::bad_alignment));
  bad = buf;
  poke32(bad, 0, 8);  // smaller than the fixed part
  EXPECT_THAT(decode_entries<FileNamesInformation>(bad), FailsWith(errc::bad_offset));
  bad = buf;
  poke32(bad, 8, 6);  // FileNameLength past the entry (Next = 16)
  EXPECT_THAT(decode_entries<FileNamesInformation>(bad), FailsWith(errc::bad_length));
  EXPECT_THAT(decode_entries<FileNamesInformation>(Bytes{}), Succeeds());
}

}  // namespace
}  // namespace smb::proto::test
