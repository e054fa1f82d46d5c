// Guid formatting and symbolic name parsing/formatting for the field lists.
#include "smbproto/fields.hpp"

#include <charconv>
#include <cstdio>

namespace smb::proto {

std::string to_string(const Guid& g) {
  const auto& b = g.bytes;
  char s[40];
  std::snprintf(s, sizeof s, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[3], b[2],
                b[1], b[0], b[5], b[4], b[7], b[6], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return s;
}

std::optional<Guid> guid_from_string(std::string_view s) {
  std::string hex;
  for (char c : s)
    if (c != '-' && c != '{' && c != '}') hex.push_back(c);
  if (hex.size() != 32) return std::nullopt;
  std::uint8_t raw[16];
  for (int i = 0; i < 16; ++i) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(hex.data() + 2 * i, hex.data() + 2 * i + 2, v, 16);
    if (ec != std::errc{} || p != hex.data() + 2 * i + 2) return std::nullopt;
    raw[i] = static_cast<std::uint8_t>(v);
  }
  // text order -> wire order (Data1, Data2, Data3 little-endian)
  Guid g;
  const int order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
  for (int i = 0; i < 16; ++i) g.bytes[i] = raw[order[i]];
  return g;
}

std::string format_named(std::uint64_t v, const NameTable& t) {
  char hex[24];
  if (t.kind == NameTable::Kind::values) {
    for (const auto& e : t.entries)
      if (e.value == v) return std::string(e.name);
    std::snprintf(hex, sizeof hex, "0x%llx", static_cast<unsigned long long>(v));
    return hex;
  }
  if (v == 0) return "0";
  std::string out;
  std::uint64_t rest = v;
  for (const auto& e : t.entries) {
    if (e.value != 0 && (rest & e.value) == e.value) {
      if (!out.empty()) out += '|';
      out += e.name;
      rest &= ~e.value;
    }
  }
  if (rest != 0) {
    std::snprintf(hex, sizeof hex, "0x%llx", static_cast<unsigned long long>(rest));
    if (!out.empty()) out += '|';
    out += hex;
  }
  return out;
}

namespace {
std::optional<std::uint64_t> parse_number(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    base = 16;
  }
  if (s.empty()) return std::nullopt;
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}
}  // namespace

std::optional<std::uint64_t> parse_named(std::string_view s, const NameTable* t) {
  std::uint64_t total = 0;
  std::size_t start = 0;
  bool any = false;
  while (start <= s.size()) {
    std::size_t bar = s.find('|', start);
    std::string_view part = s.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    std::optional<std::uint64_t> v = parse_number(part);
    if (!v && t) {
      for (const auto& e : t->entries)
        if (e.name == part) {
          v = e.value;
          break;
        }
    }
    if (!v) return std::nullopt;
    if (any && t && t->kind == NameTable::Kind::values) return std::nullopt;  // '|' only joins flags
    total |= *v;
    any = true;
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  return total;
}

}  // namespace smb::proto
