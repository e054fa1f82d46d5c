// Non-template helpers of message_fields.hpp: path parsing, matcher detection, "did you mean" hints.
#include "smbharness/message_fields.hpp"

#include <algorithm>
#include <charconv>

namespace smb::harness {
namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = 3;
  for (const auto& c : candidates) {
    std::size_t d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  if (!best.empty()) return best;
  for (const auto& c : candidates)
    if (word.size() >= 3 && (c.rfind(word, 0) == 0 || word.rfind(c, 0) == 0)) return c;
  return "";
}

std::optional<std::vector<PathSegment>> parse_path(std::string_view path) {
  std::vector<PathSegment> out;
  std::size_t i = 0;
  while (i <= path.size()) {
    std::size_t end = path.find('.', i);
    if (end == std::string_view::npos) end = path.size();
    std::string_view seg = path.substr(i, end - i);
    if (seg.empty()) return std::nullopt;
    PathSegment s;
    auto br = seg.find('[');
    if (br != std::string_view::npos) {
      if (seg.back() != ']' || br == 0) return std::nullopt;
      std::string_view num = seg.substr(br + 1, seg.size() - br - 2);
      // Digits only, and a value that fits: an index too large for size_t is a malformed path, not an exception
      // (fuzz_scenario_loader found "[1566666666666666666666666666666666666666666666]" throwing out of the loader).
      std::size_t index = 0;
      auto [end_num, ec] = std::from_chars(num.data(), num.data() + num.size(), index);
      if (num.empty() || ec != std::errc() || end_num != num.data() + num.size() || num.front() == '+')
        return std::nullopt;
      s.index = index;
      seg = seg.substr(0, br);
    }
    s.name = std::string(seg);
    out.push_back(std::move(s));
    i = end + 1;
    if (end == path.size()) break;
  }
  return out;
}

bool is_matcher_object(const nlohmann::json& j) {
  if (!j.is_object() || j.empty()) return false;
  for (const auto& [k, _] : j.items())
    if (k != "any_of" && k != "not" && k != "has" && k != "lacks" && k != "min" && k != "max" && k != "any") return false;
  return true;
}

bool contains_variable(const nlohmann::json& j) {
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] != '$') continue;
      if (i + 1 < s.size() && s[i + 1] == '$') {
        ++i;
        continue;
      }
      return true;
    }
    return false;
  }
  if (j.is_array() || j.is_object()) {
    for (const auto& e : j) if (contains_variable(e)) return true;
  }
  return false;
}

}  // namespace smb::harness
