// Parsing and validation of the reference server configuration (CLI fragments and JSON files).
#include "smbserver/config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

namespace smb::server {
namespace {

std::string upper(std::string_view s) {
  std::string r(s);
  for (auto& c : r) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return r;
}

std::optional<std::string> parse_flush_mode(std::string_view v, ShareFlushMode& m) {
  if (v == "full") m = ShareFlushMode::full;
  else if (v == "data_only") m = ShareFlushMode::data_only;
  else if (v == "data_sync_only") m = ShareFlushMode::data_sync_only;
  else if (v == "none") m = ShareFlushMode::none;
  else return "unknown flush mode '" + std::string(v) + "' (full|data_only|data_sync_only|none)";
  return std::nullopt;
}

std::optional<std::string> check_share_name(std::string_view name) {
  if (name.empty()) return std::string("empty share name");
  if (name.size() > 80) return "share name longer than 80 characters: " + std::string(name);  // 2.2.9
  for (char c : name)
    if (c == '\\' || c == '/' || c == ':' || static_cast<unsigned char>(c) < 0x20)
      return "invalid character in share name: " + std::string(name);
  if (upper(name) == "IPC$") return std::string("IPC$ is reserved (it always exists as the pipe share)");
  return std::nullopt;
}

}  // namespace

std::optional<std::string> parse_share_spec(std::string_view spec, ShareConfig& out) {
  auto eq = spec.find('=');
  if (eq == std::string_view::npos) return "bad --share '" + std::string(spec) + "': expected NAME=DIR[,options]";
  ShareConfig s;
  s.name = std::string(spec.substr(0, eq));
  if (auto e = check_share_name(s.name)) return "bad --share: " + *e;
  std::string_view rest = spec.substr(eq + 1);
  auto comma = rest.find(',');
  s.root = std::string(rest.substr(0, comma));
  if (s.root.empty()) return "bad --share '" + std::string(spec) + "': empty directory";
  while (comma != std::string_view::npos) {
    rest = rest.substr(comma + 1);
    comma = rest.find(',');
    std::string_view opt = rest.substr(0, comma);
    if (opt.starts_with("flush=")) {
      if (auto e = parse_flush_mode(opt.substr(6), s.flush_mode)) return "bad --share: " + *e;
    } else if (opt == "ca") {
      s.continuously_available = true;
    } else if (opt == "ro" || opt == "read_only") {
      s.read_only = true;
    } else {
      return "bad --share option '" + std::string(opt) + "' (flush=MODE, ca, ro)";
    }
  }
  out = std::move(s);
  return std::nullopt;
}

std::optional<std::string> parse_close_pending_lock_status(std::string_view v, NtStatus& out) {
  if (v == "cancelled") out = status::STATUS_CANCELLED;
  else if (v == "range-not-locked") out = status::STATUS_RANGE_NOT_LOCKED;
  else return "unknown value '" + std::string(v) + "' (cancelled|range-not-locked)";
  return std::nullopt;
}

std::optional<std::string> parse_user_spec(std::string_view spec, std::string& name, std::string& password) {
  auto colon = spec.find(':');
  if (colon == std::string_view::npos || colon == 0) return "bad --user '" + std::string(spec) + "': expected NAME:PASSWORD";
  name = std::string(spec.substr(0, colon));
  password = std::string(spec.substr(colon + 1));
  return std::nullopt;
}

std::optional<std::string> parse_host_port(std::string_view spec, std::string& address, std::uint16_t& port) {
  auto colon = spec.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return "bad address '" + std::string(spec) + "': expected HOST:PORT";
  std::string_view host = spec.substr(0, colon), p = spec.substr(colon + 1);
  unsigned v = 0;
  auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
  if (ec != std::errc() || ptr != p.data() + p.size() || v > 65535 || p.empty())
    return "bad port in '" + std::string(spec) + "'";
  int dots = 0;
  for (char c : host) {
    if (c == '.') ++dots;
    else if (!std::isdigit(static_cast<unsigned char>(c))) return "bad IPv4 address '" + std::string(host) + "'";
  }
  if (dots != 3) return "bad IPv4 address '" + std::string(host) + "'";
  address = std::string(host);
  port = static_cast<std::uint16_t>(v);
  return std::nullopt;
}

std::optional<std::string> parse_control_spec(std::string_view spec, ControlEndpoint& out) {
  if (spec.empty()) return std::string("empty --control value");
  ControlEndpoint c;
  bool looks_tcp = spec.find('/') == std::string_view::npos && spec.find(':') != std::string_view::npos;
  if (looks_tcp) {
    c.is_tcp = true;
    if (auto e = parse_host_port(spec, c.address, c.port)) return "bad --control: " + *e;
  } else {
    c.path = std::string(spec);
  }
  out = std::move(c);
  return std::nullopt;
}

std::optional<std::uint16_t> parse_dialect(std::string_view text) {
  if (text == "2.0.2" || text == "2.02") return 0x0202;
  if (text == "2.1" || text == "2.10") return 0x0210;
  if (text == "3.0" || text == "3.00") return 0x0300;
  if (text == "3.0.2" || text == "3.02") return 0x0302;
  if (text == "3.1.1" || text == "3.11") return 0x0311;
  if (text.starts_with("0x") || text.starts_with("0X")) {
    unsigned v = 0;
    auto s = text.substr(2);
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
    if (ec == std::errc() && p == s.data() + s.size()) {
      for (std::uint16_t d : {0x0202, 0x0210, 0x0300, 0x0302, 0x0311})
        if (v == d) return d;
    }
  }
  return std::nullopt;
}

std::optional<std::string> apply_config_json(const nlohmann::json& j, ServerConfig& c) {
  if (!j.is_object()) return std::string("configuration must be a JSON object");
  try {
    for (const auto& [key, v] : j.items()) {
      if (key == "listen") {
        if (auto e = parse_host_port(v.get<std::string>(), c.listen_address, c.listen_port)) return "listen: " + *e;
      } else if (key == "shares") {
        for (const auto& s : v) {
          ShareConfig sc;
          if (s.is_string()) {
            if (auto e = parse_share_spec(s.get<std::string>(), sc)) return "shares: " + *e;
          } else {
            for (const auto& [k, _] : s.items())
              if (k != "name" && k != "path" && k != "flush" && k != "ca" && k != "read_only")
                return "shares: unknown key '" + k + "'";
            sc.name = s.at("name").get<std::string>();
            if (auto e = check_share_name(sc.name)) return "shares: " + *e;
            sc.root = s.at("path").get<std::string>();
            if (s.contains("flush"))
              if (auto e = parse_flush_mode(s.at("flush").get<std::string>(), sc.flush_mode)) return "shares: " + *e;
            sc.continuously_available = s.value("ca", false);
            sc.read_only = s.value("read_only", false);
          }
          c.shares.push_back(std::move(sc));
        }
      } else if (key == "users") {
        for (const auto& [name, pw] : v.items()) c.users[name] = pw.get<std::string>();
      } else if (key == "guest") {
        c.guest_allowed = v.get<bool>();
      } else if (key == "control") {
        ControlEndpoint ce;
        if (auto e = parse_control_spec(v.get<std::string>(), ce)) return "control: " + *e;
        c.control = ce;
      } else if (key == "smb1") {
        c.smb1_enabled = v.get<bool>();
      } else if (key == "smb1_unlock_oldest_first") {
        c.smb1_unlock_oldest_first = v.get<bool>();
      } else if (key == "smb1_logoff_keeps_trees") {
        c.smb1_logoff_keeps_trees = v.get<bool>();
      } else if (key == "oplock_timeout_ms") {
        c.oplock_timeout = std::chrono::milliseconds(v.get<std::uint64_t>());
      } else if (key == "signing_required") {
        c.signing_required = v.get<bool>();
      } else if (key == "close_pending_lock_status") {
        if (auto e = parse_close_pending_lock_status(v.get<std::string>(), c.close_pending_lock_status))
          return "close_pending_lock_status: " + *e;
      } else if (key == "multichannel") {
        c.multichannel = v.get<bool>();
      } else if (key == "min_dialect" || key == "max_dialect") {
        auto d = parse_dialect(v.get<std::string>());
        if (!d) return key + ": unknown dialect '" + v.get<std::string>() + "'";
        (key == "min_dialect" ? c.min_dialect : c.max_dialect) = *d;
      } else if (key == "max_credits") {
        c.max_credits = v.get<std::uint16_t>();
      } else if (key == "log_level") {
        if (!parse_log_level(v.get<std::string>(), c.log_level)) return "log_level: unknown level";
      } else if (key == "server_name") {
        c.server_name = v.get<std::string>();
      } else {
        return "unknown configuration key '" + key + "'";
      }
    }
  } catch (const nlohmann::json::exception& e) {
    return std::string("configuration: ") + e.what();
  }
  return std::nullopt;
}

std::optional<std::string> validate(const ServerConfig& c) {
  if (c.shares.empty()) return std::string("no share configured (use --share NAME=DIR)");
  std::set<std::string> names;
  for (const auto& s : c.shares)
    if (!names.insert(upper(s.name)).second) return "duplicate share name '" + s.name + "'";
  if (c.min_dialect > c.max_dialect) return std::string("min dialect is above max dialect");
  if (c.max_credits == 0) return std::string("max_credits must be > 0");
  return std::nullopt;
}

}  // namespace smb::server
