// Whole SMB2 messages: the Command enum, request/response body variants and decode dispatch, all
// generated from command_list.hpp.
#pragma once

#include <optional>
#include <string_view>
#include <variant>

#include "smbproto/command_list.hpp"
#include "smbproto/commands/error.hpp"
#include "smbproto/header.hpp"

namespace smb::proto {

/** SMB2 command codes (MS-SMB2 2.2.1.2). Enumerators keep the wire spelling. */
enum class Command : std::uint16_t {
#define SMB_X(name, code, Req, Resp) name = code,
  SMB2_COMMAND_LIST(SMB_X)
#undef SMB_X
};

/** "FLUSH"; "" for a code outside the list. */
std::string_view to_string(Command c);
/** nullopt for an unknown name. */
std::optional<Command> command_from_string(std::string_view name);
/** True for a code in the command list (CHANGE_NOTIFY is not implemented here). */
bool is_known_command(std::uint16_t code);

/** Every request body; the lease-break acknowledgment shares OPLOCK_BREAK (StructureSize 36). */
using RequestBody = std::variant<
#define SMB_X(name, code, Req, Resp) Req,
    SMB2_COMMAND_LIST(SMB_X)
#undef SMB_X
    LeaseBreakAcknowledgment>;

/** Every response body; ErrorResponse for error statuses and interim responses (2.2.2). */
using ResponseBody = std::variant<
#define SMB_X(name, code, Req, Resp) Resp,
    SMB2_COMMAND_LIST(SMB_X)
#undef SMB_X
    LeaseBreakNotification, LeaseBreakResponse, ErrorResponse>;

struct Request {
  Header header;
  RequestBody body;
};
struct Response {
  Header header;
  ResponseBody body;
};

/**
 * Decodes a request body for `command`, reader at 0x40 of a message.
 * Errors: errc::unknown_command plus each command decoder's errors.
 */
Result<RequestBody> decode_request_body(std::uint16_t command, wire::Reader& r);
/**
 * Decodes a response body. A non-success status with a 9-byte-StructureSize body is an ERROR
 * response (2.2.2), except SESSION_SETUP with STATUS_MORE_PROCESSING_REQUIRED (3.3.4.4).
 * OPLOCK_BREAK: StructureSize 44 -> LeaseBreakNotification, 36 -> LeaseBreakResponse.
 */
Result<ResponseBody> decode_response_body(const Header& h, wire::Reader& r);

/** Decodes a whole message (header + body) starting at its first byte. */
Result<Request> decode_request(wire::ByteView message);
Result<Response> decode_response(wire::ByteView message);

/** Header then body; no framing, no signature (see security/signing.hpp). */
wire::Bytes encode_message(const Header& h, const RequestBody& body);
wire::Bytes encode_message(const Header& h, const ResponseBody& body);

/** The Command a body type belongs to. */
Command command_of(const RequestBody& b);
Command command_of(const ResponseBody& b);

/** "FLUSH Request {structure_size=24, ...}" */
std::string to_string(const RequestBody& b);
std::string to_string(const ResponseBody& b);

}  // namespace smb::proto
