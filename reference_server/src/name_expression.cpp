// MS-FSA 2.1.4.4 (see smbserver/name_expression.hpp).
#include "smbserver/name_expression.hpp"

#include <cstdint>
#include <vector>

namespace smb::server {
namespace {

/** Decodes UTF-8 into code points; a byte that does not start a valid sequence stands for itself. */
std::vector<char32_t> code_points(std::string_view s, bool fold) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    std::size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    bool ok = len != 0 && i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (!ok) {
      out.push_back(b);
      ++i;
      continue;
    }
    char32_t c = len == 1 ? b : b & (0x7F >> len);
    for (std::size_t k = 1; k < len; ++k) c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    if (fold && c >= 'a' && c <= 'z') c -= 'a' - 'A';
    out.push_back(c);
    i += len;
  }
  return out;
}

constexpr char32_t kStar = '*', kQm = '?', kDosStar = '<', kDosQm = '>', kDosDot = '"', kDot = '.';

}  // namespace

bool name_in_expression(std::string_view expression, std::string_view name, bool ignore_case) {
  // Part 1: special cases.
  if (name.empty()) return expression.empty();
  if (expression.empty()) return false;
  if (expression == "*" || expression == "*.*") return true;
  const auto e = code_points(expression, ignore_case), n = code_points(name, ignore_case);
  std::size_t last_dot = n.size();  // the name's final period (DOS_STAR stops before it)
  for (std::size_t i = n.size(); i-- > 0;)
    if (n[i] == kDot) {
      last_dot = i;
      break;
    }
  // Part 2 as a table: can[p][k] = expression from p matches name from k. Filled from the ends backwards.
  const std::size_t E = e.size(), N = n.size(), W = N + 1;
  std::vector<std::uint8_t> can((E + 1) * W, 0);
  auto at = [&](std::size_t p, std::size_t k) -> std::uint8_t& { return can[p * W + k]; };
  at(E, N) = 1;
  for (std::size_t p = E; p-- > 0;) {
    for (std::size_t k = N + 1; k-- > 0;) {
      const bool end = k == N;
      bool m = false;
      switch (e[p]) {
        case kStar:  // zero characters, or one and stay on '*'
          m = at(p + 1, k) || (!end && at(p, k + 1));
          break;
        case kQm:
          m = !end && at(p + 1, k + 1);
          break;
        case kDosStar:  // zero characters, or one that is not the final period, staying on '<'
          m = at(p + 1, k) || (!end && k != last_dot && at(p, k + 1));
          break;
        case kDosQm:  // one character unless at a period or the end, where it matches nothing
          m = (end || n[k] == kDot) ? at(p + 1, k) : at(p + 1, k + 1);
          break;
        case kDosDot:  // a period, or nothing at the end of the name
          m = end ? at(p + 1, k) : (n[k] == kDot && at(p + 1, k + 1));
          break;
        default:
          m = !end && n[k] == e[p] && at(p + 1, k + 1);
      }
      at(p, k) = m;
    }
  }
  return at(0, 0);
}

}  // namespace smb::server
