// SMB1 steps of the scenario runner and their load-time checks (smb1_runner.hpp).
#include "smbharness/smb1_runner.hpp"

#include <algorithm>
#include <deque>
#include <thread>

#include "smbharness/error.hpp"
#include "smbharness/message_fields.hpp"
#include "smbharness/smb1_client.hpp"
#include "smbproto/json.hpp"
#include "smbproto/smb1/messages.hpp"

namespace smb::harness {
namespace {

namespace p = proto::smb1;
using json = nlohmann::json;

template <class T>
struct Tag {
  using type = T;
};

/** Calls f(Tag<Req>, Tag<Resp>) for an SMB1 command name; false if unknown. */
template <class F>
bool with_types(const std::string& name, F&& f) {
#define SMB1_X(NAME, code, Req, Resp) \
  if (name == #NAME) {                \
    f(Tag<p::Req>{}, Tag<p::Resp>{});  \
    return true;                      \
  }
  SMB1_COMMAND_LIST(SMB1_X)
#undef SMB1_X
  return false;
}

template <class T>
std::optional<proto::FieldError> check_args(const json& j, const std::string& path) {
  if (!j.is_object()) return proto::FieldError{path, "expected an object"};
  for (const auto& [key, value] : j.items()) {
    std::string sub = path.empty() ? key : path + "." + key;
    bool found = false;
    std::optional<proto::FieldError> err;
    T t{};
    for_each_field(t, [&](const proto::FieldInfo& fi, auto& member) {
      if (found || fi.name != key) return;
      found = true;
      if (!contains_variable(value)) err = proto::value_from_json(value, member, fi.names, sub);
    });
    if (!found) return proto::FieldError{sub, detail::unknown_field(key, detail::names_of<T>())};
    if (err) return err;
  }
  return std::nullopt;
}

struct DosName {
  const char* name;
  std::uint8_t cls;
  std::uint16_t code;
};
// MS-CIFS 2.2.2.4 SMB error classes and codes.
const DosName kDosNames[] = {
    {"ERRDOS/ERRbadfunc", 1, 1},        {"ERRDOS/ERRbadfile", 1, 2},        {"ERRDOS/ERRbadpath", 1, 3},
    {"ERRDOS/ERRnofids", 1, 4},         {"ERRDOS/ERRnoaccess", 1, 5},       {"ERRDOS/ERRbadfid", 1, 6},
    {"ERRDOS/ERRnomem", 1, 8},          {"ERRDOS/ERRbadaccess", 1, 12},     {"ERRDOS/ERRbaddata", 1, 13},
    {"ERRDOS/ERRremcd", 1, 16},         {"ERRDOS/ERRnofiles", 1, 18},       {"ERRDOS/ERRgeneral", 1, 31},
    {"ERRDOS/ERRbadshare", 1, 32},      {"ERRDOS/ERRlock", 1, 33},          {"ERRDOS/ERRhandleeof", 1, 38},
    {"ERRDOS/ERRunsup", 1, 50},         {"ERRDOS/ERRfilexists", 1, 80},     {"ERRDOS/ERRinvalidparam", 1, 87},
    {"ERRDOS/ERRinvalidname", 1, 123},  {"ERRDOS/ERRunknownlevel", 1, 124}, {"ERRDOS/ERRdirnotempty", 1, 145},
    {"ERRDOS/ERROR_NOT_LOCKED", 1, 158}, {"ERRDOS/ERROR_CANCEL_VIOLATION", 1, 173}, {"ERRDOS/ERRmoredata", 1, 234},
    {"ERRSRV/ERRerror", 2, 1},          {"ERRSRV/ERRbadpw", 2, 2},          {"ERRSRV/ERRaccess", 2, 4},
    {"ERRSRV/ERRinvtid", 2, 5},         {"ERRSRV/ERRinvnetname", 2, 6},     {"ERRSRV/ERRinvdevice", 2, 7},
    {"ERRSRV/ERRbadcmd", 2, 22},        {"ERRSRV/ERRqfull", 2, 49},         {"ERRSRV/ERRqtoobig", 2, 50},
    {"ERRSRV/ERRbaduid", 2, 91},        {"ERRSRV/ERRnosupport", 2, 0xFFFF},
    {"ERRHRD/ERRnowrite", 3, 19},       {"ERRHRD/ERRdata", 3, 23},          {"ERRHRD/ERRwrite", 3, 29},
    {"ERRHRD/ERRread", 3, 30},          {"ERRHRD/ERRgeneral", 3, 31},       {"ERRHRD/ERRdiskfull", 3, 39},
};

std::uint32_t dos_value(const DosName& d) { return std::uint32_t{d.cls} | (std::uint32_t{d.code} << 16); }

std::string hex32(std::uint32_t v) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%08x", v);
  return b;
}

/** The status of a message as text, in the form the message uses (MS-CIFS 2.2.3.1). */
std::string show_status(const p::Header& h) {
  if (h.status == 0) return "STATUS_SUCCESS (0x00000000)";
  if (h.has_nt_status()) return to_string(NtStatus{h.status});
  return smb1_dos_to_string(h.status);
}

/** Status expectation: a name (NTSTATUS or SMBSTATUS), hex, any_of, not, any. nullopt on match. */
std::optional<std::string> match_status(const json& expected, const p::Header& h) {
  if (is_matcher_object(expected)) {
    for (const auto& [k, v] : expected.items()) {
      if (k == "any") continue;
      if (k == "any_of") {
        bool any = false;
        std::string names;
        for (const auto& e : v) {
          any = any || !match_status(e, h);
          names += (names.empty() ? "" : ", ") + (e.is_string() ? e.get<std::string>() : e.dump());
        }
        if (!any) return "expected any of [" + names + "] vs actual " + show_status(h);
      } else if (k == "not") {
        if (!match_status(v, h)) return "expected not " + (v.is_string() ? v.get<std::string>() : v.dump()) + " vs actual " + show_status(h);
      }
    }
    return std::nullopt;
  }
  std::optional<std::uint32_t> want;
  if (expected.is_string()) {
    if (auto nt = status_from_string(expected.get<std::string>())) want = nt->value;
    else if (auto dos = smb1_status_from_string(expected.get<std::string>())) want = dos->value;
  }
  if (expected.is_number_unsigned()) want = static_cast<std::uint32_t>(expected.get<std::uint64_t>());
  if (!want) return "expected <bad status " + expected.dump() + ">";
  // The four Status bytes compared as one value: an SMBSTATUS pair equals the CIFS NTSTATUS with the same bytes
  // (MS-CIFS 2.2.2.4, e.g. STATUS_SMB_BAD_UID = ERRSRV/ERRbaduid).
  if (*want != h.status) {
    std::string w = expected.is_string() ? expected.get<std::string>() : hex32(*want);
    return "expected " + w + " vs actual " + show_status(h);
  }
  return std::nullopt;
}

std::string command_name(std::uint8_t code) {
  auto n = p::to_string(static_cast<p::Command>(code));
  if (!n.empty()) return std::string(n);
  char b[16];
  std::snprintf(b, sizeof b, "0x%02x", code);
  return b;
}

std::string describe(const Smb1Received& r) {
  return command_name(r.header.command) + " " + (r.header.is_response() ? "response" : "request") + " " +
         show_status(r.header) + " (MID " + std::to_string(r.header.mid) + ")";
}

json received_json(const Smb1Received& r) {
  json j;
  j["command"] = command_name(r.header.command);
  j["status"] = show_status(r.header);
  j["header"] = proto::to_json_value(r.header);
  json bodies = json::array();
  if (r.response)
    for (const auto& b : r.response->bodies) bodies.push_back(std::visit([](const auto& m) { return proto::to_json_value(m); }, b));
  if (r.request)
    for (const auto& b : r.request->bodies)
      bodies.push_back(std::visit(
          [](const auto& m) -> json {
            if constexpr (std::is_same_v<std::decay_t<decltype(m)>, std::monostate>) return nullptr;
            else return proto::to_json_value(m);
          },
          b));
  j["bodies"] = bodies;
  if (!r.response && !r.request) j["decode_error"] = r.decode_error.message();
  j["hex"] = wire::to_hex(r.bytes);
  return j;
}

/** Looks `path` up in a received message; calls f(member, names). False when absent. */
template <class F>
bool visit_received(const Smb1Received& r, const std::string& path, F&& f) {
  bool is_header = path.rfind("header.", 0) == 0;
  auto segs = parse_path(is_header ? path.substr(7) : path);
  if (!segs) return false;
  if (is_header) return visit_path(r.header, *segs, 0, f);
  if (r.response && !r.response->bodies.empty())
    return std::visit([&](const auto& b) { return visit_path(b, *segs, 0, f); }, r.response->bodies.front());
  if (r.request && !r.request->bodies.empty())
    return std::visit(
        [&](const auto& b) {
          if constexpr (std::is_same_v<std::decay_t<decltype(b)>, std::monostate>) return false;
          else return visit_path(b, *segs, 0, f);
        },
        r.request->bodies.front());
  return false;
}

bool is_error_body(const Smb1Received& r) {
  return r.response && !r.response->bodies.empty() && std::holds_alternative<p::Smb1ErrorResponse>(r.response->bodies.front());
}

}  // namespace

// ---------------------------------------------------------------- connection state

struct Smb1Conn {
  struct Outstanding {
    std::uint16_t mid;
    std::string command;
    std::string name;
    Clock::time_point sent_at = Clock::now();
  };
  std::optional<Smb1Client> client;
  std::deque<Outstanding> outstanding;
  std::deque<Smb1Received> stash;
};

const TcpTransport* smb1_transport(const Smb1Conn& conn) {
  return conn.client && conn.client->is_open() ? &conn.client->transport() : nullptr;
}

// ---------------------------------------------------------------- load-time checks

const std::vector<std::string>& smb1_command_names() {
  static const std::vector<std::string> v = [] {
    std::vector<std::string> out;
#define SMB1_X(NAME, code, Req, Resp) out.emplace_back(#NAME);
    SMB1_COMMAND_LIST(SMB1_X)
#undef SMB1_X
    return out;
  }();
  return v;
}

bool is_smb1_request_name(const std::string& name) {
  const auto& n = smb1_command_names();
  return std::find(n.begin(), n.end(), name) != n.end();
}
bool is_smb1_response_name(const std::string& name) { return is_smb1_request_name(name); }

std::optional<proto::FieldError> smb1_check_request_args(const std::string& command, const json& args,
                                                         const std::string& prefix) {
  std::optional<proto::FieldError> err;
  bool known = with_types(command, [&](auto req, auto) { err = check_args<typename decltype(req)::type>(args, prefix); });
  if (!known) return proto::FieldError{prefix, "unknown SMB1 command " + command};
  return err;
}

std::optional<proto::FieldError> smb1_check_header_fields(const json& header, const std::string& prefix) {
  return check_args<p::Header>(header, prefix);
}

std::optional<proto::FieldError> smb1_check_response_field(const std::string& response, const std::string& path,
                                                           const json* expected, const std::string& shown) {
  if (path == "message_size") {
    if (expected && !contains_variable(*expected) && !expected->is_number_unsigned() && !is_matcher_object(*expected))
      return proto::FieldError{shown, "expected a number"};
    return std::nullopt;
  }
  if (path.rfind("header.", 0) == 0) return check_path<p::Header>(path.substr(7), shown, expected);
  std::optional<proto::FieldError> err;
  bool known = with_types(response, [&](auto req, auto resp) {
    err = check_path<typename decltype(resp)::type>(path, shown, expected);
    // The server's oplock break is a LOCKING_ANDX *request* (MS-CIFS 3.3.4.2): its fields are accepted too.
    if (err) {
      auto alt = check_path<typename decltype(req)::type>(path, shown, expected);
      if (!alt) err.reset();
    }
  });
  if (!known) return proto::FieldError{shown, "unknown SMB1 response " + response};
  return err;
}

std::optional<NtStatus> smb1_status_from_string(const std::string& name) {
  for (const auto& d : kDosNames)
    if (name == d.name) return NtStatus{dos_value(d)};
  return std::nullopt;
}

std::string smb1_dos_to_string(std::uint32_t status) {
  for (const auto& d : kDosNames)
    if (dos_value(d) == status) return std::string(d.name) + " (" + hex32(status) + ")";
  return hex32(status);
}

// ---------------------------------------------------------------- run time

namespace {

Account account_for(const std::string& name, const Target& t) {
  Account a;
  if (name == "user2" && t.user2) a.credentials = *t.user2;
  else if (name == "guest") a.kind = Account::Kind::guest;
  else if (name == "anonymous") a.kind = Account::Kind::anonymous;
  else a.credentials = t.user;
  return a;
}

void set_vars(const Smb1Conn& c, const std::string& name, Variables& vars) {
  json v = json::object();
  const Smb1Client* cl = c.client ? &*c.client : nullptr;
  v["uid"] = cl ? cl->uid() : 0;
  v["tid"] = cl ? cl->tid() : 0;
  v["pid"] = cl ? cl->pid() : 0;
  v["session_id"] = cl ? cl->uid() : 0;  // the reference server's Session.SessionId is the UID (smb1.hpp)
  v["tree_id"] = cl ? cl->tid() : 0;
  v["capabilities"] = cl ? cl->negotiate_response().capabilities : 0;
  v["security_mode"] = cl ? cl->negotiate_response().security_mode : 0;
  if (const json* old = vars.find(name); old && old->contains("uid2")) v["uid2"] = (*old)["uid2"];
  vars.set(name, v);
}

Deadline step_deadline(const StepInfo& i, const Smb1RunContext& ctx) {
  return deadline_in(std::chrono::milliseconds(i.timeout_ms.value_or(ctx.scenario.timeout_ms)));
}

Result<Smb1Received> next_message(Smb1Conn& c, Deadline d, const std::function<bool(const Smb1Received&)>& want,
                                  StepResult& sr) {
  for (auto it = c.stash.begin(); it != c.stash.end(); ++it)
    if (want(*it)) {
      Smb1Received r = std::move(*it);
      c.stash.erase(it);
      return r;
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

std::optional<Smb1Grade> check_timing(const std::optional<Timing>& t, Clock::time_point reference_default,
                                      Clock::time_point at, const Smb1RunContext& ctx) {
  if (!t) return std::nullopt;
  Clock::time_point ref = t->since.empty() ? reference_default : ctx.marks.at(t->since);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(at - ref).count();
  std::string from = t->since.empty() ? "the request" : t->since;
  if (t->min_ms && ms < *t->min_ms)
    return Smb1Grade{Verdict::fail, "timing: expected no earlier than " + std::to_string(*t->min_ms) + " ms after " + from +
                                        " vs actual " + std::to_string(ms) + " ms"};
  if (t->max_ms && ms > *t->max_ms)
    return Smb1Grade{Verdict::fail, "timing: expected no later than " + std::to_string(*t->max_ms) + " ms after " + from +
                                        " vs actual " + std::to_string(ms) + " ms"};
  return std::nullopt;
}

/** nullopt when `o` matches `r` (the answer to a `command` request, or an unsolicited one). */
std::optional<Smb1Grade> check_outcome(const Outcome& o, const std::string& command, const Smb1Received& r,
                                       bool unsolicited, Smb1RunContext& ctx) {
  auto want = p::command_from_string(command);
  if (want && r.header.command != static_cast<std::uint8_t>(*want))
    return Smb1Grade{Verdict::fail, "field header.command: expected " + command + " vs actual " + describe(r)};
  std::string err;
  if (!o.status.is_null()) {
    json exp = resolve(o.status, ctx.vars, err);
    if (!err.empty()) return Smb1Grade{Verdict::ungraded, "field status: " + err};
    if (auto d = match_status(exp, r.header)) return Smb1Grade{Verdict::fail, "field status: " + *d};
  } else if (!unsolicited && r.header.status != 0) {
    return Smb1Grade{Verdict::fail, "field status: expected STATUS_SUCCESS vs actual " + show_status(r.header)};
  }
  bool body_fields = false;
  for (const auto& [path, _] : o.fields.items())
    body_fields = body_fields || (path.rfind("header.", 0) != 0 && path != "message_size");
  if (body_fields && !r.response && !r.request)
    return Smb1Grade{Verdict::fail, "message does not decode: " + r.decode_error.message()};
  if (body_fields && is_error_body(r))
    return Smb1Grade{Verdict::fail, "body: expected a " + command + " body vs actual an error response (" + show_status(r.header) + ")"};
  for (const auto& [path, expected] : o.fields.items()) {
    json exp = resolve(expected, ctx.vars, err);
    if (!err.empty()) return Smb1Grade{Verdict::ungraded, "field " + path + ": " + err};
    if (path == "message_size") {
      if (auto d = match_value(exp, static_cast<std::uint64_t>(r.bytes.size()), nullptr))
        return Smb1Grade{Verdict::fail, "field message_size: " + *d};
      continue;
    }
    std::optional<std::string> diff;
    bool found = visit_received(r, path, [&](const auto& member, const proto::NameTable* names) {
      diff = match_value(exp, member, names);
    });
    if (!found) return Smb1Grade{Verdict::fail, "field " + path + ": expected " + detail::show_expected(exp) + " vs actual <absent>"};
    if (diff) return Smb1Grade{Verdict::fail, "field " + path + ": " + *diff};
  }
  return std::nullopt;
}

Smb1Grade apply_captures(const std::map<std::string, std::string>& capture, const Smb1Received& r, Smb1RunContext& ctx) {
  for (const auto& [var, path] : capture) {
    std::optional<json> v;
    if (path == "message_size") v = r.bytes.size();
    else
      visit_received(r, path, [&](const auto& member, const proto::NameTable* names) { v = proto::value_to_json(member, names); });
    if (!v) return {Verdict::fail, "capture " + var + ": field " + path + " absent in " + describe(r)};
    ctx.vars.set(var, *v);
  }
  return {};
}

Smb1Grade run_send(Smb1Conn& c, const SendSpec& spec, const StepInfo& info, Smb1RunContext& ctx, StepResult& sr) {
  if (!c.client || !c.client->is_open()) return {Verdict::fail, "connection " + info.connection + " is closed"};
  std::string err;
  json args = resolve(spec.args, ctx.vars, err);
  if (!err.empty()) return {Verdict::ungraded, "field args: " + err};
  json hdr = resolve(spec.header, ctx.vars, err);
  if (!err.empty()) return {Verdict::ungraded, "field header: " + err};
  auto cmd = p::command_from_string(spec.command);
  if (!cmd) return {Verdict::ungraded, "unknown SMB1 command " + spec.command};
  p::RequestBody body;
  std::optional<proto::FieldError> fe;
  with_types(spec.command, [&](auto req, auto) {
    typename decltype(req)::type m{};
    fe = proto::from_json_value(args.is_null() ? json::object() : args, m, "args");
    if (!fe) body = std::move(m);
  });
  if (fe) return {Verdict::ungraded, "field " + fe->path + ": " + fe->message};
  p::Header h = c.client->make_header(*cmd);
  if (!hdr.is_null())
    if (auto e = proto::from_json_value(hdr, h, "header")) return {Verdict::ungraded, "field " + e->path + ": " + e->message};
  Smb1SendOptions so;
  so.sign = spec.sign;
  // A LOCKING_ANDX that only acknowledges an oplock break gets no response (MS-CIFS 3.3.5.30).
  if (auto* l = std::get_if<p::LockingAndxRequest>(&body))
    so.expects_response = !((l->type_of_lock & p::OPLOCK_RELEASE) && l->locks.empty() && l->unlocks.empty());
  // NT_CANCEL is never answered (MS-CIFS 2.2.4.65): it names the request to cancel through its header's MID.
  if (std::holds_alternative<p::NtCancelRequest>(body)) so.expects_response = false;
  for (const auto& pt : spec.patches) so.patches.push_back({pt.offset, *wire::from_hex(pt.hex)});
  auto mid = c.client->send(h, {body}, so);
  if (!so.patches.empty() && ctx.capture) ctx.capture->mark_last_sent_malformed(info.connection);
  sr.sent.push_back({{"command", spec.command}, {"header", proto::to_json_value(h)},
                     {"body", std::visit([](const auto& m) -> json {
                        if constexpr (std::is_same_v<std::decay_t<decltype(m)>, std::monostate>) return nullptr;
                        else return proto::to_json_value(m);
                      }, body)},
                     {"hex", wire::to_hex(c.client->last_sent())}});
  if (!mid) return {Verdict::fail, "send failed: " + mid.error().message()};
  // A bare oplock acknowledgment is answered by nothing (MS-CIFS 3.3.5.30): it is not outstanding.
  if (so.expects_response) c.outstanding.push_back({*mid, spec.command, spec.name});
  if (!spec.name.empty()) {
    ctx.vars.set(spec.name, json{{"mid", *mid}, {"message_id", *mid}});
    ctx.marks[spec.name] = Clock::now();
  }
  return {};
}

Smb1Grade run_expect(Smb1Conn& c, const ExpectStep& s, Smb1RunContext& ctx, StepResult& sr) {
  if (!c.client) return {Verdict::fail, "connection " + s.info.connection + " is closed"};
  auto it = c.outstanding.begin();
  if (!s.request.empty()) {
    it = std::find_if(c.outstanding.begin(), c.outstanding.end(), [&](const auto& o) { return o.name == s.request; });
    if (it == c.outstanding.end()) return {Verdict::ungraded, "request " + s.request + " is not outstanding on connection " + s.info.connection};
  } else if (it == c.outstanding.end()) {
    return {Verdict::ungraded, "no outstanding request on connection " + s.info.connection};
  }
  Smb1Conn::Outstanding req = *it;
  Deadline d = step_deadline(s.info, ctx);
  if (s.timing && s.timing->max_ms && !s.info.timeout_ms) {
    Clock::time_point ref = s.timing->since.empty() ? req.sent_at : ctx.marks.at(s.timing->since);
    d = std::max(d, ref + std::chrono::milliseconds(*s.timing->max_ms + 1000));
  }
  auto disconnect_outcome = std::find_if(s.outcomes.begin(), s.outcomes.end(), [](const Outcome& o) { return o.disconnect; });
  auto r = next_message(c, d, [&](const Smb1Received& m) { return m.header.is_response() && m.header.mid == req.mid; }, sr);
  if (!r) {
    if (r.error() == errc::closed && disconnect_outcome != s.outcomes.end()) {
      c.client->close();
      c.outstanding.clear();
      c.stash.clear();
      return {disconnect_outcome->verdict, disconnect_outcome->note};
    }
    if (r.error() == errc::timeout)
      return {Verdict::fail, "no " + s.response + " response to MID " + std::to_string(req.mid) + " within the step timeout"};
    if (r.error() == errc::closed) return {Verdict::fail, "connection closed by the server while waiting for the " + s.response + " response"};
    return {Verdict::fail, "receive failed: " + r.error().message()};
  }
  c.outstanding.erase(std::find_if(c.outstanding.begin(), c.outstanding.end(), [&](const auto& o) { return o.mid == req.mid; }));
  if (!s.mark.empty()) ctx.marks[s.mark] = r->at;
  if (auto tg = check_timing(s.timing, req.sent_at, r->at, ctx)) return *tg;
  if (r->signature == Smb1Received::Signature::invalid) return {Verdict::fail, "bad signature on " + describe(*r) + " (MS-CIFS 3.1.4.1)"};
  std::optional<Smb1Grade> first_mismatch;
  for (std::size_t i = 0; i < s.outcomes.size(); ++i) {
    if (s.outcomes[i].disconnect) {
      if (!first_mismatch) first_mismatch = Smb1Grade{Verdict::fail, "expected the server to disconnect vs actual " + describe(*r)};
      continue;
    }
    auto mismatch = check_outcome(s.outcomes[i], s.response, *r, false, ctx);
    if (mismatch && mismatch->verdict == Verdict::ungraded) return *mismatch;
    if (mismatch) {
      if (!first_mismatch) first_mismatch = mismatch;
      continue;
    }
    Smb1Grade g{s.outcomes[i].verdict, s.outcomes[i].note};
    if (g.verdict == Verdict::fail)
      g.detail = "matched outcome " + std::to_string(i + 1) + " (verdict fail)" + (g.detail.empty() ? "" : ": " + g.detail);
    if (g.verdict != Verdict::fail) {
      Smb1Grade cg = apply_captures(s.capture, *r, ctx);
      if (cg.verdict != Verdict::pass) return cg;
    }
    return g;
  }
  if (s.outcomes.size() > 1) first_mismatch->detail = "no outcome matched; first: " + first_mismatch->detail;
  return *first_mismatch;
}

Smb1Grade run_unsolicited(Smb1Conn& c, const ExpectUnsolicitedStep& s, Smb1RunContext& ctx, StepResult& sr) {
  if (!c.client) return {Verdict::fail, "connection " + s.info.connection + " is closed"};
  Deadline d = step_deadline(s.info, ctx);
  if (s.timing && s.timing->max_ms && !s.info.timeout_ms)
    d = std::max(d, ctx.marks.at(s.timing->since) + std::chrono::milliseconds(*s.timing->max_ms + 1000));
  // MS-CIFS 3.3.4.2: the server's break is a request (REPLY clear) with MID 0xFFFF.
  auto r = next_message(c, d, [](const Smb1Received& m) { return !m.header.is_response() && m.header.mid == p::kOplockBreakMid; }, sr);
  if (!r) {
    if (r.error() == errc::timeout) return {Verdict::fail, "no " + s.response + " from the server (MID 0xFFFF) within the step timeout"};
    return {Verdict::fail, "receive failed: " + r.error().message()};
  }
  if (!s.mark.empty()) ctx.marks[s.mark] = r->at;
  if (auto tg = check_timing(s.timing, Clock::now(), r->at, ctx)) return *tg;
  if (auto m = check_outcome(s.outcome, s.response, *r, true, ctx)) return *m;
  return apply_captures(s.capture, *r, ctx);
}

}  // namespace

std::string smb1_prologue(std::shared_ptr<Smb1Conn>& conn, const ConnectionSpec& spec, Smb1RunContext& ctx) {
  conn = std::make_shared<Smb1Conn>();
  Deadline d = deadline_in(std::chrono::milliseconds(ctx.options.prologue_timeout_ms));
  std::string who = "connection " + spec.name + " (SMB1): ";
  auto cl = Smb1Client::connect(ctx.target.host, ctx.target.port, d, ctx.capture, spec.name);
  if (!cl) return who + "connect failed: " + cl.error().message();
  conn->client.emplace(std::move(*cl));
  set_vars(*conn, spec.name, ctx.vars);
  if (spec.connect == ConnectionSpec::Connect::manual) return "";
  auto n = conn->client->negotiate(d);
  if (!n) return who + "NEGOTIATE (NT LM 0.12) failed: " + n.error().message() + " (" + to_string(conn->client->last_status()) + ")";
  set_vars(*conn, spec.name, ctx.vars);
  if (spec.connect == ConnectionSpec::Connect::negotiate || spec.account == "none") return "";
  auto s = conn->client->session_setup(account_for(spec.account, ctx.target), spec.signing == ConnectionSpec::Signing::required, d);
  if (!s) return who + "SESSION_SETUP_ANDX as " + spec.account + " failed: " + s.error().message() + " (" + to_string(conn->client->last_status()) + ")";
  set_vars(*conn, spec.name, ctx.vars);
  if (!spec.extra_session.empty()) {
    auto u2 = conn->client->add_session(account_for(spec.extra_session, ctx.target), d);
    if (!u2) return who + "second SESSION_SETUP_ANDX as " + spec.extra_session + " failed: " + u2.error().message();
    json v = *ctx.vars.find(spec.name);
    v["uid2"] = *u2;
    ctx.vars.set(spec.name, v);
  }
  if (spec.connect == ConnectionSpec::Connect::session || spec.share == "none") return "";
  std::string share = spec.share == "ipc" ? "IPC$" : (spec.account == "guest" && ctx.target.guest_share) ? *ctx.target.guest_share : ctx.target.share;
  auto t = conn->client->tree_connect("\\\\" + ctx.target.host + "\\" + share, d);
  if (!t) return who + "TREE_CONNECT_ANDX " + share + " failed: " + t.error().message() + " (" + to_string(conn->client->last_status()) + ")";
  set_vars(*conn, spec.name, ctx.vars);
  return "";
}

bool smb1_wire_step(const Step& step) {
  return !std::holds_alternative<WaitStep>(step) && !std::holds_alternative<ControlStep>(step);
}

Smb1Grade smb1_run_step(std::shared_ptr<Smb1Conn>& conn, const ConnectionSpec& spec, const Step& step, Smb1RunContext& ctx,
                        StepResult& sr) {
  Smb1Conn& c = *conn;
  return std::visit(
      [&](const auto& st) -> Smb1Grade {
        using T = std::decay_t<decltype(st)>;
        if constexpr (std::is_same_v<T, SendStep>) {
          return run_send(c, st.send, st.info, ctx, sr);
        } else if constexpr (std::is_same_v<T, CompoundStep>) {
          return {Verdict::ungraded, "compound steps are SMB2-only (send one SMB1 message per step)"};
        } else if constexpr (std::is_same_v<T, SendRawStep>) {
          if (!c.client || !c.client->is_open()) return {Verdict::fail, "connection " + st.info.connection + " is closed"};
          auto bytes = *wire::from_hex(st.hex);
          auto r = c.client->send_raw(bytes, st.framed, step_deadline(st.info, ctx));
          if (ctx.capture) ctx.capture->mark_last_sent_malformed(st.info.connection);
          sr.sent.push_back({{"raw", true}, {"framed", st.framed}, {"hex", wire::to_hex(bytes)}});
          if (!r) return {Verdict::fail, "send failed: " + r.error().message()};
          // A raw SMB1 message of at least 32 bytes is an outstanding request (MID at 0x1E).
          std::size_t base = st.framed ? 4 : 0;
          if (bytes.size() >= base + 32 && bytes[base] == 0xFF && bytes[base + 1] == 'S') {
            std::uint16_t mid = static_cast<std::uint16_t>(bytes[base + 30] | (bytes[base + 31] << 8));
            c.outstanding.push_back({mid, command_name(bytes[base + 4]), ""});
          }
          return {};
        } else if constexpr (std::is_same_v<T, ExpectStep>) {
          return run_expect(c, st, ctx, sr);
        } else if constexpr (std::is_same_v<T, ExpectUnsolicitedStep>) {
          return run_unsolicited(c, st, ctx, sr);
        } else if constexpr (std::is_same_v<T, ExpectNothingStep>) {
          if (!c.client) return {Verdict::fail, "connection " + st.info.connection + " is closed"};
          if (!c.stash.empty()) return {Verdict::fail, "expected nothing vs received " + describe(c.stash.front())};
          if (ctx.settle_nothing && ctx.settle_nothing(c.client->transport().local_port(), std::chrono::milliseconds(st.ms))) {
            sr.message = "settled from the reference server's state (control op quiesce), not waited";
            return {};
          }
          auto r = c.client->receive(deadline_in(std::chrono::milliseconds(st.ms)));
          if (r) {
            sr.received.push_back(received_json(*r));
            std::string dsc = describe(*r);
            c.stash.push_back(std::move(*r));
            return {Verdict::fail, "expected nothing for " + std::to_string(st.ms) + " ms vs received " + dsc};
          }
          if (r.error() == errc::timeout) return {};
          if (r.error() == errc::closed) return {Verdict::fail, "expected nothing vs the server closed the connection"};
          return {Verdict::fail, "receive failed: " + r.error().message()};
        } else if constexpr (std::is_same_v<T, ExpectDisconnectStep>) {
          if (!c.client) return {Verdict::fail, "connection " + st.info.connection + " is closed"};
          if (!c.stash.empty()) return {Verdict::fail, "expected a disconnect vs received " + describe(c.stash.front())};
          bool got_data = false;
          if (c.client->wait_closed(deadline_in(std::chrono::milliseconds(st.ms)), got_data)) {
            c.client->close();
            return {};
          }
          if (got_data) {
            auto r = c.client->receive(deadline_in(std::chrono::milliseconds(100)));
            if (r) {
              sr.received.push_back(received_json(*r));
              return {Verdict::fail, "expected a disconnect vs received " + describe(*r)};
            }
            return {Verdict::fail, "expected a disconnect vs received data that is not a complete message"};
          }
          return {Verdict::fail, "expected a disconnect within " + std::to_string(st.ms) + " ms vs connection still open"};
        } else if constexpr (std::is_same_v<T, DisconnectStep>) {
          if (c.client) c.client->close();
          c.outstanding.clear();
          c.stash.clear();
          return {};
        } else if constexpr (std::is_same_v<T, ReconnectStep>) {
          std::string err = smb1_prologue(conn, spec, ctx);
          if (!err.empty()) return {Verdict::ungraded, "reconnect: " + err};
          return {};
        } else {
          return {Verdict::ungraded, "not an SMB1 wire step"};
        }
      },
      step);
}

void smb1_close(Smb1Conn& conn) {
  if (conn.client) conn.client->close();
}

}  // namespace smb::harness
