// Decodes the checked-in SMB1 golden messages (captures/golden/smb1) and runs every command's field list
// through JSON, driven by the command list.
#include "smbproto/smb1/messages.hpp"

#include <fstream>
#include <iterator>

#include "proto/smb1/smb1_test_util.hpp"
#include "smbproto/json.hpp"

namespace smb::proto::smb1::test {
namespace {

Bytes read_golden(const std::string& name) {
  std::ifstream in(std::string(SMBCONFORM_SOURCE_DIR) + "/captures/golden/smb1/" + name, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

TEST(Smb1Golden, OplockBreakRequest) {
  Bytes b = read_golden("oplock_break_request.bin");
  ASSERT_EQ(b.size(), 51u);  // MS-CIFS 3.2.5.42 / 3.3.4.2
  auto m = decode_request(b);
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->header.mid, kOplockBreakMid);
  EXPECT_EQ(m->header.pid_low, kOplockBreakPidLow);
  EXPECT_EQ(encode_message(*m), b);
}

TEST(Smb1Golden, WriteAndCloseBothForms) {
  for (const char* f : {"write_and_close_request_6.bin", "write_and_close_request_12.bin"}) {
    Bytes b = read_golden(f);
    auto m = decode_request(b);
    ASSERT_THAT(m, Succeeds()) << f;
    const auto& w = std::get<WriteAndCloseRequest>(m->bodies[0]);
    EXPECT_EQ(w.count_of_bytes_to_write, 5) << f;
    EXPECT_EQ(w.data, bytes({'h', 'e', 'l', 'l', 'o'})) << f;
    EXPECT_EQ(encode_message(*m), b) << f;
  }
}

TEST(Smb1Golden, NegotiateAndErrorResponse) {
  auto n = decode_request(read_golden("negotiate_request.bin"));
  ASSERT_THAT(n, Succeeds());
  EXPECT_TRUE(offers_smb2(std::get<NegotiateRequest>(n->bodies[0])));
  auto e = decode_response(read_golden("close_error_response.bin"));
  ASSERT_THAT(e, Succeeds());
  EXPECT_TRUE(std::holds_alternative<Smb1ErrorResponse>(e->bodies[0]));
  EXPECT_EQ(e->header.nt_status(), status::STATUS_INVALID_HANDLE);
}

// Every request/response type of the command list survives to_json -> from_json, and JSON rejects unknown keys.
template <class T>
void json_round_trip(const T& m) {
  auto j = to_json_value(m);
  T back{};
  auto err = from_json_value(j, back);
  EXPECT_FALSE(err.has_value()) << (err ? err->path + ": " + err->message : "");
  EXPECT_EQ(back, m);
  j["no_such_field"] = 1;
  EXPECT_TRUE(from_json_value(j, back).has_value());
}

TEST(Smb1Golden, EveryCommandHasAJsonFieldList) {
#define SMB1_X(name, code, Req, Resp) \
  json_round_trip(Req{});             \
  json_round_trip(Resp{});
  SMB1_COMMAND_LIST(SMB1_X)
#undef SMB1_X
  LockingAndxRequest l = make_oplock_break_body(3, OPLOCK_LEVEL_II);
  l.locks = {{1, 0, 2, 3}};
  json_round_trip(l);
  nlohmann::json j = {{"type_of_lock", "OPLOCK_RELEASE|LARGE_FILES"}};
  LockingAndxRequest named;
  ASSERT_FALSE(from_json_value(j, named).has_value());
  EXPECT_EQ(named.type_of_lock, OPLOCK_RELEASE | LARGE_FILES);  // names from MS-CIFS 2.2.4.32.1
}

}  // namespace
}  // namespace smb::proto::smb1::test
