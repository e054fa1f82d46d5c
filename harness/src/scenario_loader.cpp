// Scenario loading and validation: JSON -> model, with group expansion and located errors (file, step, field).
#include "smbharness/scenario_loader.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <tuple>

#include "smbharness/client.hpp"
#include "smbharness/message_dispatch.hpp"
#include "smbharness/message_fields.hpp"
#include "smbharness/smb1_runner.hpp"
#include "smbharness/values.hpp"
#include "smbproto/status.hpp"

namespace smb::harness {
namespace {

// Name checks written out by hand: std::regex_match recurses once per character in libstdc++, so a long enough
// string overflowed the stack (fuzz_scenario_loader: a 21,703-character id against the kebab-case pattern).
// Variable and connection names use values.hpp's is_variable_name.
bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

/** ^[a-z0-9]+(-[a-z0-9]+)*$ */
bool is_kebab(const std::string& s) {
  if (s.empty() || s.front() == '-' || s.back() == '-' || s.find("--") != std::string::npos) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return is_lower_alnum(c) || c == '-'; });
}

/** ^(SMB2|SMB1)-[A-Z]+-[0-9]+$ */
bool is_requirement_id(const std::string& s) {
  if (s.rfind("SMB2-", 0) != 0 && s.rfind("SMB1-", 0) != 0) return false;
  std::size_t i = 5, b = i;
  while (i < s.size() && s[i] >= 'A' && s[i] <= 'Z') ++i;
  if (i == b || i >= s.size() || s[i] != '-') return false;
  b = ++i;
  while (i < s.size() && is_digit(s[i])) ++i;
  return i > b && i == s.size();
}


using json = nlohmann::json;

/**
 * A step-group file (scenarios/_prologue), parsed once and shared by every scenario that uses it: a suite names the
 * same few groups hundreds of times. Keyed by path, size and modification time, so an edited file is read again (a
 * long Python session). Null when the file cannot be opened; `error` is set when it is not valid JSON.
 */
std::shared_ptr<const json> group_file(const std::filesystem::path& gp, std::string& error) {
  static std::mutex mu;
  static std::map<std::string, std::tuple<std::uintmax_t, std::filesystem::file_time_type, std::shared_ptr<const json>>>
      cache;
  std::error_code ec;
  auto size = std::filesystem::file_size(gp, ec);
  if (ec) return nullptr;
  auto mtime = std::filesystem::last_write_time(gp, ec);
  if (ec) return nullptr;
  std::lock_guard lock(mu);
  if (auto it = cache.find(gp.string()); it != cache.end() && std::get<0>(it->second) == size &&
                                         std::get<1>(it->second) == mtime)
    return std::get<2>(it->second);
  std::ifstream in(gp);
  if (!in) return nullptr;
  try {
    auto g = std::make_shared<const json>(json::parse(in));
    cache[gp.string()] = {size, mtime, g};
    return g;
  } catch (const json::exception& e) {
    error = e.what();
    return std::make_shared<const json>();
  }
}

struct ScenarioError {
  std::string message;
};

/** A step after group expansion. */
struct Flat {
  json step;
  std::size_t index;
  std::string pointer;
  std::string label_prefix;  // "use create-file: step 2 " or ""
  std::string default_on;    // "" = scenario default
};

const std::vector<std::string> kTopKeys{"$schema", "id", "title", "description", "requirements", "spec", "level",
                                        "requires", "connections", "timeout_ms", "steps"};
const std::vector<std::string> kCapabilities{"DFS", "LEASING", "LARGE_MTU", "MULTI_CHANNEL", "PERSISTENT_HANDLES",
                                             "DIRECTORY_LEASING", "ENCRYPTION", "NOTIFICATIONS"};
const std::vector<std::string> kControlOps{"state", "fault", "clear_faults", "advance_clock", "expire_session", "volume"};

class Loader {
 public:
  Loader(std::string file, const LoaderOptions& opts) : file_(std::move(file)), opts_(opts) {}

  Scenario load(const json& root);

 private:
  [[noreturn]] void fail(const std::string& where, const std::string& field, const std::string& msg) const {
    std::string m = file_ + ": ";
    if (!where.empty()) m += where + ": ";
    if (!field.empty()) m += "field " + field + ": ";
    throw ScenarioError{m + msg};
  }
  void check_keys(const json& obj, const std::vector<std::string>& allowed, const std::string& where,
                  const std::string& prefix) const {
    for (const auto& [k, _] : obj.items()) {
      if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
      std::string hint = did_you_mean(k, allowed);
      fail(where, prefix + k, hint.empty() ? "unknown field" : "unknown field (did you mean " + hint + "?)");
    }
  }
  void check_vars(const json& j, const std::string& where, const std::string& path) const {
    if (j.is_object()) {
      for (const auto& [k, v] : j.items()) check_vars(v, where, path.empty() ? k : path + "." + k);
      return;
    }
    if (j.is_array()) {
      for (std::size_t i = 0; i < j.size(); ++i) check_vars(j[i], where, path + "[" + std::to_string(i) + "]");
      return;
    }
    for (const auto& v : referenced_variables(j)) {
      if (v.empty()) fail(where, path, "malformed variable reference in " + j.dump());
      if (v == "dir") uses_dir_ = true;
      if (!defined_.count(v)) fail(where, path, "variable $" + v + " used before it is captured");
    }
  }
  std::string var_name(const json& j, const std::string& where, const std::string& field) const {
    if (!j.is_string() || !is_variable_name(j.get_ref<const std::string&>())) fail(where, field, "expected a variable name");
    return j.get<std::string>();
  }
  int positive_int(const json& j, const std::string& where, const std::string& field) const {
    if (!j.is_number_integer() || j.get<std::int64_t>() <= 0) fail(where, field, "expected a positive integer");
    return static_cast<int>(j.get<std::int64_t>());
  }
  void check_status(const json& j, const std::string& where, const std::string& field) const {
    if (contains_variable(j)) return;
    if (is_matcher_object(j)) {
      for (const auto& [k, v] : j.items()) {
        if (k == "any") continue;
        if (k == "any_of") {
          if (!v.is_array() || v.empty()) fail(where, field, "any_of needs a non-empty array");
          for (const auto& e : v) check_status(e, where, field);
        } else if (k == "not") {
          check_status(v, where, field);
        } else {
          fail(where, field, "\"" + k + "\" does not apply to a status");
        }
      }
      return;
    }
    if (j.is_number_unsigned()) return;
    if (!j.is_string() || (!status_from_string(j.get<std::string>()) && !smb1_status_from_string(j.get<std::string>()))) {
      std::vector<std::string> names;  // hint only for near misses of the spelling
      fail(where, field, "unknown status " + j.dump());
    }
  }

  std::vector<Flat> expand(const json& steps, const std::string& pointer, std::size_t top_index,
                           const std::string& label_prefix, const std::string& default_on, int depth);
  Step parse_step(const Flat& f);
  SendSpec parse_send(const json& s, const std::string& where, const std::string& prefix, bool in_compound);
  Outcome parse_outcome(const json& o, const std::string& response, const std::string& where, const std::string& prefix,
                        bool explicit_verdict);
  std::map<std::string, std::string> parse_capture(const json& c, const std::string& response,
                                                   const std::string& where, bool control);
  std::string connection_of(const json& s, const Flat& f, const std::string& where) const {
    std::string on = f.default_on.empty() ? default_connection_ : f.default_on;
    if (s.contains("on")) {
      if (!s["on"].is_string()) fail(where, "on", "expected a connection name");
      on = s["on"].get<std::string>();
    }
    if (!connections_.count(on)) fail(where, "on", "unknown connection \"" + on + "\"");
    return on;
  }

  std::string file_;
  const LoaderOptions& opts_;
  std::set<std::string> defined_;
  std::set<std::string> request_names_;
  std::set<std::string> marks_;  ///< reference times for `since`: named sends and `mark`s

  /** "min_ms"/"max_ms"/"since" of an expect step (scenarios/README.md §6.4 timing). */
  std::optional<Timing> parse_timing(const json& s, const std::string& where, bool since_required) const {
    if (!s.contains("min_ms") && !s.contains("max_ms") && !s.contains("since")) return std::nullopt;
    Timing t;
    if (s.contains("min_ms")) {
      const json& v = s["min_ms"];
      if (!v.is_number_integer() || v.get<std::int64_t>() < 0) fail(where, "min_ms", "expected a non-negative integer");
      t.min_ms = static_cast<int>(v.get<std::int64_t>());
    }
    if (s.contains("max_ms")) t.max_ms = positive_int(s["max_ms"], where, "max_ms");
    if (!t.min_ms && !t.max_ms) fail(where, "since", "since needs min_ms or max_ms");
    if (t.min_ms && t.max_ms && *t.min_ms > *t.max_ms) fail(where, "min_ms", "min_ms is greater than max_ms");
    if (s.contains("since")) {
      t.since = var_name(s["since"], where, "since");
      if (!marks_.count(t.since)) fail(where, "since", "no earlier send name or mark \"" + t.since + "\"");
    } else if (since_required) {
      fail(where, "since", "missing (min_ms/max_ms of an unsolicited message need a reference time)");
    }
    return t;
  }
  std::string parse_mark(const json& s, const std::string& where) {
    if (!s.contains("mark")) return "";
    std::string m = var_name(s["mark"], where, "mark");
    marks_.insert(m);
    return m;
  }
  std::set<std::string> connections_;
  std::string default_connection_;
  mutable bool uses_dir_ = false;
  bool reference_only_ = false;
  int group_counter_ = 0;
  std::filesystem::path prologue_dir_;
};

std::string step_kind(const json& s) {
  // "control" and "use" first: a control step carries an "expect" key of its own.
  for (const char* k : {"control", "use", "send", "compound", "send_raw", "expect", "expect_unsolicited", "expect_nothing",
                        "expect_disconnect", "disconnect", "reconnect", "wait"})
    if (s.contains(k)) return k;
  return "";
}

std::string step_label(const json& s) {
  std::string kind = step_kind(s);
  if (kind.empty()) return "?";
  const json& v = s[kind];
  if (v.is_string()) return kind + " " + v.get<std::string>();
  return kind;
}

std::vector<Flat> Loader::expand(const json& steps, const std::string& pointer, std::size_t top_index,
                                 const std::string& label_prefix, const std::string& default_on, int depth) {
  std::vector<Flat> out;
  if (!steps.is_array() || steps.empty()) fail("", pointer.empty() ? "steps" : label_prefix, "expected a non-empty array of steps");
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const json& s = steps[i];
    std::size_t index = top_index ? top_index : i + 1;
    std::string ptr = pointer + "/" + std::to_string(i);
    std::string where = "step " + std::to_string(index) + " (" + label_prefix + (label_prefix.empty() ? "" : "step " + std::to_string(i + 1) + " ") + (s.is_object() ? step_label(s) : "?") + ")";
    if (!s.is_object()) fail(where, "", "a step must be an object");
    if (!s.contains("use")) {
      out.push_back(Flat{s, index, ptr, label_prefix.empty() ? "" : label_prefix + "step " + std::to_string(i + 1) + " ", default_on});
      continue;
    }
    check_keys(s, {"use", "with", "bind", "on", "comment"}, where, "");
    if (depth > 8) fail(where, "use", "step groups nested too deeply");
    if (!s["use"].is_string()) fail(where, "use", "expected a group name");
    std::string name = s["use"].get<std::string>();
    std::filesystem::path gp = prologue_dir_ / name;
    if (gp.extension() != ".json") gp += ".json";
    std::string parse_error;
    auto gfile = group_file(gp, parse_error);
    if (!gfile) fail(where, "use", "no step group \"" + name + "\" in " + prologue_dir_.string());
    if (!parse_error.empty()) fail(where, "use", "group " + gp.string() + " is not valid JSON: " + parse_error);
    const json& g = *gfile;
    if (!g.is_object() || !g.contains("steps")) fail(where, "use", "group " + gp.string() + " has no steps");
    check_keys(g, {"$schema", "group", "description", "params", "steps"}, where, "use " + name + ": ");
    // Parameters.
    std::map<std::string, json> params;
    json with = s.value("with", json::object());
    if (!with.is_object()) fail(where, "with", "expected an object");
    json decl = g.value("params", json::object());
    for (const auto& [k, v] : with.items()) {
      if (!decl.contains(k)) {
        std::vector<std::string> names;
        for (const auto& [pk, _] : decl.items()) names.push_back(pk);
        std::string hint = did_you_mean(k, names);
        fail(where, "with." + k, hint.empty() ? "unknown parameter" : "unknown parameter (did you mean " + hint + "?)");
      }
      // Variables in "with" are checked where the group's steps use them (after earlier captures).
      params[k] = v;
    }
    for (const auto& [k, d] : decl.items()) {
      if (params.count(k)) continue;
      if (d.is_object() && d.contains("default")) {
        params[k] = d["default"];
      } else {
        fail(where, "with." + k, "missing required parameter");
      }
    }
    // Group-local names: captures and request names. Bound ones map to the caller's names.
    std::set<std::string> locals;
    std::function<void(const json&)> collect = [&](const json& st) {
      if (!st.is_object()) return;
      if (st.contains("capture") && st["capture"].is_object())
        for (const auto& [k, _] : st["capture"].items()) locals.insert(k);
      if (st.contains("name") && st["name"].is_string()) locals.insert(st["name"].get<std::string>());
      if (st.contains("mark") && st["mark"].is_string()) locals.insert(st["mark"].get<std::string>());
      if (st.contains("interim_capture") && st["interim_capture"].is_string()) locals.insert(st["interim_capture"].get<std::string>());
      if (st.contains("compound") && st["compound"].is_array())
        for (const auto& m : st["compound"]) collect(m);
    };
    for (const auto& st : g["steps"]) collect(st);
    std::map<std::string, std::string> renames;
    ++group_counter_;
    for (const auto& l : locals) renames[l] = "_g" + std::to_string(group_counter_) + "_" + l;
    json bind = s.value("bind", json::object());
    if (!bind.is_object()) fail(where, "bind", "expected an object");
    for (const auto& [k, v] : bind.items()) {
      if (!locals.count(k)) fail(where, "bind." + k, "group " + name + " captures no variable " + k);
      if (!v.is_string() || v.get<std::string>().size() < 2 || v.get<std::string>()[0] != '$')
        fail(where, "bind." + k, "expected \"$name\"");
      renames[k] = v.get<std::string>().substr(1);
    }
    // Rename capture keys / names explicitly, then rewrite references in every value.
    std::function<json(const json&)> rename_decl = [&](const json& st) {
      json c = st;
      if (c.contains("capture") && c["capture"].is_object()) {
        json nc = json::object();
        for (const auto& [k, v] : c["capture"].items()) nc[renames.count(k) ? renames[k] : k] = v;
        c["capture"] = nc;
      }
      if (c.contains("name") && c["name"].is_string() && renames.count(c["name"].get<std::string>()))
        c["name"] = renames[c["name"].get<std::string>()];
      if (c.contains("request") && c["request"].is_string() && renames.count(c["request"].get<std::string>()))
        c["request"] = renames[c["request"].get<std::string>()];
      for (const char* key : {"mark", "since"})
        if (c.contains(key) && c[key].is_string() && renames.count(c[key].get<std::string>()))
          c[key] = renames[c[key].get<std::string>()];
      if (c.contains("interim_capture") && c["interim_capture"].is_string() &&
          renames.count(c["interim_capture"].get<std::string>()))
        c["interim_capture"] = renames[c["interim_capture"].get<std::string>()];
      if (c.contains("compound") && c["compound"].is_array()) {
        json arr = json::array();
        for (const auto& m : c["compound"]) arr.push_back(rename_decl(m));
        c["compound"] = arr;
      }
      return c;
    };
    json gsteps = json::array();
    for (const auto& st : g["steps"]) gsteps.push_back(rewrite_variables(rename_decl(st), renames, params));
    std::string on = default_on;
    if (s.contains("on")) {
      if (!s["on"].is_string() || !connections_.count(s["on"].get<std::string>()))
        fail(where, "on", "unknown connection " + s["on"].dump());
      on = s["on"].get<std::string>();
    }
    auto sub = expand(gsteps, ptr, index, label_prefix + "use " + name + ": ", on, depth + 1);
    out.insert(out.end(), sub.begin(), sub.end());
  }
  return out;
}

SendSpec Loader::parse_send(const json& s, const std::string& where, const std::string& prefix, bool in_compound) {
  std::vector<std::string> keys{"send", "name", "args", "header", "sign", "patch", "comment"};
  if (in_compound) {
    keys.push_back("related");
  } else {
    keys.insert(keys.end(), {"on", "timeout_ms"});
  }
  check_keys(s, keys, where, prefix);
  SendSpec out;
  if (!s["send"].is_string()) fail(where, prefix + "send", "expected a command name");
  out.command = s["send"].get<std::string>();
  const auto& names = request_names();
  if (std::find(names.begin(), names.end(), out.command) == names.end() && !is_smb1_request_name(out.command)) {
    std::string hint = did_you_mean(out.command, names);
    fail(where, prefix + "send", "unknown command " + out.command + (hint.empty() ? "" : " (did you mean " + hint + "?)"));
  }
  if (s.contains("args")) {
    out.args = s["args"];
    if (!out.args.is_object()) fail(where, prefix + "args", "expected an object");
    if (auto e = check_request_args(out.command, out.args, prefix + "args")) fail(where, e->path, e->message);
    check_vars(out.args, where, prefix + "args");
  }
  if (s.contains("header")) {
    out.header = s["header"];
    if (!out.header.is_object()) fail(where, prefix + "header", "expected an object");
    if (auto e = is_smb1_request_name(out.command) ? smb1_check_header_fields(out.header, prefix + "header")
                                                   : check_header_fields(out.header, prefix + "header"))
      fail(where, e->path, e->message);
    check_vars(out.header, where, prefix + "header");
  }
  if (s.contains("sign")) {
    if (!s["sign"].is_boolean()) fail(where, prefix + "sign", "expected true or false");
    out.sign = s["sign"].get<bool>();
  }
  if (s.contains("related")) {
    if (!s["related"].is_boolean()) fail(where, prefix + "related", "expected true or false");
    out.related = s["related"].get<bool>();
  }
  if (s.contains("patch")) {
    if (!s["patch"].is_array()) fail(where, prefix + "patch", "expected an array");
    for (std::size_t i = 0; i < s["patch"].size(); ++i) {
      const json& p = s["patch"][i];
      std::string pp = prefix + "patch[" + std::to_string(i) + "]";
      if (!p.is_object()) fail(where, pp, "expected {\"offset\", \"hex\"}");
      check_keys(p, {"offset", "hex"}, where, pp + ".");
      if (!p.contains("offset") || !p["offset"].is_number_unsigned()) fail(where, pp + ".offset", "expected a byte offset");
      if (!p.contains("hex") || !p["hex"].is_string() || !wire::from_hex(p["hex"].get<std::string>()))
        fail(where, pp + ".hex", "expected hex bytes");
      out.patches.push_back(Patch{p["offset"].get<std::size_t>(), p["hex"].get<std::string>()});
    }
  }
  if (s.contains("name")) out.name = var_name(s["name"], where, prefix + "name");
  return out;
}

Outcome Loader::parse_outcome(const json& o, const std::string& response, const std::string& where,
                              const std::string& prefix, bool explicit_verdict) {
  Outcome out;
  if (o.contains("disconnect")) {
    if (!explicit_verdict) fail(where, prefix + "disconnect", "only an entry of outcomes can be a disconnect");
    if (o["disconnect"] != true) fail(where, prefix + "disconnect", "expected true");
    if (o.contains("status") || o.contains("fields"))
      fail(where, prefix + "disconnect", "a disconnect outcome has no status or fields");
    out.disconnect = true;
  }
  if (o.contains("status")) {
    out.status = o["status"];
    check_status(out.status, where, prefix + "status");
    check_vars(out.status, where, prefix + "status");
  }
  if (o.contains("fields")) {
    if (!o["fields"].is_object()) fail(where, prefix + "fields", "expected an object");
    for (const auto& [path, expected] : o["fields"].items()) {
      std::string shown = prefix + "fields." + path;
      if (auto e = check_response_field(response, path, &expected, shown)) fail(where, e->path, e->message);
      check_vars(expected, where, shown);
    }
    out.fields = o["fields"];
  }
  if (explicit_verdict) {
    if (!o.contains("verdict") || !o["verdict"].is_string()) fail(where, prefix + "verdict", "expected pass, non_strict or fail");
    auto v = verdict_from_string(o["verdict"].get<std::string>());
    if (!v || *v == Verdict::unsupported || *v == Verdict::ungraded)
      fail(where, prefix + "verdict", "expected pass, non_strict or fail");
    out.verdict = *v;
    if (o.contains("note")) {
      if (!o["note"].is_string()) fail(where, prefix + "note", "expected a string");
      out.note = o["note"].get<std::string>();
    }
  }
  return out;
}

std::map<std::string, std::string> Loader::parse_capture(const json& c, const std::string& response,
                                                         const std::string& where, bool control) {
  std::map<std::string, std::string> out;
  if (!c.is_object()) fail(where, "capture", "expected {\"variable\": \"field\"}");
  for (const auto& [var, path] : c.items()) {
    var_name(json(var), where, "capture." + var);
    if (!path.is_string()) fail(where, "capture." + var, "expected a field path");
    if (!control) {
      if (auto e = check_response_field(response, path.get<std::string>(), nullptr, "capture." + var))
        fail(where, e->path, e->message + " \"" + path.get<std::string>() + "\"");
    } else if (!parse_path(path.get<std::string>())) {
      fail(where, "capture." + var, "malformed field path");
    }
    out[var] = path.get<std::string>();
  }
  return out;
}

Step Loader::parse_step(const Flat& f) {
  const json& s = f.step;
  std::string kind = step_kind(s);
  std::string where = "step " + std::to_string(f.index) + " (" + f.label_prefix + step_label(s) + ")";
  if (kind.empty()) {
    std::vector<std::string> kinds{"send", "compound", "send_raw", "expect", "expect_unsolicited", "expect_nothing",
                                   "expect_disconnect", "disconnect", "reconnect", "wait", "control", "use"};
    std::string first = s.empty() ? "" : s.begin().key();
    std::string hint = did_you_mean(first, kinds);
    fail(where, first, "unknown step kind" + (hint.empty() ? "" : " (did you mean " + hint + "?)"));
  }
  StepInfo info;
  info.index = f.index;
  info.pointer = f.pointer;
  info.label = f.label_prefix + step_label(s);
  info.connection = connection_of(s, f, where);
  if (s.contains("timeout_ms")) info.timeout_ms = positive_int(s["timeout_ms"], where, "timeout_ms");
  if (s.contains("comment")) {
    if (!s["comment"].is_string()) fail(where, "comment", "expected a string");
    info.comment = s["comment"].get<std::string>();
  }
  auto ms_of = [&](const char* key) {
    const json& v = s[key];
    if (!v.is_object()) fail(where, key, "expected {\"ms\": N}");
    check_keys(v, {"ms"}, where, std::string(key) + ".");
    if (!v.contains("ms")) fail(where, std::string(key) + ".ms", "missing");
    return positive_int(v["ms"], where, std::string(key) + ".ms");
  };
  if (kind == "send") {
    SendStep st{info, parse_send(s, where, "", false)};
    if (!st.send.name.empty()) {
      defined_.insert(st.send.name);
      request_names_.insert(st.send.name);
      marks_.insert(st.send.name);
    }
    return st;
  }
  if (kind == "compound") {
    check_keys(s, {"compound", "on", "timeout_ms", "comment"}, where, "");
    if (!s["compound"].is_array() || s["compound"].empty()) fail(where, "compound", "expected a non-empty array of send steps");
    CompoundStep st{info, {}};
    for (std::size_t i = 0; i < s["compound"].size(); ++i) {
      const json& m = s["compound"][i];
      std::string prefix = "compound[" + std::to_string(i) + "].";
      if (!m.is_object() || !m.contains("send")) fail(where, prefix + "send", "a compound member must be a send");
      st.members.push_back(parse_send(m, where, prefix, true));
    }
    for (const auto& m : st.members)
      if (!m.name.empty()) {
        defined_.insert(m.name);
        request_names_.insert(m.name);
        marks_.insert(m.name);
      }
    return st;
  }
  if (kind == "send_raw") {
    check_keys(s, {"send_raw", "framed", "on", "timeout_ms", "comment"}, where, "");
    if (!s["send_raw"].is_string() || !wire::from_hex(s["send_raw"].get<std::string>()))
      fail(where, "send_raw", "expected hex bytes");
    SendRawStep st{info, s["send_raw"].get<std::string>(), false};
    if (s.contains("framed")) {
      if (!s["framed"].is_boolean()) fail(where, "framed", "expected true or false");
      st.framed = s["framed"].get<bool>();
    }
    return st;
  }
  if (kind == "expect") {
    check_keys(s, {"expect", "request", "status", "fields", "capture", "outcomes", "interim", "interim_capture", "on",
                   "timeout_ms", "comment", "min_ms", "max_ms", "since", "mark"},
               where, "");
    ExpectStep st;
    st.info = info;
    if (!s["expect"].is_string()) fail(where, "expect", "expected a response name");
    st.response = s["expect"].get<std::string>();
    const auto& names = response_names();
    if (std::find(names.begin(), names.end(), st.response) == names.end() && !is_smb1_response_name(st.response)) {
      std::string hint = did_you_mean(st.response, names);
      fail(where, "expect", "unknown response " + st.response + (hint.empty() ? "" : " (did you mean " + hint + "?)"));
    }
    if (s.contains("request")) {
      if (!s["request"].is_string()) fail(where, "request", "expected a request name");
      st.request = s["request"].get<std::string>();
      if (!request_names_.count(st.request)) fail(where, "request", "no earlier send is named \"" + st.request + "\"");
    }
    if (s.contains("outcomes")) {
      if (s.contains("status") || s.contains("fields"))
        fail(where, "outcomes", "use either outcomes or status/fields, not both");
      if (!s["outcomes"].is_array() || s["outcomes"].empty()) fail(where, "outcomes", "expected a non-empty array");
      for (std::size_t i = 0; i < s["outcomes"].size(); ++i) {
        const json& o = s["outcomes"][i];
        std::string prefix = "outcomes[" + std::to_string(i) + "].";
        if (!o.is_object()) fail(where, "outcomes[" + std::to_string(i) + "]", "expected an object");
        check_keys(o, {"status", "fields", "verdict", "note", "disconnect"}, where, prefix);
        st.outcomes.push_back(parse_outcome(o, st.response, where, prefix, true));
      }
    } else {
      st.outcomes.push_back(parse_outcome(s, st.response, where, "", false));
    }
    if (s.contains("interim")) {
      const json& v = s["interim"];
      if (v == true) {
        st.interim = ExpectStep::Interim::yes;
      } else if (v == false) {
        st.interim = ExpectStep::Interim::no;
      } else if (v == "optional") {
        st.interim = ExpectStep::Interim::optional;
      } else if (v == "only") {
        st.interim = ExpectStep::Interim::only;
      } else {
        fail(where, "interim", "expected true, false, \"optional\" or \"only\"");
      }
    }
    if (st.interim == ExpectStep::Interim::only) {
      // The step ends at the interim response (MS-SMB2 3.3.4.2); what the final response must be is a later step's job.
      for (const char* k : {"status", "fields", "outcomes", "min_ms", "max_ms", "mark"})
        if (s.contains(k)) fail(where, k, "not allowed with \"interim\": \"only\" (expect the final response in a later step)");
      if (s.contains("capture"))
        for (const auto& [var, path] : s["capture"].items())
          if (!path.is_string() || path.get<std::string>().rfind("header.", 0) != 0)
            fail(where, "capture." + var, "with \"interim\": \"only\" only header fields of the interim response can be captured");
    }
    st.timing = parse_timing(s, where, false);
    st.mark = parse_mark(s, where);
    if (s.contains("interim_capture")) {
      st.interim_capture = var_name(s["interim_capture"], where, "interim_capture");
      defined_.insert(st.interim_capture);
    }
    if (s.contains("capture")) st.capture = parse_capture(s["capture"], st.response, where, false);
    for (const auto& [v, _] : st.capture) defined_.insert(v);
    return st;
  }
  if (kind == "expect_unsolicited") {
    check_keys(s, {"expect_unsolicited", "status", "fields", "capture", "on", "timeout_ms", "comment", "min_ms", "max_ms",
                   "since", "mark"},
               where, "");
    ExpectUnsolicitedStep st;
    st.info = info;
    if (!s["expect_unsolicited"].is_string()) fail(where, "expect_unsolicited", "expected a response name");
    st.response = s["expect_unsolicited"].get<std::string>();
    if (st.response != "OPLOCK_BREAK" && st.response != "LEASE_BREAK" && st.response != "SMB_COM_LOCKING_ANDX")
      fail(where, "expect_unsolicited", "expected OPLOCK_BREAK, LEASE_BREAK or SMB_COM_LOCKING_ANDX (SMB1 break)");
    st.outcome = parse_outcome(s, st.response, where, "", false);
    if (s.contains("capture")) st.capture = parse_capture(s["capture"], st.response, where, false);
    for (const auto& [v, _] : st.capture) defined_.insert(v);
    st.timing = parse_timing(s, where, true);
    st.mark = parse_mark(s, where);
    return st;
  }
  if (kind == "expect_nothing") {
    check_keys(s, {"expect_nothing", "on", "comment"}, where, "");
    return ExpectNothingStep{info, ms_of("expect_nothing")};
  }
  if (kind == "expect_disconnect") {
    check_keys(s, {"expect_disconnect", "on", "comment"}, where, "");
    return ExpectDisconnectStep{info, ms_of("expect_disconnect")};
  }
  if (kind == "disconnect" || kind == "reconnect") {
    check_keys(s, {kind, "on", "timeout_ms", "comment"}, where, "");
    if (s[kind] != true) fail(where, kind, "expected true");
    if (kind == "disconnect") return DisconnectStep{info};
    return ReconnectStep{info};
  }
  if (kind == "wait") {
    check_keys(s, {"wait", "comment"}, where, "");
    return WaitStep{info, ms_of("wait")};
  }
  // control
  check_keys(s, {"control", "args", "expect", "capture", "timeout_ms", "comment"}, where, "");
  reference_only_ = true;
  ControlStep st;
  st.info = info;
  if (!s["control"].is_string()) fail(where, "control", "expected an operation name");
  st.op = s["control"].get<std::string>();
  if (std::find(kControlOps.begin(), kControlOps.end(), st.op) == kControlOps.end()) {
    std::string hint = did_you_mean(st.op, kControlOps);
    fail(where, "control", "unknown control operation " + st.op + (hint.empty() ? "" : " (did you mean " + hint + "?)"));
  }
  if (s.contains("args")) {
    st.args = s["args"];
    if (!st.args.is_object()) fail(where, "args", "expected an object");
  }
  std::map<std::string, std::vector<std::string>> allowed{
      {"state", {}},
      {"fault", {"share", "operation", "path", "status", "count"}},
      {"clear_faults", {}},
      {"advance_clock", {"ms"}},
      {"expire_session", {"session"}},
      {"volume", {"share", "read_only"}}};
  check_keys(st.args, allowed[st.op], where, "args.");
  if (st.op == "fault" && st.args.contains("status")) check_status(st.args["status"], where, "args.status");
  if (st.op == "advance_clock" && !st.args.contains("ms")) fail(where, "args.ms", "missing");
  if (st.op == "expire_session" && !st.args.contains("session")) fail(where, "args.session", "missing");
  check_vars(st.args, where, "args");
  if (s.contains("expect")) {
    if (st.op != "state") fail(where, "expect", "only control \"state\" takes expect");
    st.expect = s["expect"];
    if (!st.expect.is_object()) fail(where, "expect", "expected an object");
    check_keys(st.expect, {"open", "session", "share", "server", "fields"}, where, "expect.");
    int selectors = st.expect.contains("open") + st.expect.contains("session") + st.expect.contains("share") +
                    st.expect.contains("server");
    if (selectors != 1) fail(where, "expect", "name exactly one of open, session, share, server");
    if (st.expect.contains("fields")) {
      if (!st.expect["fields"].is_object()) fail(where, "expect.fields", "expected an object");
      for (const auto& [k, _] : st.expect["fields"].items())
        if (!parse_path(k)) fail(where, "expect.fields." + k, "malformed field path");
    }
    check_vars(st.expect, where, "expect");
  }
  if (s.contains("capture")) {
    if (st.op != "state") fail(where, "capture", "only control \"state\" captures");
    st.capture = parse_capture(s["capture"], "", where, true);
  }
  for (const auto& [v, _] : st.capture) defined_.insert(v);
  return st;
}

Scenario Loader::load(const json& root) {
  if (!root.is_object()) fail("", "", "a scenario must be a JSON object");
  if (root.contains("group")) fail("", "group", "this is a step group (scenarios/_prologue), not a scenario");
  check_keys(root, kTopKeys, "", "");
  for (const char* k : {"id", "title", "description", "requirements", "spec", "level", "steps"})
    if (!root.contains(k)) fail("", k, "missing");
  Scenario sc;
  sc.file = file_;
  auto str = [&](const char* k) {
    if (!root[k].is_string() || root[k].get<std::string>().empty()) fail("", k, "expected a non-empty string");
    return root[k].get<std::string>();
  };
  sc.id = str("id");
  if (!is_kebab(sc.id)) fail("", "id", "expected kebab-case, got \"" + sc.id + "\"");
  sc.title = str("title");
  sc.description = str("description");
  sc.level = str("level");
  if (sc.level != "MUST" && sc.level != "SHOULD" && sc.level != "MAY") fail("", "level", "expected MUST, SHOULD or MAY");
  auto str_list = [&](const char* k) {
    std::vector<std::string> out;
    if (!root[k].is_array() || root[k].empty()) fail("", k, "expected a non-empty array of strings");
    for (const auto& e : root[k]) {
      if (!e.is_string()) fail("", k, "expected strings");
      out.push_back(e.get<std::string>());
    }
    return out;
  };
  sc.requirements = str_list("requirements");
  for (std::size_t i = 0; i < sc.requirements.size(); ++i) {
    const auto& r = sc.requirements[i];
    std::string field = "requirements[" + std::to_string(i) + "]";
    if (!is_requirement_id(r)) fail("", field, "malformed requirement ID \"" + r + "\"");
    if (!opts_.known_requirements.empty() && !opts_.known_requirements.count(r)) {
      std::vector<std::string> known(opts_.known_requirements.begin(), opts_.known_requirements.end());
      std::string hint = did_you_mean(r, known);
      fail("", field, "unknown requirement " + r + (hint.empty() ? "" : " (did you mean " + hint + "?)"));
    }
  }
  sc.spec = str_list("spec");
  sc.timeout_ms = opts_.default_timeout_ms;
  if (root.contains("timeout_ms")) sc.timeout_ms = positive_int(root["timeout_ms"], "", "timeout_ms");

  // requires
  if (root.contains("requires")) {
    const json& r = root["requires"];
    if (!r.is_object()) fail("", "requires", "expected an object");
    check_keys(r, {"min_dialect", "max_dialect", "capabilities", "accounts", "reference_only", "target_flags"}, "", "requires.");
    for (const char* k : {"min_dialect", "max_dialect"}) {
      if (!r.contains(k)) continue;
      auto d = r[k].is_string() ? dialect_from_string(r[k].get<std::string>()) : std::nullopt;
      if (!d) fail("", std::string("requires.") + k, "unknown dialect " + r[k].dump());
      (std::string(k) == "min_dialect" ? sc.requires_.min_dialect : sc.requires_.max_dialect) = d;
    }
    if (r.contains("capabilities")) {
      if (!r["capabilities"].is_array()) fail("", "requires.capabilities", "expected an array");
      for (const auto& c : r["capabilities"]) {
        if (!c.is_string() || std::find(kCapabilities.begin(), kCapabilities.end(), c.get<std::string>()) == kCapabilities.end()) {
          std::string hint = c.is_string() ? did_you_mean(c.get<std::string>(), kCapabilities) : "";
          fail("", "requires.capabilities", "unknown capability " + c.dump() + (hint.empty() ? "" : " (did you mean " + hint + "?)"));
        }
        sc.requires_.capabilities.push_back(c.get<std::string>());
      }
    }
    if (r.contains("accounts")) {
      if (!r["accounts"].is_array()) fail("", "requires.accounts", "expected an array");
      for (const auto& a : r["accounts"]) {
        if (!a.is_string() || (a != "user" && a != "user2" && a != "guest" && a != "anonymous"))
          fail("", "requires.accounts", "unknown account " + a.dump());
        sc.requires_.accounts.push_back(a.get<std::string>());
      }
    }
    if (r.contains("reference_only")) {
      if (!r["reference_only"].is_boolean()) fail("", "requires.reference_only", "expected true or false");
      sc.requires_.reference_only = r["reference_only"].get<bool>();
    }
    if (r.contains("target_flags")) {
      if (!r["target_flags"].is_object()) fail("", "requires.target_flags", "expected an object");
      for (const auto& [k, v] : r["target_flags"].items()) {
        if (v.is_string()) sc.requires_.target_flags[k] = v.get<std::string>();
        else if (v.is_boolean() || v.is_number_integer()) sc.requires_.target_flags[k] = v.dump();
        else fail("", "requires.target_flags." + k, "expected a string, boolean or integer");
      }
    }
  }
  if (sc.requires_.min_dialect && sc.requires_.max_dialect && *sc.requires_.min_dialect > *sc.requires_.max_dialect)
    fail("", "requires.max_dialect", "below min_dialect");

  // connections
  json conns = root.value("connections", json{{"A", json::object()}});
  if (!conns.is_object() || conns.empty()) fail("", "connections", "expected an object of named connections");
  for (const auto& [name, c] : conns.items()) {
    std::string prefix = "connections." + name;
    if (!is_variable_name(name) || name[0] == '_') fail("", prefix, "bad connection name");  // [A-Za-z][A-Za-z0-9_]*
    if (name == "dir" || name == "share" || name == "host") fail("", prefix, "reserved name");
    if (!c.is_object()) fail("", prefix, "expected an object");
    check_keys(c, {"dialects", "signing", "account", "share", "connect", "protocol", "extra_session"}, "", prefix + ".");
    ConnectionSpec cs;
    cs.name = name;
    if (c.contains("dialects")) {
      if (!c["dialects"].is_array() || c["dialects"].empty()) fail("", prefix + ".dialects", "expected a non-empty array");
      for (const auto& d : c["dialects"]) {
        auto v = d.is_string() ? dialect_from_string(d.get<std::string>()) : std::nullopt;
        if (!v) fail("", prefix + ".dialects", "unknown dialect " + d.dump());
        cs.dialects.push_back(*v);
      }
    } else {
      for (auto d : all_dialects())
        if ((!sc.requires_.min_dialect || d >= *sc.requires_.min_dialect) &&
            (!sc.requires_.max_dialect || d <= *sc.requires_.max_dialect))
          cs.dialects.push_back(d);
    }
    auto one_of = [&](const char* key, std::vector<std::string> vals, const std::string& dflt) {
      if (!c.contains(key)) return dflt;
      if (!c[key].is_string() || std::find(vals.begin(), vals.end(), c[key].get<std::string>()) == vals.end()) {
        std::string hint = c[key].is_string() ? did_you_mean(c[key].get<std::string>(), vals) : "";
        fail("", prefix + "." + key, "unknown value " + c[key].dump() + (hint.empty() ? "" : " (did you mean " + hint + "?)"));
      }
      return c[key].get<std::string>();
    };
    std::string signing = one_of("signing", {"enabled", "required", "none"}, "enabled");
    cs.signing = signing == "required" ? ConnectionSpec::Signing::required
                 : signing == "none"   ? ConnectionSpec::Signing::none
                                       : ConnectionSpec::Signing::enabled;
    cs.account = one_of("account", {"user", "user2", "guest", "anonymous", "none"}, "user");
    cs.share = one_of("share", {"default", "ipc", "none"}, "default");
    std::string connect = one_of("connect", {"auto", "negotiate", "session", "manual"}, "auto");
    cs.protocol = one_of("protocol", {"smb2", "smb1"}, "smb2");
    cs.extra_session = one_of("extra_session", {"user", "user2", "guest"}, "");
    if (!cs.extra_session.empty() && cs.protocol != "smb1") fail("", prefix + ".extra_session", "only for \"protocol\": \"smb1\"");
    if (cs.extra_session == "user2" && std::find(sc.requires_.accounts.begin(), sc.requires_.accounts.end(), "user2") == sc.requires_.accounts.end())
      sc.requires_.accounts.push_back("user2");
    cs.connect = connect == "manual"      ? ConnectionSpec::Connect::manual
                 : connect == "negotiate" ? ConnectionSpec::Connect::negotiate
                 : connect == "session"   ? ConnectionSpec::Connect::session
                                          : ConnectionSpec::Connect::auto_;
    if ((cs.account == "user2" || cs.account == "guest") &&
        std::find(sc.requires_.accounts.begin(), sc.requires_.accounts.end(), cs.account) == sc.requires_.accounts.end())
      sc.requires_.accounts.push_back(cs.account);
    sc.connections.push_back(cs);
    connections_.insert(name);
    defined_.insert(name);
  }
  std::sort(sc.connections.begin(), sc.connections.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  sc.default_connection = connections_.count("A") ? "A" : sc.connections.front().name;
  default_connection_ = sc.default_connection;
  defined_.insert({"dir", "share", "host", "file_id_all_ones"});

  // steps (groups expanded first)
  std::filesystem::path fp(file_);
  prologue_dir_ = opts_.prologue_dir;
  if (prologue_dir_.empty()) {
    for (auto dir = fp.parent_path(); !dir.empty(); dir = dir.parent_path()) {
      if (std::filesystem::is_directory(dir / "_prologue")) {
        prologue_dir_ = dir / "_prologue";
        break;
      }
      if (dir == dir.parent_path()) break;
    }
  }
  auto flat = expand(root["steps"], "/steps", 0, "", "", 0);
  for (const auto& f : flat) sc.steps.push_back(parse_step(f));
  sc.uses_dir = uses_dir_;
  sc.requires_.reference_only = sc.requires_.reference_only || reference_only_;
  return sc;
}

}  // namespace

std::string to_string(Verdict v) {
  switch (v) {
    case Verdict::pass: return "pass";
    case Verdict::non_strict: return "non_strict";
    case Verdict::fail: return "fail";
    case Verdict::unsupported: return "unsupported";
    case Verdict::ungraded: return "ungraded";
  }
  return "?";
}

std::optional<Verdict> verdict_from_string(const std::string& s) {
  for (Verdict v : {Verdict::pass, Verdict::non_strict, Verdict::fail, Verdict::unsupported, Verdict::ungraded})
    if (to_string(v) == s) return v;
  return std::nullopt;
}

Verdict worst_step(Verdict a, Verdict b) { return static_cast<int>(a) >= static_cast<int>(b) ? a : b; }

const StepInfo& info_of(const Step& s) {
  return std::visit([](const auto& st) -> const StepInfo& { return st.info; }, s);
}

std::variant<Scenario, LoadError> load_scenario_text(const std::string& text, const std::string& file,
                                                     const LoaderOptions& opts) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::exception& e) {
    // parse_error, and out_of_range for a number literal that overflows a double ("1E999"; found by
    // fuzz_scenario_loader): both are a file the user must fix, never a crash.
    return LoadError{file + ": invalid JSON: " + e.what()};
  }
  try {
    Loader l(file, opts);
    return l.load(root);
  } catch (const ScenarioError& e) {
    return LoadError{e.message};
  } catch (const json::exception& e) {
    return LoadError{file + ": " + e.what()};
  }
}

std::variant<Scenario, LoadError> load_scenario(const std::filesystem::path& file, const LoaderOptions& opts) {
  std::ifstream in(file);
  if (!in) return LoadError{file.string() + ": cannot open"};
  std::stringstream ss;
  ss << in.rdbuf();
  return load_scenario_text(ss.str(), file.string(), opts);
}

std::vector<std::filesystem::path> find_scenario_files(const std::vector<std::string>& paths,
                                                       std::vector<std::string>& missing) {
  std::vector<std::filesystem::path> out;
  for (const auto& p : paths) {
    std::filesystem::path path(p);
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) {
      out.push_back(path);
    } else if (std::filesystem::is_directory(path, ec)) {
      std::vector<std::filesystem::path> found;
      for (auto it = std::filesystem::recursive_directory_iterator(path, ec); it != std::filesystem::recursive_directory_iterator(); ++it) {
        auto name = it->path().filename().string();
        if (it->is_directory() && (name == "_prologue" || name == "schema" || (!name.empty() && name[0] == '.'))) {
          it.disable_recursion_pending();
          continue;
        }
        if (it->is_regular_file() && it->path().extension() == ".json") found.push_back(it->path());
      }
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else {
      missing.push_back(p);
    }
  }
  return out;
}

}  // namespace smb::harness
