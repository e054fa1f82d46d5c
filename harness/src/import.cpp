// Capture import: pcap/pcapng -> TCP reassembly -> SMB2 messages -> scenario JSON (sends, expects, variables).
#include "smbharness/import.hpp"

#include <pcap/pcap.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "smbharness/message_dispatch.hpp"
#include "smbproto/framing.hpp"
#include "smbproto/messages.hpp"
#include "smbproto/status.hpp"

namespace smb::harness {
namespace {

using json = nlohmann::json;

constexpr std::uint32_t kFsctlValidateNegotiateInfo = 0x00140204;  // MS-SMB2 2.2.31
constexpr std::uint32_t kFsctlDfsGetReferrals = 0x00060194;        // MS-SMB2 2.2.31, MS-DFSC
constexpr std::uint32_t kFsctlDfsGetReferralsEx = 0x000601B0;
/** Largest output a replayed request asks for: one credit's worth (MS-SMB2 3.2.4.1.5), whatever the recording's
 *  client negotiated, so the runner's CreditCharge of 1 stays valid. */
constexpr std::uint64_t kMaxReplayOutput = 65536;

/** One direction of a TCP connection, reassembled. */
struct HalfStream {
  bool started = false;
  std::uint32_t next = 0;
  wire::Bytes data;
  std::vector<std::pair<std::size_t, double>> times;  ///< (end offset, time) of each appended segment
  std::map<std::uint32_t, std::pair<wire::Bytes, double>> pending;

  void add(std::uint32_t seq, const std::uint8_t* p, std::size_t n, double t, bool syn) {
    if (syn) {
      started = true;
      next = seq + 1;
      return;
    }
    if (n == 0) return;
    if (!started) {
      started = true;
      next = seq;
    }
    pending[seq] = {wire::Bytes(p, p + n), t};
    // Flush what is contiguous; drop bytes already seen (retransmissions).
    for (auto it = pending.begin(); it != pending.end();) {
      std::int32_t delta = static_cast<std::int32_t>(it->first - next);
      const auto& [bytes, when] = it->second;
      if (delta > 0) break;
      std::size_t skip = static_cast<std::size_t>(-delta);
      if (skip < bytes.size()) {
        data.insert(data.end(), bytes.begin() + static_cast<std::ptrdiff_t>(skip), bytes.end());
        next += static_cast<std::uint32_t>(bytes.size() - skip);
        times.push_back({data.size(), when});
      }
      it = pending.erase(it);
    }
  }
  double time_at(std::size_t end_offset) const {
    for (const auto& [off, t] : times)
      if (off >= end_offset) return t;
    return times.empty() ? 0 : times.back().second;
  }
};

struct Stream {
  std::string client;  ///< "ip:port" of the client, for the description
  HalfStream to_server, to_client;
  double first = 0;
};

/** One SMB2 message of the capture. */
struct Msg {
  double time;
  std::size_t stream;
  bool from_client;
  std::size_t order;       ///< frame position, keeps compound members together and in order
  std::size_t member;      ///< index inside its compound chain
  std::size_t chain_size;
  wire::Bytes bytes;
};

/** Splits a reassembled direction into SMB2 messages. */
void split(const HalfStream& h, std::size_t stream, bool from_client, std::vector<Msg>& out, std::size_t& order) {
  std::size_t off = 0;
  while (off + 4 <= h.data.size()) {
    wire::ByteView payload;
    auto consumed = proto::parse_frame(wire::ByteView(h.data).subspan(off), payload);
    if (!consumed) break;
    double t = h.time_at(off + *consumed);
    off += *consumed;
    if (payload.size() < 4 || payload[0] != 0xFE) continue;  // SMB1 and non-SMB payloads are not imported
    auto members = proto::split_compound(payload);
    std::vector<wire::ByteView> parts;
    if (members) parts = *members;
    else parts.push_back(payload);
    for (std::size_t i = 0; i < parts.size(); ++i)
      out.push_back(Msg{t, stream, from_client, order, i, parts.size(), wire::Bytes(parts[i].begin(), parts[i].end())});
    ++order;
  }
}

std::string status_name(std::uint32_t v) {
  std::string s = to_string(NtStatus{v});
  auto sp = s.find(' ');
  if (s.rfind("STATUS_", 0) == 0 && sp != std::string::npos) return s.substr(0, sp);
  char b[16];
  std::snprintf(b, sizeof b, "0x%08x", v);
  return b;
}

/** `args` without the values a default-constructed request has (the runner fills those). */
json strip_defaults(const json& args, const json& defaults) {
  json out = json::object();
  for (const auto& [k, v] : args.items()) {
    if (k == "structure_size") continue;
    if (defaults.contains(k) && defaults[k] == v) continue;
    out[k] = v;
  }
  return out;
}

/** Replaces recorded FileIds by their variables. */
void substitute_file_ids(json& j, const std::map<std::pair<std::uint64_t, std::uint64_t>, std::string>& ids) {
  if (j.is_object()) {
    if (j.size() == 2 && j.contains("persistent") && j.contains("volatile") && j["persistent"].is_number_unsigned()) {
      auto key = std::make_pair(j["persistent"].get<std::uint64_t>(), j["volatile"].get<std::uint64_t>());
      if (auto it = ids.find(key); it != ids.end()) {
        j = "$" + it->second;
        return;
      }
    }
    for (auto& [k, v] : j.items()) substitute_file_ids(v, ids);
  } else if (j.is_array()) {
    for (auto& e : j) substitute_file_ids(e, ids);
  }
}

}  // namespace

std::optional<json> import_capture(const std::string& file, const ImportOptions& opt, std::string& error) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  std::unique_ptr<pcap_t, void (*)(pcap_t*)> p(pcap_open_offline(file.c_str(), errbuf), pcap_close);
  if (!p) {
    error = errbuf;
    return std::nullopt;
  }
  int link = pcap_datalink(p.get());
  std::map<std::string, std::size_t> index;
  std::vector<Stream> streams;
  pcap_pkthdr* h = nullptr;
  const u_char* d = nullptr;
  int rc;
  std::uint16_t server_port = opt.server_port;  // 0 = the port the first SMB2 request went to
  while ((rc = pcap_next_ex(p.get(), &h, &d)) == 1) {
    std::size_t n = h->caplen, off = 0;
    std::uint16_t ethertype = 0;
    if (link == DLT_EN10MB) {
      if (n < 14) continue;
      ethertype = static_cast<std::uint16_t>(d[12] << 8 | d[13]);
      off = 14;
      if (ethertype == 0x8100 && n >= 18) {
        ethertype = static_cast<std::uint16_t>(d[16] << 8 | d[17]);
        off = 18;
      }
    } else if (link == DLT_LINUX_SLL) {
      if (n < 16) continue;
      ethertype = static_cast<std::uint16_t>(d[14] << 8 | d[15]);
      off = 16;
    } else if (link == DLT_RAW || link == 12 || link == 14) {
      if (n < 1) continue;
      ethertype = (d[0] >> 4) == 6 ? 0x86DD : 0x0800;
    } else if (link == DLT_NULL || link == DLT_LOOP) {
      if (n < 4) continue;
      ethertype = (d[4] >> 4) == 6 ? 0x86DD : 0x0800;
      off = 4;
    } else {
      error = "unsupported link type " + std::to_string(link) + " (" + pcap_datalink_val_to_name(link) + ")";
      return std::nullopt;
    }
    std::string src, dst;
    std::size_t tcp;
    char buf[64];
    if (ethertype == 0x0800) {
      if (n < off + 20 || d[off + 9] != 6) continue;
      std::size_t ihl = (d[off] & 0x0F) * 4u;
      std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", d[off + 12], d[off + 13], d[off + 14], d[off + 15]);
      src = buf;
      std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", d[off + 16], d[off + 17], d[off + 18], d[off + 19]);
      dst = buf;
      std::size_t total = static_cast<std::size_t>(d[off + 2] << 8 | d[off + 3]);
      n = std::min(n, off + total);  // Ethernet padding is not payload
      tcp = off + ihl;
    } else if (ethertype == 0x86DD) {
      if (n < off + 40 || d[off + 6] != 6) continue;
      src = "[" + wire::to_hex(wire::ByteView(d + off + 8, 16)) + "]";
      dst = "[" + wire::to_hex(wire::ByteView(d + off + 24, 16)) + "]";
      tcp = off + 40;
    } else {
      continue;
    }
    if (n < tcp + 20) continue;
    std::uint16_t sport = static_cast<std::uint16_t>(d[tcp] << 8 | d[tcp + 1]);
    std::uint16_t dport = static_cast<std::uint16_t>(d[tcp + 2] << 8 | d[tcp + 3]);
    std::uint32_t seq = static_cast<std::uint32_t>(d[tcp + 4]) << 24 | d[tcp + 5] << 16 | d[tcp + 6] << 8 | d[tcp + 7];
    std::size_t doff = (d[tcp + 12] >> 4) * 4u;
    bool syn = (d[tcp + 13] & 0x02) != 0;
    if (n < tcp + doff) continue;
    if (server_port == 0) {
      // A Direct TCP frame (MS-SMB2 2.1) holding an SMB2 header without SMB2_FLAGS_SERVER_TO_REDIR is a request.
      const u_char* pl = d + tcp + doff;
      std::size_t len = n - tcp - doff;
      if (len >= 4 + 64 && pl[0] == 0 && pl[4] == 0xFE && pl[5] == 'S' && pl[6] == 'M' && pl[7] == 'B' && (pl[4 + 16] & 1) == 0)
        server_port = dport;
      else
        continue;
    }
    if (sport != server_port && dport != server_port) continue;
    bool to_server = dport == server_port;
    std::string client = to_server ? src + ":" + std::to_string(sport) : dst + ":" + std::to_string(dport);
    std::string server = to_server ? dst : src;
    std::string key = client + ">" + server;
    double t = static_cast<double>(h->ts.tv_sec) + h->ts.tv_usec / 1e6;
    auto it = index.find(key);
    if (it == index.end()) {
      it = index.emplace(key, streams.size()).first;
      streams.push_back(Stream{client, {}, {}, t});
    }
    Stream& s = streams[it->second];
    (to_server ? s.to_server : s.to_client).add(seq, d + tcp + doff, n - tcp - doff, t, syn);
  }
  std::vector<Msg> msgs;
  std::size_t order = 0;
  for (std::size_t i = 0; i < streams.size(); ++i) {
    split(streams[i].to_server, i, true, msgs, order);
    split(streams[i].to_client, i, false, msgs, order);
  }
  std::stable_sort(msgs.begin(), msgs.end(), [](const Msg& a, const Msg& b) {
    if (a.time != b.time) return a.time < b.time;
    if (a.stream != b.stream) return a.stream < b.stream;
    if (a.from_client != b.from_client) return a.from_client;  // a request precedes its response at equal times
    return std::make_pair(a.order, a.member) < std::make_pair(b.order, b.member);
  });

  // Build the scenario.
  struct Conn {
    std::string name;
    bool in_prologue = true;
    bool used = false;
    std::uint16_t dialect = 0;
    std::string share = "default";
    std::map<std::uint64_t, std::string> requests;  ///< MessageId -> command, of sends not yet answered
    std::set<std::uint64_t> skipped;                 ///< MessageIds of prologue requests
    std::map<std::uint64_t, bool> tree_connects;     ///< MessageId of a TREE_CONNECT -> to IPC$
    std::map<std::uint32_t, std::string> trees;      ///< recorded TreeId -> variable
    std::set<std::uint32_t> ipc_trees;
  };
  int tree_counter = 0;
  std::vector<Conn> conns(streams.size());
  for (std::size_t i = 0; i < conns.size(); ++i)
    conns[i].name = i < 26 ? std::string(1, static_cast<char>('A' + i)) : "C" + std::to_string(i);
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::string> file_ids;
  int file_counter = 0;
  json steps = json::array();
  json compound;            // members being collected for the current request chain
  std::size_t compound_order = 0;
  std::size_t compound_stream = 0;
  auto flush_compound = [&] {
    if (compound.is_null()) return;
    if (compound.size() == 1) {
      json st = compound[0];
      st.erase("related");
      if (conns.size() > 1) st["on"] = conns[compound_stream].name;
      steps.push_back(st);
    } else {
      json st{{"compound", compound}};
      if (conns.size() > 1) st["on"] = conns[compound_stream].name;
      steps.push_back(st);
    }
    compound = json();
  };
  std::size_t requests = 0;
  bool saw_rename = false;
  for (const auto& m : msgs) {
    Conn& c = conns[m.stream];
    wire::Reader rd(m.bytes);
    auto hdr = proto::decode_header(rd);
    if (!hdr) continue;
    auto cmd = static_cast<proto::Command>(hdr->command);
    std::string cmd_name(proto::to_string(cmd));
    // NEGOTIATE and SESSION_SETUP are the prologue ("connect": "session"); TREE_CONNECTs stay steps because a
    // client may connect several trees (smbclient asks IPC$ for a DFS referral before the share).
    bool prologue_cmd = cmd == proto::Command::NEGOTIATE || cmd == proto::Command::SESSION_SETUP;
    if (m.from_client) {
      if (m.member == 0 || m.order != compound_order || m.stream != compound_stream) flush_compound();
      if (prologue_cmd) {
        c.skipped.insert(hdr->message_id);
        continue;
      }
      auto req = proto::decode_request(m.bytes);
      if (req && cmd == proto::Command::TREE_CONNECT) {
        if (auto* tc = std::get_if<proto::TreeConnectRequest>(&req->body)) {
          std::string tail = tc->path.substr(tc->path.find_last_of('\\') + 1);
          bool ipc = tail == "IPC$" || tail == "ipc$";
          c.tree_connects[hdr->message_id] = ipc;
          ++requests;
          c.used = true;
          std::string name = "m" + std::to_string(hdr->message_id);
          json st{{"send", "TREE_CONNECT"}, {"name", name},
                  {"args", {{"path", ipc ? std::string("\\\\$host\\IPC$$") : std::string("\\\\$host\\$share")}}}};
          if (conns.size() > 1) st["on"] = c.name;
          c.requests[hdr->message_id] = "TREE_CONNECT";
          if (compound.is_null()) {
            compound = json::array();
            compound_order = m.order;
            compound_stream = m.stream;
          }
          compound.push_back(st);
          continue;
        }
      }
      if (req) {
        if (auto* io = std::get_if<proto::IoctlRequest>(&req->body);
            io && (io->ctl_code == kFsctlValidateNegotiateInfo || io->ctl_code == kFsctlDfsGetReferrals ||
                   io->ctl_code == kFsctlDfsGetReferralsEx)) {
          // VALIDATE_NEGOTIATE_INFO is part of the tree connect (MS-SMB2 3.2.5.5) and carries the recorded client's
          // negotiate values; DFS referrals are the client's path resolution (MS-DFSC), not the session's work.
          c.skipped.insert(hdr->message_id);
          continue;
        }
      }
      c.in_prologue = false;
      c.used = true;
      ++requests;
      json st;
      if (!req || cmd_name.empty()) {
        st = {{"send_raw", wire::to_hex(m.bytes)}, {"comment", "request that does not decode; sent as recorded"}};
        if (conns.size() > 1) st["on"] = c.name;
        steps.push_back(st);
        c.requests[hdr->message_id] = cmd_name;
        continue;
      }
      bool on_ipc = c.ipc_trees.count(hdr->tree_id) != 0;
      if (auto* si = std::get_if<proto::SetInfoRequest>(&req->body); si && si->info_type == 1 && si->file_info_class == 10)
        saw_rename = true;  // MS-FSCC 2.4.42 FileRenameInformation: the new name sits inside the buffer
      json args = to_json(req->body);
      proto::RequestBody dflt;
      request_from_json(cmd_name, json::object(), dflt);
      args = strip_defaults(args, to_json(dflt));
      for (const char* k : {"output_buffer_length", "max_output_response"})
        if (args.contains(k) && args[k].is_number_unsigned() && args[k].get<std::uint64_t>() > kMaxReplayOutput)
          args[k] = kMaxReplayOutput;
      if (opt.use_dir && !on_ipc && cmd == proto::Command::CREATE) {
        std::string n = args.value("name", "");
        args["name"] = n.empty() ? "$dir" : "$dir\\" + n;
      }
      substitute_file_ids(args, file_ids);
      std::string name = "m" + std::to_string(hdr->message_id);
      st = {{"send", cmd_name}, {"name", name}};
      if (!args.empty()) st["args"] = args;
      if (cmd == proto::Command::CANCEL) {
        st.erase("name");
        if (hdr->is_async()) st["header"] = {{"async_id", "$" + c.name + "_async_" + std::to_string(hdr->async_id)}};
        else st["header"] = {{"message_id", hdr->message_id}};
      }
      if (!hdr->is_async() && c.trees.count(hdr->tree_id) && !(hdr->flags & proto::SMB2_FLAGS_RELATED_OPERATIONS))
        st["header"] = {{"tree_id", "$" + c.trees[hdr->tree_id]}};
      if (hdr->flags & proto::SMB2_FLAGS_RELATED_OPERATIONS) st["related"] = true;
      if (cmd != proto::Command::CANCEL) c.requests[hdr->message_id] = cmd_name;
      if (compound.is_null()) {
        compound = json::array();
        compound_order = m.order;
        compound_stream = m.stream;
      }
      compound.push_back(st);
      continue;
    }
    // A response.
    flush_compound();
    if (c.skipped.count(hdr->message_id)) {
      if (cmd == proto::Command::NEGOTIATE && hdr->nt_status() == status::STATUS_SUCCESS) {
        if (auto r = proto::decode_response(m.bytes))
          if (auto* n = std::get_if<proto::NegotiateResponse>(&r->body)) c.dialect = n->dialect_revision;
      }
      continue;
    }
    if (hdr->message_id == proto::kUnsolicitedMessageId) {
      auto r = proto::decode_response(m.bytes);
      std::string what = r ? body_name(r->body) : "OPLOCK_BREAK";
      if (what != "OPLOCK_BREAK" && what != "LEASE_BREAK") continue;
      json st{{"expect_unsolicited", what}};
      if (conns.size() > 1) st["on"] = c.name;
      steps.push_back(st);
      continue;
    }
    auto it = c.requests.find(hdr->message_id);
    if (it == c.requests.end()) continue;
    std::string name = "m" + std::to_string(hdr->message_id);
    bool interim = hdr->is_async() && hdr->nt_status() == status::STATUS_PENDING;
    if (interim) {
      // MS-SMB2 3.3.4.2: stop at the interim so a later CANCEL can name the AsyncId.
      json st{{"expect", it->second}, {"request", name}, {"interim", "only"},
              {"capture", {{c.name + "_async_" + std::to_string(hdr->async_id), "header.async_id"}}}};
      if (conns.size() > 1) st["on"] = c.name;
      steps.push_back(st);
      continue;
    }
    auto r = proto::decode_response(m.bytes);
    std::string expect = r ? body_name(r->body) : it->second;
    if (expect != "ERROR") expect = it->second;
    json st{{"expect", expect}, {"request", name}, {"status", status_name(hdr->status)}};
    if (auto tc = c.tree_connects.find(hdr->message_id); tc != c.tree_connects.end() && hdr->nt_status() == status::STATUS_SUCCESS) {
      std::string var = "t" + std::to_string(++tree_counter);
      c.trees[hdr->tree_id] = var;
      if (tc->second) c.ipc_trees.insert(hdr->tree_id);
      st["capture"] = {{var, "header.tree_id"}};
    }
    if (r && cmd == proto::Command::CREATE && hdr->nt_status() == status::STATUS_SUCCESS) {
      if (auto* cr = std::get_if<proto::CreateResponse>(&r->body)) {
        std::string var = "f" + std::to_string(++file_counter);
        file_ids[{cr->file_id.persistent, cr->file_id.volatile_}] = var;
        st["capture"] = {{var, "file_id"}};
      }
    }
    if (conns.size() > 1) st["on"] = c.name;
    steps.push_back(st);
    c.requests.erase(it);
  }
  flush_compound();
  if (requests == 0) {
    error = server_port == 0 ? "no SMB2 request in the capture"
                             : "no SMB2 request after the prologue on TCP port " + std::to_string(server_port);
    return std::nullopt;
  }
  if (saw_rename && opt.use_dir) {
    // A rename's target name is bytes inside the SET_INFO buffer, where "$dir" cannot be substituted: replay
    // the recorded names as they are (at the share root) instead.
    ImportOptions flat = opt;
    flat.use_dir = false;
    return import_capture(file, flat, error);
  }
  json connections = json::object();
  for (const auto& c : conns) {
    if (!c.used) continue;
    json cj{{"connect", "session"}};
    if (c.dialect != 0) {
      char b[16];
      std::snprintf(b, sizeof b, "%x.%x.%x", c.dialect >> 8, (c.dialect >> 4) & 0xF, c.dialect & 0xF);
      std::string ds = b;
      if (ds.size() > 4 && ds.substr(ds.size() - 2) == ".0" && c.dialect != 0x0300) ds = ds.substr(0, ds.size() - 2);
      if (c.dialect == 0x0202) ds = "2.0.2";
      if (c.dialect == 0x0210) ds = "2.1";
      if (c.dialect == 0x0300) ds = "3.0";
      if (c.dialect == 0x0302) ds = "3.0.2";
      if (c.dialect == 0x0311) ds = "3.1.1";
      cj["dialects"] = json::array({ds});
    }
    connections[c.name] = cj;
  }
  json sc;
  sc["id"] = opt.id;
  sc["title"] = "Replay of " + std::filesystem::path(opt.source.empty() ? file : opt.source).filename().string();
  sc["description"] =
      "Imported by smbconform import from " + std::filesystem::path(opt.source.empty() ? file : opt.source).filename().string() +
      ": the recorded client's requests are replayed as sends and each recorded final response's status "
      "(and command) is expected (MS-SMB2 3.3.4.4 echoes Command and MessageId; the statuses are those the recorded "
      "server returned). NEGOTIATE, SESSION_SETUP and FSCTL_VALIDATE_NEGOTIATE_INFO became each connection's "
      "prologue; DFS referral requests (MS-DFSC path resolution) were left out; output buffer lengths were capped "
      "at 65536 (one credit); TREE_CONNECTs go to $share or IPC$ with TreeIds captured; FileIds are captured from "
      "CREATE responses;" +
      std::string(opt.use_dir ? " names live under $dir."
                              : " names are replayed as recorded, at the share root, because the session renames a file "
                                "(the new name is inside a SET_INFO buffer).");
  sc["requirements"] = opt.requirements;
  sc["spec"] = json::array({"MS-SMB2 3.3.4.4", "MS-SMB2 2.2"});
  sc["level"] = "MUST";
  sc["connections"] = connections;
  sc["steps"] = steps;
  return sc;
}

}  // namespace smb::harness
