// Rename sharing/oplock rules (reference_server/include/smbserver/rename.hpp, MS-FSA 2.1.5.15.11) and named data
// streams (ObjectStore::split_stream / open_stream, MS-FSCC 2.1.5.3; per-stream oplocks MS-FSA 2.1.5.18).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "server_fixture.hpp"
#include "smbproto/fscc.hpp"
#include "smbserver/object_store.hpp"
#include "smbserver/oplock.hpp"

namespace smb::server {
namespace {

using test::Fixture;
using test::Reply;

constexpr std::uint32_t kDelete = 0x00010000;
constexpr std::uint32_t kFileAll = 0x001F01FF;  // FILE_ALL_ACCESS (includes DELETE)
constexpr std::uint32_t kDirAllButDelete = kFileAll & ~kDelete;
constexpr std::uint32_t kReadAttr = 0x80;
constexpr std::uint32_t kShareAll = 7, kShareNone = 0;
constexpr std::uint32_t kOpenIf = 3, kOpen = 1, kCreate = 2;
constexpr std::uint32_t kDirectoryFile = 0x1;

class RenameStreams : public ::testing::Test {
 protected:
  void SetUp() override { f.logon(); }

  Reply create(const std::string& name, std::uint32_t access, std::uint32_t share, std::uint32_t disposition,
               std::uint32_t options = 0, std::uint8_t oplock = 0) {
    proto::CreateRequest c;
    c.name = name;
    c.desired_access = access;
    c.share_access = share;
    c.create_disposition = disposition;
    c.create_options = options;
    c.impersonation_level = 2;
    c.requested_oplock_level = oplock;
    return f.request(proto::Command::CREATE, c);
  }
  proto::FileId ok_open(const std::string& name, std::uint32_t access, std::uint32_t share, std::uint32_t disposition,
                        std::uint32_t options = 0, std::uint8_t oplock = 0, std::uint8_t want_level = 0) {
    Reply r = create(name, access, share, disposition, options, oplock);
    EXPECT_EQ(r.status(), status::STATUS_SUCCESS) << name;
    if (!r.status().is_success()) return {};
    EXPECT_EQ(r.as<proto::CreateResponse>().oplock_level, want_level) << name;
    return r.as<proto::CreateResponse>().file_id;
  }
  Reply rename(const proto::FileId& id, const std::string& to, bool replace = false) {
    proto::fscc::FileRenameInformation ri;
    ri.replace_if_exists = replace ? 1 : 0;
    ri.file_name = to;
    proto::SetInfoRequest s;
    s.info_type = proto::SMB2_0_INFO_FILE;
    s.file_info_class = proto::fscc::FileRenameInformation::info_class;
    s.file_id = id;
    s.buffer = proto::fscc::encode_info(ri);
    return f.request(proto::Command::SET_INFO, s);
  }
  std::size_t breaks_sent() { return oplock_table(*f.server).breaks_sent; }

  Fixture f;
};

// --- rename: the implicit open of the destination directory (rename.hpp step 1)

TEST_F(RenameStreams, RenameFailsWhileTheParentIsOpenWithDeleteAndNeedsNoBreak) {
  // smbtorture smb2.oplock.exclusive6 shape: parent open with DELETE (share all); the file's own EXCLUSIVE
  // oplock is not broken and the rename fails with STATUS_SHARING_VIOLATION.
  proto::FileId dir = ok_open("d", kFileAll, kShareAll, kOpenIf, kDirectoryFile);
  proto::FileId h = ok_open("d\\a.txt", kFileAll, kShareNone, kOpenIf, 0, SMB2_OPLOCK_LEVEL_EXCLUSIVE,
                            SMB2_OPLOCK_LEVEL_EXCLUSIVE);
  std::size_t before = breaks_sent();
  EXPECT_EQ(rename(h, "d\\b.txt", true).status(), status::STATUS_SHARING_VIOLATION);
  EXPECT_EQ(breaks_sent(), before);
  EXPECT_TRUE(std::filesystem::exists(f.dir.path / "d" / "a.txt"));
  // Re-opened without DELETE (share all): the rename succeeds.
  EXPECT_EQ(f.close(dir).status(), status::STATUS_SUCCESS);
  ok_open("d", kDirAllButDelete, kShareAll, kOpen, kDirectoryFile);
  EXPECT_EQ(rename(h, "d\\b.txt", true).status(), status::STATUS_SUCCESS);
  EXPECT_TRUE(std::filesystem::exists(f.dir.path / "d" / "b.txt"));
  EXPECT_EQ(breaks_sent(), before);
}

TEST_F(RenameStreams, ParentOpenWithWriteAccessThatDoesNotShareWriteConflicts) {
  // The implicit open asks FILE_ADD_FILE (= FILE_WRITE_DATA): an existing open without FILE_SHARE_WRITE refuses it
  // (MS-FSA 2.1.5.1.2.2). One that shares WRITE, or an attribute-only open, does not.
  proto::FileId dir = ok_open("d", 0x1 | 0x2, 0x1 /*READ*/, kOpenIf, kDirectoryFile);
  proto::FileId h = ok_open("d\\a.txt", kFileAll, kShareAll, kOpenIf);
  EXPECT_EQ(rename(h, "d\\b.txt").status(), status::STATUS_SHARING_VIOLATION);
  EXPECT_EQ(f.close(dir).status(), status::STATUS_SUCCESS);
  ok_open("d", kReadAttr, kShareNone, kOpen, kDirectoryFile);  // a stat open takes no part in sharing
  EXPECT_EQ(rename(h, "d\\b.txt").status(), status::STATUS_SUCCESS);
}

TEST_F(RenameStreams, OnlyTheDestinationParentCounts) {
  // Moving d1\a -> d2\a: an open of d1 with DELETE does not matter, one of d2 does.
  ok_open("d1", kFileAll, kShareAll, kOpenIf, kDirectoryFile);
  proto::FileId d2 = ok_open("d2", kDirAllButDelete, kShareAll, kOpenIf, kDirectoryFile);
  proto::FileId h = ok_open("d1\\a", kFileAll, kShareAll, kOpenIf);
  EXPECT_EQ(rename(h, "d2\\a").status(), status::STATUS_SUCCESS);
  EXPECT_EQ(f.close(d2).status(), status::STATUS_SUCCESS);
  ok_open("d2", kFileAll, kShareAll, kOpen, kDirectoryFile);
  EXPECT_EQ(rename(h, "d2\\b").status(), status::STATUS_SHARING_VIOLATION);
}

TEST_F(RenameStreams, RenameOntoAnOpenTargetIsAccessDenied) {
  // MS-FSA 2.1.5.15.11 (RemoveTargetLink, target open) / MS-FSCC 2.4.42 STATUS_ACCESS_DENIED.
  proto::FileId h = ok_open("a", kFileAll, kShareAll, kOpenIf);
  proto::FileId t = ok_open("b", kFileAll, kShareAll, kOpenIf);
  EXPECT_EQ(rename(h, "b", true).status(), status::STATUS_ACCESS_DENIED);
  EXPECT_EQ(rename(h, "b", false).status(), status::STATUS_OBJECT_NAME_COLLISION);
  EXPECT_EQ(f.close(t).status(), status::STATUS_SUCCESS);
  EXPECT_EQ(rename(h, "b", true).status(), status::STATUS_SUCCESS);
}

TEST_F(RenameStreams, RenamingADirectoryMovesTheOpensBelowIt) {
  proto::FileId d = ok_open("d", kFileAll, kShareAll, kOpenIf, kDirectoryFile);
  proto::FileId c = ok_open("d\\c.txt", kFileAll, kShareAll, kOpenIf);
  ASSERT_EQ(rename(d, "e").status(), status::STATUS_SUCCESS);
  EXPECT_EQ(f.open_state(c)["path"], "e/c.txt");
}

// --- streams

TEST_F(RenameStreams, SplitStreamNames) {
  auto a = ObjectStore::split_stream("d\\f.txt:Stream One:$DATA");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->base, "d\\f.txt");
  EXPECT_EQ(a->stream, "Stream One");
  auto b = ObjectStore::split_stream("f.txt::$DATA");  // default stream, MS-FSCC 2.1.5.3
  ASSERT_TRUE(b);
  EXPECT_EQ(b->base, "f.txt");
  EXPECT_EQ(b->stream, "");
  auto c = ObjectStore::split_stream("f.txt:s:$data");  // type is case-insensitive
  ASSERT_TRUE(c);
  EXPECT_EQ(c->stream, "s");
  EXPECT_EQ(ObjectStore::split_stream("f.txt:s:$INDEX_ALLOCATION").status(), status::STATUS_OBJECT_NAME_INVALID);
  EXPECT_EQ(ObjectStore::split_stream("f.txt:a:b:$DATA").status(), status::STATUS_OBJECT_NAME_INVALID);
  EXPECT_EQ(ObjectStore::split_stream("f.txt:").status(), status::STATUS_OBJECT_NAME_INVALID);
  EXPECT_EQ(ObjectStore::split_stream("f.txt:" + std::string(256, 'x')).status(), status::STATUS_OBJECT_NAME_INVALID);
}

TEST_F(RenameStreams, StreamDataIsSeparateInvisibleAndDeletedWithTheFile) {
  // Creating "f:s" creates f (empty) and the stream; the default stream stays empty.
  proto::FileId s = ok_open("f.txt:s", kFileAll, kShareAll, kCreate);
  proto::WriteRequest w;
  w.file_id = s;
  w.data = {'h', 'i'};
  ASSERT_EQ(f.request(proto::Command::WRITE, w).status(), status::STATUS_SUCCESS);
  EXPECT_EQ(std::filesystem::file_size(f.dir.path / "f.txt"), 0u);
  f.close(s);
  Reply again = create("f.txt:s:$DATA", kFileAll, kShareAll, kOpen);
  ASSERT_EQ(again.status(), status::STATUS_SUCCESS);
  EXPECT_EQ(again.as<proto::CreateResponse>().end_of_file, 2u);
  f.close(again.as<proto::CreateResponse>().file_id);
  EXPECT_EQ(create("f.txt:other", kFileAll, kShareAll, kOpen).status(), status::STATUS_OBJECT_NAME_NOT_FOUND);
  EXPECT_EQ(create("missing:s", kFileAll, kShareAll, kOpen).status(), status::STATUS_OBJECT_NAME_NOT_FOUND);
  // The sidecar is not listed: only f.txt is visible in the root.
  proto::FileId root = ok_open("", 0x1 | kReadAttr, kShareAll, kOpen, kDirectoryFile);
  proto::QueryDirectoryRequest q;
  q.file_information_class = 1;  // FileDirectoryInformation
  q.file_id = root;
  q.file_name = "*";
  q.output_buffer_length = 65536;
  Reply l = f.request(proto::Command::QUERY_DIRECTORY, q);
  ASSERT_EQ(l.status(), status::STATUS_SUCCESS);
  // Decode the entries (MS-FSCC 2.4.10) and compare names: a byte search would also hit timestamp bytes.
  auto entries = proto::fscc::decode_entries<proto::fscc::FileDirectoryInformation>(
      l.as<proto::QueryDirectoryResponse>().output_buffer);
  ASSERT_TRUE(entries);
  std::vector<std::string> names;
  for (const auto& e : *entries)
    if (e.file_name != "." && e.file_name != "..") names.push_back(e.file_name);
  EXPECT_EQ(names, std::vector<std::string>{"f.txt"});
  // Deleting the file (delete-on-close) removes its streams.
  proto::FileId del = ok_open("f.txt", kFileAll, kShareAll, kOpen, 0x1000 /*DELETE_ON_CLOSE*/);
  f.close(del);
  EXPECT_FALSE(std::filesystem::exists(f.dir.path / "f.txt"));
  bool leftover = false;
  if (std::filesystem::exists(f.dir.path / ObjectStore::kStreamDir))
    for (auto& e : std::filesystem::directory_iterator(f.dir.path / ObjectStore::kStreamDir)) {
      (void)e;
      leftover = true;
    }
  EXPECT_FALSE(leftover);
  EXPECT_EQ(create("f.txt:s", kFileAll, kShareAll, kOpen).status(), status::STATUS_OBJECT_NAME_NOT_FOUND);
}

TEST_F(RenameStreams, OplocksAndShareModesArePerStream) {
  // smbtorture smb2.oplock.stream1 / batch26 shapes (MS-FSA 2.1.5.18: an oplock belongs to one stream).
  f.close(ok_open("f.txt:s", kFileAll, kShareAll, kCreate));
  proto::FileId base = ok_open("f.txt", 0x1 | 0x2, 0x1 | 0x2, kOpen, 0, SMB2_OPLOCK_LEVEL_BATCH, SMB2_OPLOCK_LEVEL_BATCH);
  std::size_t before = breaks_sent();
  // A named stream is another stream: BATCH granted, the base's oplock not broken.
  proto::FileId st = ok_open("f.txt:s", 0x1 | 0x2, 0x1 | 0x2, kOpen, 0, SMB2_OPLOCK_LEVEL_BATCH, SMB2_OPLOCK_LEVEL_BATCH);
  EXPECT_EQ(breaks_sent(), before);
  // The default stream is the base's stream: its BATCH is contended (break to II), the open gets II.
  f.close(st);
  proto::CreateRequest c;
  c.name = "f.txt::$DATA";
  c.desired_access = 0x1;
  c.share_access = 0x1 | 0x2;
  c.create_disposition = kOpen;
  c.impersonation_level = 2;
  c.requested_oplock_level = SMB2_OPLOCK_LEVEL_BATCH;
  auto first = f.send_raw(f.encode(f.header(proto::Command::CREATE), proto::RequestBody(c)));
  bool notified = false;
  for (const auto& r : first)
    if (r.header.command == static_cast<std::uint16_t>(proto::Command::OPLOCK_BREAK) &&
        r.header.message_id == ~0ull) {
      notified = true;
      EXPECT_EQ(r.as<proto::OplockBreakResponse>().oplock_level, SMB2_OPLOCK_LEVEL_II);
    }
  EXPECT_TRUE(notified);
  // The break to II needs an acknowledgment (MS-SMB2 3.3.4.6); after it the CREATE completes with LEVEL_II.
  proto::OplockBreakAcknowledgment ack;
  ack.oplock_level = SMB2_OPLOCK_LEVEL_II;
  ack.file_id = base;
  f.send_raw(f.encode(f.header(proto::Command::OPLOCK_BREAK), proto::RequestBody(ack)));
  std::size_t frames = f.transport->frames.size();
  f.server->clock.fire_due();
  bool completed = false;
  for (std::size_t i = frames; i < f.transport->frames.size(); ++i) {
    wire::ByteView payload;
    if (!proto::parse_frame(f.transport->frames[i], payload)) continue;
    auto r = proto::decode_response(payload);
    if (r && std::holds_alternative<proto::CreateResponse>(r->body)) {
      completed = true;
      EXPECT_EQ(std::get<proto::CreateResponse>(r->body).oplock_level, SMB2_OPLOCK_LEVEL_II);
    }
  }
  EXPECT_TRUE(completed);
  EXPECT_EQ(breaks_sent(), before + 1);
  // Share modes are per stream too: a stream open sharing nothing does not block the base file.
  proto::FileId excl = ok_open("f.txt:s", kFileAll, kShareNone, kOpen);
  EXPECT_EQ(create("f.txt:s", 0x1, kShareAll, kOpen).status(), status::STATUS_SHARING_VIOLATION);
  f.close(ok_open("f.txt", 0x1, kShareAll, kOpen));
  f.close(excl);
}

// --- FileStreamInformation (MS-FSA 2.1.5.12.29, MS-FSCC 2.4.43)

class StreamInfo : public RenameStreams {
 protected:
  /** QUERY_INFO FileStreamInformation on `id` with an output buffer of `len` bytes. */
  Reply query(const proto::FileId& id, std::uint32_t len) {
    proto::QueryInfoRequest q;
    q.info_type = proto::SMB2_0_INFO_FILE;
    q.file_info_class = proto::fscc::FileStreamInformation::info_class;
    q.output_buffer_length = len;
    q.file_id = id;
    return f.request(proto::Command::QUERY_INFO, q);
  }
  std::vector<proto::fscc::FileStreamInformation> entries(const Reply& r) {
    auto e = proto::fscc::decode_entries<proto::fscc::FileStreamInformation>(
        r.as<proto::QueryInfoResponse>().output_buffer);
    EXPECT_TRUE(e);
    return e ? *e : std::vector<proto::fscc::FileStreamInformation>{};
  }
  void write(const proto::FileId& id, std::size_t n) {
    proto::WriteRequest w;
    w.file_id = id;
    w.data.assign(n, 'x');
    ASSERT_EQ(f.request(proto::Command::WRITE, w).status(), status::STATUS_SUCCESS);
  }
  static std::vector<std::string> names(const std::vector<proto::fscc::FileStreamInformation>& v) {
    std::vector<std::string> out;
    for (const auto& e : v) out.push_back(e.stream_name);
    return out;
  }
};

TEST_F(StreamInfo, ListsTheDefaultStreamThenEachNamedStreamWithItsSize) {
  proto::FileId base = ok_open("f.txt", kFileAll, kShareAll, kCreate);
  write(base, 5);
  for (const auto& [name, size] : std::vector<std::pair<std::string, std::size_t>>{{"zeta", 3}, {"alpha", 300}}) {
    proto::FileId s = ok_open("f.txt:" + name, kFileAll, kShareAll, kCreate);
    write(s, size);
    f.close(s);
  }
  Reply r = query(base, 4096);
  ASSERT_EQ(r.status(), status::STATUS_SUCCESS);
  auto v = entries(r);
  // ":<name>:$DATA" for each stream of the file, "::$DATA" for the default one (2.1.5.12.29).
  EXPECT_EQ(names(v), (std::vector<std::string>{"::$DATA", ":alpha:$DATA", ":zeta:$DATA"}));
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].stream_size, 5u);
  EXPECT_EQ(v[1].stream_size, 300u);
  EXPECT_EQ(v[2].stream_size, 3u);
  EXPECT_GE(v[1].stream_allocation_size, 300u);
  // An open of a named stream lists the streams of its file (Open.File), the same three.
  proto::FileId z = ok_open("f.txt:zeta", 0x1, kShareAll, kOpen);
  Reply rz = query(z, 4096);
  ASSERT_EQ(rz.status(), status::STATUS_SUCCESS);
  EXPECT_EQ(names(entries(rz)), names(v));
}

TEST_F(StreamInfo, ADirectoryHasNoDefaultStreamAndAFileWithoutStreamsOnlyIt) {
  proto::FileId d = ok_open("d", 0x1 | kReadAttr, kShareAll, kCreate, kDirectoryFile);
  Reply rd = query(d, 4096);
  ASSERT_EQ(rd.status(), status::STATUS_SUCCESS);
  EXPECT_TRUE(rd.as<proto::QueryInfoResponse>().output_buffer.empty());  // MS-FSCC 2.1.5.3: no unnamed stream
  proto::FileId plain = ok_open("plain.txt", kFileAll, kShareAll, kCreate);
  Reply rp = query(plain, 4096);
  ASSERT_EQ(rp.status(), status::STATUS_SUCCESS);
  EXPECT_EQ(names(entries(rp)), std::vector<std::string>{"::$DATA"});
}

TEST_F(StreamInfo, ASmallBufferGetsTheWholeEntriesThatFitAndBufferOverflow) {
  proto::FileId base = ok_open("f.txt", kFileAll, kShareAll, kCreate);
  f.close(ok_open("f.txt:second", kFileAll, kShareAll, kCreate));
  // Below the fixed part of one entry: STATUS_INFO_LENGTH_MISMATCH (2.1.5.12.29, first step).
  EXPECT_EQ(query(base, 23).status(), status::STATUS_INFO_LENGTH_MISMATCH);
  // "::$DATA" is 24 + 14 = 38 bytes; the next entry starts at 40 and needs 24 + 26 = 50 more.
  Reply one = query(base, 60);
  EXPECT_EQ(one.status(), status::STATUS_BUFFER_OVERFLOW);
  auto v = entries(one);
  EXPECT_EQ(names(v), std::vector<std::string>{"::$DATA"});
  EXPECT_EQ(one.as<proto::QueryInfoResponse>().output_buffer.size(), 38u);  // no torn second entry
  Reply none = query(base, 30);
  EXPECT_EQ(none.status(), status::STATUS_BUFFER_OVERFLOW);
  EXPECT_TRUE(none.as<proto::QueryInfoResponse>().output_buffer.empty());
  Reply both = query(base, 90);
  EXPECT_EQ(both.status(), status::STATUS_SUCCESS);
  EXPECT_EQ(names(entries(both)), (std::vector<std::string>{"::$DATA", ":second:$DATA"}));
}

TEST_F(StreamInfo, TheDataStreamTypeNeverNamesADirectory) {
  // smbtorture smb2.streams.dir; MS-FSA 2.1.5.1 / 2.1.5.1.2 (a directory has no default data stream, MS-FSCC 2.1.5.3).
  proto::FileId d = ok_open("d", 0x1 | kReadAttr, kShareNone, kCreate, kDirectoryFile);
  // With FILE_DIRECTORY_FILE: NOT_A_DIRECTORY, ahead of the sharing check that the open above would fail.
  EXPECT_EQ(create("d::$DATA", 0x2, kShareNone, kOpen, kDirectoryFile).status(), status::STATUS_NOT_A_DIRECTORY);
  EXPECT_EQ(create("d:s", 0x2, kShareNone, kCreate, kDirectoryFile).status(), status::STATUS_NOT_A_DIRECTORY);
  // Without it: FILE_IS_A_DIRECTORY, also ahead of sharing; and the same when nothing has the directory open.
  EXPECT_EQ(create("d::$DATA", 0x2, kShareNone, kOpen).status(), status::STATUS_FILE_IS_A_DIRECTORY);
  f.close(d);
  EXPECT_EQ(create("d::$DATA", 0x1, kShareAll, kOpen).status(), status::STATUS_FILE_IS_A_DIRECTORY);
  // The directory itself still opens, and a file's "::$DATA" is the file.
  f.close(ok_open("d", 0x1, kShareAll, kOpen, kDirectoryFile));
  f.close(ok_open("f.txt", kFileAll, kShareAll, kCreate));
  f.close(ok_open("f.txt::$DATA", 0x1, kShareAll, kOpen));
}

TEST_F(StreamInfo, DeleteAccessToAFileConflictsWithItsStreamsOpenWithoutShareDelete) {
  // smbtorture smb2.streams.delete; MS-FSA 2.1.5.1.2.1.
  proto::FileId s = ok_open("f.txt:one", 0x1 | 0x2, kShareNone, kCreate);
  EXPECT_EQ(create("f.txt", kDelete, kShareAll, kOpen).status(), status::STATUS_SHARING_VIOLATION);
  EXPECT_EQ(create("f.txt", kDelete, kShareAll, kOpen, 0x1000 /*DELETE_ON_CLOSE*/).status(),
            status::STATUS_SHARING_VIOLATION);
  f.close(ok_open("f.txt", 0x1, kShareAll, kOpen));  // without DELETE: another stream, no conflict
  f.close(s);
  // A stream open that shares DELETE does not stand in the way.
  proto::FileId shared = ok_open("f.txt:one", 0x1, 0x1 | 0x2 | 0x4, kOpen);
  f.close(ok_open("f.txt", kDelete, kShareAll, kOpen));
  f.close(shared);
  // The reverse holds no conflict: a stream may be opened with DELETE while the file is open without sharing it.
  proto::FileId base = ok_open("f.txt", 0x1, 0x1 | 0x2, kOpen);
  f.close(ok_open("f.txt:one", kDelete, kShareAll, kOpen));
  f.close(base);
}

TEST_F(StreamInfo, TimesAndAttributesAreTheFilesThroughAStreamOpenSizesAreTheStreams) {
  // MS-FSA 2.1.1.3 (File: times, FileAttributes) / 2.1.1.4 (Stream: sizes); smbtorture smb2.streams.attributes1.
  proto::FileId base = ok_open("f.txt", kFileAll, kShareAll, kCreate);
  write(base, 7);
  proto::FileId s = ok_open("f.txt:s", kFileAll, kShareAll, kCreate);
  write(s, 3);
  // Set a write time and READONLY through the stream.
  proto::fscc::FileBasicInformation b;
  b.last_write_time = 130000000000000000ull;  // 2012-12-15
  b.file_attributes = 0x1;                    // FILE_ATTRIBUTE_READONLY
  proto::SetInfoRequest set;
  set.info_type = proto::SMB2_0_INFO_FILE;
  set.file_info_class = proto::fscc::FileBasicInformation::info_class;
  set.file_id = s;
  set.buffer = proto::fscc::encode_info(b);
  ASSERT_EQ(f.request(proto::Command::SET_INFO, set).status(), status::STATUS_SUCCESS);
  auto all = [&](const proto::FileId& id) {
    proto::QueryInfoRequest q;
    q.info_type = proto::SMB2_0_INFO_FILE;
    q.file_info_class = proto::fscc::FileNetworkOpenInformation::info_class;
    q.output_buffer_length = 4096;
    q.file_id = id;
    Reply r = f.request(proto::Command::QUERY_INFO, q);
    EXPECT_EQ(r.status(), status::STATUS_SUCCESS);
    auto n = proto::fscc::decode_info<proto::fscc::FileNetworkOpenInformation>(
        r.as<proto::QueryInfoResponse>().output_buffer);
    EXPECT_TRUE(n);
    return n ? *n : proto::fscc::FileNetworkOpenInformation{};
  };
  auto of_file = all(base), of_stream = all(s);
  EXPECT_EQ(of_file.last_write_time, 130000000000000000ull);  // the file's, set through its stream
  EXPECT_EQ(of_file.file_attributes & 0x1, 0x1u);
  EXPECT_EQ(of_stream.last_write_time, of_file.last_write_time);
  EXPECT_EQ(of_stream.creation_time, of_file.creation_time);
  EXPECT_EQ(of_stream.file_attributes, of_file.file_attributes);
  EXPECT_EQ(of_file.end_of_file, 7u);  // sizes stay each stream's own
  EXPECT_EQ(of_stream.end_of_file, 3u);
  f.close(s);
  f.close(base);
}

TEST_F(StreamInfo, AStreamsFileMetadataIsReadWithoutTakingAFaultOrCountingAnOpen) {
  // metadata_handle reaches the file through ObjectStore::open_internal: an open fault injected for the file (control
  // op "fault") is left for the next client open of it, and statistics.opens counts client opens only.
  proto::FileId s = ok_open("f.txt:s", kFileAll, kShareAll, kCreate);
  ObjectStore* store = nullptr;
  for (auto& [name, sh] : f.server->shares)
    if (sh->store) store = sh->store.get();
  ASSERT_NE(store, nullptr);
  store->inject(Fault{FaultOp::open, "f.txt", status::STATUS_DISK_FULL, 1});
  const std::uint64_t opens = store->statistics().opens;
  proto::QueryInfoRequest q;
  q.info_type = proto::SMB2_0_INFO_FILE;
  q.file_info_class = proto::fscc::FileBasicInformation::info_class;
  q.output_buffer_length = 40;
  q.file_id = s;
  EXPECT_EQ(f.request(proto::Command::QUERY_INFO, q).status(), status::STATUS_SUCCESS);
  EXPECT_EQ(query(s, 4096).status(), status::STATUS_SUCCESS);  // FileStreamInformation reaches the file the same way
  EXPECT_EQ(store->statistics().opens, opens);
  EXPECT_EQ(create("f.txt", 0x1, kShareAll, kOpen).status(), status::STATUS_DISK_FULL);  // the fault is still there
}

TEST_F(StreamInfo, AFileDeletedWhileAStreamIsOpenIsDeletePendingUntilTheStreamCloses) {
  // MS-FSA 2.1.5.4 (the file goes with the last open of any of its streams) and 2.1.5.1.2 (DELETE_PENDING by name
  // meanwhile); smbtorture smb2.streams.delete.
  proto::FileId s = ok_open("f.txt:one", 0x1 | 0x2 | 0x4, 0x1 | 0x2 | 0x4, kCreate);
  write(s, 4);
  f.close(ok_open("f.txt", kDelete, kShareAll, kOpen, 0x1000 /*DELETE_ON_CLOSE*/));
  EXPECT_TRUE(std::filesystem::exists(f.dir.path / "f.txt"));
  proto::ReadRequest r;
  r.file_id = s;
  r.length = 4;
  EXPECT_EQ(f.request(proto::Command::READ, r).status(), status::STATUS_SUCCESS);  // the handle still works
  EXPECT_EQ(create("f.txt", 0x1, kShareAll, kOpenIf).status(), status::STATUS_DELETE_PENDING);
  EXPECT_EQ(create("f.txt:one", 0x1, kShareAll, kOpen).status(), status::STATUS_DELETE_PENDING);
  EXPECT_EQ(create("f.txt:two", 0x1, kShareAll, kCreate).status(), status::STATUS_DELETE_PENDING);
  f.close(s);
  EXPECT_FALSE(std::filesystem::exists(f.dir.path / "f.txt"));
  EXPECT_EQ(create("f.txt", 0x1, kShareAll, kOpen).status(), status::STATUS_OBJECT_NAME_NOT_FOUND);
  f.close(ok_open("f.txt", kFileAll, kShareAll, kCreate));  // the name is free again
}

}  // namespace
}  // namespace smb::server
