// SMB1 decode dispatch, AndX chain walking/encoding and the oplock break message, generated from the command list.
#include "smbproto/smb1/messages.hpp"

#include "smbproto/json.hpp"

namespace smb::proto::smb1 {

std::string_view to_string(Command c) {
  switch (static_cast<std::uint8_t>(c)) {
#define SMB1_X(name, code, Req, Resp) \
  case code: return #name;
    SMB1_COMMAND_LIST(SMB1_X)
#undef SMB1_X
  }
  return {};
}

std::optional<Command> command_from_string(std::string_view name) {
#define SMB1_X(n, code, Req, Resp) \
  if (name == #n) return Command::n;
  SMB1_COMMAND_LIST(SMB1_X)
#undef SMB1_X
  return std::nullopt;
}

bool is_known_command(std::uint8_t code) { return !to_string(static_cast<Command>(code)).empty(); }

namespace {
template <class T>
concept AndX = requires(T t) { t.andx_command; t.andx_offset; };
}  // namespace

bool is_andx_command(std::uint8_t code) {
  switch (code) {
#define SMB1_X(name, code, Req, Resp) \
  case code: return AndX<Req>;
    SMB1_COMMAND_LIST(SMB1_X)
#undef SMB1_X
  }
  return false;
}

namespace {
template <class T, class Variant>
Result<Variant> decode_as(wire::Reader& r, const Context& c) {
  T m{};
  if (auto res = decode(r, m, c); !res) return res.error();
  return Variant{std::move(m)};
}
}  // namespace

Result<RequestBody> decode_request_body(std::uint8_t command, wire::Reader& r, const Context& c) {
  switch (command) {
#define SMB1_X(name, code, Req, Resp) \
  case code: return decode_as<Req, RequestBody>(r, c);
    SMB1_COMMAND_LIST(SMB1_X)
#undef SMB1_X
  }
  return errc::unknown_command;
}

Result<ResponseBody> decode_response_body(std::uint8_t command, const Header& h, wire::Reader& r) {
  Context c = h.context();
  if (!is_known_command(command)) return errc::unknown_command;
  if (h.is_error()) {
    // MS-CIFS 2.2.3.1 / 3.3.4.1.2: an error response has empty SMB_Parameters and SMB_Data.
    wire::Reader p = r;
    std::uint8_t wc = p.u8();
    std::uint16_t bc = p.u16();
    if (p.ok() && wc == 0 && bc == 0) return decode_as<Smb1ErrorResponse, ResponseBody>(r, c);
  }
  switch (command) {
#define SMB1_X(name, code, Req, Resp) \
  case code: return decode_as<Resp, ResponseBody>(r, c);
    SMB1_COMMAND_LIST(SMB1_X)
#undef SMB1_X
  }
  return errc::unknown_command;
}

namespace {

// The (AndXCommand, AndXOffset) of an AndX body; nullopt when the body does not chain.
template <class Variant>
std::optional<std::pair<std::uint8_t, std::uint16_t>> andx_of(const Variant& b) {
  return std::visit(
      [](const auto& m) -> std::optional<std::pair<std::uint8_t, std::uint16_t>> {
        if constexpr (AndX<std::decay_t<decltype(m)>>) return std::pair{m.andx_command, m.andx_offset};
        else return std::nullopt;
      },
      b);
}

// Walks the chain (MS-CIFS 2.2.3.4): each block's AndXOffset names the next block's WordCount.
template <class Message, class DecodeBody>
Result<Message> decode_chain(wire::ByteView message, DecodeBody&& decode_body) {
  wire::Reader r(message);
  auto h = decode_header(r);
  if (!h) return h.error();
  if (message.size() < kMinMessageSize) return errc::truncated;  // 3.3.5.2
  Message out{*h, {}};
  std::uint8_t command = h->command;
  while (true) {
    if (out.bodies.size() == kMaxAndxChain) return errc::too_many_commands;
    auto body = decode_body(command, *h, r);
    if (!body) return body.error();
    out.bodies.push_back(std::move(*body));
    auto andx = andx_of(out.bodies.back());
    if (!andx || andx->first == SMB_COM_NO_ANDX_COMMAND) break;
    // The next block must start at or after the end of this one and inside the message.
    if (andx->second < r.pos() || andx->second >= message.size()) return errc::bad_andx_offset;
    command = andx->first;
    r.seek(andx->second);
  }
  return out;
}

}  // namespace

Result<Smb1Request> decode_request(wire::ByteView message) {
  return decode_chain<Smb1Request>(message, [](std::uint8_t cmd, const Header& h, wire::Reader& r) {
    return decode_request_body(cmd, r, h.context());
  });
}

Result<Smb1Response> decode_response(wire::ByteView message) {
  return decode_chain<Smb1Response>(message, [](std::uint8_t cmd, const Header& h, wire::Reader& r) {
    return decode_response_body(cmd, h, r);
  });
}

namespace {
template <class T>
struct CommandOf {
  static constexpr std::optional<Command> value = std::nullopt;
  static constexpr std::string_view kind = "";
};
#define SMB1_X(name, code, Req, Resp)                                      \
  template <>                                                              \
  struct CommandOf<Req> {                                                  \
    static constexpr std::optional<Command> value = Command::name;         \
    static constexpr std::string_view kind = "Request";                    \
  };                                                                       \
  template <>                                                              \
  struct CommandOf<Resp> {                                                 \
    static constexpr std::optional<Command> value = Command::name;         \
    static constexpr std::string_view kind = "Response";                   \
  };
SMB1_COMMAND_LIST(SMB1_X)
#undef SMB1_X

template <class Body>
wire::Bytes encode_chain(Header h, const std::vector<Body>& bodies) {
  if (!bodies.empty()) {
    if (auto c = command_of(bodies.front())) h.command = static_cast<std::uint8_t>(*c);
  }
  Context ctx = h.context();
  wire::Bytes out;
  out.reserve(128);
  wire::Writer w(out);
  encode(w, h);
  std::optional<std::size_t> prev_andx;  // index of the previous AndX block's WordCount
  for (const auto& b : bodies) {
    std::size_t start = w.index();
    if (prev_andx) {
      auto c = command_of(b);
      out[*prev_andx + 1] = c ? static_cast<std::uint8_t>(*c) : SMB_COM_NO_ANDX_COMMAND;  // AndXCommand
      w.patch_u16(*prev_andx + 3, static_cast<std::uint16_t>(start));                      // AndXOffset
      prev_andx.reset();
    }
    std::visit(
        [&](const auto& m) {
          using T = std::decay_t<decltype(m)>;
          if constexpr (!std::is_same_v<T, std::monostate>) encode(w, m, ctx);
          if constexpr (AndX<T>) prev_andx = start;
        },
        b);
  }
  if (prev_andx && out.size() > *prev_andx + 1) out[*prev_andx + 1] = SMB_COM_NO_ANDX_COMMAND;
  return out;
}
}  // namespace

wire::Bytes encode_message(const Header& h, const std::vector<RequestBody>& bodies) { return encode_chain(h, bodies); }
wire::Bytes encode_message(const Header& h, const std::vector<ResponseBody>& bodies) { return encode_chain(h, bodies); }
wire::Bytes encode_message(const Smb1Request& m) { return encode_chain(m.header, m.bodies); }
wire::Bytes encode_message(const Smb1Response& m) { return encode_chain(m.header, m.bodies); }

std::optional<Command> command_of(const RequestBody& b) {
  return std::visit([](const auto& m) { return CommandOf<std::decay_t<decltype(m)>>::value; }, b);
}
std::optional<Command> command_of(const ResponseBody& b) {
  return std::visit([](const auto& m) { return CommandOf<std::decay_t<decltype(m)>>::value; }, b);
}

namespace {
template <class Body>
std::string body_to_string(const Body& b) {
  return std::visit(
      [](const auto& m) -> std::string {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, std::monostate>) return "(empty)";
        else if constexpr (std::is_same_v<T, Smb1ErrorResponse>) return "ERROR Response " + fields_to_string(m);
        else
          return std::string(to_string(*CommandOf<T>::value)) + " " + std::string(CommandOf<T>::kind) + " " +
                 fields_to_string(m);
      },
      b);
}
}  // namespace

std::string to_string(const RequestBody& b) { return body_to_string(b); }
std::string to_string(const ResponseBody& b) { return body_to_string(b); }

Smb1Request make_oplock_break(std::uint16_t tid, std::uint16_t fid, std::uint8_t new_op_lock_level) {
  Smb1Request m;
  m.header.command = static_cast<std::uint8_t>(Command::SMB_COM_LOCKING_ANDX);  // 3.3.4.2
  m.header.flags = 0;                   // a request: SMB_FLAGS_REPLY clear (2.2.4.32.1)
  m.header.flags2 = 0;
  m.header.tid = tid;
  m.header.pid_low = kOplockBreakPidLow;  // 2.2.1.6.3
  m.header.mid = kOplockBreakMid;         // 2.2.1.6.2
  m.bodies.emplace_back(make_oplock_break_body(fid, new_op_lock_level));
  return m;
}

}  // namespace smb::proto::smb1
