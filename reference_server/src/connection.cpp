// The per-connection protocol engine (MS-SMB2 3.3.5.1-3.3.5.3, 3.3.4.1-3.3.4.4, 3.3.5.16); see connection.hpp.
#include "smbserver/connection.hpp"

#include <algorithm>
#include <cstring>

#include "smbproto/framing.hpp"
#include "smbproto/messages.hpp"
#include "smbproto/security/signing.hpp"
#include "smbserver/dispatch.hpp"
#include "smbserver/handlers.hpp"
#include "smbserver/log.hpp"
#include "smbserver/smb1.hpp"

namespace smb::server {
namespace {

using proto::Command;
constexpr std::uint16_t cmd(Command c) { return static_cast<std::uint16_t>(c); }

bool negotiated(const Connection& c) { return c.negotiate_dialect != 0xFFFF && c.negotiate_dialect != 0x02FF; }

/** Outstanding credits: ids granted but not yet used (3.3.1.1). */
std::uint64_t outstanding(const Connection& c) {
  return c.window_high - c.window_low - static_cast<std::uint64_t>(c.consumed.size());
}

/**
 * 3.3.5.2.3: MessageId (and CreditCharge-1 following ids when multi-credit is in use) must be in
 * CommandSequenceWindow; they are removed from it. False -> the caller terminates the connection.
 */
bool consume_sequence(Connection& c, std::uint64_t mid, std::uint16_t credit_charge) {
  std::uint64_t n = (c.supports_multi_credit && credit_charge > 0) ? credit_charge : 1;
  if (mid == proto::kUnsolicitedMessageId) return false;  // reserved for server notifications (3.3.4.6)
  if (mid < c.window_low || mid > c.window_high || n > c.window_high - mid) return false;
  for (std::uint64_t i = mid; i < mid + n; ++i)
    if (c.consumed.count(i)) return false;
  for (std::uint64_t i = mid; i < mid + n; ++i) c.consumed.insert(i);
  while (!c.consumed.empty() && *c.consumed.begin() == c.window_low) {
    c.consumed.erase(c.consumed.begin());
    ++c.window_low;
  }
  return true;
}

/** Credits to grant in a response (3.3.1.2): what the client asked for (at least 1), bounded by max_credits. */
std::uint16_t grant_credits(Server& s, Connection& c, std::uint16_t requested) {
  std::uint64_t have = outstanding(c);
  std::uint64_t room = s.config.max_credits > have ? s.config.max_credits - have : 0;
  std::uint64_t want = std::max<std::uint64_t>(requested, 1);
  std::uint64_t g = std::min(want, room);
  if (g == 0 && have == 0) g = 1;  // never leave the client without a credit
  c.window_high += g;
  return static_cast<std::uint16_t>(g);
}

Session* find_session(Connection& c, std::uint64_t id) {
  auto it = c.session_table.find(id);
  return it == c.session_table.end() ? nullptr : it->second.get();
}

security::SigningAlgorithm signing_algorithm(const Connection& c) {
  if (c.signing_algorithm_negotiated) return c.signing_algorithm;
  return security::default_signing_algorithm(c.dialect);
}

bool can_sign(const Session* s) { return s && !s->keys.signing_key.empty(); }

template <class F>
void for_file_id(proto::RequestBody& body, F&& f) {
  std::visit(
      [&](auto& m) {
        if constexpr (requires { m.file_id; }) {
          if constexpr (std::is_same_v<std::decay_t<decltype(m.file_id)>, proto::FileId>) f(m.file_id);
        }
      },
      body);
}

/** One element of an outgoing (compound) response, to be patched, hashed and signed after assembly. */
struct OutElement {
  std::size_t start = 0;
  wire::Bytes sign_key;  ///< empty: do not sign
  bool hash_connection = false;
  Session* hash_session = nullptr;
};

void encode_element(wire::Bytes& out, const proto::Header& h, const proto::ResponseBody& body) {
  wire::Writer w(out, out.size());
  proto::encode(w, h);
  std::visit([&](const auto& m) { proto::encode(w, m); }, body);
}

void send_frame(Server& s, Connection& c, wire::Bytes& framed) {
  // `framed` starts with 4 placeholder bytes for the Direct TCP header (2.1).
  std::size_t len = framed.size() - 4;
  framed[0] = 0;
  framed[1] = static_cast<std::uint8_t>(len >> 16);
  framed[2] = static_cast<std::uint8_t>(len >> 8);
  framed[3] = static_cast<std::uint8_t>(len);
  s.statistics.sts0_bytessent += framed.size();
  if (!c.closed && c.transport) c.transport->send(std::move(framed));
}

void finish_chain(Server& s, Connection& c, wire::Bytes& out, std::vector<OutElement>& elems) {
  if (elems.empty()) return;
  for (std::size_t i = 0; i < elems.size(); ++i) {
    std::size_t start = elems[i].start;
    std::size_t end = i + 1 < elems.size() ? elems[i + 1].start : out.size();
    std::span<std::uint8_t> msg(out.data() + start, end - start);
    if (!elems[i].sign_key.empty()) security::sign(msg, elems[i].sign_key, signing_algorithm(c));
    if (elems[i].hash_connection && c.preauth_integrity_hash) c.preauth_integrity_hash->update(msg);
    if (elems[i].hash_session && elems[i].hash_session->preauth_integrity_hash)
      elems[i].hash_session->preauth_integrity_hash->update(msg);
  }
  send_frame(s, c, out);
}

/** Appends 8-byte padding and links the previous element (2.2.1 NextCommand). */
void start_element(wire::Bytes& out, std::vector<OutElement>& elems) {
  if (!elems.empty()) {
    while ((out.size() - 4) % 8 != 0) out.push_back(0);
    std::size_t prev = elems.back().start;
    std::uint32_t next = static_cast<std::uint32_t>(out.size() - prev);
    for (int k = 0; k < 4; ++k) out[prev + 0x14 + k] = static_cast<std::uint8_t>(next >> (8 * k));  // NextCommand LE
  }
}

/** 3.3.5.16: find the target by AsyncId (ASYNC flag) or MessageId; no response is ever sent. */
void handle_cancel(Server& s, Connection& c, const proto::Header& h) {
  (void)s;
  if (h.flags & proto::SMB2_FLAGS_SIGNED) {
    // Verify the session only if the CANCEL is signed; an unknown session: ignore the cancel.
    if (!find_session(c, h.session_id)) return;
  }
  std::function<bool()> cancel;
  if (h.is_async()) {
    auto it = c.async_command_list.find(h.async_id);
    if (it != c.async_command_list.end()) cancel = it->second.cancel;
  } else {
    for (auto& [aid, req] : c.async_command_list)
      if (req.message_id == h.message_id) cancel = req.cancel;
  }
  if (cancel) cancel();
}

/** SMB1 SMB_COM_NEGOTIATE (3.3.5.3.1): upgrade to SMB2 when "SMB 2.???" or "SMB 2.002" is offered. */
void handle_smb1(Server& s, Connection& c, wire::ByteView payload) {
  auto delegate = [&] {
    if (s.config.smb1_enabled && s.smb1_handler) {
      if (!s.smb1_handler(c, payload)) disconnect(c, "SMB1 handler closed the connection");
    } else {
      disconnect(c, "SMB1 message and SMB1 is not enabled");
    }
  };
  if (c.negotiate_dialect != 0xFFFF || payload.size() < 35 || payload[4] != 0x72) return delegate();
  std::size_t wc = payload[32];
  std::size_t bc_off = 33 + 2 * wc;
  if (bc_off + 2 > payload.size()) return delegate();
  std::size_t bc = payload[bc_off] | (std::size_t{payload[bc_off + 1]} << 8);
  if (bc_off + 2 + bc > payload.size()) return delegate();
  bool wildcard = false, smb202 = false;
  std::size_t p = bc_off + 2, end = p + bc;
  while (p < end) {
    if (payload[p] != 0x02) break;  // BufferFormat 0x02 = dialect string (MS-CIFS 2.2.4.52.1)
    ++p;
    std::size_t q = p;
    while (q < end && payload[q] != 0) ++q;
    std::string_view name(reinterpret_cast<const char*>(payload.data() + p), q - p);
    if (name == "SMB 2.???") wildcard = true;
    if (name == "SMB 2.002") smb202 = true;
    p = q + 1;
  }
  std::uint16_t dialect = 0;
  if (wildcard && s.config.max_dialect >= 0x0210) dialect = 0x02FF;
  else if ((smb202 || wildcard) && s.config.min_dialect <= 0x0202) dialect = 0x0202;
  if (!dialect) return delegate();
  // The SMB1 negotiate counts as MessageId 0 (3.3.5.2.3).
  if (!consume_sequence(c, 0, 0)) return disconnect(c, "SMB1 negotiate after MessageId 0 was used");
  proto::NegotiateResponse resp = make_negotiate_response(s, c, dialect);
  if (dialect == 0x02FF) {
    c.negotiate_dialect = 0x02FF;  // 3.3.5.3.1: the client follows with an SMB2 NEGOTIATE
  } else {
    c.negotiate_dialect = 0x0202;
    c.dialect = 0x0202;
  }
  proto::Header h;
  h.flags = proto::SMB2_FLAGS_SERVER_TO_REDIR;
  h.command = cmd(Command::NEGOTIATE);
  h.credit_request_response = grant_credits(s, c, 1);
  h.message_id = 0;
  wire::Bytes out(4, 0);
  encode_element(out, h, proto::ResponseBody(std::move(resp)));
  send_frame(s, c, out);
}

struct ChainState {
  std::uint64_t session_id = 0;
  std::uint32_t tree_id = 0;
  std::optional<proto::FileId> file_id;
  NtStatus status = status::STATUS_SUCCESS;
};

/** 3.3.5.2.4: signature checks. Returns SUCCESS or the error to send. Sets `signed_ok`. */
NtStatus check_signature(Connection& c, const proto::Header& h, std::uint64_t session_id, wire::ByteView elem,
                         bool& signed_ok) {
  signed_ok = false;
  if (h.command == cmd(Command::NEGOTIATE)) {
    if (h.flags & proto::SMB2_FLAGS_SIGNED) return status::STATUS_INVALID_PARAMETER;
    return status::STATUS_SUCCESS;
  }
  if (h.flags & proto::SMB2_FLAGS_SIGNED) {
    Session* sess = find_session(c, session_id);
    if (!sess) return status::STATUS_USER_SESSION_DELETED;
    if (sess->keys.signing_key.empty()) return status::STATUS_NOT_SUPPORTED;
    if (!security::verify(elem, sess->keys.signing_key, signing_algorithm(c))) return status::STATUS_ACCESS_DENIED;
    signed_ok = true;
    return status::STATUS_SUCCESS;
  }
  // Unsigned request on a session that requires signing (GlobalSessionTable lookup; <264> no disconnect).
  if (Session* sess = find_session(c, session_id); sess && sess->signing_required && sess->state == SessionState::valid)
    return status::STATUS_ACCESS_DENIED;
  return status::STATUS_SUCCESS;
}

void process_smb2(Server& s, Connection& c, wire::ByteView payload) {
  auto parts = proto::split_compound(payload);
  if (!parts) return disconnect(c, "malformed SMB2 message or compound chain (3.3.5.2.6)");
  wire::Bytes out(4, 0);
  out.reserve(256);
  std::vector<OutElement> elems;
  ChainState chain;
  for (std::size_t i = 0; i < parts->size() && !c.closed; ++i) {
    wire::ByteView elem = (*parts)[i];
    wire::Reader r(elem);
    auto hdr = proto::decode_header(r);
    if (!hdr) return disconnect(c, "bad SMB2 header (3.3.5.2.6)");
    proto::Header h = *hdr;
    if (h.command >= 0x14) return disconnect(c, "undefined command code (3.3.5.2.6)");
    if (h.is_response()) return disconnect(c, "response flag set in a request (3.3.5.2.6)");
    bool is_negotiate = h.command == cmd(Command::NEGOTIATE);
    if (!negotiated(c) && !is_negotiate) return disconnect(c, "request before NEGOTIATE (3.3.5.2.2)");
    if (negotiated(c) && is_negotiate) return disconnect(c, "second NEGOTIATE (3.3.5.4)");
    if (h.command == cmd(Command::CANCEL)) {
      handle_cancel(s, c, h);  // no sequence check, no response (3.3.5.16)
      continue;
    }
    if (!consume_sequence(c, h.message_id, h.credit_charge))
      return disconnect(c, "MessageId outside the command sequence window (3.3.5.2.3)");

    RequestContext ctx{s, c, h, elem};
    NtStatus st = status::STATUS_SUCCESS;
    bool related = (h.flags & proto::SMB2_FLAGS_RELATED_OPERATIONS) != 0;
    if (related) {
      if (i == 0) {
        st = status::STATUS_INVALID_PARAMETER;  // 3.3.5.2.7.2 (<269>): first operation flagged related
      } else if (!chain.status.is_success() && chain.status != status::STATUS_PENDING) {
        st = chain.status;  // 3.3.5.2.7.2: the previous operation failed -> same status (SHOULD)
      } else {
        ctx.header.session_id = chain.session_id;  // inherit SessionId and TreeId (3.3.5.2.7.2)
        ctx.header.tree_id = chain.tree_id;
      }
    }
    if (st.is_success()) st = check_signature(c, h, ctx.header.session_id, elem, ctx.request_signed);
    // 3.3.5.2.8 idle time
    if (Session* sess = find_session(c, ctx.header.session_id)) sess->idle_time = s.clock.now();

    std::optional<proto::RequestBody> body;
    if (st.is_success()) {
      wire::Reader br(elem, proto::kHeaderSize);
      auto b = proto::decode_request_body(h.command, br);
      if (!b) {
        // Codes that are "defined" but not in our list (CHANGE_NOTIFY, 0x13) are not supported;
        // everything else that fails to decode is malformed (3.3.5.2.6).
        st = b.error() == proto::errc::unknown_command ? status::STATUS_NOT_SUPPORTED : status::STATUS_INVALID_PARAMETER;
      } else {
        body = std::move(*b);
      }
    }
    if (st.is_success() && body) {
      bool bad_handle = false;
      for_file_id(*body, [&](proto::FileId& f) {
        if (related && f == proto::FileId::all_ones()) {
          if (chain.file_id) f = *chain.file_id;
          else bad_handle = true;  // 3.3.5.2.7.2: no FileId from the previous operation
        }
      });
      if (bad_handle) st = status::STATUS_INVALID_HANDLE;
    }

    // The key is captured before the handler runs: LOGOFF removes the session it must sign with.
    wire::Bytes request_key;
    if (ctx.request_signed)
      if (Session* ss = find_session(c, ctx.header.session_id)) request_key = ss->keys.signing_key;
    HandlerResult result = st.is_success() && body ? dispatch(ctx, *body) : HandlerResult(st);
    if (result.pending && !ctx.async_token) result = HandlerResult(status::STATUS_INTERNAL_ERROR);  // handler bug

    // --- chain bookkeeping for the next related operation
    chain.session_id = ctx.response_session_id.value_or(ctx.header.session_id);
    chain.tree_id = ctx.response_tree_id.value_or(ctx.header.tree_id);
    chain.status = result.status;
    if (ctx.produced_file_id) {
      chain.file_id = ctx.produced_file_id;
    } else if (body) {
      std::optional<proto::FileId> used;
      for_file_id(*body, [&](proto::FileId& f) { used = f; });
      chain.file_id = used;
    } else {
      chain.file_id.reset();
    }

    // --- the response header (3.3.4.1, 3.3.4.4)
    proto::Header rh;
    rh.credit_charge = h.credit_charge;
    rh.command = h.command;
    rh.flags = proto::SMB2_FLAGS_SERVER_TO_REDIR | (h.flags & proto::SMB2_FLAGS_RELATED_OPERATIONS) |
               (h.flags & proto::SMB2_FLAGS_PRIORITY_MASK);
    rh.message_id = h.message_id;
    rh.reserved = h.reserved;  // <4> Windows echoes the received value
    rh.tree_id = chain.tree_id;
    rh.session_id = chain.session_id;
    rh.credit_request_response = grant_credits(s, c, h.credit_request_response);
    rh.status = result.status.value;
    proto::ResponseBody rbody = proto::ErrorResponse{};
    if (result.pending) {
      // 3.3.4.2 interim response: ASYNC header with the new AsyncId, ERROR body, not signed.
      rh.flags |= proto::SMB2_FLAGS_ASYNC_COMMAND;
      rh.async_id = ctx.async_token->async_id;
      rh.status = status::STATUS_PENDING.value;
    } else if (result.body) {
      rbody = std::move(*result.body);
    }
    // 3.3.4.1.1: sign when the request was signed (never an interim response), or when the
    // handler asks (final SESSION_SETUP response, 3.3.5.5.3).
    wire::Bytes key;
    if (!result.pending) {
      if (ctx.sign_with) key = ctx.sign_with->keys.signing_key;
      else if (ctx.request_signed) key = std::move(request_key);
    }
    if (!key.empty()) rh.flags |= proto::SMB2_FLAGS_SIGNED;
    start_element(out, elems);
    elems.push_back({out.size(), std::move(key), ctx.hash_response_into_connection, ctx.hash_response_into_session});
    encode_element(out, rh, rbody);
    if (ctx.disconnect_after) {
      finish_chain(s, c, out, elems);
      return disconnect(c, "handler requested disconnect");
    }
  }
  if (!c.closed) finish_chain(s, c, out, elems);
}

}  // namespace

void disconnect(Connection& c, std::string_view reason) {
  if (c.closed) return;
  c.closed = true;
  log(LogLevel::info, "connection ", c.id, ": disconnect: ", reason);
  if (c.transport) c.transport->close();
}

void receive(Server& s, Connection& c, wire::ByteView data) {
  c.rx_total += data.size();
  c.rx.insert(c.rx.end(), data.begin(), data.end());
  std::size_t off = 0;
  // 3.3.5.2: a message longer than MaxTransactSize + 256 -> disconnect. Multi-credit WRITE payloads
  // are bounded by MaxWriteSize, so use the larger of the two.
  std::size_t limit = std::max(c.max_transact_size, c.max_write_size) + 256;
  while (!c.closed) {
    wire::ByteView payload;
    auto r = proto::parse_frame(wire::ByteView(c.rx).subspan(off), payload, std::min(limit, proto::kMaxFrameLength));
    if (!r) {
      if (r.error() != proto::errc::need_more) disconnect(c, "bad Direct TCP frame (" + r.error().message() + ")");
      break;
    }
    off += *r;
    s.statistics.sts0_bytesrcvd += *r;
    process_message(s, c, payload);
  }
  if (c.closed) {
    c.rx.clear();
  } else if (off > 0) {
    c.rx.erase(c.rx.begin(), c.rx.begin() + static_cast<std::ptrdiff_t>(off));
  }
}

void process_message(Server& s, Connection& c, wire::ByteView payload) {
  if (c.closed) return;
  if (payload.size() < 4) return disconnect(c, "message shorter than a protocol id");
  std::uint32_t pid = payload[0] | (std::uint32_t{payload[1]} << 8) | (std::uint32_t{payload[2]} << 16) |
                      (std::uint32_t{payload[3]} << 24);
  if (pid == proto::kSmb1ProtocolId) return handle_smb1(s, c, payload);
  if (pid != proto::kSmb2ProtocolId) return disconnect(c, "unknown or unsupported protocol id (3.3.5.2)");
  if (payload.size() < proto::kHeaderSize) return disconnect(c, "SMB2 message shorter than 64 bytes (3.3.5.2.6)");
  process_smb2(s, c, payload);
}

void send_message(Server& s, Connection& c, const proto::Header& h, const proto::ResponseBody& body,
                  const Session* sign_with) {
  if (c.smb1) return smb1_send_unsolicited(s, c, h, body);  // SMB1 connection: oplock break bridge (smb1.hpp)
  wire::Bytes out(4, 0);
  std::vector<OutElement> elems;
  proto::Header hh = h;
  wire::Bytes key;
  if (can_sign(sign_with)) {
    hh.flags |= proto::SMB2_FLAGS_SIGNED;
    key = sign_with->keys.signing_key;
  }
  elems.push_back({out.size(), std::move(key), false, nullptr});
  encode_element(out, hh, body);
  finish_chain(s, c, out, elems);
}

// --- async completion (3.3.4.2, 3.3.4.4)

AsyncToken make_async(RequestContext& ctx, std::function<bool()> cancel) {
  Connection& c = ctx.connection;
  AsyncRequest req;
  req.async_id = c.next_async_id++;
  req.message_id = ctx.header.message_id;
  req.command = ctx.header.command;
  req.session_id = ctx.header.session_id;
  req.tree_id = ctx.header.tree_id;
  req.header_flags = ctx.header.flags | (ctx.request_signed ? proto::SMB2_FLAGS_SIGNED : 0);
  req.open = ctx.open;
  req.cancel = std::move(cancel);
  AsyncToken t{c.id, req.async_id};
  c.async_command_list.emplace(req.async_id, std::move(req));
  ctx.async_token = t;
  return t;
}

void complete_async(Server& s, const AsyncToken& token, HandlerResult result) {
  auto cit = s.connections.find(token.connection_id);
  if (cit == s.connections.end()) return;
  Connection& c = *cit->second;
  auto it = c.async_command_list.find(token.async_id);
  if (it == c.async_command_list.end() || c.closed) return;
  AsyncRequest req = std::move(it->second);
  c.async_command_list.erase(it);
  proto::Header rh;
  rh.command = req.command;
  rh.flags = proto::SMB2_FLAGS_SERVER_TO_REDIR | proto::SMB2_FLAGS_ASYNC_COMMAND;
  rh.message_id = req.message_id;
  rh.async_id = req.async_id;
  rh.session_id = req.session_id;
  rh.status = result.status.value;
  rh.credit_request_response = 0;  // 3.3.4.4 / <234>: credits were granted on the interim response
  proto::ResponseBody body = proto::ErrorResponse{};
  if (result.body) body = std::move(*result.body);
  const Session* sign_with = nullptr;
  if (req.header_flags & proto::SMB2_FLAGS_SIGNED) sign_with = find_session(c, req.session_id);
  send_message(s, c, rh, body, sign_with);
}

}  // namespace smb::server
