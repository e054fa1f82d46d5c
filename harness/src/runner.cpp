// The run loop: unsupported checks, prologue per connection, $dir, one run_<step> per step kind, verdicts.
#include "smbharness/runner.hpp"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <deque>
#include <mutex>
#include <random>
#include <thread>

#include "smbharness/client.hpp"
#include "smbharness/error.hpp"
#include "smbharness/message_dispatch.hpp"
#include "smbharness/message_fields.hpp"
#include "smbharness/parallel.hpp"
#include "smbharness/smb1_runner.hpp"
#include "smbharness/values.hpp"

namespace smb::harness {
namespace {

using json = nlohmann::json;

struct Outstanding {
  std::uint64_t message_id;
  std::string command;
  std::string name;
  Clock::time_point sent_at = Clock::now();
  bool interim_seen = false;  ///< an interim response was consumed by an `"interim": "only"` step
};

struct Conn {
  ConnectionSpec spec;
  std::optional<Client> client;
  std::deque<Outstanding> outstanding;
  std::deque<Received> stash;  ///< received but not yet consumed by a step
  std::shared_ptr<Smb1Conn> smb1;  ///< set for "protocol": "smb1" connections (smb1_runner.hpp)
};

/** A step's grade and detail (detail without the file/step prefix). */
struct Grade {
  Verdict verdict = Verdict::pass;
  std::string detail;
};

Grade ok() { return {}; }
Grade failed(std::string d) { return {Verdict::fail, std::move(d)}; }
Grade ungraded(std::string d) { return {Verdict::ungraded, std::move(d)}; }

/** MS-SMB2 2.2.4 Capabilities bit of a requires.capabilities name. */
std::uint32_t capability_bit(const std::string& n) {
  static const std::map<std::string, std::uint32_t> m{{"DFS", 0x1},           {"LEASING", 0x2},
                                                      {"LARGE_MTU", 0x4},     {"MULTI_CHANNEL", 0x8},
                                                      {"PERSISTENT_HANDLES", 0x10}, {"DIRECTORY_LEASING", 0x20},
                                                      {"ENCRYPTION", 0x40},   {"NOTIFICATIONS", 0x80}};
  auto it = m.find(n);
  return it == m.end() ? 0 : it->second;
}

/** Status expectation: exact name/hex, any_of, not, any. nullopt on match. */
std::optional<std::string> match_status(const json& expected, NtStatus actual) {
  if (is_matcher_object(expected)) {
    for (const auto& [k, v] : expected.items()) {
      if (k == "any") continue;
      if (k == "any_of") {
        bool any = false;
        std::string names;
        for (const auto& e : v) {
          any = any || !match_status(e, actual);
          names += (names.empty() ? "" : ", ") + (e.is_string() ? e.get<std::string>() : e.dump());
        }
        if (!any) return "expected any of [" + names + "] vs actual " + to_string(actual);
      } else if (k == "not") {
        if (!match_status(v, actual)) return "expected not " + (v.is_string() ? v.get<std::string>() : v.dump()) + " vs actual " + to_string(actual);
      }
    }
    return std::nullopt;
  }
  std::optional<NtStatus> want;
  if (expected.is_string()) want = status_from_string(expected.get<std::string>());
  if (expected.is_number_unsigned()) want = NtStatus{static_cast<std::uint32_t>(expected.get<std::uint64_t>())};
  if (!want) return "expected <bad status " + expected.dump() + ">";
  if (*want != actual) return "expected " + to_string(*want) + " vs actual " + to_string(actual);
  return std::nullopt;
}

/** Spec name of a wire Command code, or its hex spelling for a code MS-SMB2 2.2.1 does not define. */
std::string command_name(std::uint16_t code) {
  std::string_view n = proto::to_string(static_cast<proto::Command>(code));
  if (!n.empty()) return std::string(n);
  char b[16];
  std::snprintf(b, sizeof b, "0x%04x", code);
  return b;
}

/** `offered` narrowed to the dialects the target profile says the server speaks (all of `offered` when unstated). */
std::vector<std::uint16_t> narrow_dialects(const std::vector<std::uint16_t>& offered, const Target& t) {
  if (t.dialects.empty()) return offered;
  std::vector<std::uint16_t> out;
  for (auto d : offered)
    if (std::find(t.dialects.begin(), t.dialects.end(), d) != t.dialects.end()) out.push_back(d);
  return out;
}

json received_json(const Received& r) {
  json j;
  j["command"] = r.body ? body_name(*r.body) : command_name(r.header.command);
  j["status"] = to_string(r.header.nt_status());
  j["header"] = proto::to_json_value(r.header);
  if (r.body) j["body"] = to_json(*r.body);
  else j["decode_error"] = r.decode_error.message();
  j["hex"] = wire::to_hex(r.bytes);
  return j;
}

std::string describe(const Received& r) {
  return command_name(r.header.command) + " " + (r.header.is_response() ? "response" : "message") + " " + to_string(r.header.nt_status()) +
         " (MessageId " + std::to_string(r.header.message_id) + ")";
}

/** Control-state field names with symbolic values. */
const proto::NameTable* control_names(const std::string& leaf) {
  if (leaf == "granted_access") return &proto::names::access_mask;
  if (leaf == "oplock_level") return &proto::names::oplock_level;
  return nullptr;
}

/** Matches a resolved expectation against a JSON value from the control channel. */
std::optional<std::string> match_json(const json& expected, const json& actual, const std::string& leaf) {
  const proto::NameTable* names = control_names(leaf);
  if (actual.is_number_unsigned() || actual.is_number_integer()) {
    std::uint64_t a = actual.is_number_unsigned() ? actual.get<std::uint64_t>() : static_cast<std::uint64_t>(actual.get<std::int64_t>());
    return match_value(expected, a, names);
  }
  if (actual.is_boolean()) return match_value(expected, actual.get<bool>(), nullptr);
  if (actual.is_string()) return match_value(expected, actual.get<std::string>(), nullptr);
  if (is_matcher_object(expected)) {
    if (expected.contains("any")) return std::nullopt;
    if (expected.contains("any_of")) {
      for (const auto& e : expected["any_of"]) if (!match_json(e, actual, leaf)) return std::nullopt;
      return "expected any of " + expected["any_of"].dump() + " vs actual " + actual.dump();
    }
    if (expected.contains("not")) {
      if (!match_json(expected["not"], actual, leaf)) return "expected not " + expected["not"].dump() + " vs actual " + actual.dump();
      return std::nullopt;
    }
  }
  if (expected.is_object() && actual.is_object()) {
    for (const auto& [k, v] : expected.items()) {
      if (!actual.contains(k)) return k + ": expected " + v.dump() + " vs actual <absent>";
      if (auto m = match_json(v, actual[k], k)) return k + ": " + *m;
    }
    return std::nullopt;
  }
  if (expected != actual) return "expected " + expected.dump() + " vs actual " + actual.dump();
  return std::nullopt;
}

std::optional<json> json_path(const json& root, const std::string& path) {
  auto segs = parse_path(path);
  if (!segs) return std::nullopt;
  const json* cur = &root;
  for (const auto& s : *segs) {
    if (!cur->is_object() || !cur->contains(s.name)) return std::nullopt;
    cur = &(*cur)[s.name];
    if (s.index) {
      if (!cur->is_array() || *s.index >= cur->size()) return std::nullopt;
      cur = &(*cur)[*s.index];
    }
  }
  return *cur;
}

class Run {
 public:
  Run(const Scenario& sc, const Target& target, const RunOptions& opts, ScenarioResult& res)
      : sc_(sc), target_(target), opts_(opts), res_(res) {}

  void run();

 private:
  std::string where(const StepInfo& i) const { return sc_.file + ": step " + std::to_string(i.index) + " (" + i.label + ")"; }
  Deadline step_deadline(const StepInfo& i) const {
    return deadline_in(std::chrono::milliseconds(i.timeout_ms.value_or(sc_.timeout_ms)));
  }
  std::string prologue(Conn& c);
  std::string setup_dir();
  void cleanup_dir();
  Account account_for(const std::string& name) const;
  std::string unc(const std::string& share) const { return "\\\\" + target_.host + "\\" + share; }
  std::string share_for(const ConnectionSpec& spec) const {
    if (spec.share == "ipc") return "IPC$";
    if (spec.account == "guest" && target_.guest_share) return *target_.guest_share;
    return target_.share;
  }
  void set_conn_vars(Conn& c);
  Conn* conn(const std::string& name) { return &conns_.at(name); }
  /** reference_quiet (target.hpp) over every open connection of the scenario, watching `port`. */
  bool settle_nothing(std::uint16_t port, std::chrono::milliseconds window) const {
    if (!target_.is_reference || target_.control_path.empty()) return false;
    std::vector<ClientBytes> all;
    for (const auto& [n, c] : conns_) {
      const TcpTransport* t = c.smb1 ? smb1_transport(*c.smb1) : (c.client && c.client->is_open() ? &c.client->transport() : nullptr);
      if (t) all.push_back({t->local_port(), t->bytes_sent(), t->bytes_received(), t->buffered()});
    }
    return reference_quiet(target_.control_path, all, port, window, deadline_in(std::min(window, std::chrono::milliseconds(1000))));
  }
  Result<Received> next_message(Conn& c, Deadline d, const std::function<bool(const Received&)>& want, StepResult& sr);
  /** nullopt when `o` matches; else the mismatch (verdict fail) or a harness problem (ungraded). */
  std::optional<Grade> check_outcome(const Outcome& o, const std::string& response, const Received& r,
                                     const std::string& req_command, bool is_unsolicited);
  Grade apply_captures(const std::map<std::string, std::string>& capture, const Received& r);
  /** nullopt when `at` is inside the step's timing window; else the located mismatch. */
  std::optional<Grade> check_timing(const std::optional<Timing>& t, Clock::time_point reference_default,
                                    Clock::time_point at);
  /** The step deadline, extended so that a max_ms window is never cut short by the default step timeout. */
  Deadline timed_deadline(const StepInfo& i, const std::optional<Timing>& t, Clock::time_point reference_default) const {
    Deadline d = step_deadline(i);
    if (t && t->max_ms && !i.timeout_ms) {
      Clock::time_point ref = t->since.empty() ? reference_default : marks_.at(t->since);
      d = std::max(d, ref + std::chrono::milliseconds(*t->max_ms + 1000));
    }
    return d;
  }

  Grade run_step(const SendStep& s, StepResult& sr);
  Grade run_step(const CompoundStep& s, StepResult& sr);
  Grade run_step(const SendRawStep& s, StepResult& sr);
  Grade run_step(const ExpectStep& s, StepResult& sr);
  Grade run_step(const ExpectUnsolicitedStep& s, StepResult& sr);
  Grade run_step(const ExpectNothingStep& s, StepResult& sr);
  Grade run_step(const ExpectDisconnectStep& s, StepResult& sr);
  Grade run_step(const DisconnectStep& s, StepResult& sr);
  Grade run_step(const ReconnectStep& s, StepResult& sr);
  Grade run_step(const WaitStep& s, StepResult& sr);
  Grade run_step(const ControlStep& s, StepResult& sr);

  Grade build_request(const SendSpec& spec, Conn& c, proto::Header& h, proto::RequestBody& body, SendOptions& so,
                      const proto::Header* first);

  const Scenario& sc_;
  const Target& target_;
  const RunOptions& opts_;
  ScenarioResult& res_;
  Variables vars_;
  std::map<std::string, Conn> conns_;
  std::string dir_;
  std::map<std::string, Clock::time_point> marks_;  ///< named sends and `mark`s (timing reference points)
};

Account Run::account_for(const std::string& name) const {
  Account a;
  if (name == "user2" && target_.user2) a.credentials = *target_.user2;
  else if (name == "guest") a.kind = Account::Kind::guest;
  else if (name == "anonymous") a.kind = Account::Kind::anonymous;
  else a.credentials = target_.user;
  return a;
}

void Run::set_conn_vars(Conn& c) {
  json v = json::object();
  const Client* cl = c.client ? &*c.client : nullptr;
  v["session_id"] = cl ? cl->session_id() : 0;
  v["tree_id"] = cl ? cl->tree_id() : 0;
  v["dialect"] = cl ? cl->dialect() : 0;
  v["capabilities"] = cl ? cl->negotiate_response().capabilities : 0;
  v["security_mode"] = cl ? cl->negotiate_response().security_mode : 0;
  v["max_read_size"] = cl ? cl->negotiate_response().max_read_size : 0;
  v["max_write_size"] = cl ? cl->negotiate_response().max_write_size : 0;
  v["max_transact_size"] = cl ? cl->negotiate_response().max_transact_size : 0;
  vars_.set(c.spec.name, v);
}

std::string Run::prologue(Conn& c) {
  if (c.spec.protocol == "smb1") {  // SMB1 connections (smb1_runner.hpp)
    Smb1RunContext x{sc_, target_, opts_, vars_, marks_, res_.capture.get()};
    return smb1_prologue(c.smb1, c.spec, x);
  }
  Deadline d = deadline_in(std::chrono::milliseconds(opts_.prologue_timeout_ms));
  c.outstanding.clear();
  c.stash.clear();
  c.client.reset();
  auto cl = Client::connect(target_.host, target_.port, d, res_.capture.get(), c.spec.name);
  std::string who = "connection " + c.spec.name + ": ";
  if (!cl) return who + "connect to " + target_.host + ":" + std::to_string(target_.port) + " failed: " + cl.error().message();
  c.client.emplace(std::move(*cl));
  set_conn_vars(c);
  if (c.spec.connect == ConnectionSpec::Connect::manual) return "";
  NegotiateOptions no;
  no.dialects = narrow_dialects(c.spec.dialects, target_);
  no.security_mode = c.spec.signing == ConnectionSpec::Signing::required ? (kSigningEnabled | kSigningRequired)
                     : c.spec.signing == ConnectionSpec::Signing::none   ? 0
                                                                         : kSigningEnabled;
  auto n = c.client->negotiate(no, d);
  if (!n) {
    std::string extra = n.error() == errc::negotiate_failed ? " (" + to_string(c.client->last_status()) + ")" : "";
    return who + "NEGOTIATE failed: " + n.error().message() + extra;
  }
  set_conn_vars(c);
  if (c.spec.connect == ConnectionSpec::Connect::negotiate || c.spec.account == "none") return "";
  auto s = c.client->session_setup(account_for(c.spec.account), d);
  if (!s) {
    std::string extra = s.error() == errc::auth_failed ? " (" + to_string(c.client->last_status()) + ")" : "";
    return who + "SESSION_SETUP as " + c.spec.account + " failed: " + s.error().message() + extra;
  }
  set_conn_vars(c);
  if (c.spec.connect == ConnectionSpec::Connect::session || c.spec.share == "none") return "";
  auto t = c.client->tree_connect(unc(share_for(c.spec)), d);
  if (!t) {
    std::string extra = t.error() == errc::tree_connect_failed ? " (" + to_string(c.client->last_status()) + ")" : "";
    return who + "TREE_CONNECT " + unc(share_for(c.spec)) + " failed: " + t.error().message() + extra;
  }
  set_conn_vars(c);
  return "";
}

std::string Run::setup_dir() {
  thread_local std::mt19937 rng{std::random_device{}()};  // a name, not a secret: seeded once per thread
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(rng()));
  dir_ = "smbconform-" + sc_.id + "-" + suffix;
  vars_.set("dir", dir_);
  // The reference server's share is a local directory and its object store works on the real files, so the
  // fixture directory is made there directly, as cleanup_dir() removes it: one connection and logon fewer per
  // scenario (issue 9, runner throughput). External targets get it over SMB2 below.
  if (target_.is_reference && !target_.share_root.empty()) {
    std::error_code ec;
    if (!std::filesystem::create_directory(target_.share_root / dir_, ec))
      return "$dir setup: cannot create " + (target_.share_root / dir_).string() + ": " +
             (ec ? ec.message() : std::string("already exists"));
    return "";
  }
  Deadline d = deadline_in(std::chrono::milliseconds(opts_.prologue_timeout_ms));
  auto cl = Client::connect(target_.host, target_.port, d, res_.capture.get(), "_setup");
  if (!cl) return "$dir setup: connect failed: " + cl.error().message();
  NegotiateOptions no;
  no.dialects = narrow_dialects(no.dialects, target_);
  if (auto n = cl->negotiate(no, d); !n) return "$dir setup: NEGOTIATE failed: " + n.error().message();
  if (auto s = cl->session_setup(account_for("user"), d); !s) return "$dir setup: SESSION_SETUP failed: " + s.error().message();
  if (auto t = cl->tree_connect(unc(target_.share), d); !t) return "$dir setup: TREE_CONNECT failed: " + t.error().message();
  proto::CreateRequest cr;
  cr.impersonation_level = 2;           // Impersonation
  cr.desired_access = 0x00100081;       // SYNCHRONIZE | FILE_READ_ATTRIBUTES | FILE_LIST_DIRECTORY
  cr.file_attributes = 0x10;            // FILE_ATTRIBUTE_DIRECTORY
  cr.share_access = 0x7;
  cr.create_disposition = 2;            // FILE_CREATE
  cr.create_options = 0x1;              // FILE_DIRECTORY_FILE
  cr.name = dir_;
  auto id = cl->send(cl->make_header(proto::Command::CREATE), cr);
  if (!id) return "$dir setup: send failed";
  auto r = cl->wait_for(*id, d);
  if (!r) return "$dir setup: CREATE: " + r.error().message();
  if (r->header.nt_status() != status::STATUS_SUCCESS || !r->body)
    return "$dir setup: CREATE " + dir_ + " failed: " + to_string(r->header.nt_status());
  auto* resp = std::get_if<proto::CreateResponse>(&*r->body);
  if (resp == nullptr) return "$dir setup: CREATE returned no CREATE body";
  proto::CloseRequest close;
  close.file_id = resp->file_id;
  if (auto cid = cl->send(cl->make_header(proto::Command::CLOSE), close)) (void)cl->wait_for(*cid, d);
  return "";
}

void Run::cleanup_dir() {
  if (dir_.empty()) return;
  if (target_.is_reference && !target_.share_root.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(target_.share_root / dir_, ec);
    return;
  }
  // External target: best effort, delete the (hopefully empty) directory with DELETE_ON_CLOSE.
  Deadline d = deadline_in(std::chrono::milliseconds(opts_.prologue_timeout_ms));
  auto cl = Client::connect(target_.host, target_.port, d, res_.capture.get(), "_cleanup");
  if (!cl || !cl->negotiate({}, d) || !cl->session_setup(account_for("user"), d) || !cl->tree_connect(unc(target_.share), d))
    return;
  proto::CreateRequest cr;
  cr.impersonation_level = 2;
  cr.desired_access = 0x00010000 | 0x00100000;  // DELETE | SYNCHRONIZE
  cr.share_access = 0x7;
  cr.create_disposition = 1;                    // FILE_OPEN
  cr.create_options = 0x1 | 0x1000;             // FILE_DIRECTORY_FILE | FILE_DELETE_ON_CLOSE
  cr.name = dir_;
  auto id = cl->send(cl->make_header(proto::Command::CREATE), cr);
  if (!id) return;
  auto r = cl->wait_for(*id, d);
  if (!r || !r->body) return;
  if (auto* resp = std::get_if<proto::CreateResponse>(&*r->body)) {
    proto::CloseRequest close;
    close.file_id = resp->file_id;
    if (auto cid = cl->send(cl->make_header(proto::Command::CLOSE), close)) (void)cl->wait_for(*cid, d);
  }
}

Grade Run::build_request(const SendSpec& spec, Conn& c, proto::Header& h, proto::RequestBody& body, SendOptions& so,
                         const proto::Header* first) {
  std::string err;
  json args = resolve(spec.args, vars_, err);
  if (!err.empty()) return ungraded("field args: " + err);
  if (auto e = request_from_json(spec.command, args, body)) return ungraded("field " + e->path + ": " + e->message);
  auto cmd = command_of_name(spec.command);
  std::size_t payload = 0;
  if (auto* rd = std::get_if<proto::ReadRequest>(&body)) payload = rd->length;
  if (auto* wr = std::get_if<proto::WriteRequest>(&body)) payload = wr->data.size();
  h = c.client->make_header(*cmd, payload);
  if (spec.related && first) {
    h.session_id = first->session_id;
    h.tree_id = first->tree_id;
    h.flags |= proto::SMB2_FLAGS_RELATED_OPERATIONS;
  }
  if (*cmd == proto::Command::CANCEL && !c.outstanding.empty()) h.message_id = c.outstanding.back().message_id;
  json hdr = resolve(spec.header, vars_, err);
  if (!err.empty()) return ungraded("field header: " + err);
  if (auto e = header_from_json(hdr, h)) return ungraded("field " + e->path + ": " + e->message);
  if (hdr.contains("message_id")) so.advance_message_id = false;
  if (hdr.contains("async_id")) h.flags |= proto::SMB2_FLAGS_ASYNC_COMMAND;
  so.sign = spec.sign;
  for (const auto& p : spec.patches) so.patches.push_back({p.offset, *wire::from_hex(p.hex)});
  return ok();
}

Grade Run::run_step(const SendStep& s, StepResult& sr) {
  Conn& c = *conn(s.info.connection);
  if (!c.client || !c.client->is_open()) return failed("connection " + c.spec.name + " is closed");
  proto::Header h;
  proto::RequestBody body;
  SendOptions so;
  if (auto g = build_request(s.send, c, h, body, so, nullptr); g.verdict != Verdict::pass) return g;
  auto id = c.client->send(h, body, so);
  if (!so.patches.empty()) res_.capture->mark_last_sent_malformed(c.spec.name);
  sr.sent.push_back({{"command", s.send.command}, {"header", proto::to_json_value(h)}, {"body", to_json(body)},
                     {"hex", wire::to_hex(c.client->last_sent())}});
  if (!id) return failed("send failed: " + id.error().message());
  if (s.send.command != "CANCEL") c.outstanding.push_back({*id, s.send.command, s.send.name});
  if (!s.send.name.empty()) {
    vars_.set(s.send.name, json{{"message_id", *id}});
    marks_[s.send.name] = Clock::now();
  }
  return ok();
}

Grade Run::run_step(const CompoundStep& s, StepResult& sr) {
  Conn& c = *conn(s.info.connection);
  if (!c.client || !c.client->is_open()) return failed("connection " + c.spec.name + " is closed");
  std::vector<proto::Header> hs;
  std::vector<proto::RequestBody> bodies;
  std::vector<SendOptions> sos;
  for (const auto& m : s.members) {
    proto::Header h;
    proto::RequestBody body;
    SendOptions so;
    if (auto g = build_request(m, c, h, body, so, hs.empty() ? nullptr : &hs.front()); g.verdict != Verdict::pass) return g;
    // Later members take the next MessageIds (make_header read the counter before the chain advanced it).
    if (so.advance_message_id && !hs.empty()) h.message_id = hs.back().message_id + std::max<std::uint64_t>(1, hs.back().credit_charge);
    hs.push_back(h);
    bodies.push_back(body);
    sos.push_back(so);
  }
  auto r = c.client->send_compound(hs, bodies, sos);
  if (std::any_of(sos.begin(), sos.end(), [](const SendOptions& o) { return !o.patches.empty(); }))
    res_.capture->mark_last_sent_malformed(c.spec.name);
  for (std::size_t i = 0; i < hs.size(); ++i)
    sr.sent.push_back({{"command", s.members[i].command}, {"header", proto::to_json_value(hs[i])}, {"body", to_json(bodies[i])}});
  if (!sr.sent.empty()) sr.sent.back()["hex"] = wire::to_hex(c.client->last_sent());
  if (!r) return failed("send failed: " + r.error().message());
  for (std::size_t i = 0; i < hs.size(); ++i) {
    c.outstanding.push_back({hs[i].message_id, s.members[i].command, s.members[i].name});
    if (!s.members[i].name.empty()) {
      vars_.set(s.members[i].name, json{{"message_id", hs[i].message_id}});
      marks_[s.members[i].name] = Clock::now();
    }
  }
  return ok();
}

Grade Run::run_step(const SendRawStep& s, StepResult& sr) {
  Conn& c = *conn(s.info.connection);
  if (!c.client || !c.client->is_open()) return failed("connection " + c.spec.name + " is closed");
  auto bytes = *wire::from_hex(s.hex);
  auto r = c.client->send_raw(bytes, s.framed, step_deadline(s.info));
  res_.capture->mark_last_sent_malformed(c.spec.name);  // send_raw exists for malformed input (README §6.3)
  sr.sent.push_back({{"raw", true}, {"framed", s.framed}, {"hex", wire::to_hex(bytes)}});
  if (!r) return failed("send failed: " + r.error().message());
  // A raw SMB2 message of at least 64 bytes is an outstanding request (MessageId at 0x18).
  std::size_t base = s.framed ? 4 : 0;
  if (bytes.size() >= base + 64 && bytes[base] == 0xFE) {
    wire::Reader rd(wire::ByteView(bytes).subspan(base));
    if (auto h = proto::decode_header(rd))
      c.outstanding.push_back({h->message_id, command_name(h->command), ""});
  }
  return ok();
}

Result<Received> Run::next_message(Conn& c, Deadline d, const std::function<bool(const Received&)>& want, StepResult& sr) {
  for (auto it = c.stash.begin(); it != c.stash.end(); ++it) {
    if (want(*it)) {
      Received r = std::move(*it);
      c.stash.erase(it);
      return r;
    }
  }
  for (;;) {
    auto r = c.client->receive(d);
    if (!r) return r.error();
    // A flooding server (issue 9) must not grow the report without bound: at most 1000 messages per step.
    if (sr.received.size() < 1000) sr.received.push_back(received_json(*r));
    if (want(*r)) return r;
    c.stash.push_back(std::move(*r));
    if (Clock::now() >= d) return errc::timeout;  // absolute deadline: a stream of unwanted messages ends the step
  }
}

std::optional<Grade> Run::check_outcome(const Outcome& o, const std::string& response, const Received& r,
                                        const std::string& req_command, bool is_unsolicited) {
  // Command code echoed (MS-SMB2 3.3.4.4 / 3.3.4.6).
  auto want_cmd = command_of_name(response == "ERROR" ? req_command : response);
  if (want_cmd && r.header.command != static_cast<std::uint16_t>(*want_cmd))
    return failed("field header.command: expected " + std::string(proto::to_string(*want_cmd)) + " vs actual " + describe(r));
  NtStatus st = r.header.nt_status();
  std::optional<std::string> sdiff;
  if (!o.status.is_null()) {
    std::string err;
    json exp = resolve(o.status, vars_, err);
    if (!err.empty()) return ungraded("field status: " + err);
    sdiff = match_status(exp, st);
  } else if (response == "ERROR") {
    if (st == status::STATUS_SUCCESS) sdiff = "expected an error status vs actual " + to_string(st);
  } else if (!is_unsolicited && st != status::STATUS_SUCCESS) {
    sdiff = "expected " + to_string(status::STATUS_SUCCESS) + " vs actual " + to_string(st);
  }
  if (sdiff) return failed("field status: " + *sdiff);
  bool body_fields = false;
  for (const auto& [path, _] : o.fields.items()) body_fields = body_fields || path.rfind("header.", 0) != 0;
  if (!r.body) return failed("response body does not decode: " + r.decode_error.message());
  if ((body_fields || response == "ERROR") && !body_is(response, *r.body))
    return failed("body: expected a " + response + " response vs actual " + body_name(*r.body) + " (" + to_string(st) + ")");
  for (const auto& [path, expected] : o.fields.items()) {
    std::string err;
    json exp = resolve(expected, vars_, err);
    if (!err.empty()) return ungraded("field " + path + ": " + err);
    if (auto d = match_field(r.header, *r.body, path, exp)) return failed("field " + path + ": " + *d);
  }
  return std::nullopt;
}

Grade Run::apply_captures(const std::map<std::string, std::string>& capture, const Received& r) {
  for (const auto& [var, path] : capture) {
    auto v = r.body ? get_field(r.header, *r.body, path) : std::nullopt;
    if (!v) return failed("capture " + var + ": field " + path + " absent in " + describe(r));
    vars_.set(var, *v);
  }
  return ok();
}

std::optional<Grade> Run::check_timing(const std::optional<Timing>& t, Clock::time_point reference_default,
                                       Clock::time_point at) {
  if (!t) return std::nullopt;
  Clock::time_point ref = t->since.empty() ? reference_default : marks_.at(t->since);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(at - ref).count();
  std::string from = t->since.empty() ? "the request" : t->since;
  if (t->min_ms && ms < *t->min_ms)
    return failed("timing: expected no earlier than " + std::to_string(*t->min_ms) + " ms after " + from + " vs actual " +
                  std::to_string(ms) + " ms");
  if (t->max_ms && ms > *t->max_ms)
    return failed("timing: expected no later than " + std::to_string(*t->max_ms) + " ms after " + from + " vs actual " +
                  std::to_string(ms) + " ms");
  return std::nullopt;
}

Grade Run::run_step(const ExpectStep& s, StepResult& sr) {
  Conn& c = *conn(s.info.connection);
  if (!c.client) return failed("connection " + c.spec.name + " is closed");
  auto it = c.outstanding.begin();
  if (!s.request.empty()) {
    it = std::find_if(c.outstanding.begin(), c.outstanding.end(), [&](const auto& o) { return o.name == s.request; });
    if (it == c.outstanding.end()) return ungraded("request " + s.request + " is not outstanding on connection " + c.spec.name);
  } else if (it == c.outstanding.end()) {
    return ungraded("no outstanding request on connection " + c.spec.name);
  }
  Outstanding req = *it;
  Deadline d = timed_deadline(s.info, s.timing, req.sent_at);
  long long window_ms = s.info.timeout_ms.value_or(sc_.timeout_ms);
  if (d > step_deadline(s.info)) window_ms = std::chrono::duration_cast<std::chrono::milliseconds>(d - Clock::now()).count();
  bool saw_interim = req.interim_seen;
  auto disconnect_outcome = std::find_if(s.outcomes.begin(), s.outcomes.end(), [](const Outcome& o) { return o.disconnect; });
  for (;;) {
    auto r = next_message(c, d, [&](const Received& m) { return m.header.message_id == req.message_id && m.header.is_response(); }, sr);
    if (!r) {
      if (r.error() == errc::closed && disconnect_outcome != s.outcomes.end()) {
        // An outcome of the Autobahn list: "the server MAY disconnect" (e.g. MS-SMB2 3.3.5.2.4, 3.3.5.2.6).
        c.client->close();
        c.outstanding.clear();
        c.stash.clear();
        std::size_t n = static_cast<std::size_t>(disconnect_outcome - s.outcomes.begin()) + 1;
        Grade g{disconnect_outcome->verdict, disconnect_outcome->note};
        if (g.verdict == Verdict::fail)
          g.detail = "matched outcome " + std::to_string(n) + " (disconnect, verdict fail)" + (g.detail.empty() ? "" : ": " + g.detail);
        return g;
      }
      if (r.error() == errc::timeout)
        return failed("no " + s.response + " response to MessageId " + std::to_string(req.message_id) + " within " +
                      std::to_string(window_ms) + " ms");
      if (r.error() == errc::closed) return failed("connection closed by the server while waiting for the " + s.response + " response");
      return failed("receive failed: " + r.error().message());
    }
    // MS-SMB2 3.2.5.1.3: the signature is checked with the key of the session the response names; the client
    // marks it unchecked when it knows no such session (R7).
    if (r->signature == Received::Signature::invalid) return failed("bad signature on " + describe(*r) + " (MS-SMB2 3.2.5.1.3)");
    bool interim = r->header.is_async() && r->header.nt_status() == status::STATUS_PENDING;
    if (interim) {
      // MS-SMB2 3.3.4.2: interim response, ASYNC flag and a non-zero AsyncId.
      if (r->header.async_id == 0) return failed("interim response: field header.async_id: expected non-zero vs actual 0");
      saw_interim = true;
      if (!s.interim_capture.empty()) vars_.set(s.interim_capture, r->header.async_id);
      if (!req.name.empty()) vars_.set(req.name, json{{"message_id", req.message_id}, {"async_id", r->header.async_id}});
      if (s.interim == ExpectStep::Interim::only) {
        // The request stays outstanding: a later expect step takes its final response.
        auto o = std::find_if(c.outstanding.begin(), c.outstanding.end(), [&](const auto& x) { return x.message_id == req.message_id; });
        o->interim_seen = true;
        return apply_captures(s.capture, *r);
      }
      // The deadline is absolute (issue 9): a server streaming interim responses must not keep the step alive.
      if (Clock::now() >= d)
        return failed("no final " + s.response + " response to MessageId " + std::to_string(req.message_id) + " within " +
                      std::to_string(window_ms) + " ms (interim responses only)");
      continue;
    }
    if (s.interim == ExpectStep::Interim::only)
      return failed("expected an interim STATUS_PENDING response (MS-SMB2 3.3.4.2) vs actual final response " + describe(*r));
    if (s.interim == ExpectStep::Interim::yes && !saw_interim)
      return failed("expected an interim STATUS_PENDING response (MS-SMB2 3.3.4.2) before the final one, got " + describe(*r));
    c.outstanding.erase(std::find_if(c.outstanding.begin(), c.outstanding.end(),
                                     [&](const auto& o) { return o.message_id == req.message_id; }));
    if (!s.mark.empty()) marks_[s.mark] = r->at;
    if (auto tg = check_timing(s.timing, req.sent_at, r->at)) return *tg;
    // The Autobahn model: the first matching outcome gives the verdict; none = fail with the first mismatch.
    std::optional<Grade> first_mismatch;
    for (std::size_t i = 0; i < s.outcomes.size(); ++i) {
      if (s.outcomes[i].disconnect) {
        if (!first_mismatch) first_mismatch = failed("expected the server to disconnect vs actual " + describe(*r));
        continue;
      }
      auto mismatch = check_outcome(s.outcomes[i], s.response, *r, req.command, false);
      if (mismatch && mismatch->verdict == Verdict::ungraded) return *mismatch;
      if (mismatch) {
        if (!first_mismatch) first_mismatch = mismatch;
        continue;
      }
      Grade g{s.outcomes[i].verdict, s.outcomes[i].note};
      if (g.verdict == Verdict::fail)
        g.detail = "matched outcome " + std::to_string(i + 1) + " (verdict fail)" + (g.detail.empty() ? "" : ": " + g.detail);
      if (g.verdict != Verdict::fail) {
        Grade cg = apply_captures(s.capture, *r);
        if (cg.verdict != Verdict::pass) return cg;
      }
      return g;
    }
    if (s.outcomes.size() > 1) first_mismatch->detail = "no outcome matched; first: " + first_mismatch->detail;
    return *first_mismatch;
  }
}

Grade Run::run_step(const ExpectUnsolicitedStep& s, StepResult& sr) {
  Conn& c = *conn(s.info.connection);
  if (!c.client) return failed("connection " + c.spec.name + " is closed");
  auto r = next_message(c, timed_deadline(s.info, s.timing, Clock::now()),
                        [](const Received& m) { return m.header.message_id == proto::kUnsolicitedMessageId; }, sr);
  if (!r) {
    if (r.error() == errc::timeout)
      return failed("no " + s.response + " notification (MessageId 0xFFFFFFFFFFFFFFFF) within " +
                    std::to_string(s.info.timeout_ms.value_or(sc_.timeout_ms)) + " ms");
    return failed("receive failed: " + r.error().message());
  }
  if (!s.mark.empty()) marks_[s.mark] = r->at;
  if (auto tg = check_timing(s.timing, Clock::now(), r->at)) return *tg;
  if (auto m = check_outcome(s.outcome, s.response, *r, s.response, true)) return *m;
  if (r->body && !body_is(s.response, *r->body))
    return failed("body: expected a " + s.response + " notification vs actual " + body_name(*r->body));
  return apply_captures(s.capture, *r);
}

Grade Run::run_step(const ExpectNothingStep& s, StepResult& sr) {
  Conn& c = *conn(s.info.connection);
  if (!c.client) return failed("connection " + c.spec.name + " is closed");
  if (!c.stash.empty()) return failed("expected nothing vs received " + describe(c.stash.front()));
  if (settle_nothing(c.client->transport().local_port(), std::chrono::milliseconds(s.ms))) {
    sr.message = "settled from the reference server's state (control op quiesce), not waited";
    return ok();
  }
  auto r = c.client->receive(deadline_in(std::chrono::milliseconds(s.ms)));
  if (r) {
    sr.received.push_back(received_json(*r));
    std::string d = describe(*r);
    c.stash.push_back(std::move(*r));
    return failed("expected nothing for " + std::to_string(s.ms) + " ms vs received " + d);
  }
  if (r.error() == errc::timeout) return ok();
  if (r.error() == errc::closed) return failed("expected nothing vs the server closed the connection");
  return failed("receive failed: " + r.error().message());
}

Grade Run::run_step(const ExpectDisconnectStep& s, StepResult& sr) {
  Conn& c = *conn(s.info.connection);
  if (!c.client) return failed("connection " + c.spec.name + " is closed");
  if (!c.stash.empty()) return failed("expected a disconnect vs received " + describe(c.stash.front()));
  bool got_data = false;
  if (c.client->wait_closed(deadline_in(std::chrono::milliseconds(s.ms)), got_data)) {
    c.client->close();
    return ok();
  }
  if (got_data) {
    auto r = c.client->receive(deadline_in(std::chrono::milliseconds(100)));
    if (r) {
      sr.received.push_back(received_json(*r));
      return failed("expected a disconnect vs received " + describe(*r));
    }
    return failed("expected a disconnect vs received data that is not a complete message");
  }
  return failed("expected a disconnect within " + std::to_string(s.ms) + " ms vs connection still open");
}

Grade Run::run_step(const DisconnectStep& s, StepResult&) {
  Conn& c = *conn(s.info.connection);
  if (c.client) c.client->close();
  c.outstanding.clear();
  c.stash.clear();
  return ok();
}

Grade Run::run_step(const ReconnectStep& s, StepResult&) {
  Conn& c = *conn(s.info.connection);
  std::string err = prologue(c);
  if (!err.empty()) return ungraded("reconnect: " + err);
  return ok();
}

Grade Run::run_step(const WaitStep& s, StepResult&) {
  std::this_thread::sleep_for(std::chrono::milliseconds(s.ms));  // real-time protocol timers only (README §6.5)
  return ok();
}

Grade Run::run_step(const ControlStep& s, StepResult& sr) {
  if (!target_.is_reference || target_.control_path.empty()) return {Verdict::unsupported, "control steps need the reference server"};
  std::string err;
  json args = resolve(s.args, vars_, err);
  if (!err.empty()) return ungraded("field args: " + err);
  json req = json::object();
  req["op"] = s.op;
  for (const auto& [k, v] : args.items()) {
    if (k == "share" && v == "default") req["share"] = target_.share;
    else if (k == "session") req["session_id"] = v;
    else req[k] = v;
  }
  ControlClient cc(target_.control_path);
  sr.sent.push_back(req);
  auto reply = cc.call(req, step_deadline(s.info));
  if (!reply) return ungraded("control " + s.op + ": " + reply.error().message() + (cc.last_error().empty() ? "" : ": " + cc.last_error()));
  sr.received.push_back(*reply);
  if (s.op != "state") return ok();
  json sel = resolve(s.expect.is_null() ? json::object() : s.expect, vars_, err);
  if (!err.empty()) return ungraded("field expect: " + err);
  json object;
  std::string what;
  if (sel.contains("open")) {
    const json& fid = sel["open"];
    what = "open " + fid.dump();
    for (const auto& sess : reply->value("sessions", json::array()))
      for (const auto& o : sess.value("opens", json::array()))
        if (o.contains("file_id") && fid.is_object() && !match_json(fid, o["file_id"], "file_id")) object = o;
  } else if (sel.contains("session")) {
    what = "session " + sel["session"].dump();
    for (const auto& sess : reply->value("sessions", json::array()))
      if (sess.value("session_id", json()) == sel["session"]) object = sess;
  } else if (sel.contains("share")) {
    std::string name = sel["share"] == "default" ? target_.share : sel["share"].get<std::string>();
    what = "share " + name;
    for (const auto& sh : reply->value("shares", json::array()))
      if (sh.value("name", "") == name) object = sh;
  } else if (sel.contains("server")) {
    what = "server";
    object = reply->value("server", json());
  } else {
    object = *reply;
  }
  if (object.is_null()) return failed("control state: no " + what + " in the server state");
  const json fields = sel.value("fields", json::object());  // keep alive: items() does not extend a temporary
  for (const auto& [path, expected] : fields.items()) {
    auto actual = json_path(object, path);
    if (!actual) return failed("field " + path + ": expected " + expected.dump() + " vs actual <absent> in " + what);
    auto segs = parse_path(path);
    if (auto d = match_json(expected, *actual, segs->back().name)) return failed("field " + path + ": " + *d);
  }
  for (const auto& [var, path] : s.capture) {
    auto v = json_path(object, path);
    if (!v) return failed("capture " + var + ": field " + path + " absent in " + what);
    vars_.set(var, *v);
  }
  return ok();
}

void Run::run() {
  std::string why = unsupported_reason(sc_, target_);
  if (!why.empty()) {
    res_.verdict = Verdict::unsupported;
    res_.message = sc_.file + ": " + why;
    return;
  }
  vars_.set("share", target_.share);
  vars_.set("host", target_.host);  // for TREE_CONNECT paths "\\\\$host\\IPC$" (imported captures)
  vars_.set("file_id_all_ones", json{{"persistent", ~0ull}, {"volatile", ~0ull}});
  if (sc_.uses_dir) {
    std::string err = setup_dir();
    if (!err.empty()) {
      res_.verdict = Verdict::ungraded;
      res_.message = sc_.file + ": " + err;
      cleanup_dir();
      return;
    }
  }
  for (const auto& spec : sc_.connections) {
    Conn& c = conns_[spec.name];
    c.spec = spec;
    set_conn_vars(c);
  }
  for (auto& [name, c] : conns_) {
    std::string err = prologue(c);
    if (!err.empty()) {
      res_.verdict = Verdict::ungraded;
      res_.message = sc_.file + ": prologue: " + err;
      cleanup_dir();
      return;
    }
  }
  // Dynamic unsupported: negotiated dialect and capabilities of the default connection.
  Conn& dc = conns_.at(sc_.default_connection);
  if (dc.client && dc.client->dialect() != 0) {
    auto d = dc.client->dialect();
    if ((sc_.requires_.min_dialect && d < *sc_.requires_.min_dialect) || (sc_.requires_.max_dialect && d > *sc_.requires_.max_dialect)) {
      res_.verdict = Verdict::unsupported;
      res_.message = sc_.file + ": negotiated dialect " + dialect_to_string(d) + " is outside requires";
      cleanup_dir();
      return;
    }
    for (const auto& cap : sc_.requires_.capabilities) {
      if ((dc.client->negotiate_response().capabilities & capability_bit(cap)) == 0) {
        res_.verdict = Verdict::unsupported;
        res_.message = sc_.file + ": server does not advertise capability " + cap;
        cleanup_dir();
        return;
      }
    }
  }
  Verdict v = Verdict::pass;
  std::string first_message;
  for (const auto& step : sc_.steps) {
    StepResult sr;
    const StepInfo& info = info_of(step);
    sr.index = info.index;
    sr.kind = info.label;
    sr.connection = info.connection;
    Grade g;
    if (auto ci = conns_.find(info.connection); ci != conns_.end() && ci->second.smb1 && smb1_wire_step(step)) {
      Smb1RunContext x{sc_, target_, opts_, vars_, marks_, res_.capture.get(),
                       [this](std::uint16_t p, std::chrono::milliseconds w) { return settle_nothing(p, w); }};  // smb1_runner.hpp
      Smb1Grade g1 = smb1_run_step(ci->second.smb1, ci->second.spec, step, x, sr);
      g = Grade{g1.verdict, g1.detail};
    } else {
      g = std::visit([&](const auto& st) { return run_step(st, sr); }, step);
    }
    sr.verdict = g.verdict;
    if (g.verdict != Verdict::pass && !g.detail.empty()) sr.message = where(info) + ": " + g.detail;
    res_.steps.push_back(std::move(sr));
    const std::string& msg = res_.steps.back().message;
    if (g.verdict == Verdict::ungraded || g.verdict == Verdict::unsupported) {
      res_.verdict = g.verdict;
      res_.message = msg;
      for (auto& [n, c] : conns_) if (c.client) c.client->close();
      cleanup_dir();
      return;
    }
    if (g.verdict == Verdict::non_strict && first_message.empty()) first_message = msg;
    v = worst_step(v, g.verdict);
    if (g.verdict == Verdict::fail) {
      first_message = msg;
      break;
    }
  }
  res_.verdict = v;
  res_.message = first_message;
  for (auto& [n, c] : conns_) if (c.client) c.client->close();
  cleanup_dir();
}

}  // namespace

std::string unsupported_reason(const Scenario& sc, const Target& target) {
  if (sc.requires_.reference_only && !target.is_reference) return "reference-only scenario (control steps / requires.reference_only) on an external target";
  for (const auto& a : sc.requires_.accounts) {
    if (a == "user2" && !target.user2) return "needs account user2 (--user2)";
    if (a == "guest" && !target.guest_share && !target.is_reference) return "needs guest access (--guest-share)";
  }
  for (const auto& c : sc.connections)
    if (!c.dialects.empty() && narrow_dialects(c.dialects, target).empty())
      return "the target profile speaks none of the dialects connection " + c.name + " offers";
  if (!target.capabilities.empty())
    for (const auto& cap : sc.requires_.capabilities)
      if (std::find(target.capabilities.begin(), target.capabilities.end(), cap) == target.capabilities.end())
        return "the target profile does not list capability " + cap;
  for (const auto& [k, v] : sc.requires_.target_flags) {
    auto it = target.flags.find(k);
    if (it == target.flags.end()) return "target profile has no flag " + k;
    if (it->second != v) return "target flag " + k + " is " + it->second + ", scenario needs " + v;
  }
  return "";
}

ScenarioResult run_scenario(const Scenario& sc, const Target& target, const RunOptions& opts, int lane) {
  // The reference target runs scenarios that need another server configuration (multichannel, a CA share), and
  // those of every worker but the first, on a server variant started for them (ref_server.hpp); the variant carries
  // no further variants.
  if (target.variant)
    if (std::optional<Target> v = (*target.variant)(sc, target, lane)) {
      v->variant.reset();
      return run_scenario(sc, *v, opts);
    }
  ScenarioResult res;
  res.id = sc.id;
  res.file = sc.file;
  res.title = sc.title;
  res.level = sc.level;
  res.requirements = sc.requirements;
  res.spec = sc.spec;
  auto start = Clock::now();
  try {
    Run r(sc, target, opts, res);
    r.run();
  } catch (const std::exception& e) {
    res.verdict = Verdict::ungraded;
    res.message = sc.file + ": internal error: " + e.what();
  }
  res.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  return res;
}

namespace {

/** Runs the calling thread on `cpu` (if any) for its lifetime, then gives it back the CPUs it had. */
class PinnedThread {
 public:
  explicit PinnedThread(std::optional<int> cpu) {
    if (!cpu) return;
    CPU_ZERO(&saved_);
    if (::pthread_getaffinity_np(::pthread_self(), sizeof saved_, &saved_) != 0) return;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(*cpu, &one);
    pinned_ = ::pthread_setaffinity_np(::pthread_self(), sizeof one, &one) == 0;
  }
  ~PinnedThread() {
    if (pinned_) ::pthread_setaffinity_np(::pthread_self(), sizeof saved_, &saved_);
  }
  PinnedThread(const PinnedThread&) = delete;
  PinnedThread& operator=(const PinnedThread&) = delete;

 private:
  cpu_set_t saved_;
  bool pinned_ = false;
};

}  // namespace

std::vector<ScenarioResult> run_all(const std::vector<Scenario>& scenarios, const Target& target, const RunOptions& opts,
                                    int jobs, const std::function<void(const ScenarioResult&)>& on_result) {
  std::vector<ScenarioResult> results(scenarios.size());
  // A scenario whose control steps act on or read server-wide state cannot share the reference server with other
  // scenarios: advancing the clock would expire another scenario's oplock break or blocking-lock timer early; a
  // read-only volume, a fault on any path, the oplock_ack hook or clear_faults would change what another scenario's
  // requests get; the pipe ops act on "the only open of smbconform-test"; and a server or share counter
  // (sts0_permerrors, statistics.flushes) read before and after would count the other scenarios' requests too.
  // Such scenarios run after the others, one at a time; the rest run `jobs` at a time. Results keep the input order.
  // The reference target gives each worker (lane) servers of its own (Target::variant), so there nothing is shared
  // and every scenario runs `jobs` wide.
  auto server_wide = [](const ControlStep& c) {
    if (c.op == "advance_clock" || c.op == "volume" || c.op == "clear_faults" || c.op.rfind("pipe_", 0) == 0) return true;
    if (c.op == "fault")
      return c.args.value("operation", std::string()) == "oplock_ack" || c.args.value("path", std::string()).empty();
    if (c.op == "state") return c.expect.is_object() && (c.expect.contains("server") || c.expect.contains("share"));
    return false;
  };
  std::vector<std::size_t> shared_order, alone_order;
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    bool alone = false;
    if (target.variant) {
      shared_order.push_back(i);
      continue;
    }
    for (const Step& st : scenarios[i].steps)
      if (const auto* c = std::get_if<ControlStep>(&st); c && server_wide(*c)) alone = true;
    (alone ? alone_order : shared_order).push_back(i);
  }
  std::mutex mu;
  auto run_set = [&](const std::vector<std::size_t>& order, int width) {
    IndexQueue queue(order.size());
    on_threads(std::max(1, std::min<int>(width, static_cast<int>(order.size()))), [&](int lane) {
      // A worker whose own reference server cannot start takes no scenarios; the others run them.
      if (lane != 0 && target.variant && !(*target.variant)(Scenario{}, target, lane)) return;
      PinnedThread pinned(target.variant && target.pin_lanes ? lane_cpu(lane) : std::nullopt);
      while (auto k = queue.take()) {
        ScenarioResult r = run_scenario(scenarios[order[*k]], target, opts, lane);
        std::lock_guard lock(mu);
        if (on_result) on_result(r);
        results[order[*k]] = std::move(r);
      }
    });
  };
  run_set(shared_order, jobs);
  run_set(alone_order, 1);
  return results;
}

}  // namespace smb::harness
