// Tests for the object store: SMB name rules, dispositions, I/O, flush variants and faults, and
// confinement (symlinks, races, '..', hard links) with a watched sentinel directory outside the root.
#include "server/fs_snapshot.hpp"
#include "smbserver/object_store.hpp"

#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

namespace fs = std::filesystem;
using namespace smb;
using namespace smb::server;

namespace {

std::string str(NtStatus s) { return smb::to_string(s); }

#define EXPECT_STATUS(expected, actual) EXPECT_EQ(str(expected), str(actual))
#define ASSERT_STATUS(expected, actual) ASSERT_EQ(str(expected), str(actual))

void write_file(const fs::path& p, const std::string& content) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f << content;
}

std::string read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

wire::ByteView bytes(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string text(const wire::Bytes& b) { return std::string(b.begin(), b.end()); }

using smb::test::snapshot;

/**
 * Per-test layout: <base>/share is the root, <base>/outside the sentinel (a file with mode 0 and a
 * subdirectory). inotify watches the sentinel for every event (opens and reads included: the tests
 * run as root, so mode 0 alone would not stop a read) and <base> for new or removed entries.
 */
class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/objstore-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    base_ = tmpl;
    root_ = base_ / "share";
    outside_ = base_ / "outside";
    fs::create_directory(root_);
    fs::create_directory(outside_);
    fs::create_directory(outside_ / "inner");
    write_file(outside_ / "secret", "SECRET");
    write_file(outside_ / "inner" / "deep", "DEEP");
    ::chmod((outside_ / "secret").c_str(), 0);
    ShareConfig cfg;
    cfg.name = "share";
    cfg.root = root_;
    store_ = make_store(cfg);
    ASSERT_NE(store_, nullptr);
    arm();
  }

  void TearDown() override {
    // The sentinel: nothing created, deleted, modified or even opened outside the share root.
    EXPECT_EQ(pending_events(), "") << "inotify saw activity outside the share root";
    EXPECT_EQ(snapshot(outside_), before_);
    std::set<std::string> base_entries;
    for (auto& e : fs::directory_iterator(base_)) base_entries.insert(e.path().filename().string());
    EXPECT_EQ(base_entries, (std::set<std::string>{"outside", "share"}));
    if (ino_ >= 0) ::close(ino_);
    store_.reset();
    std::error_code ec;
    fs::remove_all(base_, ec);
  }

  static std::unique_ptr<ObjectStore> make_store(const ShareConfig& cfg) {
    auto v = ObjectStore::create(cfg);
    if (auto* err = std::get_if<std::string>(&v)) {
      ADD_FAILURE() << *err;
      return nullptr;
    }
    return std::move(std::get<0>(v));
  }

  /** (Re)starts watching: call after a test deliberately prepares something outside. */
  void arm() {
    if (ino_ >= 0) ::close(ino_);
    before_ = snapshot(outside_);  // before watching: the snapshot itself opens the files
    ino_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    ASSERT_GE(ino_, 0);
    ASSERT_GE(::inotify_add_watch(ino_, outside_.c_str(), IN_ALL_EVENTS), 0);
    ASSERT_GE(::inotify_add_watch(ino_, (outside_ / "inner").c_str(), IN_ALL_EVENTS), 0);
    ASSERT_GE(::inotify_add_watch(ino_, base_.c_str(), IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO), 0);
  }

  /** Events seen since arm(), as "mask:name" lines; empty when nothing happened. */
  std::string pending_events() {
    std::string out;
    alignas(inotify_event) char buf[4096];
    while (true) {
      ssize_t n = ::read(ino_, buf, sizeof buf);
      if (n <= 0) break;
      for (char* p = buf; p < buf + n;) {
        auto* ev = reinterpret_cast<inotify_event*>(p);
        std::ostringstream o;
        o << std::hex << ev->mask << ":" << (ev->len ? ev->name : "") << "\n";
        out += o.str();
        p += sizeof(inotify_event) + ev->len;
      }
    }
    return out;
  }

  OpenResult must_open(const std::string& path, Disposition d = Disposition::open, ObjectKind k = ObjectKind::any,
                       bool want_write = false) {
    auto r = store_->open(path, d, k, want_write, 0);
    EXPECT_TRUE(r.ok()) << path << ": " << str(r.status());
    return r.ok() ? r.value() : OpenResult{};
  }

  NtStatus open_status(const std::string& path, Disposition d = Disposition::open, ObjectKind k = ObjectKind::any,
                       bool want_write = false) {
    return store_->open(path, d, k, want_write, 0).status();
  }

  fs::path base_, root_, outside_;
  std::unique_ptr<ObjectStore> store_;
  int ino_ = -1;
  std::map<std::string, std::string> before_;
};

// ------------------------------------------------------------------------------------------------
// normalize

struct NameCase {
  std::string in;
  NtStatus expected;
  const char* why;
};

TEST(ObjectStoreNormalize, RejectsInvalidNames) {
  const std::string c255(255, 'a'), c256(256, 'a');
  std::string e_acute_200;  // 200 UTF-16 units but 400 UTF-8 bytes
  for (int i = 0; i < 200; ++i) e_acute_200 += "\xC3\xA9";
  std::string emoji_128;  // 128 supplementary code points = 256 UTF-16 units
  for (int i = 0; i < 128; ++i) emoji_128 += "\xF0\x9F\x98\x80";
  std::string long_path;  // 20 components of 250 bytes: 5019 bytes > PATH_MAX
  for (int i = 0; i < 20; ++i) long_path += (i ? "\\" : "") + std::string(250, 'p');

  const NameCase cases[] = {
      {"\\a", status::STATUS_INVALID_PARAMETER, "MS-SMB2 3.3.5.9: leading path separator"},
      {"\\etc\\passwd", status::STATUS_INVALID_PARAMETER, "MS-SMB2 3.3.5.9: leading path separator"},
      {"..", status::STATUS_OBJECT_PATH_SYNTAX_BAD, "MS-FSCC 2.1.5.1: dot names are not sent"},
      {"..\\x", status::STATUS_OBJECT_PATH_SYNTAX_BAD, "MS-FSCC 2.1.5.1"},
      {"a\\..\\..\\x", status::STATUS_OBJECT_PATH_SYNTAX_BAD, "MS-FSCC 2.1.5.1"},
      {"a\\..", status::STATUS_OBJECT_PATH_SYNTAX_BAD, "MS-FSCC 2.1.5.1"},
      {".", status::STATUS_OBJECT_NAME_INVALID, "MS-FSCC 2.1.5.1"},
      {"a\\.\\b", status::STATUS_OBJECT_NAME_INVALID, "MS-FSCC 2.1.5.1"},
      {"a\\\\b", status::STATUS_OBJECT_NAME_INVALID, "MS-FSCC 2.1.5.2: a name has at least one character"},
      {"C:\\x", status::STATUS_OBJECT_NAME_INVALID, "MS-FSCC 2.1.5.2: ':'"},
      {"a:stream", status::STATUS_OBJECT_NAME_INVALID, "MS-FSCC 2.1.5.2: ':' (no named streams)"},
      {"a:stream:$DATA", status::STATUS_OBJECT_NAME_INVALID, "MS-FSCC 2.1.5.2: ':' (no named streams)"},
      {"dir\\a:b\\c", status::STATUS_OBJECT_NAME_INVALID, "MS-FSCC 2.1.5.2: ':'"},
      {"a/b", status::STATUS_OBJECT_NAME_INVALID, "MS-FSCC 2.1.5.2: '/'"},
      {"/etc/passwd", status::STATUS_OBJECT_NAME_INVALID, "MS-FSCC 2.1.5.2: '/'"},
      {std::string("a\0b", 3), status::STATUS_OBJECT_NAME_INVALID, "MS-FSCC 2.1.5.2: 0x00"},
      {std::string("\0", 1), status::STATUS_OBJECT_NAME_INVALID, "MS-FSCC 2.1.5.2: 0x00"},
      {"a\x01", status::STATUS_OBJECT_NAME_INVALID, "MS-FSCC 2.1.5.2: 0x01"},
      {"a\x1F", status::STATUS_OBJECT_NAME_INVALID, "MS-FSCC 2.1.5.2: 0x1F"},
      {"tab\there", status::STATUS_OBJECT_NAME_INVALID, "MS-FSCC 2.1.5.2: 0x09"},
      {"a\"b", status::STATUS_OBJECT_NAME_INVALID, "MS-FSCC 2.1.5.2: '\"'"},
      {"a*", status::STATUS_OBJECT_NAME_INVALID, "MS-FSCC 2.1.5.2: '*'"},
      {"a<b", status::STATUS_OBJECT_NAME_INVALID, "MS-FSCC 2.1.5.2: '<'"},
      {"a>b", status::STATUS_OBJECT_NAME_INVALID, "MS-FSCC 2.1.5.2: '>'"},
      {"a?", status::STATUS_OBJECT_NAME_INVALID, "MS-FSCC 2.1.5.2: '?'"},
      {"a|b", status::STATUS_OBJECT_NAME_INVALID, "MS-FSCC 2.1.5.2: '|'"},
      {c256, status::STATUS_OBJECT_NAME_INVALID, "MS-FSCC 2.1.5.2: at most 255 characters"},
      {"d\\" + std::string(300, 'x'), status::STATUS_OBJECT_NAME_INVALID, "MS-FSCC 2.1.5.2: 300 characters"},
      {emoji_128, status::STATUS_OBJECT_NAME_INVALID, "MS-FSCC 2.1.5.2: 256 UTF-16 units"},
      {e_acute_200, status::STATUS_NAME_TOO_LONG, "Linux NAME_MAX: 400 UTF-8 bytes"},
      {long_path, status::STATUS_NAME_TOO_LONG, "Linux PATH_MAX"},
      {"\xFF", status::STATUS_OBJECT_NAME_INVALID, "not UTF-8"},
      {"\xC0\xAF", status::STATUS_OBJECT_NAME_INVALID, "overlong '/'"},
      {"\xED\xA0\x80", status::STATUS_OBJECT_NAME_INVALID, "UTF-8-encoded surrogate"},
      {"\xE2\x82", status::STATUS_OBJECT_NAME_INVALID, "truncated sequence"},
      {"con", status::STATUS_ACCESS_DENIED, "MS-SMB2 3.3.5.9 <304>: reserved device name"},
      {"CON", status::STATUS_ACCESS_DENIED, "MS-SMB2 3.3.5.9 <304>"},
      {"Nul", status::STATUS_ACCESS_DENIED, "MS-SMB2 3.3.5.9 <304>"},
      {"prn.txt", status::STATUS_ACCESS_DENIED, "MS-SMB2 3.3.5.9 <304>: with extension"},
      {"aux.tar.gz", status::STATUS_ACCESS_DENIED, "MS-SMB2 3.3.5.9 <304>"},
      {"COM1", status::STATUS_ACCESS_DENIED, "MS-SMB2 3.3.5.9 <304>"},
      {"com9.log", status::STATUS_ACCESS_DENIED, "MS-SMB2 3.3.5.9 <304>"},
      {"LPT1", status::STATUS_ACCESS_DENIED, "MS-SMB2 3.3.5.9 <304>"},
      {"dir\\lpt5", status::STATUS_ACCESS_DENIED, "MS-SMB2 3.3.5.9 <304>: any component"},
  };
  for (const auto& c : cases) {
    auto r = ObjectStore::normalize(c.in);
    EXPECT_FALSE(r.ok()) << "accepted " << ::testing::PrintToString(c.in) << " (" << c.why << ")";
    EXPECT_STATUS(c.expected, r.status()) << ::testing::PrintToString(c.in) << " (" << c.why << ")";
  }
  EXPECT_TRUE(ObjectStore::normalize(c255).ok()) << "MS-FSCC 2.1.5.2: 255 characters are allowed";
}

TEST(ObjectStoreNormalize, AcceptsValidNames) {
  const std::pair<std::string, std::string> cases[] = {
      {"", ""},                              // the share root (MS-SMB2 2.2.13: NameLength 0)
      {"a", "a"},
      {"dir\\sub\\file.txt", "dir/sub/file.txt"},
      {"dir\\", "dir"},                      // trailing separator (MS-CIFS 3.3.5.51 strips it)
      {"file::$DATA", "file"},               // the default data stream (MS-FSCC 2.1.5.3)
      {"file::$data", "file"},
      {"caf\xC3\xA9", "caf\xC3\xA9"},
      {"...", "..."},                        // not a dot directory name (MS-FSCC 2.1.5.1)
      {"trailing. ", "trailing. "},          // MS-FSCC 2.1.5.2 does not forbid trailing dots/spaces
      {"COM0", "COM0"},                      // not reserved
      {"LPT10", "LPT10"},
      {"console", "console"},
      {"conx.txt", "conx.txt"},
      {"a b", "a b"},
  };
  for (const auto& [in, out] : cases) {
    auto r = ObjectStore::normalize(in);
    ASSERT_TRUE(r.ok()) << ::testing::PrintToString(in) << ": " << str(r.status());
    EXPECT_EQ(r.value(), out);
  }
}

// ------------------------------------------------------------------------------------------------
// helpers

TEST(ObjectStoreFiletime, ConvertsBothWays) {
  // FILETIME of the Unix epoch is 116444736000000000 (MS-DTYP 2.3.3; 11644473600 s after 1601).
  EXPECT_EQ(filetime_from_unix(0, 0), 116444736000000000ULL);
  EXPECT_EQ(filetime_from_unix(1, 500), 116444736010000005ULL);
  std::int64_t s = 0, ns = 0;
  unix_from_filetime(116444736010000005ULL, s, ns);
  EXPECT_EQ(s, 1);
  EXPECT_EQ(ns, 500);
  EXPECT_EQ(filetime_from_unix(-11644473601LL, 0), 0u);  // before 1601: clamps to 0
}

TEST(ObjectStoreErrno, MapsPerObjectStoreFlushSection4) {
  const std::pair<int, NtStatus> cases[] = {
      {ENOENT, status::STATUS_OBJECT_NAME_NOT_FOUND},  {EEXIST, status::STATUS_OBJECT_NAME_COLLISION},
      {EISDIR, status::STATUS_FILE_IS_A_DIRECTORY},    {ENOTDIR, status::STATUS_NOT_A_DIRECTORY},
      {EACCES, status::STATUS_ACCESS_DENIED},          {EPERM, status::STATUS_ACCESS_DENIED},
      {EXDEV, status::STATUS_ACCESS_DENIED},           {ELOOP, status::STATUS_ACCESS_DENIED},
      {EROFS, status::STATUS_MEDIA_WRITE_PROTECTED},   {ENOSPC, status::STATUS_DISK_FULL},
      {EDQUOT, kStatusQuotaExceeded},                  {EIO, status::STATUS_IO_DEVICE_ERROR},
      {ENOTEMPTY, status::STATUS_DIRECTORY_NOT_EMPTY}, {ENAMETOOLONG, status::STATUS_NAME_TOO_LONG},
      {EBADF, status::STATUS_INVALID_HANDLE},          {ESTALE, status::STATUS_VOLUME_DISMOUNTED},
  };
  for (auto [e, s] : cases) EXPECT_STATUS(s, status_from_errno(e)) << std::strerror(e);
  EXPECT_EQ(kStatusQuotaExceeded.value, 0xC0000044u);  // MS-ERREF 2.3.1
}

TEST(ObjectStoreCreate, RejectsMissingOrFileRoot) {
  ShareConfig cfg;
  cfg.root = "/nonexistent/smbconform/root";
  EXPECT_TRUE(std::holds_alternative<std::string>(ObjectStore::create(cfg)));
  char tmpl[] = "/tmp/objstore-file-XXXXXX";
  int fd = ::mkstemp(tmpl);
  ASSERT_GE(fd, 0);
  ::close(fd);
  cfg.root = tmpl;
  auto v = ObjectStore::create(cfg);
  ASSERT_TRUE(std::holds_alternative<std::string>(v));
  EXPECT_NE(std::get<std::string>(v).find("not a directory"), std::string::npos);
  ::unlink(tmpl);
}

// ------------------------------------------------------------------------------------------------
// dispositions (MS-SMB2 2.2.13 CreateDisposition, 2.2.14 CreateAction)

struct DispositionCase {
  Disposition d;
  bool exists;
  NtStatus status;
  CreateAction action;
  bool truncated;
};

TEST_F(StoreTest, DispositionsOnFiles) {
  const DispositionCase cases[] = {
      {Disposition::supersede, true, status::STATUS_SUCCESS, CreateAction::superseded, true},
      {Disposition::supersede, false, status::STATUS_SUCCESS, CreateAction::created, false},
      {Disposition::open, true, status::STATUS_SUCCESS, CreateAction::opened, false},
      {Disposition::open, false, status::STATUS_OBJECT_NAME_NOT_FOUND, {}, false},
      {Disposition::create, true, status::STATUS_OBJECT_NAME_COLLISION, {}, false},
      {Disposition::create, false, status::STATUS_SUCCESS, CreateAction::created, false},
      {Disposition::open_if, true, status::STATUS_SUCCESS, CreateAction::opened, false},
      {Disposition::open_if, false, status::STATUS_SUCCESS, CreateAction::created, false},
      {Disposition::overwrite, true, status::STATUS_SUCCESS, CreateAction::overwritten, true},
      {Disposition::overwrite, false, status::STATUS_OBJECT_NAME_NOT_FOUND, {}, false},
      {Disposition::overwrite_if, true, status::STATUS_SUCCESS, CreateAction::overwritten, true},
      {Disposition::overwrite_if, false, status::STATUS_SUCCESS, CreateAction::created, false},
  };
  int i = 0;
  std::uint64_t successes = 0;
  for (const auto& c : cases) {
    std::string name = "f" + std::to_string(i++);
    if (c.exists) write_file(root_ / name, "old content");
    auto r = store_->open(name, c.d, ObjectKind::non_directory, false, 0);
    SCOPED_TRACE("disposition " + std::to_string(static_cast<int>(c.d)) + (c.exists ? " existing" : " absent"));
    ASSERT_STATUS(c.status, r.status());
    if (!r.ok()) {
      EXPECT_EQ(fs::exists(root_ / name), c.exists);
      continue;
    }
    ++successes;
    EXPECT_EQ(r->action, c.action);
    EXPECT_FALSE(r->handle->is_directory());
    EXPECT_EQ(r->handle->path(), name);
    ASSERT_TRUE(fs::is_regular_file(root_ / name));
    if (c.exists) {
      EXPECT_EQ(read_file(root_ / name), c.truncated ? "" : "old content");
    }
  }
  EXPECT_EQ(store_->statistics().opens.load(), successes);  // one per successful open
}

TEST_F(StoreTest, MissingOrNonDirectoryParentIsPathNotFound) {
  // MS-FSA 2.1.5.1: a missing intermediate component -> STATUS_OBJECT_PATH_NOT_FOUND.
  EXPECT_STATUS(status::STATUS_OBJECT_PATH_NOT_FOUND, open_status("nodir/f"));
  EXPECT_STATUS(status::STATUS_OBJECT_PATH_NOT_FOUND, open_status("nodir/f", Disposition::create));
  write_file(root_ / "file", "x");
  EXPECT_STATUS(status::STATUS_OBJECT_PATH_NOT_FOUND, open_status("file/f"));
  EXPECT_STATUS(status::STATUS_OBJECT_PATH_NOT_FOUND, open_status("file/f", Disposition::open_if));
  EXPECT_FALSE(fs::exists(root_ / "nodir"));
}

TEST_F(StoreTest, DirectoriesAndKinds) {
  auto d = must_open("dir", Disposition::create, ObjectKind::directory);
  ASSERT_TRUE(d.handle);
  EXPECT_EQ(d.action, CreateAction::created);
  EXPECT_TRUE(d.handle->is_directory());
  EXPECT_TRUE(fs::is_directory(root_ / "dir"));
  // open_if on an existing directory opens it.
  EXPECT_EQ(must_open("dir", Disposition::open_if, ObjectKind::directory).action, CreateAction::opened);
  // CreateOptions FILE_NON_DIRECTORY_FILE on a directory (MS-SMB2 2.2.13, MS-FSA 2.1.5.1).
  EXPECT_STATUS(status::STATUS_FILE_IS_A_DIRECTORY, open_status("dir", Disposition::open, ObjectKind::non_directory));
  // FILE_DIRECTORY_FILE on a data file.
  write_file(root_ / "file", "x");
  EXPECT_STATUS(status::STATUS_NOT_A_DIRECTORY, open_status("file", Disposition::open, ObjectKind::directory));
  // FILE_DIRECTORY_FILE with SUPERSEDE/OVERWRITE/OVERWRITE_IF (MS-FSA 2.1.5.1 parameter checks).
  for (auto disp : {Disposition::supersede, Disposition::overwrite, Disposition::overwrite_if})
    EXPECT_STATUS(status::STATUS_INVALID_PARAMETER, open_status("newdir", disp, ObjectKind::directory));
  EXPECT_FALSE(fs::exists(root_ / "newdir"));
  EXPECT_STATUS(status::STATUS_OBJECT_NAME_COLLISION, open_status("dir", Disposition::create, ObjectKind::directory));
  // A disposition value outside MS-SMB2 2.2.13's table.
  EXPECT_STATUS(status::STATUS_INVALID_PARAMETER, open_status("file", static_cast<Disposition>(6)));
}

TEST_F(StoreTest, ShareRootOpensAsDirectory) {
  auto r = must_open("", Disposition::open, ObjectKind::directory);
  ASSERT_TRUE(r.handle);
  EXPECT_TRUE(r.handle->is_directory());
  EXPECT_EQ(r.handle->path(), "");
  EXPECT_STATUS(status::STATUS_OBJECT_NAME_COLLISION, open_status("", Disposition::create));
  EXPECT_STATUS(status::STATUS_FILE_IS_A_DIRECTORY, open_status("", Disposition::open, ObjectKind::non_directory));
  EXPECT_STATUS(status::STATUS_ACCESS_DENIED, store_->remove(*r.handle));
  EXPECT_STATUS(status::STATUS_ACCESS_DENIED, store_->rename(*r.handle, "x", false));
}

TEST_F(StoreTest, SpecialFilesAreRefused) {
  ASSERT_EQ(::mkfifo((root_ / "fifo").c_str(), 0666), 0);
  // Must not block (no writer) and must not open: only files and directories are served.
  EXPECT_STATUS(status::STATUS_ACCESS_DENIED, open_status("fifo"));
  EXPECT_STATUS(status::STATUS_ACCESS_DENIED, open_status("fifo", Disposition::open, ObjectKind::any, true));
}

TEST_F(StoreTest, ReadOnlyAttributeOnCreate) {
  auto r = store_->open("ro", Disposition::create, ObjectKind::non_directory, true, 0x1 /*READONLY*/);
  ASSERT_TRUE(r.ok());
  auto st = store_->stat(*r->handle);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->file_attributes & 0x1u, 0x1u);  // MS-FSCC 2.6 FILE_ATTRIBUTE_READONLY
}

// ------------------------------------------------------------------------------------------------
// data and metadata

TEST_F(StoreTest, WriteReadStatAndSize) {
  auto r = must_open("data", Disposition::create, ObjectKind::non_directory, true);
  ASSERT_TRUE(r.handle);
  auto& h = *r.handle;
  auto w = store_->write(h, 0, bytes("hello"));
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w.value(), 5u);
  ASSERT_TRUE(store_->write(h, 10, bytes("world")).ok());  // leaves a hole of zeros
  auto rd = store_->read(h, 0, 100);
  ASSERT_TRUE(rd.ok());
  EXPECT_EQ(text(rd.value()), std::string("hello\0\0\0\0\0world", 15));
  auto past = store_->read(h, 1000, 10);  // past EOF: no bytes; END_OF_FILE is the protocol's call
  ASSERT_TRUE(past.ok());
  EXPECT_TRUE(past->empty());
  // Offset 0xFFFFFFFFFFFFFFFF appends (MS-FSA 2.1.5.3).
  ASSERT_TRUE(store_->write(h, UINT64_MAX, bytes("!")).ok());
  EXPECT_EQ(read_file(root_ / "data"), std::string("hello\0\0\0\0\0world!", 16));
  auto st = store_->stat(h);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->end_of_file, 16u);
  EXPECT_FALSE(st->is_directory);
  EXPECT_EQ(st->file_attributes, 0x20u);  // ARCHIVE only (MS-FSCC 2.6)
  EXPECT_EQ(st->number_of_links, 1u);
  struct stat ls {};
  ASSERT_EQ(::stat((root_ / "data").c_str(), &ls), 0);
  EXPECT_EQ(st->index_number, ls.st_ino);
  EXPECT_EQ(st->allocation_size, static_cast<std::uint64_t>(ls.st_blocks) * 512);
  EXPECT_EQ(st->times.last_write_time, filetime_from_unix(ls.st_mtim.tv_sec, ls.st_mtim.tv_nsec));
  EXPECT_NE(st->times.creation_time, 0u);
  EXPECT_LE(st->times.creation_time, st->times.last_write_time);

  EXPECT_STATUS(status::STATUS_SUCCESS, store_->set_end_of_file(h, 3));
  EXPECT_EQ(read_file(root_ / "data"), "hel");
  EXPECT_STATUS(status::STATUS_INVALID_PARAMETER, store_->write(h, (1ULL << 63), bytes("x")).status());
  EXPECT_EQ(store_->statistics().writes.load(), 3u);
  EXPECT_EQ(store_->statistics().reads.load(), 2u);
}

TEST_F(StoreTest, WriteOnReadOnlyHandleIsAccessDenied) {
  write_file(root_ / "f", "abc");
  auto r = must_open("f");  // want_write = false
  ASSERT_TRUE(r.handle);
  EXPECT_STATUS(status::STATUS_ACCESS_DENIED, store_->write(*r.handle, 0, bytes("x")).status());
  EXPECT_STATUS(status::STATUS_ACCESS_DENIED, store_->set_end_of_file(*r.handle, 0));
  EXPECT_EQ(read_file(root_ / "f"), "abc");
}

TEST_F(StoreTest, DirectoryHandleRejectsData) {
  auto d = must_open("d", Disposition::create, ObjectKind::directory);
  ASSERT_TRUE(d.handle);
  EXPECT_STATUS(status::STATUS_INVALID_DEVICE_REQUEST, store_->read(*d.handle, 0, 1).status());
  EXPECT_STATUS(status::STATUS_INVALID_DEVICE_REQUEST, store_->write(*d.handle, 0, bytes("x")).status());
  auto st = store_->stat(*d.handle);
  ASSERT_TRUE(st.ok());
  EXPECT_TRUE(st->is_directory);
  EXPECT_EQ(st->file_attributes, 0x10u);  // DIRECTORY (MS-FSCC 2.6)
}

TEST_F(StoreTest, SetBasicTimesAndAttributes) {
  auto r = must_open("t", Disposition::create, ObjectKind::non_directory, true);
  ASSERT_TRUE(r.handle);
  FileTimes t;
  t.last_write_time = filetime_from_unix(1000000000, 123456700);
  t.last_access_time = filetime_from_unix(1100000000, 0);
  EXPECT_STATUS(status::STATUS_SUCCESS, store_->set_basic(*r.handle, t, 0));
  auto st = store_->stat(*r.handle);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->times.last_write_time, t.last_write_time);
  EXPECT_EQ(st->times.last_access_time, t.last_access_time);
  // 0 and -1 leave a time unchanged (MS-FSCC 2.4.7).
  FileTimes keep;
  keep.last_write_time = UINT64_MAX;
  EXPECT_STATUS(status::STATUS_SUCCESS, store_->set_basic(*r.handle, keep, 0));
  EXPECT_EQ(store_->stat(*r.handle)->times.last_write_time, t.last_write_time);
  // READONLY on, then off (NORMAL).
  EXPECT_STATUS(status::STATUS_SUCCESS, store_->set_basic(*r.handle, {}, 0x1));
  EXPECT_EQ(store_->stat(*r.handle)->file_attributes & 0x1u, 0x1u);
  EXPECT_STATUS(status::STATUS_SUCCESS, store_->set_basic(*r.handle, {}, 0x80));
  EXPECT_EQ(store_->stat(*r.handle)->file_attributes & 0x1u, 0u);
  // MS-FSA 2.1.5.14.2: FILE_ATTRIBUTE_DIRECTORY on a data file.
  EXPECT_STATUS(status::STATUS_INVALID_PARAMETER, store_->set_basic(*r.handle, {}, 0x10));
}

TEST_F(StoreTest, ListingIsSortedAndNeverFollowsSymlinks) {
  fs::create_directory(root_ / "dir");
  write_file(root_ / "b.txt", "12345");
  write_file(root_ / "a.txt", "1");
  fs::create_symlink(outside_, root_ / "link");
  write_file(root_ / "bad:name", "x");      // not representable in SMB: hidden
  write_file(root_ / "back\\slash", "x");   // likewise
  auto d = must_open("", Disposition::open, ObjectKind::directory);
  ASSERT_TRUE(d.handle);
  for (int pass = 0; pass < 2; ++pass) {  // a second listing starts from the beginning again
    auto l = store_->list(*d.handle);
    ASSERT_TRUE(l.ok());
    std::vector<std::string> names;
    for (auto& e : l.value()) names.push_back(e.name);
    EXPECT_EQ(names, (std::vector<std::string>{"a.txt", "b.txt", "dir", "link"}));
    ASSERT_EQ(l->size(), 4u);
    EXPECT_EQ(l.value()[1].stat.end_of_file, 5u);
    EXPECT_TRUE(l.value()[2].stat.is_directory);
    EXPECT_EQ(l.value()[3].stat.file_attributes, 0x400u);  // REPARSE_POINT, lstat data
    EXPECT_FALSE(l.value()[3].stat.is_directory);
  }
  auto f = must_open("a.txt");
  EXPECT_STATUS(status::STATUS_NOT_A_DIRECTORY, store_->list(*f.handle).status());
}

TEST_F(StoreTest, RenameAndRemove) {
  write_file(root_ / "a", "A");
  write_file(root_ / "b", "B");
  fs::create_directory(root_ / "d");
  auto a = must_open("a", Disposition::open, ObjectKind::any, true);
  ASSERT_TRUE(a.handle);
  // MS-FSCC 2.4.42 / MS-FSA 2.1.5.14.11: existing target without ReplaceIfExists.
  EXPECT_STATUS(status::STATUS_OBJECT_NAME_COLLISION, store_->rename(*a.handle, "b", false));
  EXPECT_STATUS(status::STATUS_ACCESS_DENIED, store_->rename(*a.handle, "d", true));  // target is a directory
  EXPECT_STATUS(status::STATUS_OBJECT_PATH_NOT_FOUND, store_->rename(*a.handle, "nodir/x", false));
  EXPECT_STATUS(status::STATUS_SUCCESS, store_->rename(*a.handle, "d/a2", false));
  EXPECT_EQ(a.handle->path(), "d/a2");
  EXPECT_EQ(read_file(root_ / "d" / "a2"), "A");
  EXPECT_STATUS(status::STATUS_SUCCESS, store_->rename(*a.handle, "b", true));
  EXPECT_EQ(read_file(root_ / "b"), "A");
  EXPECT_FALSE(fs::exists(root_ / "d" / "a2"));
  // The handle still works after rename.
  ASSERT_TRUE(store_->write(*a.handle, 1, bytes("+")).ok());
  EXPECT_EQ(read_file(root_ / "b"), "A+");

  write_file(root_ / "d" / "inner", "x");
  auto d = must_open("d", Disposition::open, ObjectKind::directory);
  EXPECT_STATUS(status::STATUS_DIRECTORY_NOT_EMPTY, store_->remove(*d.handle));
  auto inner = must_open("d/inner");
  EXPECT_STATUS(status::STATUS_SUCCESS, store_->remove(*inner.handle));
  EXPECT_STATUS(status::STATUS_SUCCESS, store_->remove(*d.handle));
  EXPECT_FALSE(fs::exists(root_ / "d"));
  EXPECT_STATUS(status::STATUS_SUCCESS, store_->remove(*a.handle));
  EXPECT_FALSE(fs::exists(root_ / "b"));
  EXPECT_STATUS(status::STATUS_OBJECT_NAME_NOT_FOUND, store_->remove(*a.handle));
}

TEST_F(StoreTest, RemoveRefusesAnObjectSwappedInUnderTheName) {
  write_file(root_ / "x", "1");
  auto h = must_open("x");
  fs::rename(root_ / "x", root_ / "x.old");
  write_file(root_ / "x", "2");  // a different inode now has the name
  EXPECT_STATUS(status::STATUS_OBJECT_NAME_NOT_FOUND, store_->remove(*h.handle));
  EXPECT_EQ(read_file(root_ / "x"), "2");
}

TEST_F(StoreTest, CloseClosesTheFd) {
  write_file(root_ / "c", "1");
  auto h = must_open("c");
  store_->inject({FaultOp::close, "c", status::STATUS_IO_DEVICE_ERROR, 1});
  EXPECT_STATUS(status::STATUS_IO_DEVICE_ERROR, store_->close(*h.handle));
  EXPECT_LT(h.handle->fd(), 0);
  EXPECT_STATUS(status::STATUS_FILE_CLOSED, store_->read(*h.handle, 0, 1).status());
  EXPECT_STATUS(status::STATUS_SUCCESS, store_->close(*h.handle));  // idempotent; fault used up
}

// ------------------------------------------------------------------------------------------------
// flush (MS-FSA 2.1.5.7; object-store-flush.md §4)

TEST_F(StoreTest, EveryFlushTypeReachesTheOsAndCounts) {
  auto f = must_open("f", Disposition::create, ObjectKind::non_directory, true);
  ASSERT_TRUE(store_->write(*f.handle, 0, bytes("data")).ok());
  auto& stats = store_->statistics();
  std::uint64_t n = 0;
  for (auto t : {FlushType::full, FlushType::file_data_only, FlushType::no_sync, FlushType::data_sync_only,
                 FlushType::flush_and_purge}) {
    EXPECT_STATUS(status::STATUS_SUCCESS, store_->flush(*f.handle, t)) << static_cast<int>(t);
    EXPECT_EQ(stats.flushes.load(), ++n);
  }
  auto d = must_open("d", Disposition::create, ObjectKind::directory);
  EXPECT_STATUS(status::STATUS_SUCCESS, store_->flush(*d.handle, FlushType::full));  // directory metadata
  EXPECT_EQ(stats.flushes.load(), ++n);
  // FLT_FLUSH_TYPE_DATA_SYNC_ONLY is not valid for a directory (seed 004); no OS call.
  EXPECT_STATUS(status::STATUS_INVALID_PARAMETER, store_->flush(*d.handle, FlushType::data_sync_only));
  EXPECT_EQ(stats.flushes.load(), n);
  EXPECT_STATUS(status::STATUS_SUCCESS, store_->flush(*f.handle));  // share default: full
  EXPECT_EQ(stats.flushes.load(), ++n);
  EXPECT_EQ(stats.flush_errors.load(), 0u);
}

TEST_F(StoreTest, ShareFlushModes) {
  for (auto mode : {ShareFlushMode::full, ShareFlushMode::data_only, ShareFlushMode::data_sync_only,
                    ShareFlushMode::none}) {
    ShareConfig cfg;
    cfg.name = "s";
    cfg.root = root_;
    cfg.flush_mode = mode;
    auto s = make_store(cfg);
    ASSERT_NE(s, nullptr);
    auto f = s->open("f", Disposition::open_if, ObjectKind::non_directory, true, 0);
    auto d = s->open("d", Disposition::open_if, ObjectKind::directory, false, 0);
    ASSERT_TRUE(f.ok() && d.ok());
    EXPECT_STATUS(status::STATUS_SUCCESS, s->flush(*f->handle));
    EXPECT_STATUS(status::STATUS_SUCCESS, s->flush(*d->handle));  // data_sync_only mode must not fail a directory
    EXPECT_EQ(s->statistics().flushes.load(), mode == ShareFlushMode::none ? 0u : 2u) << static_cast<int>(mode);
  }
}

TEST_F(StoreTest, ReadOnlyAndDismountedHooks) {
  auto f = must_open("f", Disposition::create, ObjectKind::non_directory, true);
  auto& stats = store_->statistics();
  store_->set_volume_read_only(true);
  // MS-FSA 2.1.5.7: read-only volume -> STATUS_MEDIA_WRITE_PROTECTED, before any fsync (§4 rule 1).
  EXPECT_STATUS(status::STATUS_MEDIA_WRITE_PROTECTED, store_->flush(*f.handle, FlushType::full));
  EXPECT_STATUS(status::STATUS_MEDIA_WRITE_PROTECTED, store_->write(*f.handle, 0, bytes("x")).status());
  EXPECT_STATUS(status::STATUS_MEDIA_WRITE_PROTECTED, open_status("new", Disposition::create));
  EXPECT_FALSE(fs::exists(root_ / "new"));
  EXPECT_TRUE(store_->read(*f.handle, 0, 1).ok());  // reads still work
  EXPECT_EQ(stats.flushes.load(), 0u);
  store_->set_volume_read_only(false);
  store_->set_volume_dismounted(true);
  // FltFlushBuffers2: STATUS_VOLUME_DISMOUNTED (§4 rule 2).
  EXPECT_STATUS(status::STATUS_VOLUME_DISMOUNTED, store_->flush(*f.handle, FlushType::full));
  EXPECT_STATUS(status::STATUS_VOLUME_DISMOUNTED, open_status("f"));
  EXPECT_EQ(stats.flushes.load(), 0u);
  store_->set_volume_dismounted(false);
  EXPECT_STATUS(status::STATUS_SUCCESS, store_->flush(*f.handle, FlushType::full));
  EXPECT_EQ(stats.flushes.load(), 1u);
  // A state error is not latched: the flush after the hook is cleared succeeded.
}

TEST_F(StoreTest, ReadOnlyShareConfig) {
  write_file(root_ / "f", "x");
  ShareConfig cfg;
  cfg.name = "ro";
  cfg.root = root_;
  cfg.read_only = true;
  auto s = make_store(cfg);
  ASSERT_NE(s, nullptr);
  EXPECT_STATUS(status::STATUS_MEDIA_WRITE_PROTECTED, s->open("g", Disposition::create, ObjectKind::any, false, 0).status());
  EXPECT_STATUS(status::STATUS_MEDIA_WRITE_PROTECTED, s->open("f", Disposition::overwrite, ObjectKind::any, false, 0).status());
  auto f = s->open("f", Disposition::open, ObjectKind::any, false, 0);
  ASSERT_TRUE(f.ok());
  EXPECT_STATUS(status::STATUS_MEDIA_WRITE_PROTECTED, s->flush(*f->handle));
  EXPECT_EQ(read_file(root_ / "f"), "x");
}

TEST_F(StoreTest, InjectedFaultsCountDownAndFilterByPath) {
  write_file(root_ / "a", "aaaa");
  write_file(root_ / "b", "bbbb");
  auto a = must_open("a");
  auto b = must_open("b");
  store_->inject({FaultOp::read, "a", status::STATUS_IO_DEVICE_ERROR, 2});
  EXPECT_TRUE(store_->read(*b.handle, 0, 4).ok());  // path filter: b unaffected
  EXPECT_STATUS(status::STATUS_IO_DEVICE_ERROR, store_->read(*a.handle, 0, 4).status());
  EXPECT_STATUS(status::STATUS_IO_DEVICE_ERROR, store_->read(*a.handle, 0, 4).status());
  EXPECT_TRUE(store_->read(*a.handle, 0, 4).ok());  // count exhausted
  // "" matches any path; -1 lasts until cleared; SMB separators are accepted in the fault path.
  store_->inject({FaultOp::open, "", status::STATUS_SHARING_VIOLATION, -1});
  for (int i = 0; i < 3; ++i) EXPECT_STATUS(status::STATUS_SHARING_VIOLATION, open_status("a"));
  store_->clear_faults();
  EXPECT_STATUS(status::STATUS_SUCCESS, open_status("a"));
  fs::create_directory(root_ / "d");
  write_file(root_ / "d" / "w", "");
  store_->inject({FaultOp::write, "\\d\\w", status::STATUS_DISK_FULL, 1});
  auto w = must_open("d/w", Disposition::open, ObjectKind::any, true);
  EXPECT_STATUS(status::STATUS_DISK_FULL, store_->write(*w.handle, 0, bytes("x")).status());
  EXPECT_TRUE(store_->write(*w.handle, 0, bytes("x")).ok());
  // count 0 is ignored.
  store_->inject({FaultOp::read, "", status::STATUS_IO_DEVICE_ERROR, 0});
  EXPECT_TRUE(store_->read(*a.handle, 0, 1).ok());
}

TEST_F(StoreTest, FlushFaultsTakePrecedenceCountDownAndLatchPerHandle) {
  auto f1 = must_open("f", Disposition::create, ObjectKind::non_directory, true);
  auto f2 = must_open("f", Disposition::open, ObjectKind::non_directory, true);
  auto g = must_open("g", Disposition::create, ObjectKind::non_directory, true);
  auto& stats = store_->statistics();
  // An injected fault beats the read-only hook.
  store_->set_volume_read_only(true);
  store_->inject({FaultOp::flush, "g", status::STATUS_DISK_FULL, 1});
  EXPECT_STATUS(status::STATUS_DISK_FULL, store_->flush(*g.handle, FlushType::full));
  store_->set_volume_read_only(false);
  EXPECT_EQ(stats.flushes.load(), 0u);  // a fault never reaches the OS
  EXPECT_EQ(stats.flush_errors.load(), 1u);

  // The first write-back error of an open is latched (§4 rule 4) and reported by later flushes,
  // even though the later fsync succeeds; the other open of the same file is unaffected.
  store_->inject({FaultOp::flush, "f", status::STATUS_IO_DEVICE_ERROR, 1});
  EXPECT_STATUS(status::STATUS_IO_DEVICE_ERROR, store_->flush(*f1.handle, FlushType::full));
  EXPECT_STATUS(status::STATUS_IO_DEVICE_ERROR, store_->flush(*f1.handle, FlushType::full));
  EXPECT_EQ(stats.flushes.load(), 1u);  // the second flush did call fsync
  EXPECT_STATUS(status::STATUS_SUCCESS, store_->flush(*f2.handle, FlushType::full));
  // First error wins (MS-FSA 2.1.5.7): a later different error does not replace the latched one.
  store_->inject({FaultOp::flush, "f", status::STATUS_DISK_FULL, 1});
  EXPECT_STATUS(status::STATUS_IO_DEVICE_ERROR, store_->flush(*f1.handle, FlushType::full));
  // g was latched too: DISK_FULL is a write-back error.
  EXPECT_STATUS(status::STATUS_DISK_FULL, store_->flush(*g.handle, FlushType::full));
}

// ------------------------------------------------------------------------------------------------
// confinement

TEST_F(StoreTest, AbsoluteSymlinkOutIsRefused) {
  fs::create_symlink(outside_, root_ / "abs");
  fs::create_symlink(outside_ / "secret", root_ / "absfile");
  for (const char* p : {"abs", "abs/secret", "abs/inner/deep", "absfile"}) {
    EXPECT_STATUS(status::STATUS_ACCESS_DENIED, open_status(p)) << p;
    EXPECT_STATUS(status::STATUS_ACCESS_DENIED, open_status(p, Disposition::overwrite_if, ObjectKind::any, true)) << p;
    EXPECT_STATUS(status::STATUS_ACCESS_DENIED, open_status(p, Disposition::supersede)) << p;
  }
  EXPECT_STATUS(status::STATUS_ACCESS_DENIED, open_status("abs/new", Disposition::create));
  EXPECT_STATUS(status::STATUS_ACCESS_DENIED, open_status("abs/newdir", Disposition::create, ObjectKind::directory));
}

TEST_F(StoreTest, RelativeSymlinkOutIsRefused) {
  fs::create_symlink("../outside", root_ / "rel");
  fs::create_symlink("../../outside/secret", root_ / "deeprel");  // from the root: climbs two levels
  fs::create_directory(root_ / "sub");
  fs::create_symlink("../../outside", root_ / "sub" / "esc");    // directory component leading out
  for (const char* p : {"rel", "rel/secret", "deeprel", "sub/esc", "sub/esc/secret", "sub/esc/inner/deep"}) {
    EXPECT_STATUS(status::STATUS_ACCESS_DENIED, open_status(p)) << p;
    EXPECT_STATUS(status::STATUS_ACCESS_DENIED, open_status(p, Disposition::overwrite_if, ObjectKind::any, true)) << p;
  }
  EXPECT_STATUS(status::STATUS_ACCESS_DENIED, open_status("sub/esc/new", Disposition::create));
  EXPECT_STATUS(status::STATUS_ACCESS_DENIED, open_status("rel/inner/new", Disposition::open_if, ObjectKind::directory));
}

TEST_F(StoreTest, SymlinkInsideTheShareIsFollowed) {
  fs::create_directory(root_ / "target");
  write_file(root_ / "target" / "file", "in");
  fs::create_symlink("target", root_ / "alias");
  fs::create_directory(root_ / "sub");
  fs::create_symlink("../target/file", root_ / "sub" / "up");  // climbs, but stays beneath the root
  auto r = must_open("alias/file");
  ASSERT_TRUE(r.handle);
  EXPECT_EQ(text(store_->read(*r.handle, 0, 10).value()), "in");
  auto u = must_open("sub/up");
  ASSERT_TRUE(u.handle);
  EXPECT_EQ(text(store_->read(*u.handle, 0, 10).value()), "in");
}

TEST_F(StoreTest, DotDotAndAbsolutePathsBypassingNormalizeAreRefused) {
  // Second line of defence: even a caller that skips normalize() cannot leave the root.
  fs::create_directory(root_ / "sub");
  const std::vector<std::string> paths = {"../outside/secret", "sub/../../outside/secret",
                                          outside_.string() + "/secret", "/etc/passwd"};
  for (const auto& p : paths) {
    EXPECT_STATUS(status::STATUS_ACCESS_DENIED, open_status(p)) << p;
    EXPECT_STATUS(status::STATUS_ACCESS_DENIED, open_status(p, Disposition::overwrite_if, ObjectKind::any, true)) << p;
  }
  EXPECT_STATUS(status::STATUS_ACCESS_DENIED, open_status("../outside/new", Disposition::create));
  EXPECT_STATUS(status::STATUS_ACCESS_DENIED, open_status("../escape", Disposition::create, ObjectKind::directory));
}

TEST_F(StoreTest, MagicLinksAreRefused) {
  fs::create_symlink("/proc/self/root" + outside_.string(), root_ / "magic");
  EXPECT_STATUS(status::STATUS_ACCESS_DENIED, open_status("magic/secret"));
  fs::create_symlink("/proc/self/cwd", root_ / "cwd");
  EXPECT_STATUS(status::STATUS_ACCESS_DENIED, open_status("cwd"));
}

TEST_F(StoreTest, SymlinkSwappedInBetweenOpensIsRefused) {
  // A directory is opened through, then replaced by a symlink pointing outside: every later
  // operation that resolves the name again must refuse, including rename and delete.
  auto d = must_open("d", Disposition::create, ObjectKind::directory);
  auto f = must_open("d/f", Disposition::create, ObjectKind::non_directory, true);
  ASSERT_TRUE(d.handle && f.handle);
  fs::rename(root_ / "d", root_ / "d.moved");
  fs::create_symlink(outside_, root_ / "d");
  EXPECT_STATUS(status::STATUS_ACCESS_DENIED, open_status("d/secret"));
  EXPECT_STATUS(status::STATUS_ACCESS_DENIED, open_status("d/f"));
  EXPECT_STATUS(status::STATUS_ACCESS_DENIED, open_status("d/new", Disposition::create));
  EXPECT_STATUS(status::STATUS_ACCESS_DENIED, open_status("d/inner", Disposition::open, ObjectKind::directory));
  EXPECT_STATUS(status::STATUS_ACCESS_DENIED, store_->rename(*f.handle, "f2", false));
  EXPECT_STATUS(status::STATUS_ACCESS_DENIED, store_->remove(*f.handle));
  // The handles opened before the swap still refer to the moved (inside) objects.
  ASSERT_TRUE(store_->write(*f.handle, 0, bytes("ok")).ok());
  EXPECT_EQ(read_file(root_ / "d.moved" / "f"), "ok");
  // The listing of the old directory handle shows its own (inside) content.
  auto l = store_->list(*d.handle);
  ASSERT_TRUE(l.ok());
  ASSERT_EQ(l->size(), 1u);
  EXPECT_EQ(l.value()[0].name, "f");
  // Renaming *to* a name under the symlink is refused as well.
  auto g = must_open("g", Disposition::create);
  EXPECT_STATUS(status::STATUS_ACCESS_DENIED, store_->rename(*g.handle, "d/stolen", false));
  EXPECT_TRUE(fs::exists(root_ / "g"));
}

TEST_F(StoreTest, SymlinkLeafIsNeverWrittenThroughOnCreate) {
  // A dangling symlink pointing at a not-yet-existing outside name: no disposition may create the
  // outside file. The lookup itself leaves the root, so it is refused as an escape.
  fs::create_symlink(outside_ / "created-by-server", root_ / "dangling");
  fs::create_symlink("../outside/created-too", root_ / "dangling-rel");
  for (const char* p : {"dangling", "dangling-rel"}) {
    for (auto disp : {Disposition::create, Disposition::open_if, Disposition::overwrite_if, Disposition::supersede})
      EXPECT_STATUS(status::STATUS_ACCESS_DENIED, open_status(p, disp, ObjectKind::any, true)) << p;
    EXPECT_STATUS(status::STATUS_ACCESS_DENIED, open_status(p, Disposition::create, ObjectKind::directory)) << p;
  }
  EXPECT_FALSE(fs::exists(outside_ / "created-by-server"));
  EXPECT_FALSE(fs::exists(outside_ / "created-too"));
  // A dangling symlink whose target would be inside: O_CREAT|O_EXCL never follows the leaf, so the
  // name counts as taken (MS-SMB2 2.2.13 FILE_CREATE -> collision) and the target is not created.
  fs::create_symlink("inside-target", root_ / "dangling-in");
  EXPECT_STATUS(status::STATUS_OBJECT_NAME_COLLISION, open_status("dangling-in", Disposition::create));
  EXPECT_FALSE(fs::exists(root_ / "inside-target"));
}

TEST_F(StoreTest, OverlongPathsAreRefused) {
  std::string p;
  for (int i = 0; i < 20; ++i) p += (i ? "/" : "") + std::string(250, 'q');
  EXPECT_STATUS(status::STATUS_NAME_TOO_LONG, open_status(p, Disposition::create));
  EXPECT_STATUS(status::STATUS_NAME_TOO_LONG, open_status(std::string(300, 'z'), Disposition::create));
}

TEST_F(StoreTest, HardLinksAreNeverCreatedAndPreexistingOnesAreVisible) {
  // Path rules cannot tell a hard link from a file: the share root MUST NOT contain hard links to
  // outside files (an administrator's duty). This test shows (1) the store never creates one, in
  // any operation, and (2) a pre-existing one is visible through FileStat::number_of_links, so a
  // protocol layer could refuse it.
  // The second name is made outside the share (beside it, not in the sentinel), then removed so
  // that only the share holds the inode, with two links.
  fs::path linked_src = base_ / "linked-src";
  write_file(linked_src, "L");
  ASSERT_EQ(::link(linked_src.c_str(), (root_ / "hl").c_str()), 0);
  ASSERT_EQ(::unlink(linked_src.c_str()), 0);  // keep <base> to {outside, share}
  ASSERT_EQ(::link((root_ / "hl").c_str(), (root_ / "hl2").c_str()), 0);
  arm();
  auto h = must_open("hl");
  EXPECT_EQ(store_->stat(*h.handle)->number_of_links, 2u);

  // Every mutating operation, then: no file the store made has more than one link.
  auto a = must_open("a", Disposition::create, ObjectKind::non_directory, true);
  ASSERT_TRUE(store_->write(*a.handle, 0, bytes("x")).ok());
  EXPECT_STATUS(status::STATUS_SUCCESS, store_->rename(*a.handle, "b", false));
  auto c = must_open("c", Disposition::overwrite_if, ObjectKind::non_directory, true);
  EXPECT_STATUS(status::STATUS_SUCCESS, store_->rename(*c.handle, "b", true));
  auto d = must_open("d", Disposition::create, ObjectKind::directory);
  auto e = must_open("d/e", Disposition::supersede);
  EXPECT_STATUS(status::STATUS_SUCCESS, store_->remove(*e.handle));
  for (auto& ent : fs::recursive_directory_iterator(root_)) {
    struct stat st {};
    ASSERT_EQ(::lstat(ent.path().c_str(), &st), 0);
    std::string name = ent.path().filename().string();
    if (S_ISREG(st.st_mode) && name != "hl" && name != "hl2") {
      EXPECT_EQ(st.st_nlink, 1u) << ent.path();
    }
  }
}

}  // namespace
