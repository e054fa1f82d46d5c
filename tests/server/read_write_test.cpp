// READ and WRITE access and bounds rules of the reference server (MS-SMB2 3.3.5.12, 3.3.5.13).
#include "smbserver/access.hpp"

#include "server_fixture.hpp"

namespace smb::server::test {
namespace {

namespace a = access;

Reply do_read(Fixture& f, const proto::FileId& id, std::uint64_t off, std::uint32_t len, std::uint32_t min = 0) {
  proto::ReadRequest r;
  r.file_id = id;
  r.offset = off;
  r.length = len;
  r.minimum_count = min;
  return f.request(proto::Command::READ, r);
}
Reply do_write(Fixture& f, const proto::FileId& id, std::uint64_t off, const std::string& data) {
  proto::WriteRequest w;
  w.file_id = id;
  w.offset = off;
  w.data.assign(data.begin(), data.end());
  return f.request(proto::Command::WRITE, w);
}

TEST(Read, ReturnsDataAndEndOfFile) {
  Fixture f;
  f.dir.write_file("r.txt", "hello world");
  f.logon();
  proto::FileId id = f.open("r.txt", a::FILE_READ_DATA, 1);
  Reply r = do_read(f, id, 6, 100);
  ASSERT_EQ(r.status(), status::STATUS_SUCCESS);
  const auto& d = r.as<proto::ReadResponse>().data;
  EXPECT_EQ(std::string(d.begin(), d.end()), "world");
  // 3.3.5.12: nothing read at end of file -> STATUS_END_OF_FILE; fewer than MinimumCount too.
  EXPECT_EQ(do_read(f, id, 11, 10).status(), status::STATUS_END_OF_FILE);
  EXPECT_EQ(do_read(f, id, 6, 100, /*min=*/6).status(), status::STATUS_END_OF_FILE);
}

TEST(Read, WithoutReadDataIsAccessDenied) {
  Fixture f;
  f.dir.write_file("r.txt", "x");
  f.logon();
  proto::FileId id = f.open("r.txt", a::FILE_WRITE_DATA | a::FILE_READ_ATTRIBUTES, 1);
  // 3.3.5.12: GrantedAccess lacks FILE_READ_DATA -> STATUS_ACCESS_DENIED.
  EXPECT_EQ(do_read(f, id, 0, 1).status(), status::STATUS_ACCESS_DENIED);
}

TEST(Read, LengthAboveMaxReadSizeIsInvalidParameter) {
  // 2.0.2 has no multi-credit, so MaxReadSize is 64 KiB and the credit rules do not interfere.
  Fixture f({.max_dialect = 0x0202});
  f.dir.write_file("r.txt", "x");
  f.logon();
  ASSERT_EQ(f.conn->max_read_size, 65536u);
  proto::FileId id = f.open("r.txt", a::FILE_READ_DATA, 1);
  // 3.3.5.12: Length > Connection.MaxReadSize -> STATUS_INVALID_PARAMETER (SHOULD).
  auto h = f.header(proto::Command::READ);
  proto::ReadRequest r;
  r.file_id = id;
  r.length = f.conn->max_read_size + 1;
  EXPECT_EQ(f.request(h, proto::RequestBody(r)).status(), status::STATUS_INVALID_PARAMETER);
}

TEST(Write, WritesAndReportsCount) {
  Fixture f;
  f.logon();
  proto::FileId id = f.open("w.txt", a::GENERIC_WRITE | a::GENERIC_READ, 3);
  Reply w = do_write(f, id, 0, "abcdef");
  ASSERT_EQ(w.status(), status::STATUS_SUCCESS);
  EXPECT_EQ(w.as<proto::WriteResponse>().count, 6u);
  Reply r = do_read(f, id, 0, 6);
  ASSERT_EQ(r.status(), status::STATUS_SUCCESS);
  EXPECT_EQ(r.as<proto::ReadResponse>().data.size(), 6u);
}

TEST(Write, InsideFileNeedsWriteDataAndExtendingNeedsAppendData) {
  Fixture f;
  f.dir.write_file("w.txt", "0123456789");
  f.logon();
  // 3.3.5.13: "within the existing file size and GrantedAccess does not include FILE_WRITE_DATA,
  // or ... extends the file size and GrantedAccess does not include FILE_APPEND_DATA" -> ACCESS_DENIED.
  proto::FileId append_only = f.open("w.txt", a::FILE_APPEND_DATA, 1);
  EXPECT_EQ(do_write(f, append_only, 0, "xx").status(), status::STATUS_ACCESS_DENIED);
  EXPECT_EQ(do_write(f, append_only, 10, "xx").status(), status::STATUS_SUCCESS);
  proto::FileId write_only = f.open("w.txt", a::FILE_WRITE_DATA, 1);
  EXPECT_EQ(do_write(f, write_only, 0, "yy").status(), status::STATUS_SUCCESS);
  EXPECT_EQ(do_write(f, write_only, 12, "zz").status(), status::STATUS_ACCESS_DENIED);
  proto::FileId read_only = f.open("w.txt", a::FILE_READ_DATA, 1);
  EXPECT_EQ(do_write(f, read_only, 0, "q").status(), status::STATUS_ACCESS_DENIED);
}

}  // namespace
}  // namespace smb::server::test
