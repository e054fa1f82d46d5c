// Tests for whole-message decode dispatch and encoding (messages.hpp, MS-SMB2 2.2.1, 2.2.2, 3.3.4.4).
#include "smbproto/messages.hpp"

#include "proto/test_util.hpp"

namespace smb::proto::test {
namespace {

Header response_header(Command c, NtStatus st) {
  Header h;
  h.command = static_cast<std::uint16_t>(c);
  h.status = st.value;
  h.flags = SMB2_FLAGS_SERVER_TO_REDIR;
  return h;
}

TEST(Messages, CommandNamesRoundTrip) {
  EXPECT_EQ(to_string(Command::QUERY_DIRECTORY), "QUERY_DIRECTORY");
  EXPECT_EQ(command_from_string("OPLOCK_BREAK"), Command::OPLOCK_BREAK);
  EXPECT_EQ(command_from_string("CHANGE_NOTIFY"), std::nullopt);  // not implemented here
  EXPECT_FALSE(is_known_command(0x000F));
  EXPECT_FALSE(is_known_command(0x0013));
  EXPECT_TRUE(is_known_command(0x0012));
}

TEST(Messages, RequestRoundTripsThroughDispatch) {
  Header h;
  h.command = static_cast<std::uint16_t>(Command::READ);
  h.message_id = 7;
  ReadRequest rq;
  rq.length = 10;
  Bytes m = encode_message(h, RequestBody{rq});
  auto d = decode_request(m);
  ASSERT_THAT(d, Succeeds());
  EXPECT_EQ(d->header.message_id, 7u);
  ASSERT_TRUE(std::holds_alternative<ReadRequest>(d->body));
  EXPECT_EQ(std::get<ReadRequest>(d->body), rq);
}

TEST(Messages, UnknownCommandIsRejected) {
  Header h;
  h.command = 0x0042;  // 3.3.5.2.6: not a defined command
  Bytes m = encode_message(h, RequestBody{EchoRequest{}});
  EXPECT_THAT(decode_request(m), FailsWith(errc::unknown_command));
}

TEST(Messages, OplockBreakRequestDispatchesOnStructureSize) {
  // 3.3.5.22: StructureSize 36 -> lease acknowledgment, 24 -> oplock acknowledgment.
  Header h;
  h.command = static_cast<std::uint16_t>(Command::OPLOCK_BREAK);
  auto lease = decode_request(encode_message(h, RequestBody{LeaseBreakAcknowledgment{}}));
  ASSERT_THAT(lease, Succeeds());
  EXPECT_TRUE(std::holds_alternative<LeaseBreakAcknowledgment>(lease->body));
  auto oplock = decode_request(encode_message(h, RequestBody{OplockBreakAcknowledgment{}}));
  ASSERT_THAT(oplock, Succeeds());
  EXPECT_TRUE(std::holds_alternative<OplockBreakAcknowledgment>(oplock->body));
}

TEST(Messages, OplockBreakResponsesDispatchOnStructureSize) {
  Header h = response_header(Command::OPLOCK_BREAK, status::STATUS_SUCCESS);
  auto n = decode_response(encode_message(h, ResponseBody{LeaseBreakNotification{}}));
  ASSERT_THAT(n, Succeeds());
  EXPECT_TRUE(std::holds_alternative<LeaseBreakNotification>(n->body));
  auto l = decode_response(encode_message(h, ResponseBody{LeaseBreakResponse{}}));
  ASSERT_THAT(l, Succeeds());
  EXPECT_TRUE(std::holds_alternative<LeaseBreakResponse>(l->body));
  auto o = decode_response(encode_message(h, ResponseBody{OplockBreakResponse{}}));
  ASSERT_THAT(o, Succeeds());
  EXPECT_TRUE(std::holds_alternative<OplockBreakResponse>(o->body));
}

TEST(Messages, ErrorStatusDecodesAsErrorResponse) {
  Header h = response_header(Command::READ, status::STATUS_END_OF_FILE);
  auto r = decode_response(encode_message(h, ResponseBody{ErrorResponse{}}));
  ASSERT_THAT(r, Succeeds());
  EXPECT_TRUE(std::holds_alternative<ErrorResponse>(r->body));
}

TEST(Messages, PendingInterimDecodesAsErrorResponse) {
  Header h = response_header(Command::LOCK, status::STATUS_PENDING);  // 3.3.4.2: interim body = ERROR
  h.flags |= SMB2_FLAGS_ASYNC_COMMAND;
  h.async_id = 9;
  auto r = decode_response(encode_message(h, ResponseBody{ErrorResponse{}}));
  ASSERT_THAT(r, Succeeds());
  EXPECT_TRUE(std::holds_alternative<ErrorResponse>(r->body));
  EXPECT_EQ(r->header.async_id, 9u);
}

TEST(Messages, MoreProcessingRequiredIsASessionSetupBody) {
  // 3.3.4.4: STATUS_MORE_PROCESSING_REQUIRED on SESSION_SETUP is not an error response.
  Header h = response_header(Command::SESSION_SETUP, status::STATUS_MORE_PROCESSING_REQUIRED);
  SessionSetupResponse s;
  s.security_buffer = bytes({1, 2, 3});
  auto r = decode_response(encode_message(h, ResponseBody{s}));
  ASSERT_THAT(r, Succeeds());
  ASSERT_TRUE(std::holds_alternative<SessionSetupResponse>(r->body));
  EXPECT_EQ(std::get<SessionSetupResponse>(r->body), s);
}

TEST(Messages, BufferOverflowIsAQueryInfoBody) {
  // 3.3.4.4: STATUS_BUFFER_OVERFLOW in QUERY_INFO carries the (truncated) QUERY_INFO response;
  // both bodies have StructureSize 9, so only the status can tell them apart.
  Header h = response_header(Command::QUERY_INFO, status::STATUS_BUFFER_OVERFLOW);
  QueryInfoResponse q;
  q.output_buffer = bytes({1, 2, 3, 4});
  auto r = decode_response(encode_message(h, ResponseBody{q}));
  ASSERT_THAT(r, Succeeds());
  ASSERT_TRUE(std::holds_alternative<QueryInfoResponse>(r->body));
  EXPECT_EQ(std::get<QueryInfoResponse>(r->body), q);
}

TEST(Messages, IoctlErrorStatusWithIoctlBodyDecodesAsIoctl) {
  // 3.3.4.4: STATUS_INVALID_PARAMETER on a COPYCHUNK IOCTL carries an IOCTL body (StructureSize 49).
  Header h = response_header(Command::IOCTL, status::STATUS_INVALID_PARAMETER);
  auto r = decode_response(encode_message(h, ResponseBody{IoctlResponse{}}));
  ASSERT_THAT(r, Succeeds());
  EXPECT_TRUE(std::holds_alternative<IoctlResponse>(r->body));
}

TEST(Messages, TruncatedHeaderAndBody) {
  EXPECT_THAT(decode_request(Bytes(63, 0)), FailsWith(errc::truncated));
  Header h;
  h.command = static_cast<std::uint16_t>(Command::CLOSE);
  Bytes m = encode_message(h, RequestBody{CloseRequest{}});
  m.resize(m.size() - 1);
  EXPECT_THAT(decode_request(m), FailsWith(errc::truncated));
}

TEST(Messages, ToStringNamesTheCommand) {
  EXPECT_EQ(to_string(RequestBody{EchoRequest{}}), "ECHO Request {structure_size=4, reserved=0}");
  EXPECT_EQ(command_of(RequestBody{FlushRequest{}}), Command::FLUSH);
  EXPECT_EQ(command_of(ResponseBody{LeaseBreakNotification{}}), Command::OPLOCK_BREAK);
}

}  // namespace
}  // namespace smb::proto::test
