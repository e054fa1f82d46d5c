// Target profiles (ci/targets/<name>.json) and expectation sets (ci/expectations/<target>.json + <target>.d/*.json).
#include "smbharness/profile.hpp"

#include <algorithm>
#include <fstream>

#include "smbharness/client.hpp"

namespace smb::harness {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

const std::vector<std::string> kProfileKeys{"$schema", "_comment", "description", "reference", "address", "share",
                                            "user", "user2", "guest_share", "dialects", "capabilities", "flags",
                                            "expectations"};
const std::vector<std::string> kCapabilityNames{"DFS", "LEASING", "LARGE_MTU", "MULTI_CHANNEL", "PERSISTENT_HANDLES",
                                                "DIRECTORY_LEASING", "ENCRYPTION", "NOTIFICATIONS"};

/** `rel` under the working directory, else under the source tree; "" when neither exists. */
fs::path find_in_tree(const fs::path& rel) {
  std::error_code ec;
  if (fs::exists(rel, ec)) return rel;
  fs::path src = fs::path(SMBCONFORM_SOURCE_DIR) / rel;
  if (fs::exists(src, ec)) return src;
  return {};
}

std::optional<json> read_json(const fs::path& file, std::string& error) {
  std::ifstream in(file);
  if (!in) {
    error = file.string() + ": cannot open";
    return std::nullopt;
  }
  try {
    return json::parse(in);
  } catch (const json::exception& e) {
    error = file.string() + ": invalid JSON: " + e.what();
    return std::nullopt;
  }
}

std::string flag_text(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

}  // namespace

bool parse_address(const std::string& s, std::string& host, std::uint16_t& port) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos) {
    if (s.empty()) return false;
    host = s;
    return true;
  }
  try {
    std::size_t used = 0;
    int p = std::stoi(s.substr(colon + 1), &used);
    if (used != s.size() - colon - 1 || p <= 0 || p > 65535 || colon == 0) return false;
    host = s.substr(0, colon);
    port = static_cast<std::uint16_t>(p);
    return true;
  } catch (...) {
    return false;
  }
}

std::optional<TargetProfile> load_profile(const fs::path& file, std::string& error) {
  auto j = read_json(file, error);
  if (!j) return std::nullopt;
  auto bad = [&](const std::string& field, const std::string& msg) {
    error = file.string() + ": field " + field + ": " + msg;
    return std::nullopt;
  };
  if (!j->is_object()) {
    error = file.string() + ": expected an object";
    return std::nullopt;
  }
  TargetProfile p;
  p.file = file.string();
  p.name = file.stem().string();
  for (const auto& [k, v] : j->items())
    if (std::find(kProfileKeys.begin(), kProfileKeys.end(), k) == kProfileKeys.end()) return bad(k, "unknown field");
  if (j->contains("description")) p.description = j->at("description").get<std::string>();
  if (j->contains("reference")) {
    if (!j->at("reference").is_boolean()) return bad("reference", "expected true or false");
    p.reference = j->at("reference").get<bool>();
  }
  if (j->contains("address") && !j->at("address").is_null()) {
    if (!j->at("address").is_string() || !parse_address(j->at("address").get<std::string>(), p.host, p.port))
      return bad("address", "expected \"HOST:PORT\"");
  }
  if (j->contains("share")) {
    if (!j->at("share").is_string()) return bad("share", "expected a share name");
    p.share = j->at("share").get<std::string>();
  }
  for (const char* key : {"user", "user2"}) {
    if (!j->contains(key) || j->at(key).is_null()) continue;
    auto c = j->at(key).is_string() ? parse_user(j->at(key).get<std::string>()) : std::nullopt;
    if (!c) return bad(key, "expected \"user:password\"");
    (std::string(key) == "user" ? p.user : p.user2) = *c;
  }
  if (j->contains("guest_share") && !j->at("guest_share").is_null()) {
    if (!j->at("guest_share").is_string()) return bad("guest_share", "expected a share name");
    p.guest_share = j->at("guest_share").get<std::string>();
  }
  if (j->contains("dialects")) {
    if (!j->at("dialects").is_array()) return bad("dialects", "expected an array of dialect names");
    for (const auto& d : j->at("dialects")) {
      auto v = d.is_string() ? dialect_from_string(d.get<std::string>()) : std::nullopt;
      if (!v) return bad("dialects", "unknown dialect " + d.dump());
      p.dialects.push_back(*v);
    }
  }
  if (j->contains("capabilities")) {
    if (!j->at("capabilities").is_array()) return bad("capabilities", "expected an array of capability names");
    for (const auto& c : j->at("capabilities")) {
      if (!c.is_string() || std::find(kCapabilityNames.begin(), kCapabilityNames.end(), c.get<std::string>()) == kCapabilityNames.end())
        return bad("capabilities", "unknown capability " + c.dump());
      p.capabilities.push_back(c.get<std::string>());
    }
  }
  if (j->contains("flags")) {
    if (!j->at("flags").is_object()) return bad("flags", "expected an object of flag values");
    for (const auto& [k, v] : j->at("flags").items()) {
      if (k.rfind("_", 0) == 0) continue;  // "_why" notes
      if (!v.is_string() && !v.is_boolean() && !v.is_number_integer()) return bad("flags." + k, "expected a string, boolean or integer");
      p.flags[k] = flag_text(v);
    }
  }
  if (j->contains("expectations") && !j->at("expectations").is_null()) {
    if (!j->at("expectations").is_string()) return bad("expectations", "expected a target name or file");
    p.expectations = j->at("expectations").get<std::string>();
  }
  return p;
}

fs::path find_profile(const std::string& name_or_path) {
  std::error_code ec;
  if (name_or_path.find('/') != std::string::npos || name_or_path.ends_with(".json"))
    return fs::is_regular_file(name_or_path, ec) ? fs::path(name_or_path) : fs::path();
  return find_in_tree(fs::path("ci/targets") / (name_or_path + ".json"));
}

std::vector<std::string> profile_names() {
  std::vector<std::string> out;
  fs::path dir = find_in_tree("ci/targets");
  std::error_code ec;
  if (dir.empty()) return out;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".json") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

void apply_profile(const TargetProfile& p, Target& t) {
  t.profile = p.name;
  if (!p.host.empty()) {
    t.host = p.host;
    t.port = p.port;
  }
  if (!p.share.empty()) t.share = p.share;
  if (p.user) t.user = *p.user;
  if (p.user2) t.user2 = *p.user2;
  if (p.guest_share) t.guest_share = *p.guest_share;
  t.dialects = p.dialects;
  t.capabilities = p.capabilities;
  for (const auto& [k, v] : p.flags) t.flags[k] = v;
}

std::optional<Expectations> load_expectation_set(const std::string& name_or_path, std::string& error) {
  std::vector<fs::path> files;
  std::error_code ec;
  fs::path main_file, fragments;
  if (name_or_path.find('/') != std::string::npos || name_or_path.ends_with(".json")) {
    if (!fs::is_regular_file(name_or_path, ec)) {
      error = name_or_path + ": cannot open";
      return std::nullopt;
    }
    main_file = name_or_path;
    fragments = fs::path(name_or_path).replace_extension(".d");
  } else {
    main_file = find_in_tree(fs::path("ci/expectations") / (name_or_path + ".json"));
    fragments = find_in_tree(fs::path("ci/expectations") / (name_or_path + ".d"));
    if (main_file.empty() && fragments.empty()) {
      error = "--expect " + name_or_path + ": neither ci/expectations/" + name_or_path + ".json nor ci/expectations/" +
              name_or_path + ".d/ exists";
      return std::nullopt;
    }
  }
  if (!main_file.empty()) files.push_back(main_file);
  if (!fragments.empty() && fs::is_directory(fragments, ec)) {
    std::vector<fs::path> frag;
    for (const auto& e : fs::directory_iterator(fragments, ec))
      if (e.path().extension() == ".json") frag.push_back(e.path());
    std::sort(frag.begin(), frag.end());
    files.insert(files.end(), frag.begin(), frag.end());
  }
  Expectations out;
  std::map<std::string, std::string> origin;
  for (const auto& f : files) {
    auto part = load_expectations(f.string(), error);
    if (!part) return std::nullopt;
    for (auto& [id, e] : *part) {
      if (auto it = origin.find(id); it != origin.end()) {
        error = f.string() + ": " + id + ": duplicate expectation (also in " + it->second + ")";
        return std::nullopt;
      }
      origin[id] = f.string();
      out[id] = std::move(e);
    }
  }
  return out;
}

}  // namespace smb::harness
