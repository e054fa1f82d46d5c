// Whole SMB1 messages: the Command enum, body variants, decode dispatch and AndX chains (MS-CIFS 2.2.3.4),
// all generated from smb1/command_list.hpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "smbproto/result.hpp"
#include "smbproto/smb1/command_list.hpp"
#include "smbproto/smb1/header.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto::smb1 {

/** SMB1 command codes (MS-CIFS 2.2.2.1); enumerators keep the wire spelling. */
enum class Command : std::uint8_t {
#define SMB1_X(name, code, Req, Resp) name = code,
  SMB1_COMMAND_LIST(SMB1_X)
#undef SMB1_X
};
/** MS-CIFS 2.2.3.4: AndXCommand value meaning "no further command". */
inline constexpr std::uint8_t SMB_COM_NO_ANDX_COMMAND = 0xFF;
/** Longest AndX chain the decoder follows (blocks per message, first one included). */
inline constexpr std::size_t kMaxAndxChain = 16;

/** "SMB_COM_CLOSE"; "" for a code outside the list. */
std::string_view to_string(Command c);
/** nullopt for an unknown name. */
std::optional<Command> command_from_string(std::string_view name);
/** True for a code in the command list. */
bool is_known_command(std::uint8_t code);
/** True for the AndX commands of the list (their Words start with AndXCommand/AndXOffset). */
bool is_andx_command(std::uint8_t code);

using RequestBody = std::variant<
#define SMB1_X(name, code, Req, Resp) Req,
    SMB1_COMMAND_LIST(SMB1_X)
#undef SMB1_X
    std::monostate>;
using ResponseBody = std::variant<
#define SMB1_X(name, code, Resp_, Resp) Resp,
    SMB1_COMMAND_LIST(SMB1_X)
#undef SMB1_X
    Smb1ErrorResponse>;

/** A request: the header and one body per command of the AndX chain (first = header.command). */
struct Smb1Request {
  Header header;
  std::vector<RequestBody> bodies;
};
/** A response: the header and one body per command of the AndX chain. */
struct Smb1Response {
  Header header;
  std::vector<ResponseBody> bodies;
};

/**
 * Decodes one request block for `command` at the reader's position.
 * Errors: errc::unknown_command plus each command decoder's errors.
 */
Result<RequestBody> decode_request_body(std::uint8_t command, wire::Reader& r, const Context& c);
/**
 * Decodes one response block. A nonzero Status with WordCount 0 and ByteCount 0 is an error
 * response (MS-CIFS 2.2.3.1, 3.3.4.1.2) -> Smb1ErrorResponse; anything else is the command's body
 * (e.g. SESSION_SETUP_ANDX with STATUS_MORE_PROCESSING_REQUIRED).
 * Errors: errc::unknown_command plus each command decoder's errors.
 */
Result<ResponseBody> decode_response_body(std::uint8_t command, const Header& h, wire::Reader& r);

/**
 * Decodes a whole message (no transport prefix) and follows its AndX chain.
 * Errors: those of decode_header; errc::truncated (shorter than 35 bytes, MS-CIFS 3.3.5.2);
 * errc::unknown_command (header or AndXCommand names a command outside the list);
 * errc::bad_andx_offset (AndXOffset pointing backwards or into the block it ends, or at/past the
 * end of the message); errc::too_many_commands (more than kMaxAndxChain blocks); the body errors.
 */
Result<Smb1Request> decode_request(wire::ByteView message);
Result<Smb1Response> decode_response(wire::ByteView message);

/**
 * Header then the bodies, chained: each AndX body but the last gets AndXCommand = the next body's
 * command and AndXOffset = where that body starts; the last AndX body gets AndXCommand 0xFF and
 * keeps its AndXOffset. header.command is set to the first body's command (kept for an error
 * response). Strings follow header.flags2 (UNICODE). No transport prefix, no signature.
 */
wire::Bytes encode_message(const Header& h, const std::vector<RequestBody>& bodies);
wire::Bytes encode_message(const Header& h, const std::vector<ResponseBody>& bodies);
wire::Bytes encode_message(const Smb1Request& m);
wire::Bytes encode_message(const Smb1Response& m);

/** The command of a body; nullopt for Smb1ErrorResponse / monostate. */
std::optional<Command> command_of(const RequestBody& b);
std::optional<Command> command_of(const ResponseBody& b);

/** "SMB_COM_CLOSE Request {word_count=3, fid=7, ...}" */
std::string to_string(const RequestBody& b);
std::string to_string(const ResponseBody& b);

/**
 * The server's oplock break notification (MS-CIFS 3.3.4.2): an SMB_COM_LOCKING_ANDX *request*
 * (SMB_FLAGS_REPLY clear) with MID 0xFFFF and PIDLow 0xFFFF (2.2.1.6.2/3), the open's TID, UID 0
 * and PIDHigh 0 (not specified by MS-CIFS), no signature, Flags2 0, and the body of
 * make_oplock_break_body. encode_message(make_oplock_break(...)) is 51 bytes.
 */
Smb1Request make_oplock_break(std::uint16_t tid, std::uint16_t fid, std::uint8_t new_op_lock_level);

}  // namespace smb::proto::smb1
