// Control side channel request handling (see CONTROL.md for the protocol).
#include "smbserver/control.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "smbserver/lock_hooks.hpp"
#include "smbserver/oplock.hpp"
#include "smbserver/pipes.hpp"

namespace smb::server {
namespace {

using nlohmann::json;

json error(std::string msg) { return json{{"ok", false}, {"error", std::move(msg)}}; }

std::int64_t ms(Clock::Duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); }

const char* state_name(SessionState s) {
  switch (s) {
    case SessionState::in_progress: return "InProgress";
    case SessionState::valid: return "Valid";
    case SessionState::expired: return "Expired";
  }
  return "?";
}

const char* oplock_state_name(OplockState s) {
  switch (s) {
    case OplockState::none: return "None";
    case OplockState::held: return "Held";
    case OplockState::breaking: return "Breaking";
  }
  return "?";
}

json open_to_json(const Server& s, const Open& o) {
  json locks = json::array();
  for (const auto& e : o.lock_sequence_array) locks.push_back({{"valid", e.valid}, {"sequence_number", e.sequence_number}});
  std::int64_t timeout = 0;
  // Time left on the acknowledgment timer (MS-SMB2 3.3.2.1); 0 once due (the real timer may not have fired yet).
  if (o.oplock_state == OplockState::breaking) timeout = std::max<std::int64_t>(0, ms(o.oplock_timeout - s.clock.now()));
  return json{{"file_id", {{"persistent", o.durable_file_id}, {"volatile", o.file_id}}},
              {"path", o.path},
              {"share", o.tree_connect && o.tree_connect->share ? o.tree_connect->share->config.name : ""},
              {"tree_id", o.tree_connect ? o.tree_connect->tree_id : 0},
              {"is_directory", o.is_directory},
              {"granted_access", o.granted_access},
              {"desired_access", o.desired_access},
              {"share_access", o.share_access},
              {"oplock_level", o.oplock_level},
              {"oplock_state", oplock_state_name(o.oplock_state)},
              {"oplock_timeout_ms", timeout},
              {"lock_count", o.lock_count},
              {"locks", held_locks_json(o)},  // held byte ranges (lock_hooks.hpp)
              {"lock_sequence_array", std::move(locks)},
              {"is_durable", o.is_durable},
              {"is_resilient", o.is_resilient},
              {"is_persistent", o.is_persistent},
              {"is_replay_eligible", o.is_replay_eligible},
              {"delete_on_close", o.delete_on_close},
              {"flush_count", o.flush_count}};
}

std::optional<FaultOp> fault_op(const std::string& name) {
  if (name == "flush") return FaultOp::flush;
  if (name == "read") return FaultOp::read;
  if (name == "write") return FaultOp::write;
  if (name == "open") return FaultOp::open;
  if (name == "close") return FaultOp::close;
  if (name == "set_info") return FaultOp::set_info;
  return std::nullopt;
}

Share* share_arg(Server& s, const json& req, std::string& err) {
  if (!req.contains("share") || !req["share"].is_string()) {
    err = "missing string field \"share\"";
    return nullptr;
  }
  Share* sh = find_share(s, req["share"].get<std::string>());
  if (!sh || !sh->store) err = "unknown disk share \"" + req["share"].get<std::string>() + "\"";
  return sh && sh->store ? sh : nullptr;
}

}  // namespace

json state_to_json(const Server& s) {
  const auto& st = s.statistics;
  json server = {{"server_guid", proto::to_string(s.server_guid)},
                 {"statistics",
                  {{"sts0_start", st.sts0_start},
                   {"sts0_fopens", st.sts0_fopens},
                   {"sts0_devopens", st.sts0_devopens},
                   {"sts0_jobsqueued", st.sts0_jobsqueued},
                   {"sts0_sopens", st.sts0_sopens},
                   {"sts0_stimedout", st.sts0_stimedout},
                   {"sts0_serrorout", st.sts0_serrorout},
                   {"sts0_pwerrors", st.sts0_pwerrors},
                   {"sts0_permerrors", st.sts0_permerrors},
                   {"sts0_syserrors", st.sts0_syserrors},
                   {"sts0_bytessent", st.sts0_bytessent},
                   {"sts0_bytesrcvd", st.sts0_bytesrcvd}}},
                 {"oplock_timeout_ms", s.config.oplock_timeout.count()},
                 {"clock_offset_ms", ms(s.clock.offset())},
                 {"signing_required", s.config.signing_required},
                 {"multichannel", s.config.multichannel}};
  json connections = json::array();
  json sessions = json::array();
  for (const auto& [cid, c] : s.connections) {
    json sids = json::array();
    for (const auto& [sid, sess] : c->session_table) {
      sids.push_back(sid);
      json trees = json::array();
      for (const auto& [tid, t] : sess->tree_connect_table)
        trees.push_back({{"tree_id", tid},
                         {"share", t->share ? t->share->config.name : ""},
                         {"open_count", t->open_count},
                         {"maximal_access", t->maximal_access}});
      json opens = json::array();
      for (const auto& [fid, o] : sess->open_table) opens.push_back(open_to_json(s, *o));
      sessions.push_back({{"session_id", sid},
                          {"connection_id", cid},
                          {"state", state_name(sess->state)},
                          {"user", sess->user},
                          {"domain", sess->domain},
                          {"is_guest", sess->is_guest},
                          {"is_anonymous", sess->is_anonymous},
                          {"signing_required", sess->signing_required},
                          {"dialect", dialect_name(c->dialect)},
                          {"tree_connects", std::move(trees)},
                          {"opens", std::move(opens)}});
    }
    json async = json::array();
    for (const auto& [aid, r] : c->async_command_list)
      async.push_back({{"async_id", aid}, {"message_id", r.message_id}, {"command", r.command}});
    connections.push_back({{"connection_id", cid},
                           {"peer", c->transport ? c->transport->peer() : ""},
                           {"dialect", dialect_name(c->dialect)},
                           {"client_guid", proto::to_string(c->client_guid)},
                           {"client_capabilities", c->client_capabilities},
                           {"server_capabilities", c->server_capabilities},
                           {"supports_multi_credit", c->supports_multi_credit},
                           {"sequence_window", {{"low", c->window_low}, {"high", c->window_high}}},
                           {"session_ids", std::move(sids)},
                           {"async_requests", std::move(async)}});
  }
  json shares = json::array();
  for (const auto& [name, sh] : s.shares) {
    json stats = json::object();
    if (sh->store) {
      auto& ss = sh->store->statistics();
      stats = {{"flushes", ss.flushes.load()},
               {"flush_errors", ss.flush_errors.load()},
               {"reads", ss.reads.load()},
               {"writes", ss.writes.load()},
               {"opens", ss.opens.load()}};
    }
    shares.push_back({{"name", sh->config.name},
                      {"type", sh->is_pipe ? "pipe" : "disk"},
                      {"path", sh->config.root.string()},
                      {"read_only", sh->config.read_only},
                      {"continuously_available", sh->config.continuously_available},
                      {"statistics", std::move(stats)}});
  }
  return json{{"server", std::move(server)},
              {"pipes", pipes_json(s)},
              {"connections", std::move(connections)},
              {"sessions", std::move(sessions)},
              {"shares", std::move(shares)}};
}

json handle_control(Server& s, std::string_view line) {
  json req = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (req.is_discarded()) return error("malformed JSON");
  if (!req.is_object()) return error("request must be a JSON object");
  if (!req.contains("op") || !req["op"].is_string()) return error("missing string field \"op\"");
  std::string op = req["op"].get<std::string>();
  try {
    if (op == "ping") return json{{"ok", true}};
    if (op == "state") {
      json r = state_to_json(s);
      r["ok"] = true;
      return r;
    }
    if (op == "fault") {
      std::string err;
      Share* sh = share_arg(s, req, err);
      if (!sh) return error(err);
      if (req.value("operation", std::string()) == "oplock_ack") {
        // SMB2-OPLK-17 hook (oplock.hpp): the object store rejects the next `count` oplock acknowledgments.
        if (!req.contains("status") || !req["status"].is_string()) return error("missing string field \"status\"");
        auto st = status_from_string(req["status"].get<std::string>());
        if (!st || st->is_success()) return error("status must be an error status");
        int count = req.value("count", 1);
        if (count == 0 || count < -1) return error("count must be >= 1, or -1 for 'until cleared'");
        oplock_table(s).ack_fault = *st;
        oplock_table(s).ack_fault_count = count;
        return json{{"ok", true}};
      }
      auto fop = fault_op(req.value("operation", std::string("flush")));
      if (!fop) return error("unknown operation (flush|read|write|open|close|set_info)");
      if (!req.contains("status") || !req["status"].is_string()) return error("missing string field \"status\"");
      auto st = status_from_string(req["status"].get<std::string>());
      if (!st) return error("unknown status \"" + req["status"].get<std::string>() + "\"");
      Fault f;
      f.op = *fop;
      f.path = req.value("path", std::string());
      f.status = *st;
      f.count = req.value("count", 1);
      if (f.count == 0 || f.count < -1) return error("count must be >= 1, or -1 for 'until cleared'");
      sh->store->inject(f);
      return json{{"ok", true}};
    }
    if (op == "clear_faults") {
      for (auto& [n, sh] : s.shares)
        if (sh->store && (!req.contains("share") || find_share(s, req["share"].get<std::string>()) == sh.get()))
          sh->store->clear_faults();
      oplock_table(s).ack_fault_count = 0;  // the oplock_ack hook too (oplock.hpp)
      return json{{"ok", true}};
    }
    if (op == "advance_clock") {
      if (!req.contains("ms") || !req["ms"].is_number_integer() || req["ms"].get<std::int64_t>() < 0)
        return error("missing non-negative integer field \"ms\"");
      std::size_t fired = s.clock.advance(std::chrono::milliseconds(req["ms"].get<std::int64_t>()));
      return json{{"ok", true}, {"clock_offset_ms", ms(s.clock.offset())}, {"timers_fired", fired}};
    }
    if (op == "expire_session") {
      if (!req.contains("session_id") || !req["session_id"].is_number_unsigned())
        return error("missing unsigned integer field \"session_id\"");
      auto it = s.global_session_table.find(req["session_id"].get<std::uint64_t>());
      if (it == s.global_session_table.end()) return error("unknown session_id");
      it->second->state = SessionState::expired;  // SMB2-COMMON-02/03 hook (3.3.5.2.9)
      return json{{"ok", true}};
    }
    if (op == "volume") {
      std::string err;
      Share* sh = share_arg(s, req, err);
      if (!sh) return error(err);
      if (req.contains("read_only")) sh->store->set_volume_read_only(req["read_only"].get<bool>());
      if (req.contains("dismounted")) sh->store->set_volume_dismounted(req["dismounted"].get<bool>());
      return json{{"ok", true}};
    }
    if (op == "quiesce") {
      // What a runner needs to establish "nothing arrives on this connection within T" without waiting T (CONTROL.md
      // "quiesce"): per client connection (by the client's TCP port) the bytes this server has taken in (every
      // receive() processes its bytes to the end: this server is single-threaded and answers or parks each request
      // before it reads again), the bytes it has queued for sending and of those the bytes the socket took; and how
      // long until the next protocol timer (the only thing besides input and control ops that makes it send).
      if (!req.contains("ports") || !req["ports"].is_array()) return error("missing array field \"ports\"");
      json conns = json::array();
      for (const auto& pj : req["ports"]) {
        if (!pj.is_number_unsigned() || pj.get<std::uint64_t>() > 65535) return error("ports: not a TCP port");
        std::string suffix = ":" + std::to_string(pj.get<std::uint64_t>());
        json entry{{"port", pj}, {"found", false}};
        for (const auto& [id, c] : s.connections) {
          if (!c->transport || c->closed) continue;
          std::string peer = c->transport->peer();
          if (peer.size() < suffix.size() || peer.compare(peer.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
          entry = {{"port", pj}, {"found", true}, {"received", c->rx_total},
                   {"queued", c->transport->bytes_queued()}, {"written", c->transport->bytes_written()}};
          break;
        }
        conns.push_back(std::move(entry));
      }
      json next = nullptr;
      if (auto left = s.clock.time_until_next()) next = std::chrono::duration_cast<std::chrono::milliseconds>(*left).count();
      return json{{"ok", true}, {"connections", std::move(conns)}, {"next_timer_ms", next}};
    }
    if (op == "pipe_list") return json{{"ok", true}, {"pipes", pipes_json(s)}};
    if (op == "pipe_hold" || op == "pipe_release" || op == "pipe_close" || op == "pipe_send") {
      // Named-pipe server ends (pipes.hpp, CONTROL.md "Pipes"): "file_id" (persistent part) picks the open,
      // default the only open of smbconform-test; pipe_send takes "data" as hex.
      std::uint64_t fid = 0;
      if (req.contains("file_id")) {
        if (!req["file_id"].is_number_unsigned()) return error("file_id must be an unsigned integer");
        fid = req["file_id"].get<std::uint64_t>();
      }
      std::vector<std::uint8_t> data;
      if (op == "pipe_send") {
        if (!req.contains("data") || !req["data"].is_string()) return error("missing hex string field \"data\"");
        std::string hex = req["data"].get<std::string>();
        if (hex.size() % 2) return error("data: odd number of hex digits");
        for (std::size_t i = 0; i < hex.size(); i += 2) {
          auto nib = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) ? (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10) : -1; };
          int hi = nib(hex[i]), lo = nib(hex[i + 1]);
          if (hi < 0 || lo < 0) return error("data: not hex");
          data.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
        }
      }
      std::string e = pipe_control(s, fid, op.substr(5), data);
      if (!e.empty()) return error(e);
      return json{{"ok", true}};
    }
    return error("unknown op \"" + op + "\"");
  } catch (const json::exception& e) {
    return error(std::string("bad request: ") + e.what());
  }
}

}  // namespace smb::server
