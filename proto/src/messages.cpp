// Decode dispatch and encoding of whole SMB2 messages, generated from the command list.
#include "smbproto/messages.hpp"

#include "smbproto/json.hpp"

namespace smb::proto {

std::string_view to_string(Command c) {
  switch (static_cast<std::uint16_t>(c)) {
#define SMB_X(name, code, Req, Resp) \
  case code: return #name;
    SMB2_COMMAND_LIST(SMB_X)
#undef SMB_X
  }
  return {};
}

std::optional<Command> command_from_string(std::string_view name) {
#define SMB_X(n, code, Req, Resp) \
  if (name == #n) return Command::n;
  SMB2_COMMAND_LIST(SMB_X)
#undef SMB_X
  return std::nullopt;
}

bool is_known_command(std::uint16_t code) { return !to_string(static_cast<Command>(code)).empty(); }

namespace {
template <class T, class Variant>
Result<Variant> decode_as(wire::Reader& r) {
  T m{};
  if (auto res = decode(r, m); !res) return res.error();
  return Variant{std::move(m)};
}

std::uint16_t peek_u16(const wire::Reader& r) {
  wire::Reader p = r;
  return p.u16();
}
}  // namespace

Result<RequestBody> decode_request_body(std::uint16_t command, wire::Reader& r) {
  if (command == static_cast<std::uint16_t>(Command::OPLOCK_BREAK) && peek_u16(r) == 36)
    return decode_as<LeaseBreakAcknowledgment, RequestBody>(r);  // 3.3.5.22: StructureSize 36 -> lease ack
  switch (command) {
#define SMB_X(name, code, Req, Resp) \
  case code: return decode_as<Req, RequestBody>(r);
    SMB2_COMMAND_LIST(SMB_X)
#undef SMB_X
  }
  return errc::unknown_command;
}

namespace {
// MS-SMB2 3.3.4.4: these failure statuses carry the command's own response body, not an ERROR
// response. Only SESSION_SETUP and QUERY_INFO have a StructureSize of 9 like ERROR, so only they
// are ambiguous; the other cases (pipe READ, IOCTL) are told apart by StructureSize alone.
bool is_command_body_status(std::uint16_t command, NtStatus st) {
  if (command == static_cast<std::uint16_t>(Command::SESSION_SETUP))
    return st == status::STATUS_MORE_PROCESSING_REQUIRED;
  if (command == static_cast<std::uint16_t>(Command::QUERY_INFO)) return st == status::STATUS_BUFFER_OVERFLOW;
  return false;
}
}  // namespace

Result<ResponseBody> decode_response_body(const Header& h, wire::Reader& r) {
  NtStatus st = h.nt_status();
  if (!st.is_success() || st == status::STATUS_PENDING) {
    if (peek_u16(r) == 9 && !is_command_body_status(h.command, st)) return decode_as<ErrorResponse, ResponseBody>(r);
  }
  if (h.command == static_cast<std::uint16_t>(Command::OPLOCK_BREAK)) {
    auto ss = peek_u16(r);
    if (ss == 44) return decode_as<LeaseBreakNotification, ResponseBody>(r);
    if (ss == 36) return decode_as<LeaseBreakResponse, ResponseBody>(r);
  }
  switch (h.command) {
#define SMB_X(name, code, Req, Resp) \
  case code: return decode_as<Resp, ResponseBody>(r);
    SMB2_COMMAND_LIST(SMB_X)
#undef SMB_X
  }
  return errc::unknown_command;
}

Result<Request> decode_request(wire::ByteView message) {
  wire::Reader r(message);
  auto h = decode_header(r);
  if (!h) return h.error();
  auto b = decode_request_body(h->command, r);
  if (!b) return b.error();
  return Request{*h, std::move(*b)};
}

Result<Response> decode_response(wire::ByteView message) {
  wire::Reader r(message);
  auto h = decode_header(r);
  if (!h) return h.error();
  auto b = decode_response_body(*h, r);
  if (!b) return b.error();
  return Response{*h, std::move(*b)};
}

namespace {
template <class Body>
wire::Bytes encode_any(const Header& h, const Body& body) {
  wire::Bytes out;
  out.reserve(128);
  wire::Writer w(out);
  encode(w, h);
  std::visit([&](const auto& m) { encode(w, m); }, body);
  return out;
}
}  // namespace

wire::Bytes encode_message(const Header& h, const RequestBody& body) { return encode_any(h, body); }
wire::Bytes encode_message(const Header& h, const ResponseBody& body) { return encode_any(h, body); }

namespace {
template <class T>
struct CommandOf;
#define SMB_X(name, code, Req, Resp)                                  \
  template <>                                                         \
  struct CommandOf<Req> {                                             \
    static constexpr Command value = Command::name;                   \
    static constexpr std::string_view kind = "Request";               \
  };
SMB2_COMMAND_LIST(SMB_X)
#undef SMB_X
#define SMB_X(name, code, Req, Resp)                                  \
  template <>                                                         \
  struct CommandOf<Resp> {                                            \
    static constexpr Command value = Command::name;                   \
    static constexpr std::string_view kind = "Response";              \
  };
SMB2_COMMAND_LIST(SMB_X)
#undef SMB_X
template <>
struct CommandOf<LeaseBreakAcknowledgment> {
  static constexpr Command value = Command::OPLOCK_BREAK;
  static constexpr std::string_view kind = "Lease Break Acknowledgment";
};
template <>
struct CommandOf<LeaseBreakNotification> {
  static constexpr Command value = Command::OPLOCK_BREAK;
  static constexpr std::string_view kind = "Lease Break Notification";
};
template <>
struct CommandOf<LeaseBreakResponse> {
  static constexpr Command value = Command::OPLOCK_BREAK;
  static constexpr std::string_view kind = "Lease Break Response";
};
}  // namespace

Command command_of(const RequestBody& b) {
  return std::visit([](const auto& m) { return CommandOf<std::decay_t<decltype(m)>>::value; }, b);
}
Command command_of(const ResponseBody& b) {
  return std::visit(
      [](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, ErrorResponse>) return Command::NEGOTIATE;  // unknown: see header
        else return CommandOf<T>::value;
      },
      b);
}

std::string to_string(const RequestBody& b) {
  return std::visit(
      [](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        return std::string(to_string(CommandOf<T>::value)) + " " + std::string(CommandOf<T>::kind) + " " +
               fields_to_string(m);
      },
      b);
}
std::string to_string(const ResponseBody& b) {
  return std::visit(
      [](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, ErrorResponse>) return "ERROR Response " + fields_to_string(m);
        else
          return std::string(to_string(CommandOf<T>::value)) + " " + std::string(CommandOf<T>::kind) + " " +
                 fields_to_string(m);
      },
      b);
}

}  // namespace smb::proto
