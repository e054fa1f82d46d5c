// Variable references, expressions and interpolation in scenario values.
#include "smbharness/values.hpp"

#include <algorithm>
#include <cctype>

namespace smb::harness {
namespace {

bool name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

/** A reference found at s[i] == '$': root name, the dotted tail candidates, and where it ends. */
struct Ref {
  std::string root;
  std::vector<std::string> path;  // candidate ".x" segments following the name (not yet applied)
  std::size_t end_root = 0;       // index after the root name (or after '}')
  std::vector<std::size_t> seg_end;  // index after each path segment
  bool braced = false;
};

std::optional<Ref> parse_ref(const std::string& s, std::size_t i) {
  Ref r;
  std::size_t p = i + 1;
  if (p < s.size() && s[p] == '{') {
    auto close = s.find('}', p);
    if (close == std::string::npos) return std::nullopt;
    r.root = s.substr(p + 1, close - p - 1);
    r.end_root = close + 1;
    r.braced = true;
    if (r.root.empty() || !name_start(r.root[0])) return std::nullopt;
    return r;
  }
  if (p >= s.size() || !name_start(s[p])) return std::nullopt;
  std::size_t q = p;
  while (q < s.size() && name_char(s[q])) ++q;
  r.root = s.substr(p, q - p);
  r.end_root = q;
  while (q < s.size() && s[q] == '.' && q + 1 < s.size() && name_start(s[q + 1])) {
    std::size_t e = q + 1;
    while (e < s.size() && name_char(s[e])) ++e;
    r.path.push_back(s.substr(q + 1, e - q - 1));
    r.seg_end.push_back(e);
    q = e;
  }
  return r;
}

std::string text_of(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_unsigned()) return std::to_string(v.get<std::uint64_t>());
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  return v.dump();
}

/** Applies as many path segments as the value's objects allow; returns value and the end index. */
std::optional<std::pair<nlohmann::json, std::size_t>> apply_ref(const Ref& r, const Variables& vars, std::string& error,
                                                                bool must_consume_all) {
  const nlohmann::json* v = vars.find(r.root);
  if (v == nullptr) {
    error = "unknown variable $" + r.root;
    return std::nullopt;
  }
  const nlohmann::json* cur = v;  // walked in place: only the value reached is copied
  std::size_t end = r.end_root;
  for (std::size_t k = 0; k < r.path.size(); ++k) {
    if (!cur->is_object()) break;
    auto it = cur->find(r.path[k]);
    if (it == cur->end()) {
      error = "$" + r.root + ": no field " + r.path[k];
      return std::nullopt;
    }
    cur = &*it;
    end = r.seg_end[k];
  }
  if (must_consume_all && !r.path.empty() && end != r.seg_end.back()) {
    error = "$" + r.root + " is not an object";
    return std::nullopt;
  }
  return std::make_pair(*cur, end);
}

std::optional<std::uint64_t> number_of(const nlohmann::json& v) {
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer()) return static_cast<std::uint64_t>(v.get<std::int64_t>());
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    try {
      std::size_t pos = 0;
      std::uint64_t n = std::stoull(s, &pos, 0);
      if (pos == s.size()) return n;
    } catch (...) {
    }
  }
  return std::nullopt;
}

bool is_operator(const std::string& t) {
  return t == "^" || t == "xor" || t == "+" || t == "-" || t == "|" || t == "&";
}

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

/** Whitespace-separated tokens (what `istream >> string` reads in the C locale). */
std::vector<std::string> split_ws(const std::string& s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.size();) {
    while (i < s.size() && is_space(s[i])) ++i;
    std::size_t b = i;
    while (i < s.size() && !is_space(s[i])) ++i;
    if (i > b) out.emplace_back(s, b, i - b);
  }
  return out;
}

/** "$a ^ 1": at least three tokens, odd positions operators. */
bool looks_like_expression(const std::string& s) {
  if (std::none_of(s.begin(), s.end(), is_space)) return false;  // one token: most strings, decided without a split
  auto t = split_ws(s);
  if (t.size() < 3 || t.size() % 2 == 0) return false;
  for (std::size_t i = 1; i < t.size(); i += 2)
    if (!is_operator(t[i])) return false;
  return true;
}

nlohmann::json resolve_string(const std::string& s, const Variables& vars, std::string& error) {
  // Whole-string reference keeps the type.
  if (!s.empty() && s[0] == '$') {
    auto r = parse_ref(s, 0);
    if (r) {
      std::size_t full = r->seg_end.empty() ? r->end_root : r->seg_end.back();
      if (full == s.size() || r->end_root == s.size()) {
        auto v = apply_ref(*r, vars, error, false);
        if (!v) return nullptr;
        if (v->second == s.size()) return v->first;
        // Partial path consumption (e.g. "$dir.txt"): interpolate below.
      }
    }
  }
  if (looks_like_expression(s)) {
    auto toks = split_ws(s);
    std::optional<std::uint64_t> acc;
    std::string op;
    for (std::size_t i = 0; i < toks.size(); ++i) {
      if (i % 2 == 1) {
        op = toks[i];
        continue;
      }
      nlohmann::json operand = toks[i];
      if (toks[i][0] == '$') {
        operand = resolve_string(toks[i], vars, error);
        if (!error.empty()) return nullptr;
      }
      auto n = number_of(operand);
      if (!n) {
        error = "operand " + toks[i] + " is not a number";
        return nullptr;
      }
      if (!acc) {
        acc = *n;
      } else if (op == "^" || op == "xor") {
        *acc ^= *n;
      } else if (op == "+") {
        *acc += *n;
      } else if (op == "-") {
        *acc -= *n;
      } else if (op == "|") {
        *acc |= *n;
      } else if (op == "&") {
        *acc &= *n;
      }
    }
    return *acc;
  }
  if (s.find('$') == std::string::npos) return s;  // nothing to interpolate
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] != '$') {
      out += s[i++];
      continue;
    }
    if (i + 1 < s.size() && s[i + 1] == '$') {
      out += '$';
      i += 2;
      continue;
    }
    auto r = parse_ref(s, i);
    if (!r) {
      error = "malformed variable reference in \"" + s + "\"";
      return nullptr;
    }
    auto v = apply_ref(*r, vars, error, false);
    if (!v) return nullptr;
    out += text_of(v->first);
    i = v->second;
  }
  return out;
}

}  // namespace

bool is_variable_name(std::string_view s) {
  return !s.empty() && name_start(s[0]) && std::all_of(s.begin(), s.end(), name_char);
}

std::set<std::string> referenced_variables(const nlohmann::json& j) {
  std::set<std::string> out;
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] != '$') continue;
      if (i + 1 < s.size() && s[i + 1] == '$') {
        ++i;
        continue;
      }
      auto r = parse_ref(s, i);
      out.insert(r ? r->root : std::string());
      if (r) i = r->end_root - 1;
    }
  } else if (j.is_array() || j.is_object()) {
    for (const auto& e : j) {
      auto sub = referenced_variables(e);
      out.insert(sub.begin(), sub.end());
    }
  }
  return out;
}

nlohmann::json resolve(const nlohmann::json& j, const Variables& vars, std::string& error) {
  if (j.is_string()) return resolve_string(j.get_ref<const std::string&>(), vars, error);
  if (j.is_array()) {
    auto a = nlohmann::json::array();
    for (const auto& e : j) {
      a.push_back(resolve(e, vars, error));
      if (!error.empty()) return nullptr;
    }
    return a;
  }
  if (j.is_object()) {
    auto o = nlohmann::json::object();
    for (const auto& [k, v] : j.items()) {
      o[k] = resolve(v, vars, error);
      if (!error.empty()) return nullptr;
    }
    return o;
  }
  return j;
}

nlohmann::json rewrite_variables(const nlohmann::json& j, const std::map<std::string, std::string>& renames,
                                 const std::map<std::string, nlohmann::json>& params) {
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    if (!s.empty() && s[0] == '$') {
      auto r = parse_ref(s, 0);
      if (r && r->end_root == s.size()) {
        auto p = params.find(r->root);
        if (p != params.end()) return p->second;
      }
    }
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
      if (s[i] != '$') {
        out += s[i++];
        continue;
      }
      if (i + 1 < s.size() && s[i + 1] == '$') {
        out += "$$";
        i += 2;
        continue;
      }
      auto r = parse_ref(s, i);
      if (!r) {
        out += s[i++];
        continue;
      }
      if (auto p = params.find(r->root); p != params.end()) {
        out += text_of(p->second);
      } else if (auto n = renames.find(r->root); n != renames.end()) {
        out += r->braced ? "${" + n->second + "}" : "$" + n->second;
      } else {
        out += s.substr(i, r->end_root - i);
      }
      i = r->end_root;
    }
    return out;
  }
  if (j.is_array()) {
    auto a = nlohmann::json::array();
    for (const auto& e : j) a.push_back(rewrite_variables(e, renames, params));
    return a;
  }
  if (j.is_object()) {
    auto o = nlohmann::json::object();
    for (const auto& [k, v] : j.items()) o[k] = rewrite_variables(v, renames, params);
    return o;
  }
  return j;
}

}  // namespace smb::harness
