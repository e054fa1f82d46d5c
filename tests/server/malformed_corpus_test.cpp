// Malformed-input corpus against the real smbconform-server binary: each case on a fresh TCP
// connection must get an error reply or a disconnect within 2 s, the server must keep answering
// NEGOTIATE afterwards, and a watched sentinel directory beside the share must stay untouched.
//
// Frames are built by hand from the MS-SMB2 / MS-CIFS tables (offsets in hex beside each field) so
// the corpus does not depend on the codec being able to encode broken messages. The corpus is data:
// one row per case in kCorpus, registered as parameterized tests.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "server/fs_snapshot.hpp"
#include "smbproto/security/gss.hpp"
#include "smbproto/status.hpp"

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

namespace {

// ------------------------------------------------------------------------------------------------
// byte building (little-endian, MS-SMB2 2.2)

void put16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put32(Bytes& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put64(Bytes& b, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void set16(Bytes& b, std::size_t at, std::uint16_t v) {
  b.at(at) = static_cast<std::uint8_t>(v);
  b.at(at + 1) = static_cast<std::uint8_t>(v >> 8);
}
void set32(Bytes& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.at(at + i) = static_cast<std::uint8_t>(v >> (8 * i));
}
std::uint16_t get16(const Bytes& b, std::size_t at) { return static_cast<std::uint16_t>(b.at(at) | (b.at(at + 1) << 8)); }
std::uint32_t get32(const Bytes& b, std::size_t at) {
  return static_cast<std::uint32_t>(b.at(at)) | (static_cast<std::uint32_t>(b.at(at + 1)) << 8) |
         (static_cast<std::uint32_t>(b.at(at + 2)) << 16) | (static_cast<std::uint32_t>(b.at(at + 3)) << 24);
}
std::uint64_t get64(const Bytes& b, std::size_t at) {
  return static_cast<std::uint64_t>(get32(b, at)) | (static_cast<std::uint64_t>(get32(b, at + 4)) << 32);
}
void append(Bytes& b, const Bytes& more) { b.insert(b.end(), more.begin(), more.end()); }

/** UTF-16LE of an ASCII/BMP string given as char16_t (so tests can write lone surrogates and NULs). */
Bytes utf16(std::u16string_view s) {
  Bytes b;
  for (char16_t c : s) put16(b, static_cast<std::uint16_t>(c));
  return b;
}
Bytes utf16(const std::string& ascii) {
  Bytes b;
  for (char c : ascii) put16(b, static_cast<std::uint8_t>(c));
  return b;
}

// MS-SMB2 2.2.1 command codes.
enum : std::uint16_t {
  kNegotiate = 0x00, kSessionSetup = 0x01, kLogoff = 0x02, kTreeConnect = 0x03, kCreate = 0x05,
  kRead = 0x08, kWrite = 0x09, kLock = 0x0A, kIoctl = 0x0B, kEcho = 0x0D, kQueryDirectory = 0x0E,
  kQueryInfo = 0x10, kSetInfo = 0x11,
};

struct Hdr {
  std::uint32_t protocol_id = 0x424D53FE;  // 0xFE 'S' 'M' 'B'
  std::uint16_t structure_size = 64;
  std::uint16_t credit_charge = 1;
  std::uint16_t command = 0;
  std::uint16_t credits = 1;
  std::uint32_t flags = 0;
  std::uint32_t next_command = 0;
  std::uint64_t message_id = 0;
  std::uint32_t tree_id = 0;
  std::uint64_t session_id = 0;
};

/** MS-SMB2 2.2.1.2 SMB2 Packet Header - SYNC (64 bytes). */
Bytes header(const Hdr& h) {
  Bytes b;
  put32(b, h.protocol_id);      // 0x00 ProtocolId
  put16(b, h.structure_size);   // 0x04 StructureSize
  put16(b, h.credit_charge);    // 0x06 CreditCharge
  put32(b, 0);                  // 0x08 Status / ChannelSequence
  put16(b, h.command);          // 0x0C Command
  put16(b, h.credits);          // 0x0E CreditRequest
  put32(b, h.flags);            // 0x10 Flags
  put32(b, h.next_command);     // 0x14 NextCommand
  put64(b, h.message_id);       // 0x18 MessageId
  put32(b, 0);                  // 0x20 Reserved
  put32(b, h.tree_id);          // 0x24 TreeId
  put64(b, h.session_id);       // 0x28 SessionId
  b.resize(64, 0);              // 0x30 Signature
  return b;
}

/** MS-SMB2 2.1: Zero (1 byte) + StreamProtocolLength (3 bytes, big-endian) + message. */
Bytes frame(const Bytes& msg) {
  Bytes b{0, static_cast<std::uint8_t>(msg.size() >> 16), static_cast<std::uint8_t>(msg.size() >> 8),
          static_cast<std::uint8_t>(msg.size())};
  append(b, msg);
  return b;
}

/** MS-SMB2 2.2.3 NEGOTIATE request body for the given dialects (no contexts). */
Bytes negotiate_body(const std::vector<std::uint16_t>& dialects, std::uint16_t count_override = 0xFFFF) {
  Bytes b;
  put16(b, 36);                                                      // 0x00 StructureSize
  put16(b, count_override == 0xFFFF ? static_cast<std::uint16_t>(dialects.size()) : count_override);  // 0x02
  put16(b, 0x0001);                                                  // 0x04 SecurityMode: SIGNING_ENABLED
  put16(b, 0);                                                       // 0x06 Reserved
  put32(b, 0);                                                       // 0x08 Capabilities
  for (int i = 0; i < 16; ++i) b.push_back(static_cast<std::uint8_t>(0x10 + i));  // 0x0C ClientGuid
  put64(b, 0);                                                       // 0x1C ClientStartTime / ctx offset+count
  for (auto d : dialects) put16(b, d);                               // 0x24 Dialects
  return b;
}

Bytes valid_negotiate(std::uint64_t mid = 0) {
  Hdr h;
  h.command = kNegotiate;
  h.message_id = mid;
  Bytes m = header(h);
  append(m, negotiate_body({0x0202, 0x0210}));
  return frame(m);
}

/**
 * NEGOTIATE offering 3.1.1 with explicit context bytes: NegotiateContextOffset at body 0x1C (4),
 * NegotiateContextCount at 0x20 (2) (MS-SMB2 2.2.3).
 */
Bytes negotiate_311(std::uint32_t ctx_offset, std::uint16_t ctx_count, const Bytes& contexts) {
  Hdr h;
  h.command = kNegotiate;
  Bytes m = header(h);
  Bytes body = negotiate_body({0x0311});
  set32(body, 0x1C, ctx_offset);
  set16(body, 0x20, ctx_count);
  append(m, body);
  while (m.size() % 8) m.push_back(0);
  append(m, contexts);
  return frame(m);
}

/** MS-SMB2 2.2.3.1.1 SMB2_PREAUTH_INTEGRITY_CAPABILITIES with SHA-512 and a 32-byte salt. */
Bytes preauth_context(std::uint16_t data_length_override = 0) {
  Bytes data;
  put16(data, 1);   // HashAlgorithmCount
  put16(data, 32);  // SaltLength
  put16(data, 1);   // SHA-512
  data.resize(data.size() + 32, 0xAB);
  Bytes c;
  put16(c, 0x0001);                                                           // ContextType
  put16(c, data_length_override ? data_length_override : static_cast<std::uint16_t>(data.size()));  // DataLength
  put32(c, 0);                                                                // Reserved
  append(c, data);
  return c;
}

/** MS-SMB2 2.2.5 SESSION_SETUP request. */
Bytes session_setup_msg(const Hdr& h, const Bytes& token, std::uint16_t sec_off = 0x58,
                        std::optional<std::uint16_t> sec_len = std::nullopt, std::uint16_t structure_size = 25) {
  Bytes m = header(h);
  put16(m, structure_size);                                  // 0x00 StructureSize
  m.push_back(0);                                            // 0x02 Flags
  m.push_back(0x01);                                         // 0x03 SecurityMode
  put32(m, 0);                                               // 0x04 Capabilities
  put32(m, 0);                                               // 0x08 Channel
  put16(m, sec_off);                                         // 0x0C SecurityBufferOffset (from header)
  put16(m, sec_len ? *sec_len : static_cast<std::uint16_t>(token.size()));  // 0x0E SecurityBufferLength
  put64(m, 0);                                               // 0x10 PreviousSessionId
  append(m, token);                                          // 0x18 Buffer
  return m;
}

/** MS-SMB2 2.2.9 TREE_CONNECT request for `path` (UTF-16). */
Bytes tree_connect_msg(const Hdr& h, const Bytes& path16, std::uint16_t off = 0x48,
                       std::optional<std::uint16_t> len = std::nullopt, std::uint16_t structure_size = 9) {
  Bytes m = header(h);
  put16(m, structure_size);                                          // 0x00 StructureSize
  put16(m, 0);                                                       // 0x02 Flags/Reserved
  put16(m, off);                                                     // 0x04 PathOffset
  put16(m, len ? *len : static_cast<std::uint16_t>(path16.size()));  // 0x06 PathLength
  append(m, path16);                                                 // 0x08 Buffer
  return m;
}

struct CreateSpec {
  Bytes name16;
  std::uint32_t disposition = 1;       // FILE_OPEN
  std::uint32_t desired_access = 0x00120089;  // FILE_GENERIC_READ
  std::uint32_t create_options = 0;
  std::optional<std::uint16_t> name_offset;
  std::optional<std::uint16_t> name_length;
  std::uint32_t contexts_offset = 0;
  std::uint32_t contexts_length = 0;
  Bytes extra;                          // appended after the name (create contexts)
  std::uint16_t structure_size = 57;
};

/** MS-SMB2 2.2.13 CREATE request (fixed part 56 bytes; Buffer at 0x78 from the header). */
Bytes create_msg(const Hdr& h, const CreateSpec& c) {
  Bytes m = header(h);
  put16(m, c.structure_size);          // 0x00 StructureSize
  m.push_back(0);                      // 0x02 SecurityFlags
  m.push_back(0);                      // 0x03 RequestedOplockLevel
  put32(m, 2);                         // 0x04 ImpersonationLevel: Impersonation
  put64(m, 0);                         // 0x08 SmbCreateFlags
  put64(m, 0);                         // 0x10 Reserved
  put32(m, c.desired_access);          // 0x18 DesiredAccess
  put32(m, 0x80);                      // 0x1C FileAttributes: NORMAL
  put32(m, 7);                         // 0x20 ShareAccess: read|write|delete
  put32(m, c.disposition);             // 0x24 CreateDisposition
  put32(m, c.create_options);          // 0x28 CreateOptions
  put16(m, c.name_offset ? *c.name_offset : 0x78);  // 0x2C NameOffset
  put16(m, c.name_length ? *c.name_length : static_cast<std::uint16_t>(c.name16.size()));  // 0x2E NameLength
  put32(m, c.contexts_offset);         // 0x30 CreateContextsOffset
  put32(m, c.contexts_length);         // 0x34 CreateContextsLength
  append(m, c.name16);                 // 0x38 Buffer
  if (c.name16.empty()) m.push_back(0);  // 2.2.13: Buffer is at least one byte
  append(m, c.extra);
  return m;
}

/** A header plus a raw body (for the structure-size / truncation rows). */
Bytes raw_msg(const Hdr& h, const Bytes& body) {
  Bytes m = header(h);
  append(m, body);
  return m;
}

Bytes zeros(std::size_t n) { return Bytes(n, 0); }

Bytes garbage(std::size_t n, std::uint32_t seed) {
  Bytes b(n);
  for (auto& x : b) {
    seed = seed * 1103515245u + 12345u;
    x = static_cast<std::uint8_t>(seed >> 16);
  }
  return b;
}

// ------------------------------------------------------------------------------------------------
// the corpus

enum class Prelude { none, negotiated, session, tree };
enum class Expect {
  error_or_close,  ///< an SMB2 error status, a non-SMB2 answer, or a disconnect
  any_or_close,    ///< rows that end with a valid request: success is fine too
};

/** What the connection state gives a builder: ids from the prelude. */
struct Ctx {
  std::uint64_t session_id = 0;
  std::uint32_t tree_id = 0;
  std::uint64_t next_mid = 0;
  Hdr hdr(std::uint16_t command) {
    Hdr h;
    h.command = command;
    h.message_id = next_mid;
    h.session_id = session_id;
    h.tree_id = tree_id;
    return h;
  }
};

struct Case {
  std::string name;
  const char* why;  ///< the spec rule the input breaks
  Prelude prelude;
  std::function<Bytes(Ctx&)> build;  ///< the exact bytes to put on the wire (frames included)
  Expect expect = Expect::error_or_close;
};

Bytes create_frame(Ctx& c, CreateSpec s) { return frame(create_msg(c.hdr(kCreate), s)); }

Bytes create_name(Ctx& c, const Bytes& name16, std::uint32_t disposition = 1, std::uint32_t access = 0x00120089) {
  CreateSpec s;
  s.name16 = name16;
  s.disposition = disposition;
  s.desired_access = access;
  return create_frame(c, s);
}

constexpr std::uint32_t kFileCreate = 2, kFileOpenIf = 3, kFileOverwriteIf = 5;
constexpr std::uint32_t kGenericAll = 0x10000000;

const std::vector<Case>& corpus() {
  static const std::vector<Case> cases = [] {
    std::vector<Case> v;
    auto add = [&](std::string n, const char* why, Prelude p, std::function<Bytes(Ctx&)> b,
                   Expect e = Expect::error_or_close) { v.push_back(Case{n, why, p, std::move(b), e}); };

    // --- framing and header (MS-SMB2 2.1, 2.2.1, 3.3.5.2)
    add("short_header", "2.2.1: header is 64 bytes", Prelude::none, [](Ctx&) {
      Bytes m{0xFE, 'S', 'M', 'B', 64, 0, 1, 0, 0, 0};
      return frame(m);
    });
    add("one_byte_message", "2.2.1", Prelude::none, [](Ctx&) { return frame(Bytes{0xFE}); });
    add("all_zero_header", "3.3.5.2: ProtocolId must be 0xFE 'SMB'", Prelude::none, [](Ctx&) { return frame(zeros(64)); });
    add("bad_protocol_id", "2.2.1 ProtocolId", Prelude::none, [](Ctx&) {
      Hdr h;
      h.protocol_id = 0x5A5958FF;
      Bytes m = header(h);
      append(m, negotiate_body({0x0202}));
      return frame(m);
    });
    add("transform_header_without_session", "2.2.41 / 3.3.5.2.1", Prelude::none, [](Ctx&) {
      Bytes m{0xFD, 'S', 'M', 'B'};
      append(m, garbage(48 + 64, 1));
      return frame(m);
    });
    add("compression_header_garbage", "2.2.42 / 3.3.5.2.2", Prelude::none, [](Ctx&) {
      Bytes m{0xFC, 'S', 'M', 'B'};
      append(m, garbage(60, 2));
      return frame(m);
    });
    for (std::uint16_t ss : {std::uint16_t{0}, std::uint16_t{63}, std::uint16_t{65}, std::uint16_t{0xFFFF}}) {
      add("header_structure_size_" + std::to_string(ss), "2.2.1: StructureSize MUST be 64", Prelude::none, [ss](Ctx&) {
        Hdr h;
        h.structure_size = ss;
        Bytes m = header(h);
        append(m, negotiate_body({0x0202}));
        return frame(m);
      });
    }
    add("random_garbage_200", "2.1", Prelude::none, [](Ctx&) { return frame(garbage(200, 7)); });
    add("frame_length_zero_then_negotiate", "2.1: empty message", Prelude::none, [](Ctx&) {
      Bytes b = frame({});
      append(b, valid_negotiate());
      return b;
    }, Expect::any_or_close);
    add("frame_length_16MiB", "2.1 / 3.3.5.2: larger than MaxTransactSize", Prelude::none, [](Ctx&) {
      Bytes b{0, 0xFF, 0xFF, 0xFF};
      Bytes m = header([] { Hdr h; h.command = kNegotiate; return h; }());
      append(b, m);
      b.resize(4 + 0xFFFFFF, 0);
      return b;
    });
    add("first_byte_nonzero", "2.1: Zero MUST be 0", Prelude::none, [](Ctx&) {
      Bytes b = valid_negotiate();
      b[0] = 0x81;
      return b;
    });
    add("first_byte_keepalive_then_negotiate", "2.1 / RFC 1002 keep-alive", Prelude::none, [](Ctx&) {
      Bytes b{0x85, 0, 0, 0};
      append(b, valid_negotiate());
      return b;
    }, Expect::any_or_close);
    add("response_flag_in_request", "2.2.1: SMB2_FLAGS_SERVER_TO_REDIR on a request", Prelude::none, [](Ctx&) {
      Hdr h;
      h.command = kNegotiate;
      h.flags = 0x00000001;
      Bytes m = header(h);
      append(m, negotiate_body({0x0202}));
      return frame(m);
    });
    add("command_0x14_first", "2.2.1: unknown Command", Prelude::none, [](Ctx&) {
      Hdr h;
      h.command = 0x14;
      return frame(raw_msg(h, zeros(8)));
    });
    add("command_0xffff_first", "2.2.1: unknown Command", Prelude::none, [](Ctx&) {
      Hdr h;
      h.command = 0xFFFF;
      return frame(raw_msg(h, zeros(8)));
    });
    add("session_setup_before_negotiate", "3.3.5.2: no NEGOTIATE yet", Prelude::none, [](Ctx&) {
      Hdr h;
      h.command = kSessionSetup;
      return frame(session_setup_msg(h, garbage(20, 3)));
    });

    // --- SMB1 (MS-CIFS 2.2.3.1, MS-SMB2 3.3.5.3.1)
    add("smb1_garbage", "MS-CIFS 2.2.3.1", Prelude::none, [](Ctx&) {
      Bytes m{0xFF, 'S', 'M', 'B'};
      append(m, garbage(40, 4));
      return frame(m);
    });
    add("smb1_negotiate_truncated", "MS-CIFS 2.2.4.52: ByteCount beyond the message", Prelude::none, [](Ctx&) {
      Bytes m{0xFF, 'S', 'M', 'B', 0x72};  // SMB_COM_NEGOTIATE
      m.resize(32, 0);                      // rest of the 32-byte SMB header
      m.push_back(0);                       // WordCount 0
      put16(m, 500);                        // ByteCount lies
      m.push_back(0x02);
      for (char c : std::string("SMB 2.???")) m.push_back(static_cast<std::uint8_t>(c));
      return frame(m);
    });
    add("smb1_negotiate_unterminated_dialect", "MS-CIFS 2.2.4.52.1: dialect strings are NUL-terminated", Prelude::none,
        [](Ctx&) {
          Bytes m{0xFF, 'S', 'M', 'B', 0x72};
          m.resize(32, 0);
          m.push_back(0);
          Bytes data{0x02};
          for (char c : std::string("SMB 2.002")) data.push_back(static_cast<std::uint8_t>(c));  // no NUL
          put16(m, static_cast<std::uint16_t>(data.size()));
          append(m, data);
          return frame(m);
        },
        // The format requires the NUL but no rule says a server must reject its absence.
        Expect::any_or_close);
    add("smb1_header_only", "MS-CIFS 2.2.3.1", Prelude::none, [](Ctx&) {
      Bytes m{0xFF, 'S', 'M', 'B', 0x72};
      m.resize(20, 0);
      return frame(m);
    });

    // --- NEGOTIATE (2.2.3, 3.3.5.3.1)
    add("negotiate_structure_size_35", "2.2.3: StructureSize MUST be 36", Prelude::none, [](Ctx&) {
      Hdr h;
      h.command = kNegotiate;
      Bytes body = negotiate_body({0x0202});
      set16(body, 0, 35);
      return frame(raw_msg(h, body));
    });
    add("negotiate_header_only", "2.2.3: body missing", Prelude::none, [](Ctx&) {
      Hdr h;
      h.command = kNegotiate;
      return frame(header(h));
    });
    add("negotiate_truncated_body", "2.2.3", Prelude::none, [](Ctx&) {
      Hdr h;
      h.command = kNegotiate;
      Bytes body = negotiate_body({0x0202});
      body.resize(10);
      return frame(raw_msg(h, body));
    });
    add("negotiate_dialect_count_0", "3.3.5.3.1: DialectCount 0 -> STATUS_INVALID_PARAMETER", Prelude::none, [](Ctx&) {
      Hdr h;
      h.command = kNegotiate;
      return frame(raw_msg(h, negotiate_body({}, 0)));
    });
    add("negotiate_dialect_count_lies", "2.2.3: DialectCount beyond the message", Prelude::none, [](Ctx&) {
      Hdr h;
      h.command = kNegotiate;
      return frame(raw_msg(h, negotiate_body({0x0202, 0x0210}, 1000)));
    });
    add("negotiate_unknown_dialects_only", "3.3.5.3.1: no common dialect -> STATUS_NOT_SUPPORTED", Prelude::none,
        [](Ctx&) {
          Hdr h;
          h.command = kNegotiate;
          return frame(raw_msg(h, negotiate_body({0x9999, 0x1234})));
        });
    add("negotiate_311_context_count_lies", "2.2.3: NegotiateContextCount beyond the message", Prelude::none,
        [](Ctx&) { return negotiate_311(0x68, 50, preauth_context()); });
    add("negotiate_311_context_offset_past_end", "2.2.3: NegotiateContextOffset", Prelude::none,
        [](Ctx&) { return negotiate_311(0x4000, 1, preauth_context()); });
    add("negotiate_311_context_offset_unaligned", "2.2.3: contexts are 8-byte aligned", Prelude::none,
        [](Ctx&) { return negotiate_311(0x69, 1, preauth_context()); });
    add("negotiate_311_context_datalength_lies", "2.2.3.1: DataLength beyond the message", Prelude::none,
        [](Ctx&) { return negotiate_311(0x68, 1, preauth_context(0x7FFF)); });
    add("negotiate_311_no_preauth_context", "3.3.5.3.1: no PREAUTH_INTEGRITY -> STATUS_INVALID_PARAMETER",
        Prelude::none, [](Ctx&) { return negotiate_311(0, 0, {}); });
    add("negotiate_311_preauth_zero_hashes", "3.3.5.3.1: HashAlgorithmCount 0", Prelude::none, [](Ctx&) {
      Bytes c = preauth_context();
      set16(c, 8, 0);
      return negotiate_311(0x68, 1, c);
    });
    add("negotiate_huge_credit_request", "3.3.1.2: credits granted stay bounded", Prelude::none, [](Ctx&) {
      Hdr h;
      h.command = kNegotiate;
      h.credits = 0xFFFF;
      return frame(raw_msg(h, negotiate_body({0x0202})));
    }, Expect::any_or_close);
    add("negotiate_async_flag", "2.2.1.1: ASYNC on a NEGOTIATE request", Prelude::none, [](Ctx&) {
      Hdr h;
      h.command = kNegotiate;
      h.flags = 0x00000002;
      return frame(raw_msg(h, negotiate_body({0x0202})));
    }, Expect::any_or_close);

    // --- after NEGOTIATE
    add("second_negotiate", "3.3.5.3.1: NEGOTIATE on a negotiated connection -> disconnect", Prelude::negotiated,
        [](Ctx& c) {
          Bytes m = header(c.hdr(kNegotiate));
          append(m, negotiate_body({0x0202}));
          return frame(m);
        });
    add("command_0x14_after_negotiate", "3.3.5.2: unknown Command", Prelude::negotiated,
        [](Ctx& c) { return frame(raw_msg(c.hdr(0x14), zeros(8))); });
    add("command_0xffff_after_negotiate", "3.3.5.2: unknown Command", Prelude::negotiated,
        [](Ctx& c) { return frame(raw_msg(c.hdr(0xFFFF), zeros(8))); });
    add("session_setup_structure_size_24", "2.2.5: StructureSize MUST be 25", Prelude::negotiated,
        [](Ctx& c) { return frame(session_setup_msg(c.hdr(kSessionSetup), garbage(16, 5), 0x58, std::nullopt, 24)); });
    add("session_setup_buffer_offset_past_end", "2.2.5: SecurityBufferOffset", Prelude::negotiated,
        [](Ctx& c) { return frame(session_setup_msg(c.hdr(kSessionSetup), garbage(16, 6), 0x2000)); });
    add("session_setup_buffer_length_past_end", "2.2.5: SecurityBufferLength", Prelude::negotiated,
        [](Ctx& c) { return frame(session_setup_msg(c.hdr(kSessionSetup), garbage(16, 6), 0x58, 0xF000)); });
    add("session_setup_buffer_in_header", "2.2.5: SecurityBufferOffset inside the header", Prelude::negotiated,
        [](Ctx& c) { return frame(session_setup_msg(c.hdr(kSessionSetup), garbage(16, 6), 0x10)); });
    add("session_setup_garbage_token", "3.3.5.5: token not SPNEGO/NTLMSSP", Prelude::negotiated,
        [](Ctx& c) { return frame(session_setup_msg(c.hdr(kSessionSetup), garbage(64, 8))); });
    add("session_setup_truncated", "2.2.5", Prelude::negotiated, [](Ctx& c) {
      Bytes m = session_setup_msg(c.hdr(kSessionSetup), {});
      m.resize(64 + 10);
      return frame(m);
    });
    add("session_setup_unknown_session_id", "3.3.5.5: SessionId not in the table", Prelude::negotiated, [](Ctx& c) {
      Hdr h = c.hdr(kSessionSetup);
      h.session_id = 0x1122334455667788ULL;
      return frame(session_setup_msg(h, garbage(32, 9)));
    });
    add("echo_structure_size_5", "2.2.28: StructureSize MUST be 4", Prelude::negotiated, [](Ctx& c) {
      Bytes body;
      put16(body, 5);
      put16(body, 0);
      return frame(raw_msg(c.hdr(kEcho), body));
    });
    add("tree_connect_without_session", "3.3.5.2.9: SessionId 0", Prelude::negotiated,
        [](Ctx& c) { return frame(tree_connect_msg(c.hdr(kTreeConnect), utf16("\\\\127.0.0.1\\share"))); });
    add("create_without_session", "3.3.5.2.9", Prelude::negotiated, [](Ctx& c) {
      CreateSpec s;
      s.name16 = utf16("..\\x");
      return create_frame(c, s);
    });
    add("compound_next_command_past_end", "3.3.5.2.7: NextCommand beyond the message", Prelude::negotiated,
        [](Ctx& c) {
          Hdr h = c.hdr(kEcho);
          h.next_command = 0x1000;
          Bytes m = header(h);
          put16(m, 4);
          put16(m, 0);
          return frame(m);
        });
    add("compound_next_command_unaligned", "3.3.5.2.7: NextCommand 8-byte aligned", Prelude::negotiated,
        [](Ctx& c) {
          Hdr h = c.hdr(kEcho);
          h.next_command = 0x45;
          Bytes m = header(h);
          put16(m, 4);
          put16(m, 0);
          m.resize(0x45, 0);
          Hdr h2 = c.hdr(kEcho);
          h2.message_id += 1;
          append(m, header(h2));
          put16(m, 4);
          put16(m, 0);
          return frame(m);
        });
    add("compound_next_command_into_own_header", "3.3.5.2.7: NextCommand smaller than a header (loop)",
        Prelude::negotiated, [](Ctx& c) {
          Hdr h = c.hdr(kEcho);
          h.next_command = 8;
          Bytes m = header(h);
          put16(m, 4);
          put16(m, 0);
          return frame(m);
        });
    add("compound_next_command_wraps", "3.3.5.2.7: NextCommand 0xFFFFFFF8", Prelude::negotiated, [](Ctx& c) {
      Hdr h = c.hdr(kEcho);
      h.next_command = 0xFFFFFFF8u;
      Bytes m = header(h);
      put16(m, 4);
      put16(m, 0);
      return frame(m);
    });
    add("echo_huge_credit_charge", "3.3.5.2.5: CreditCharge beyond granted credits", Prelude::negotiated,
        [](Ctx& c) {
          Hdr h = c.hdr(kEcho);
          h.credit_charge = 0xFFFF;
          Bytes m = header(h);
          put16(m, 4);
          put16(m, 0);
          return frame(m);
        });
    add("echo_message_id_max", "3.3.5.2.3: MessageId 0xFFFFFFFFFFFFFFFF outside the window", Prelude::negotiated,
        [](Ctx& c) {
          Hdr h = c.hdr(kEcho);
          h.message_id = ~0ULL;
          Bytes m = header(h);
          put16(m, 4);
          put16(m, 0);
          return frame(m);
        });
    add("echo_huge_credit_request", "3.3.1.2: credits granted stay bounded", Prelude::negotiated, [](Ctx& c) {
      Hdr h = c.hdr(kEcho);
      h.credits = 0xFFFF;
      Bytes m = header(h);
      put16(m, 4);
      put16(m, 0);
      return frame(m);
    }, Expect::any_or_close);

    // --- after SESSION_SETUP
    add("tree_connect_path_offset_past_end", "2.2.9: PathOffset", Prelude::session,
        [](Ctx& c) { return frame(tree_connect_msg(c.hdr(kTreeConnect), utf16("\\\\h\\share"), 0x3000)); });
    add("tree_connect_path_length_past_end", "2.2.9: PathLength", Prelude::session,
        [](Ctx& c) { return frame(tree_connect_msg(c.hdr(kTreeConnect), utf16("\\\\h\\share"), 0x48, 0x7000)); });
    add("tree_connect_path_length_odd", "2.2.9: UTF-16 path of odd length", Prelude::session,
        [](Ctx& c) { return frame(tree_connect_msg(c.hdr(kTreeConnect), utf16("\\\\h\\share"), 0x48, 17)); });
    add("tree_connect_structure_size_8", "2.2.9: StructureSize MUST be 9", Prelude::session, [](Ctx& c) {
      return frame(tree_connect_msg(c.hdr(kTreeConnect), utf16("\\\\h\\share"), 0x48, std::nullopt, 8));
    });
    add("tree_connect_unknown_share", "3.3.5.7: -> STATUS_BAD_NETWORK_NAME", Prelude::session,
        [](Ctx& c) { return frame(tree_connect_msg(c.hdr(kTreeConnect), utf16("\\\\h\\nosuchshare"))); });
    add("tree_connect_traversal_share", "3.3.5.7: share names are not paths", Prelude::session,
        [](Ctx& c) { return frame(tree_connect_msg(c.hdr(kTreeConnect), utf16("\\\\h\\..\\outside"))); });
    add("logoff_structure_size_5", "2.2.7: StructureSize MUST be 4", Prelude::session, [](Ctx& c) {
      Bytes body;
      put16(body, 5);
      put16(body, 0);
      return frame(raw_msg(c.hdr(kLogoff), body));
    });
    add("session_setup_truncated_on_session", "2.2.5", Prelude::session, [](Ctx& c) {
      Bytes m = session_setup_msg(c.hdr(kSessionSetup), {});
      m.resize(64 + 3);
      return frame(m);
    });

    // --- after TREE_CONNECT: commands with bogus FileIds and lying lengths
    auto bogus_fid = [](Bytes& b) {
      put64(b, 0xDEADBEEFDEADBEEFULL);
      put64(b, 0x0123456789ABCDEFULL);
    };
    add("lock_count_lies", "2.2.26: LockCount beyond the message", Prelude::tree, [bogus_fid](Ctx& c) {
      Bytes body;
      put16(body, 48);     // 0x00 StructureSize
      put16(body, 100);    // 0x02 LockCount
      put32(body, 0);      // 0x04 LockSequenceNumber/Index
      bogus_fid(body);     // 0x08 FileId
      put64(body, 0);      // 0x18 Locks[0].Offset
      put64(body, 10);     // 0x20 Length
      put32(body, 2);      // 0x28 Flags: EXCLUSIVE
      put32(body, 0);      // 0x2C Reserved
      return frame(raw_msg(c.hdr(kLock), body));
    });
    add("lock_count_zero", "3.3.5.14: LockCount 0 -> STATUS_INVALID_PARAMETER", Prelude::tree, [bogus_fid](Ctx& c) {
      Bytes body;
      put16(body, 48);
      put16(body, 0);
      put32(body, 0);
      bogus_fid(body);
      body.resize(48, 0);
      return frame(raw_msg(c.hdr(kLock), body));
    });
    add("read_structure_size_48", "2.2.19: StructureSize MUST be 49", Prelude::tree, [bogus_fid](Ctx& c) {
      Bytes body;
      put16(body, 48);
      body.push_back(0);
      body.push_back(0);
      put32(body, 100);
      put64(body, 0);
      bogus_fid(body);
      body.resize(49, 0);
      return frame(raw_msg(c.hdr(kRead), body));
    });
    add("read_huge_length_bogus_fid", "3.3.5.12: Length > MaxReadSize", Prelude::tree, [bogus_fid](Ctx& c) {
      Bytes body;
      put16(body, 49);
      body.push_back(0x50);  // Padding
      body.push_back(0);
      put32(body, 0xFFFFFFFFu);  // Length
      put64(body, 0);            // Offset
      bogus_fid(body);
      body.resize(49, 0);
      return frame(raw_msg(c.hdr(kRead), body));
    });
    add("write_data_offset_past_end", "2.2.21: DataOffset/Length", Prelude::tree, [bogus_fid](Ctx& c) {
      Bytes body;
      put16(body, 49);          // 0x00 StructureSize
      put16(body, 0x7000);      // 0x02 DataOffset
      put32(body, 0x100);       // 0x04 Length
      put64(body, 0);           // 0x08 Offset
      bogus_fid(body);          // 0x10 FileId
      body.resize(49, 0);
      return frame(raw_msg(c.hdr(kWrite), body));
    });
    add("ioctl_input_offset_past_end", "2.2.31: InputOffset/Count", Prelude::tree, [bogus_fid](Ctx& c) {
      Bytes body;
      put16(body, 57);           // 0x00 StructureSize
      put16(body, 0);            // 0x02 Reserved
      put32(body, 0x00140204);   // 0x04 CtlCode FSCTL_VALIDATE_NEGOTIATE_INFO
      bogus_fid(body);           // 0x08 FileId
      put32(body, 0x9000);       // 0x18 InputOffset
      put32(body, 0x400);        // 0x1C InputCount
      put32(body, 0);            // 0x20 MaxInputResponse
      put32(body, 0);            // 0x24 OutputOffset
      put32(body, 0);            // 0x28 OutputCount
      put32(body, 0x10000);      // 0x2C MaxOutputResponse
      put32(body, 1);            // 0x30 Flags: IS_FSCTL
      put32(body, 0);            // 0x34 Reserved2
      body.push_back(0);
      return frame(raw_msg(c.hdr(kIoctl), body));
    });
    add("query_directory_name_past_end", "2.2.33: FileNameOffset/Length", Prelude::tree, [bogus_fid](Ctx& c) {
      Bytes body;
      put16(body, 33);          // StructureSize
      body.push_back(0x25);     // FileIdBothDirectoryInformation
      body.push_back(0);        // Flags
      put32(body, 0);           // FileIndex
      bogus_fid(body);          // FileId
      put16(body, 0x6000);      // FileNameOffset
      put16(body, 0x200);       // FileNameLength
      put32(body, 0x10000);     // OutputBufferLength
      body.push_back('*');
      body.push_back(0);
      return frame(raw_msg(c.hdr(kQueryDirectory), body));
    });
    add("set_info_buffer_past_end", "2.2.39: BufferOffset/Length", Prelude::tree, [bogus_fid](Ctx& c) {
      Bytes body;
      put16(body, 33);          // StructureSize
      body.push_back(1);        // InfoType FILE
      body.push_back(10);       // FileRenameInformation
      put32(body, 0x1000);      // BufferLength
      put16(body, 0x60);        // BufferOffset
      put16(body, 0);           // Reserved
      put32(body, 0);           // AdditionalInformation
      bogus_fid(body);          // FileId
      body.push_back(0);
      return frame(raw_msg(c.hdr(kSetInfo), body));
    });
    add("query_info_input_past_end", "2.2.37: InputBufferOffset/Length", Prelude::tree, [bogus_fid](Ctx& c) {
      Bytes body;
      put16(body, 41);            // StructureSize
      body.push_back(1);          // InfoType FILE
      body.push_back(18);         // FileAllInformation
      put32(body, 0xFFFFFFFFu);   // OutputBufferLength
      put16(body, 0x5000);        // InputBufferOffset
      put16(body, 0);             // Reserved
      put32(body, 0x100);         // InputBufferLength
      put32(body, 0);             // AdditionalInformation
      put32(body, 0);             // Flags
      bogus_fid(body);            // FileId
      body.push_back(0);
      return frame(raw_msg(c.hdr(kQueryInfo), body));
    });

    // --- CREATE framing (2.2.13, 3.3.5.9 "MUST fail with STATUS_INVALID_PARAMETER")
    add("create_name_offset_past_end", "3.3.5.9: NameLength bytes beyond the request", Prelude::tree, [](Ctx& c) {
      CreateSpec s;
      s.name16 = utf16("hello.txt");
      s.name_offset = 0x4000;
      return create_frame(c, s);
    });
    add("create_name_length_past_end", "3.3.5.9: NameLength beyond the request", Prelude::tree, [](Ctx& c) {
      CreateSpec s;
      s.name16 = utf16("hello.txt");
      s.name_length = 0xFFFE;
      return create_frame(c, s);
    });
    add("create_name_length_odd", "3.3.5.9: NameLength not a multiple of 2", Prelude::tree, [](Ctx& c) {
      CreateSpec s;
      s.name16 = utf16("hello.txt");
      s.name_length = 17;
      return create_frame(c, s);
    });
    add("create_name_offset_before_buffer", "3.3.5.9: NameOffset less than the Buffer offset", Prelude::tree,
        [](Ctx& c) {
          CreateSpec s;
          s.name16 = utf16("hello.txt");
          s.name_offset = 0x40;
          return create_frame(c, s);
        });
    add("create_structure_size_56", "2.2.13: StructureSize MUST be 57", Prelude::tree, [](Ctx& c) {
      CreateSpec s;
      s.name16 = utf16("hello.txt");
      s.structure_size = 56;
      return create_frame(c, s);
    });
    add("create_truncated_body", "3.3.5.9: request shorter than StructureSize", Prelude::tree, [](Ctx& c) {
      CreateSpec s;
      s.name16 = utf16("hello.txt");
      Bytes m = create_msg(c.hdr(kCreate), s);
      m.resize(64 + 30);
      return frame(m);
    });
    add("create_contexts_offset_past_end", "2.2.13: CreateContextsOffset", Prelude::tree, [](Ctx& c) {
      CreateSpec s;
      s.name16 = utf16("hello.txt");
      s.contexts_offset = 0x8000;
      s.contexts_length = 0x40;
      return create_frame(c, s);
    });
    add("create_context_data_length_lies", "3.3.5.9: context size != DataLength -> INVALID_PARAMETER", Prelude::tree,
        [](Ctx& c) {
          CreateSpec s;
          s.name16 = utf16("hello.txt");  // 18 bytes: contexts start at 0x78 + 18 -> pad to 0x90
          Bytes ctx;
          put32(ctx, 0);        // Next
          put16(ctx, 0x10);     // NameOffset
          put16(ctx, 4);        // NameLength
          put16(ctx, 0);        // Reserved
          put16(ctx, 0x18);     // DataOffset
          put32(ctx, 0x4000);   // DataLength lies
          for (char ch : std::string("MxAc")) ctx.push_back(static_cast<std::uint8_t>(ch));
          ctx.resize(0x18 + 8, 0);
          s.extra = Bytes(0x90 - (0x78 + 18), 0);
          append(s.extra, ctx);
          s.contexts_offset = 0x90;
          s.contexts_length = static_cast<std::uint32_t>(ctx.size());
          return create_frame(c, s);
        });
    add("create_context_next_loops", "2.2.13.2: Next pointing at itself", Prelude::tree, [](Ctx& c) {
      CreateSpec s;
      s.name16 = utf16("hello.txt");
      Bytes ctx;
      put32(ctx, 0);  // Next = 0 would end; a self-loop is encoded below as a back-reference
      put16(ctx, 0x10);
      put16(ctx, 4);
      put16(ctx, 0);
      put16(ctx, 0);
      put32(ctx, 0);
      for (char ch : std::string("QFid")) ctx.push_back(static_cast<std::uint8_t>(ch));
      ctx.resize(24, 0);
      Bytes two = ctx;
      set32(two, 0, 24);  // first -> second
      Bytes second = ctx;
      set32(second, 0, static_cast<std::uint32_t>(-24));  // second -> first (wraps)
      append(two, second);
      s.extra = Bytes(0x90 - (0x78 + 18), 0);
      append(s.extra, two);
      s.contexts_offset = 0x90;
      s.contexts_length = static_cast<std::uint32_t>(two.size());
      return create_frame(c, s);
    });

    // --- CREATE names: traversal and invalid names (MS-FSCC 2.1.5, MS-SMB2 3.3.5.9). Dispositions
    // that would create or overwrite, with full access, so a confinement bug leaves a trace outside.
    struct NameRow {
      const char* n;
      Bytes name16;
      std::uint32_t disp;
    };
    const NameRow names[] = {
        {"create_dotdot_x", utf16("..\\x"), kFileCreate},
        {"create_dotdot_outside_new", utf16("..\\outside\\new"), kFileCreate},
        {"create_dotdot_outside_secret_overwrite", utf16("..\\outside\\secret"), kFileOverwriteIf},
        {"create_a_dotdot_dotdot_x", utf16("a\\..\\..\\x"), kFileOpenIf},
        {"create_deep_dotdot_passwd", utf16("..\\..\\..\\..\\..\\..\\..\\etc\\passwd"), 1},
        {"create_leading_backslash_passwd", utf16("\\etc\\passwd"), 1},
        {"create_forward_slash_passwd", utf16("/etc/passwd"), 1},
        {"create_forward_slash_dotdot", utf16("../outside/new"), kFileCreate},
        {"create_drive_letter", utf16("C:\\x"), kFileCreate},
        {"create_unc_path", utf16("\\\\127.0.0.1\\share\\..\\outside\\x"), kFileCreate},
        {"create_con", utf16("con"), kFileOpenIf},
        {"create_nul_ext", utf16("NUL.txt"), kFileOpenIf},
        {"create_stream", utf16("a:stream:$BOGUS"), kFileCreate},  // MS-FSCC 2.1.5.4: not a stream type
        {"create_stream_on_existing", utf16("hello.txt:ev/il:$DATA"), kFileCreate},  // MS-FSCC 2.1.5.3: '/'
        {"create_embedded_nul", utf16(std::u16string(u"a\0b", 3)), kFileCreate},
        {"create_embedded_nul_dotdot", utf16(std::u16string(u"x\0\\..\\..\\outside\\y", 18)), kFileCreate},
        {"create_300_char_component", utf16(std::string(300, 'n')), kFileCreate},
        {"create_lone_surrogate", utf16(std::u16string(u"a") + char16_t(0xD800)), kFileCreate},
        {"create_wildcards", utf16("*.?"), kFileCreate},
        {"create_control_char", utf16("a\x01" "b"), kFileCreate},
        {"create_symlink_abs_secret", utf16("escape\\secret"), kFileOverwriteIf},
        {"create_symlink_abs_new", utf16("escape\\new"), kFileCreate},
        {"create_symlink_rel_secret", utf16("escape-rel\\secret"), 1},
        {"create_symlink_rel_inner_new", utf16("escape-rel\\inner\\new"), kFileCreate},
        {"create_symlink_file_overwrite", utf16("escape-file"), kFileOverwriteIf},
        {"create_symlink_dir_itself", utf16("escape"), 1},
        {"create_symlink_dangling_create", utf16("escape-dangling"), kFileOpenIf},
    };
    for (const auto& r : names) {
      Bytes n = r.name16;
      std::uint32_t d = r.disp;
      add(r.n, "MS-FSCC 2.1.5 / MS-SMB2 3.3.5.9: refused, nothing outside touched", Prelude::tree,
          [n, d](Ctx& c) { return create_name(c, n, d, kGenericAll); });
    }
    return v;
  }();
  return cases;
}

// ------------------------------------------------------------------------------------------------
// the server process and the client side

/** One received SMB2 frame, or why there was none. */
struct Reply {
  enum Kind { smb2, other, closed, timeout } kind = timeout;
  std::uint32_t status = 0;
  std::uint16_t command = 0;
  std::uint64_t session_id = 0;
  Bytes msg;  ///< the SMB2 message (without the 4-byte stream header)
};

class Conn {
 public:
  explicit Conn(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
    int one = 1;
    if (fd_ >= 0) ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~Conn() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }

  /** Sends everything; false when the peer closed (EPIPE/ECONNRESET) or 2 s passed. */
  bool send_all(const Bytes& b) {
    std::size_t off = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (off < b.size()) {
      pollfd p{fd_, POLLOUT, 0};
      int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      deadline - std::chrono::steady_clock::now()).count());
      if (left <= 0 || ::poll(&p, 1, left) <= 0) return false;
      ssize_t n = ::send(fd_, b.data() + off, b.size() - off, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) continue;
        return false;
      }
      off += static_cast<std::size_t>(n);
    }
    return true;
  }

  /** The next SMB2 reply (interim STATUS_PENDING skipped), a close, or a timeout. */
  Reply receive(std::chrono::milliseconds budget = std::chrono::milliseconds(2000)) {
    auto deadline = std::chrono::steady_clock::now() + budget;
    while (true) {
      Bytes hdr4;
      Reply r = read_exact(4, deadline, hdr4);
      if (r.kind != Reply::smb2) return r;
      std::size_t len = (std::size_t{hdr4[1]} << 16) | (std::size_t{hdr4[2]} << 8) | hdr4[3];
      Bytes msg;
      r = read_exact(len, deadline, msg);
      if (r.kind != Reply::smb2) return r;
      Reply out;
      out.msg = msg;
      if (hdr4[0] != 0 || msg.size() < 64 || get32(msg, 0) != 0x424D53FE) {
        out.kind = Reply::other;
        return out;
      }
      out.kind = Reply::smb2;
      out.status = get32(msg, 0x08);
      out.command = get16(msg, 0x0C);
      out.session_id = get64(msg, 0x28);
      bool async = get32(msg, 0x10) & 0x2;
      if (async && out.status == 0x00000103) continue;  // interim STATUS_PENDING (3.3.4.2)
      return out;
    }
  }

 private:
  Reply read_exact(std::size_t n, std::chrono::steady_clock::time_point deadline, Bytes& out) {
    out.resize(n);
    std::size_t got = 0;
    while (got < n) {
      int left = static_cast<int>(
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count());
      Reply r;
      if (left <= 0) return r;  // timeout
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, left) <= 0) return r;
      ssize_t k = ::recv(fd_, out.data() + got, n - got, 0);
      if (k == 0 || (k < 0 && errno != EINTR && errno != EAGAIN)) {
        r.kind = Reply::closed;
        return r;
      }
      if (k > 0) got += static_cast<std::size_t>(k);
    }
    Reply ok;
    ok.kind = Reply::smb2;
    return ok;
  }
  int fd_ = -1;
};

std::string describe(const Reply& r) {
  switch (r.kind) {
    case Reply::smb2: return "answered " + smb::to_string(smb::NtStatus{r.status});
    case Reply::other: return "answered with a non-SMB2 frame";
    case Reply::closed: return "closed the connection";
    case Reply::timeout: return "no answer and no close within 2 s";
  }
  return "?";
}

/** Everything the suite shares: the temp tree, the sentinel watch and the server process. */
struct World {
  fs::path base, share, outside;
  pid_t pid = -1;
  std::uint16_t port = 0;
  int ino = -1;
  std::thread drain;
  std::map<std::string, std::string> outcomes;
  std::string setup_error;
};

World* g_world = nullptr;

std::string read_text(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

using smb::test::snapshot;

std::map<std::string, std::string> g_sentinel_before;

std::string drain_inotify(int fd) {
  std::string out;
  alignas(inotify_event) char buf[4096];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    for (char* p = buf; p < buf + n;) {
      auto* ev = reinterpret_cast<inotify_event*>(p);
      std::ostringstream o;
      o << std::hex << "0x" << ev->mask << ":" << (ev->len ? ev->name : "") << " ";
      out += o.str();
      p += sizeof(inotify_event) + ev->len;
    }
  }
  return out;
}

std::string server_binary() { return std::string(SMBCONFORM_BINARY_DIR) + "/bin/smbconform-server"; }

void start_world() {
  auto* w = new World;
  g_world = w;
  char tmpl[] = "/tmp/malformed-corpus-XXXXXX";
  if (!::mkdtemp(tmpl)) {
    w->setup_error = "mkdtemp failed";
    return;
  }
  w->base = tmpl;
  w->share = w->base / "share";
  w->outside = w->base / "outside";
  fs::create_directories(w->share);
  fs::create_directories(w->outside / "inner");
  std::ofstream(w->share / "hello.txt") << "hello";
  std::ofstream(w->outside / "secret") << "SECRET";
  std::ofstream(w->outside / "inner" / "deep") << "DEEP";
  ::chmod((w->outside / "secret").c_str(), 0);  // no reads: mode 0 (root ignores it; inotify does not)
  fs::create_symlink(w->outside, w->share / "escape");
  fs::create_symlink("../outside", w->share / "escape-rel");
  fs::create_symlink(w->outside / "secret", w->share / "escape-file");
  fs::create_symlink(w->outside / "created-through-link", w->share / "escape-dangling");

  if (!fs::exists(server_binary())) {
    w->setup_error = "server binary not built: " + server_binary();
    return;
  }
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) {
    w->setup_error = "pipe failed";
    return;
  }
  std::string log = (w->base / "server.log").string();
  std::vector<std::string> args = {server_binary(), "--listen", "127.0.0.1:0", "--share",
                                   "share=" + w->share.string(), "--user", "alice:secret"};
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out[1], 1);
    int lf = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (lf >= 0) ::dup2(lf, 2);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  w->pid = pid;
  // Read stdout until "listening 127.0.0.1:PORT" (10 s for a cold start under load).
  std::string acc;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (w->port == 0 && std::chrono::steady_clock::now() < deadline) {
    pollfd p{out[0], POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    char buf[512];
    ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    acc.append(buf, static_cast<std::size_t>(n));
    auto pos = acc.find("listening 127.0.0.1:");
    if (pos != std::string::npos) {
      auto eol = acc.find('\n', pos);
      if (eol != std::string::npos) w->port = static_cast<std::uint16_t>(std::stoi(acc.substr(pos + 20, eol - pos - 20)));
    }
  }
  if (w->port == 0) {
    ::close(out[0]);
    w->setup_error = "server did not print 'listening 127.0.0.1:PORT'; stdout: " + acc +
                     " stderr: " + read_text(log);
    return;
  }
  // Keep draining stdout so the server never blocks on a full pipe.
  int rfd = out[0];
  w->drain = std::thread([rfd] {
    char buf[4096];
    while (::read(rfd, buf, sizeof buf) > 0) {
    }
    ::close(rfd);
  });
  g_sentinel_before = snapshot(w->outside);
  w->ino = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  ::inotify_add_watch(w->ino, w->outside.c_str(), IN_ALL_EVENTS);
  ::inotify_add_watch(w->ino, (w->outside / "inner").c_str(), IN_ALL_EVENTS);
}

void stop_world() {
  World* w = g_world;
  if (!w) return;
  if (w->pid > 0) {
    ::kill(w->pid, SIGTERM);
    int st = 0;
    for (int i = 0; i < 50 && ::waitpid(w->pid, &st, WNOHANG) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));  // bounded wait for exit, not a condition stand-in
    if (::waitpid(w->pid, &st, WNOHANG) == 0) {
      ::kill(w->pid, SIGKILL);
      ::waitpid(w->pid, &st, 0);
    }
  }
  if (w->drain.joinable()) w->drain.join();
  if (!w->outcomes.empty()) {
    std::printf("[malformed corpus] %zu cases:\n", w->outcomes.size());
    for (auto& [k, v] : w->outcomes) std::printf("  %-44s %s\n", k.c_str(), v.c_str());
  }
  if (w->ino >= 0) ::close(w->ino);
  std::error_code ec;
  if (!w->base.empty()) fs::remove_all(w->base, ec);
  delete w;
  g_world = nullptr;
}

/** NEGOTIATE (2.1 dialects) on `c`; true on STATUS_SUCCESS. */
bool do_negotiate(Conn& c, Ctx& ctx, std::string& why) {
  if (!c.send_all(valid_negotiate(ctx.next_mid))) {
    why = "send NEGOTIATE failed";
    return false;
  }
  ++ctx.next_mid;
  Reply r = c.receive();
  if (r.kind != Reply::smb2 || r.status != 0 || r.command != kNegotiate) {
    why = "NEGOTIATE: " + describe(r);
    return false;
  }
  return true;
}

/** SESSION_SETUP as alice:secret with the project's NTLMv2 initiator (two legs, MS-SMB2 3.3.5.5). */
bool do_session(Conn& c, Ctx& ctx, std::string& why) {
  smb::security::Initiator init(smb::security::Credentials{"alice", "secret", "", "SMBCONFORM"});
  Bytes token = init.initial_token();
  for (int leg = 0; leg < 3; ++leg) {
    Hdr h = ctx.hdr(kSessionSetup);
    ++ctx.next_mid;
    if (!c.send_all(frame(session_setup_msg(h, token)))) {
      why = "send SESSION_SETUP failed";
      return false;
    }
    Reply r = c.receive();
    if (r.kind != Reply::smb2) {
      why = "SESSION_SETUP: " + describe(r);
      return false;
    }
    ctx.session_id = r.session_id;
    // 2.2.6 response: SecurityBufferOffset at body 0x04, SecurityBufferLength at 0x06.
    Bytes out;
    if (r.msg.size() >= 64 + 8) {
      std::size_t off = get16(r.msg, 64 + 4), len = get16(r.msg, 64 + 6);
      if (off + len <= r.msg.size()) out.assign(r.msg.begin() + off, r.msg.begin() + off + len);
    }
    if (r.status == 0) return true;
    if (r.status != 0xC0000016) {  // STATUS_MORE_PROCESSING_REQUIRED
      why = "SESSION_SETUP: " + describe(r);
      return false;
    }
    auto next = init.step(out);
    if (!next) {
      why = "initiator rejected the server token";
      return false;
    }
    token = *next;
  }
  why = "SESSION_SETUP did not finish";
  return false;
}

bool do_tree(Conn& c, Ctx& ctx, std::string& why) {
  Hdr h = ctx.hdr(kTreeConnect);
  ++ctx.next_mid;
  if (!c.send_all(frame(tree_connect_msg(h, utf16("\\\\127.0.0.1\\share"))))) {
    why = "send TREE_CONNECT failed";
    return false;
  }
  Reply r = c.receive();
  if (r.kind != Reply::smb2 || r.status != 0) {
    why = "TREE_CONNECT: " + describe(r);
    return false;
  }
  ctx.tree_id = get32(r.msg, 0x24);
  return true;
}

class MalformedCorpus : public ::testing::TestWithParam<std::size_t> {
 protected:
  static void SetUpTestSuite() { start_world(); }
  static void TearDownTestSuite() { stop_world(); }
};

TEST_P(MalformedCorpus, AnswersOrClosesAndStaysConfined) {
  World& w = *g_world;
  if (!w.setup_error.empty()) GTEST_FAIL() << w.setup_error;
  const Case& tc = corpus().at(GetParam());
  SCOPED_TRACE(tc.name + " (" + tc.why + ")");

  std::string outcome;
  {
    Conn c(w.port);
    ASSERT_TRUE(c.ok()) << "connect failed";
    Ctx ctx;
    std::string why;
    if (tc.prelude != Prelude::none) {
      ASSERT_TRUE(do_negotiate(c, ctx, why)) << why;
    }
    if (tc.prelude == Prelude::session || tc.prelude == Prelude::tree) {
      ASSERT_TRUE(do_session(c, ctx, why)) << why;
    }
    if (tc.prelude == Prelude::tree) {
      ASSERT_TRUE(do_tree(c, ctx, why)) << why;
    }
    Bytes wire_bytes = tc.build(ctx);
    Reply r;
    if (!c.send_all(wire_bytes)) {
      r = c.receive(std::chrono::milliseconds(200));  // the server may have answered before closing
      if (r.kind == Reply::timeout) r.kind = Reply::closed;
    } else {
      r = c.receive();
    }
    outcome = describe(r);
    w.outcomes[tc.name] = outcome;
    RecordProperty("outcome", outcome);
    EXPECT_NE(r.kind, Reply::timeout) << "the server neither answered nor closed within 2 s";
    if (tc.expect == Expect::error_or_close && r.kind == Reply::smb2) {
      EXPECT_TRUE(smb::NtStatus{r.status}.is_error()) << "malformed input accepted: " << outcome;
    }
  }

  // The server still serves a fresh connection.
  {
    Conn c(w.port);
    ASSERT_TRUE(c.ok()) << "server no longer accepts connections after " << tc.name;
    Ctx ctx;
    std::string why;
    EXPECT_TRUE(do_negotiate(c, ctx, why)) << "after " << tc.name << ": " << why;
  }
  int st = 0;
  ASSERT_EQ(::waitpid(w.pid, &st, WNOHANG), 0) << "server exited after " << tc.name;

  // Nothing outside the share was opened, created, modified or removed.
  EXPECT_EQ(drain_inotify(w.ino), "") << "activity in the sentinel directory after " << tc.name;
  EXPECT_EQ(snapshot(w.outside), g_sentinel_before);
  (void)drain_inotify(w.ino);  // discard the events of our own snapshot reads
  EXPECT_FALSE(fs::exists(w.base / "x"));
  EXPECT_FALSE(fs::exists(w.outside / "created-through-link"));
}

INSTANTIATE_TEST_SUITE_P(Corpus, MalformedCorpus, ::testing::Range<std::size_t>(0, corpus().size()),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                           return corpus().at(info.param).name;
                         });

TEST(MalformedCorpusData, HasAtLeastSixtyCases) { EXPECT_GE(corpus().size(), 60u); }

}  // namespace
