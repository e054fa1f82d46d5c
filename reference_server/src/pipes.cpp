// Named-pipe endpoints on IPC$ (pipes.hpp): pipe CREATE/READ/WRITE/FLUSH (MS-SMB2 3.3.5.9, 3.3.5.11-3.3.5.13) and the
// simulated server ends (an RPC bind responder, a stalled reader, a hanging-up reader, a control-channel reader).
#include "smbserver/pipes.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "smbserver/access.hpp"
#include "smbserver/log.hpp"

namespace smb::server {
namespace {

constexpr std::uint32_t FILE_DIRECTORY_FILE = 0x00000001;
constexpr std::uint32_t FILE_ATTRIBUTE_NORMAL = 0x00000080;
constexpr std::uint32_t FILE_OPENED = 1;  // 2.2.14 CreateAction
/**
 * The hangup endpoint's server end closes this long after the first READ or FLUSH starts waiting on it (server
 * clock, advance_clock moves it): the waiter is certainly pending when the end closes, whatever the machine's load.
 */
constexpr auto kHangupDelay = std::chrono::milliseconds(5);

std::string pipe_name(std::string_view n) {
  while (!n.empty() && n.front() == '\\') n.remove_prefix(1);
  std::string r(n);
  for (auto& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

std::optional<PipeEndpoint> endpoint_of(const std::string& name) {
  if (name == "srvsvc" || name == "wkssvc") return PipeEndpoint::rpc;
  if (name == "smbconform-stall") return PipeEndpoint::stall;
  if (name == "smbconform-hangup") return PipeEndpoint::hangup;
  if (name == "smbconform-test") return PipeEndpoint::test;
  return std::nullopt;
}

// ---- DCE/RPC connection-oriented PDUs (C706 chapter 12), just enough to answer a bind --------------------------

constexpr std::uint8_t kPtypeRequest = 0, kPtypeFault = 3, kPtypeBind = 11, kPtypeBindAck = 12;
constexpr std::uint8_t kPfcFirstLast = 0x03;
constexpr std::uint32_t kNcaOpRngError = 0x1c010002;  // C706 Appendix E: nca_op_rng_error
/** NDR transfer syntax 8a885d04-1ceb-11c9-9fe8-08002b104860 version 2, as it appears on the wire. */
constexpr std::array<std::uint8_t, 20> kNdr = {0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11, 0x9f, 0xe8,
                                              0x08, 0x00, 0x2b, 0x10, 0x48, 0x60, 0x02, 0x00, 0x00, 0x00};

std::uint16_t le16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] | (p[1] << 8)); }
std::uint32_t le32(const std::uint8_t* p) { return le16(p) | (static_cast<std::uint32_t>(le16(p + 2)) << 16); }
void put16(std::vector<std::uint8_t>& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  put16(b, static_cast<std::uint16_t>(v));
  put16(b, static_cast<std::uint16_t>(v >> 16));
}

/** Common header (C706 12.6.3.1) with frag_length patched by finish(). */
std::vector<std::uint8_t> rpc_header(std::uint8_t ptype, std::uint32_t call_id) {
  std::vector<std::uint8_t> b = {5, 0, ptype, kPfcFirstLast, 0x10, 0, 0, 0};
  put16(b, 0);  // frag_length
  put16(b, 0);  // auth_length
  put32(b, call_id);
  return b;
}
void finish(std::vector<std::uint8_t>& b) {
  b[8] = static_cast<std::uint8_t>(b.size());
  b[9] = static_cast<std::uint8_t>(b.size() >> 8);
}

/** bind -> bind_ack (C706 12.6.4.3 / 12.6.4.4): every presentation context offering NDR is accepted. */
std::vector<std::uint8_t> answer_bind(const std::uint8_t* p, std::size_t n, const std::string& pipe) {
  const std::uint32_t call_id = le32(p + 12);
  std::vector<std::uint8_t> b = rpc_header(kPtypeBindAck, call_id);
  std::uint16_t max_xmit = n >= 20 ? le16(p + 16) : 4280, max_recv = n >= 20 ? le16(p + 18) : 4280;
  put16(b, std::min<std::uint16_t>(max_xmit, 4280));
  put16(b, std::min<std::uint16_t>(max_recv, 4280));
  put32(b, 0x12345);  // assoc_group_id
  std::string port = "\\PIPE\\" + pipe;
  put16(b, static_cast<std::uint16_t>(port.size() + 1));  // sec_addr: port_spec with its NUL
  b.insert(b.end(), port.begin(), port.end());
  b.push_back(0);
  while (b.size() % 4) b.push_back(0);  // 4-octet alignment before p_result_list
  std::size_t off = 28;
  std::uint8_t contexts = n > 24 ? p[24] : 0;
  std::vector<std::uint8_t> results;
  std::uint8_t count = 0;
  for (std::uint8_t i = 0; i < contexts && off + 24 <= n; ++i) {
    std::uint8_t ntransfer = p[off + 2];
    bool ndr = false;
    std::size_t t = off + 24;
    for (std::uint8_t k = 0; k < ntransfer && t + 20 <= n; ++k, t += 20)
      ndr = ndr || std::equal(kNdr.begin(), kNdr.end(), p + t);
    put16(results, ndr ? 0 : 2);  // acceptance | provider_rejection
    put16(results, ndr ? 0 : 2);  // reason: - | proposed_transfer_syntaxes_not_supported
    if (ndr) results.insert(results.end(), kNdr.begin(), kNdr.end());
    else results.insert(results.end(), 20, 0);
    ++count;
    off = t;
  }
  b.push_back(count);
  b.push_back(0);
  put16(b, 0);
  b.insert(b.end(), results.begin(), results.end());
  finish(b);
  return b;
}

/** Any request -> fault nca_op_rng_error (C706 12.6.4.7): no RPC interface is implemented. */
std::vector<std::uint8_t> answer_request(const std::uint8_t* p, std::size_t n) {
  std::vector<std::uint8_t> b = rpc_header(kPtypeFault, le32(p + 12));
  put32(b, 0);                                    // alloc_hint
  put16(b, n >= 22 ? le16(p + 20) : 0);           // p_cont_id
  b.push_back(0);                                 // cancel_count
  b.push_back(0);                                 // reserved
  put32(b, kNcaOpRngError);                       // status
  put32(b, 0);                                    // reserved
  finish(b);
  return b;
}

/** Feeds consumed bytes to the RPC responder; complete PDUs are answered into `outbound`. */
void rpc_consume(PipeInstance& p, const std::vector<std::uint8_t>& bytes) {
  p.rpc_rx.insert(p.rpc_rx.end(), bytes.begin(), bytes.end());
  while (p.rpc_rx.size() >= 16) {
    const std::uint8_t* h = p.rpc_rx.data();
    std::size_t frag = le16(h + 8);
    if (h[0] != 5 || frag < 16) {  // not DCE/RPC: the responder discards what it cannot parse
      p.rpc_rx.clear();
      return;
    }
    if (p.rpc_rx.size() < frag) return;
    std::vector<std::uint8_t> reply;
    if (h[2] == kPtypeBind) reply = answer_bind(h, frag, p.name);
    else if (h[2] == kPtypeRequest) reply = answer_request(h, frag);
    p.outbound.insert(p.outbound.end(), reply.begin(), reply.end());
    p.rpc_rx.erase(p.rpc_rx.begin(), p.rpc_rx.begin() + static_cast<std::ptrdiff_t>(frag));
  }
}

// ---- the server end ------------------------------------------------------------------------------------------

HandlerResult read_result(PipeInstance& p, std::uint32_t length) {
  std::size_t n = std::min<std::size_t>(length, p.outbound.size());
  proto::ReadResponse r;
  r.data.assign(p.outbound.begin(), p.outbound.begin() + static_cast<std::ptrdiff_t>(n));
  p.outbound.erase(p.outbound.begin(), p.outbound.begin() + static_cast<std::ptrdiff_t>(n));
  r.data_remaining = 0;
  return r;
}

/**
 * Lets the server end run: an unheld reader consumes the inbound bytes; then every FLUSH whose data is consumed
 * completes with STATUS_SUCCESS (3.3.5.11) and waiting READs get outbound bytes.
 */
void pump(Server& s, PipeInstance& p) {
  if (p.server_closed) return;
  if (!p.reader_held && !p.inbound.empty()) {
    std::vector<std::uint8_t> bytes;
    bytes.swap(p.inbound);
    p.consumed += bytes.size();
    if (p.endpoint == PipeEndpoint::rpc) rpc_consume(p, bytes);
  }
  if (p.inbound.empty()) {
    auto flushes = std::move(p.flushes);
    p.flushes.clear();
    for (auto& w : flushes) complete_async(s, w.token, HandlerResult(proto::FlushResponse{}));
  }
  while (!p.outbound.empty() && !p.reads.empty()) {
    auto w = p.reads.front();
    p.reads.erase(p.reads.begin());
    complete_async(s, w.token, read_result(p, w.length));
  }
}

/** The server end closes: waiting FLUSHes and READs fail with STATUS_PIPE_BROKEN (3.3.5.11: the store's status). */
void close_server_end(Server& s, PipeInstance& p) {
  if (p.server_closed) return;
  p.server_closed = true;
  p.reader_held = true;
  auto waiters = std::move(p.flushes);
  p.flushes.clear();
  for (auto& w : p.reads) waiters.push_back(w);
  p.reads.clear();
  for (auto& w : waiters) complete_async(s, w.token, HandlerResult(status::STATUS_PIPE_BROKEN));
}

/** Goes async (3.3.4.2) with a waiter in `list`; CANCEL (3.3.5.16) or the open's close completes it STATUS_CANCELLED. */
HandlerResult wait_on(RequestContext& ctx, Open& open, bool is_read, std::uint32_t length) {
  // <266>: as Windows, an operation that would go async inside a compound fails unless it is the last one (so an
  // interim response is never overtaken by its own final response; handlers/lock.cpp does the same).
  if (ctx.header.next_command != 0) return status::STATUS_INTERNAL_ERROR;
  Server& server = ctx.server;
  std::weak_ptr<PipeInstance> weak = open.pipe;
  auto token = std::make_shared<AsyncToken>();
  *token = make_async(ctx, [&server, weak, token, is_read]() {
    auto p = weak.lock();
    if (!p) return false;
    auto& list = is_read ? p->reads : p->flushes;
    auto it = std::find_if(list.begin(), list.end(), [&](const PipeInstance::Waiter& w) {
      return w.token.async_id == token->async_id && w.token.connection_id == token->connection_id;
    });
    if (it == list.end()) return false;
    list.erase(it);
    complete_async(server, *token, HandlerResult(status::STATUS_CANCELLED));
    return true;
  });
  (is_read ? open.pipe->reads : open.pipe->flushes).push_back({*token, length});
  if (open.pipe->endpoint == PipeEndpoint::hangup && !open.pipe->hangup_armed) {
    open.pipe->hangup_armed = true;
    server.clock.schedule_after(kHangupDelay, [&server, weak]() {
      if (auto q = weak.lock()) close_server_end(server, *q);
    });
  }
  return HandlerResult::go_pending();
}

Open* find_pipe_open(Server& s, std::uint64_t durable_file_id, std::string& err) {
  Open* found = nullptr;
  for (auto& [id, o] : s.global_open_table) {
    if (!o->pipe) continue;
    if (durable_file_id ? id == durable_file_id : o->pipe->endpoint == PipeEndpoint::test) {
      if (found) {
        err = "more than one smbconform-test pipe open; give \"file_id\"";
        return nullptr;
      }
      found = o;
    }
  }
  if (!found) err = durable_file_id ? "no pipe open with that file_id" : "no smbconform-test pipe open";
  return found;
}

}  // namespace

bool pipe_endpoint_exists(std::string_view name) { return endpoint_of(pipe_name(name)).has_value(); }

HandlerResult pipe_create(RequestContext& ctx, const proto::CreateRequest& req) {
  Server& s = ctx.server;
  Session& session = *ctx.session;
  TreeConnect& tree = *ctx.tree;
  const std::string name = pipe_name(req.name);
  auto ep = endpoint_of(name);
  if (!ep) return status::STATUS_OBJECT_NAME_NOT_FOUND;  // no such endpoint on IPC$
  if (req.create_options & FILE_DIRECTORY_FILE) return status::STATUS_INVALID_PARAMETER;  // a pipe is no directory
  auto pipe = std::make_shared<PipeInstance>();
  pipe->endpoint = *ep;
  pipe->name = name;
  pipe->reader_held = *ep != PipeEndpoint::rpc;  // stall/hangup never read; test starts held (pipe_release)

  auto open = new_open(s, session, tree, ctx.connection);
  open->path = name;
  open->is_pipe = true;
  open->pipe = pipe;
  open->granted_access = access::map_generic(req.desired_access, tree.maximal_access);
  open->desired_access = req.desired_access;
  open->share_access = req.share_access;
  open->create_options = req.create_options;
  open->client_guid = ctx.connection.client_guid;
  // 3.3.5.9: "If the open is for a named pipe, the server MUST skip oplock acquisition" -> OplockLevel NONE
  // (2.2.14). No create contexts are granted on a pipe (no durability, 3.3.5.9.6/3.3.5.9.10 need a file).
  open->oplock_level = 0;
  proto::CreateResponse resp;
  resp.oplock_level = 0;
  resp.create_action = FILE_OPENED;
  resp.file_attributes = FILE_ATTRIBUTE_NORMAL;
  resp.file_id = {open->durable_file_id, open->file_id};
  ctx.produced_file_id = resp.file_id;
  ctx.open = &register_open(s, std::move(open));
  return resp;
}

HandlerResult pipe_write(RequestContext& ctx, Open& open, const proto::WriteRequest& req) {
  PipeInstance& p = *open.pipe;
  // 3.3.5.13: a pipe has no file size, so writing needs FILE_WRITE_DATA (the "within the file" rule).
  if (!(open.granted_access & access::FILE_WRITE_DATA)) {
    ++ctx.server.statistics.sts0_permerrors;
    return status::STATUS_ACCESS_DENIED;
  }
  if (req.data.size() > ctx.connection.max_write_size) return status::STATUS_INVALID_PARAMETER;  // 3.3.5.13
  if (req.channel != 0) return status::STATUS_INVALID_PARAMETER;                                 // no RDMA
  // The server end is gone: the pipe is broken (the object store's status is returned, 3.3.5.13).
  if (p.server_closed) return status::STATUS_PIPE_BROKEN;
  p.inbound.insert(p.inbound.end(), req.data.begin(), req.data.end());
  pump(ctx.server, p);
  proto::WriteResponse resp;
  resp.count = static_cast<std::uint32_t>(req.data.size());
  return resp;
}

HandlerResult pipe_read(RequestContext& ctx, Open& open, const proto::ReadRequest& req) {
  PipeInstance& p = *open.pipe;
  // (access, MaxReadSize, credit and channel checks of 3.3.5.12 are done by handle_read before this)
  if (!p.outbound.empty()) return read_result(p, req.length);
  if (p.server_closed) return status::STATUS_PIPE_BROKEN;
  if (req.length == 0) return proto::ReadResponse{};
  // Nothing to read: the READ waits for the server end (asynchronously, 3.3.4.2).
  return wait_on(ctx, open, /*is_read=*/true, req.length);
}

HandlerResult pipe_flush(RequestContext& ctx, Open& open) {
  PipeInstance& p = *open.pipe;
  pump(ctx.server, p);
  // 3.3.5.11 / 2.2.17: "If the open refers to a named pipe, the operation will complete once all data written
  // to the pipe has been consumed by a reader." A closed server end fails it with STATUS_PIPE_BROKEN.
  if (p.server_closed) return status::STATUS_PIPE_BROKEN;
  if (p.inbound.empty()) return proto::FlushResponse{};
  // The reader has not consumed everything: wait (<359>: Windows processes FLUSH asynchronously, interim
  // STATUS_PENDING per 3.3.4.2).
  return wait_on(ctx, open, /*is_read=*/false, 0);
}

nlohmann::json pipes_json(const Server& s) {
  nlohmann::json out = nlohmann::json::array();
  for (auto& [id, o] : s.global_open_table) {
    if (!o->pipe) continue;
    const PipeInstance& p = *o->pipe;
    out.push_back({{"file_id", {{"persistent", o->durable_file_id}, {"volatile", o->file_id}}},
                   {"name", p.name},
                   {"inbound_bytes", p.inbound.size()},
                   {"outbound_bytes", p.outbound.size()},
                   {"consumed_bytes", p.consumed},
                   {"reader_held", p.reader_held},
                   {"server_closed", p.server_closed},
                   {"pending_flushes", p.flushes.size()},
                   {"pending_reads", p.reads.size()}});
  }
  return out;
}

std::string pipe_control(Server& s, std::uint64_t durable_file_id, const std::string& op,
                         const std::vector<std::uint8_t>& data) {
  std::string err;
  Open* o = find_pipe_open(s, durable_file_id, err);
  if (!o) return err;
  PipeInstance& p = *o->pipe;
  if (op == "hold") {
    if (p.server_closed) return "the server end is closed";
    p.reader_held = true;
  } else if (op == "release") {
    if (p.server_closed) return "the server end is closed";
    p.reader_held = false;
    pump(s, p);
  } else if (op == "close") {
    close_server_end(s, p);
  } else if (op == "send") {
    if (p.server_closed) return "the server end is closed";
    p.outbound.insert(p.outbound.end(), data.begin(), data.end());
    pump(s, p);
  } else {
    return "unknown pipe op \"" + op + "\"";
  }
  return "";
}

}  // namespace smb::server
