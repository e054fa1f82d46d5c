// Differential comparison of two JSON reports (smbconform diff).
#include "smbharness/diff.hpp"

#include <map>
#include <set>

namespace smb::harness {
namespace {

using json = nlohmann::json;

/** Fields a server chooses freely (MS-SMB2 leaves them to the implementation or they vary per run). */
const std::set<std::string> kDropped{
    "signature", "credit_request_response", "credit_charge", "hex", "creation_time", "last_access_time",
    "last_write_time", "change_time", "system_time", "server_start_time", "server_guid", "client_guid",
    "security_buffer", "security_buffer_offset", "security_buffer_length", "max_transact_size", "max_read_size",
    "max_write_size", "negotiate_context_list", "negotiate_context_count", "negotiate_context_offset",
    "capabilities", "allocation_size", "maximal_access", "buffer", "volume_serial_number", "file_index",
    "index_number", "file_id_128", "disk_file_id", "volume_id", "output_buffer", "decode_error", "reserved",
    "reserved2", "create_time", "last_change_time", "available", "server_time", "server_time_zone", "challenge",
    "encryption_key", "session_key", "max_buffer_size", "max_mpx_count", "max_number_vcs", "max_raw_size"};

/** Live ids renamed to symbols in order of first appearance (per kind). */
json id_symbol(const std::string& kind, const json& value, json& ids) {
  if (value.is_number() && value.get<std::uint64_t>() == 0) return 0;
  std::string key = kind + ":" + value.dump();
  if (!ids.contains(key)) {
    int n = ids.value("_n_" + kind, 0) + 1;
    ids["_n_" + kind] = n;
    ids[key] = "$" + kind + std::to_string(n);
  }
  return ids[key];
}

json normalise(const json& j, json& ids, const std::string& parent) {
  if (j.is_object()) {
    json out = json::object();
    for (const auto& [k, v] : j.items()) {
      if (kDropped.count(k)) continue;
      if (k == "session_id") out[k] = id_symbol("S", v, ids);
      else if (k == "tree_id") out[k] = id_symbol("T", v, ids);
      else if (k == "async_id") out[k] = id_symbol("A", v, ids);
      else if (k == "message_id") out[k] = id_symbol("M", v, ids);
      else if (k == "file_id" || k == "persistent" || k == "volatile" || k == "fid") out[k] = id_symbol("F", v, ids);
      else if (k == "uid") out[k] = id_symbol("U", v, ids);  // SMB1 (MS-CIFS 2.2.3.1)
      else if (k == "tid") out[k] = id_symbol("T", v, ids);
      else if (k == "mid") out[k] = id_symbol("M", v, ids);
      else out[k] = normalise(v, ids, k);
    }
    return out;
  }
  if (j.is_array()) {
    json out = json::array();
    for (const auto& e : j) out.push_back(normalise(e, ids, parent));
    return out;
  }
  return j;
}

std::string brief(const json& m) {
  if (m.is_null()) return "<nothing>";
  std::string s = m.value("command", "?");
  if (m.contains("status")) s += " " + m["status"].get<std::string>();
  return s;
}

/** First differing field path between two normalised messages ("" if equal). */
std::string first_difference(const json& a, const json& b, const std::string& path) {
  if (a == b) return "";
  if (a.is_object() && b.is_object()) {
    std::set<std::string> keys;
    for (const auto& [k, _] : a.items()) keys.insert(k);
    for (const auto& [k, _] : b.items()) keys.insert(k);
    for (const auto& k : keys) {
      std::string p = path.empty() ? k : path + "." + k;
      if (!a.contains(k) || !b.contains(k)) return p;
      std::string d = first_difference(a[k], b[k], p);
      if (!d.empty()) return d;
    }
    return path;
  }
  return path.empty() ? "(value)" : path;
}

const json* field_at(const json& j, const std::string& dotted) {
  const json* cur = &j;
  std::size_t start = 0;
  while (start <= dotted.size()) {
    auto dot = dotted.find('.', start);
    std::string k = dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!cur->is_object() || !cur->contains(k)) return nullptr;
    cur = &(*cur)[k];
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return cur;
}

}  // namespace

json normalise_message(const json& received, json& ids) { return normalise(received, ids, ""); }

json diff_reports(const json& a, const json& b) {
  std::map<std::string, const json*> bs;
  for (const auto& s : b.at("scenarios")) bs[s.value("id", "")] = &s;
  json out;
  out["a"] = a.value("target", "");
  out["b"] = b.value("target", "");
  json list = json::array();
  int compared = 0;
  for (const auto& sa : a.at("scenarios")) {
    std::string id = sa.value("id", "");
    auto it = bs.find(id);
    if (it == bs.end()) continue;
    const json& sb = *it->second;
    ++compared;
    json diffs = json::array();
    std::string va = sa.value("verdict", ""), vb = sb.value("verdict", "");
    if (va == "unsupported" || vb == "unsupported") {
      // Not a difference in responses: one target could not run the scenario at all (coverage, not conformance).
      if (va != vb)
        list.push_back({{"id", id}, {"verdict_a", va}, {"verdict_b", vb}, {"message_a", sa.value("message", "")},
                        {"message_b", sb.value("message", "")}, {"coverage_only", true}, {"differences", json::array()}});
      continue;
    }
    // Live ids are numbered per connection: TreeIds and FileIds are per-connection namespaces on most servers.
    json ids_a = json::object(), ids_b = json::object();
    const json& stA = sa.value("steps", json::array());
    const json& stB = sb.value("steps", json::array());
    std::size_t n = std::max(stA.size(), stB.size());
    for (std::size_t i = 0; i < n; ++i) {
      if (i >= stA.size() || i >= stB.size()) {
        const json& st = i < stA.size() ? stA[i] : stB[i];
        diffs.push_back({{"step", st.value("index", 0)}, {"kind", st.value("kind", "")}, {"class", "flow"},
                         {"a", i < stA.size() ? "reached" : "not reached (run ended earlier)"},
                         {"b", i < stB.size() ? "reached" : "not reached (run ended earlier)"}});
        break;
      }
      // Interim responses are the server's choice (MS-SMB2 3.3.4.2: it MAY go async), so they are not compared.
      auto finals = [](const json& list) {
        json out = json::array();
        for (const auto& m : list)
          if (m.value("status", "").rfind("STATUS_PENDING", 0) != 0) out.push_back(m);
        return out;
      };
      const json ra = finals(stA[i].value("received", json::array()));
      const json rb = finals(stB[i].value("received", json::array()));
      json& ida = ids_a[stA[i].value("connection", "")];
      json& idb = ids_b[stB[i].value("connection", "")];
      if (ida.is_null()) ida = json::object();
      if (idb.is_null()) idb = json::object();
      std::size_t m = std::max(ra.size(), rb.size());
      for (std::size_t k = 0; k < m; ++k) {
        json na = k < ra.size() ? normalise_message(ra[k], ida) : json();
        json nb = k < rb.size() ? normalise_message(rb[k], idb) : json();
        if (na == nb) continue;
        std::string cls;
        if (na.is_null() || nb.is_null()) cls = "flow";
        else if (na.value("command", "") != nb.value("command", "") || na.value("status", "") != nb.value("status", ""))
          cls = "status";
        else cls = "fields";
        json d{{"step", stA[i].value("index", 0)}, {"kind", stA[i].value("kind", "")}, {"class", cls}};
        if (cls == "fields") {
          std::string path = first_difference(na, nb, "");
          const json* fa = field_at(na, path);
          const json* fb = field_at(nb, path);
          d["field"] = path;
          d["a"] = brief(na) + ": " + path + " = " + (fa ? fa->dump() : "<absent>");
          d["b"] = brief(nb) + ": " + path + " = " + (fb ? fb->dump() : "<absent>");
        } else {
          d["a"] = brief(na);
          d["b"] = brief(nb);
        }
        diffs.push_back(d);
      }
      // The step's own outcome differs although the messages matched (e.g. one side disconnected).
      std::string va = stA[i].value("verdict", ""), vb = stB[i].value("verdict", "");
      if (m == 0 && va != vb)
        diffs.push_back({{"step", stA[i].value("index", 0)}, {"kind", stA[i].value("kind", "")}, {"class", "status"},
                         {"a", va + (stA[i].value("message", "").empty() ? "" : ": " + stA[i].value("message", ""))},
                         {"b", vb + (stB[i].value("message", "").empty() ? "" : ": " + stB[i].value("message", ""))}});
    }
    if (diffs.empty() && va == vb) continue;
    list.push_back({{"id", id}, {"verdict_a", va}, {"verdict_b", vb}, {"message_a", sa.value("message", "")},
                    {"message_b", sb.value("message", "")}, {"differences", diffs}});
  }
  out["scenarios"] = list;
  out["differing"] = list.size();
  out["compared"] = compared;
  return out;
}

}  // namespace smb::harness
