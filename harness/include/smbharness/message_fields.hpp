// Typed access to message fields by dotted path ("file_id.volatile", "contexts[0].name", "header.flags") and the
// expected-value matchers of scenarios/README.md §5, all driven by the codec's for_each_field lists.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "smbproto/json.hpp"
#include "smbproto/messages.hpp"

namespace smb::harness {

/** "file_idd" vs candidates -> "file_id" when close enough (edit distance <= 2 or a prefix), else "". */
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

/** One path segment: a field name and optional array index. */
struct PathSegment {
  std::string name;
  std::optional<std::size_t> index;
};
/** Splits "a.b[2].c"; nullopt when malformed. */
std::optional<std::vector<PathSegment>> parse_path(std::string_view path);

/** True when `j` is one of the matcher objects ({"any_of"}, {"not"}, {"has"}, {"lacks"}, {"min"/"max"}, {"any"}). */
bool is_matcher_object(const nlohmann::json& j);

/** True when `j` contains a "$variable" reference somewhere (strings only; "$$" is a literal). */
bool contains_variable(const nlohmann::json& j);

namespace detail {

template <class T>
constexpr bool is_leaf_v = std::is_integral_v<T> || std::is_same_v<T, std::string> || std::is_same_v<T, wire::Bytes> ||
                           proto::is_std_array<T>::value || std::is_same_v<T, proto::Guid>;

/** Every field name of a struct type. */
template <class T>
std::vector<std::string> names_of() {
  std::vector<std::string> out;
  T t{};
  for_each_field(t, [&](const proto::FieldInfo& f, auto&) { out.emplace_back(f.name); });
  return out;
}

inline std::string unknown_field(const std::string& name, const std::vector<std::string>& candidates) {
  std::string hint = did_you_mean(name, candidates);
  return hint.empty() ? "unknown field" : "unknown field (did you mean " + hint + "?)";
}

/** Parses a value written for an integer field (number, "0x..", names). */
inline std::optional<std::uint64_t> to_u64(const nlohmann::json& j, const proto::NameTable* names) {
  if (j.is_number_unsigned()) return j.get<std::uint64_t>();
  if (j.is_number_integer()) {
    auto v = j.get<std::int64_t>();
    if (v < 0) return std::nullopt;
    return static_cast<std::uint64_t>(v);
  }
  if (j.is_boolean()) return j.get<bool>() ? 1 : 0;
  if (j.is_string()) return proto::parse_named(j.get<std::string>(), names);
  return std::nullopt;
}

/** Renders an actual value for messages: names (and hex) for integers. */
template <class T>
std::string show(const T& v, const proto::NameTable* names) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    char hex[24];
    std::snprintf(hex, sizeof hex, "0x%llx", static_cast<unsigned long long>(v));
    if (names) {
      std::string n = proto::format_named(static_cast<std::uint64_t>(v), *names);
      if (n != hex) return n + " (" + hex + ")";
      return n;
    }
    return std::to_string(static_cast<std::uint64_t>(v)) + (v > 9 ? std::string(" (") + hex + ")" : "");
  } else {
    return proto::value_to_string(v, names);
  }
}

inline std::string show_expected(const nlohmann::json& j) { return j.is_string() ? j.get<std::string>() : j.dump(); }

}  // namespace detail

/**
 * Checks at load time that `expected` is a well-formed expectation for a member of type T (names
 * exist, hex parses, object keys are fields). Values with variables are accepted unchecked.
 * Returns the problem and its sub-path, or nullopt.
 */
template <class T>
std::optional<proto::FieldError> check_expected(const nlohmann::json& expected, const proto::NameTable* names,
                                                const std::string& path);

/**
 * Checks at load time that `path` names a field of T and that `expected` fits it.
 */
template <class T>
std::optional<proto::FieldError> check_path(std::string_view path, const std::string& shown_path,
                                            const nlohmann::json* expected);

/**
 * Compares an actual member with a resolved expectation (no variables left).
 * Returns nullopt when it matches, else "expected X vs actual Y".
 */
template <class T>
std::optional<std::string> match_value(const nlohmann::json& expected, const T& actual, const proto::NameTable* names);

/** Looks up `path` in a message and applies `f(member, names)`; returns false when the path does not exist. */
template <class T, class F>
bool visit_path(const T& obj, const std::vector<PathSegment>& path, std::size_t at, F&& f, const proto::NameTable* names = nullptr);

// ---------------------------------------------------------------- implementation

template <class T, class F>
bool visit_path(const T& obj, const std::vector<PathSegment>& path, std::size_t at, F&& f, const proto::NameTable* names) {
  if (at == path.size()) {
    f(obj, names);
    return true;
  }
  if constexpr (proto::is_std_optional<T>::value) {
    if (!obj) return false;
    return visit_path(*obj, path, at, f, names);
  } else if constexpr (proto::is_std_vector<T>::value) {
    return false;  // indexes are handled by the owning field
  } else if constexpr (proto::HasFields<T>) {
    bool found = false, ok = false;
    for_each_field(obj, [&](const proto::FieldInfo& fi, const auto& member) {
      if (found || fi.name != path[at].name) return;
      found = true;
      using M = std::remove_cvref_t<decltype(member)>;
      if (path[at].index) {
        if constexpr (proto::is_std_vector<M>::value) {
          if (*path[at].index < member.size()) ok = visit_path(member[*path[at].index], path, at + 1, f, fi.names);
        }
      } else {
        ok = visit_path(member, path, at + 1, f, fi.names);
      }
    });
    return ok;
  } else {
    return false;
  }
}

template <class T>
std::optional<proto::FieldError> check_expected(const nlohmann::json& expected, const proto::NameTable* names,
                                                const std::string& path) {
  using proto::FieldError;
  if (contains_variable(expected)) return std::nullopt;
  if (is_matcher_object(expected)) {
    for (const auto& [k, v] : expected.items()) {
      if (k == "any") continue;
      if (k == "any_of") {
        if (!v.is_array() || v.empty()) return FieldError{path, "any_of needs a non-empty array"};
        for (const auto& e : v)
          if (auto err = check_expected<T>(e, names, path)) return err;
        continue;
      }
      if (k == "not") {
        if (auto err = check_expected<T>(v, names, path)) return err;
        continue;
      }
      // has / lacks / min / max need an integer field.
      if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        if (!detail::to_u64(v, names)) return FieldError{path, "unknown value " + detail::show_expected(v)};
      } else {
        return FieldError{path, "\"" + k + "\" needs an integer field"};
      }
    }
    return std::nullopt;
  }
  if constexpr (std::is_same_v<T, bool>) {
    if (!expected.is_boolean()) return FieldError{path, "expected true or false"};
    return std::nullopt;
  } else if constexpr (std::is_integral_v<T>) {
    if (!detail::to_u64(expected, names)) return FieldError{path, "unknown value " + detail::show_expected(expected)};
    return std::nullopt;
  } else if constexpr (detail::is_leaf_v<T>) {
    T tmp{};
    if (auto e = proto::value_from_json(expected, tmp, names, path)) return e;
    return std::nullopt;
  } else if constexpr (proto::is_std_optional<T>::value) {
    if (expected.is_null()) return std::nullopt;
    return check_expected<typename T::value_type>(expected, names, path);
  } else if constexpr (proto::is_std_vector<T>::value) {
    if (!expected.is_array()) return FieldError{path, "expected an array"};
    for (std::size_t i = 0; i < expected.size(); ++i)
      if (auto e = check_expected<typename T::value_type>(expected[i], names, path + "[" + std::to_string(i) + "]"))
        return e;
    return std::nullopt;
  } else {
    static_assert(proto::HasFields<T>);
    if (!expected.is_object()) return FieldError{path, "expected an object"};
    for (const auto& [k, v] : expected.items()) {
      std::string sub = path + "." + k;
      auto err = check_path<T>(k, sub, &v);
      if (err) return err;
    }
    return std::nullopt;
  }
}

template <class T>
std::optional<proto::FieldError> check_path(std::string_view path, const std::string& shown_path,
                                            const nlohmann::json* expected) {
  auto segs = parse_path(path);
  if (!segs || segs->empty()) return proto::FieldError{shown_path, "malformed field path"};
  // Walk types with default instances; vectors use a default element.
  std::optional<proto::FieldError> result;
  auto walk = [&](auto&& self, const auto& obj, std::size_t at, const proto::NameTable* names) -> void {
    using O = std::remove_cvref_t<decltype(obj)>;
    if (at == segs->size()) {
      if (expected) result = check_expected<O>(*expected, names, shown_path);
      return;
    }
    if constexpr (proto::is_std_optional<O>::value) {
      typename O::value_type inner{};
      self(self, inner, at, names);
    } else if constexpr (proto::HasFields<O>) {
      bool found = false;
      for_each_field(obj, [&](const proto::FieldInfo& fi, const auto& member) {
        if (found || fi.name != (*segs)[at].name) return;
        found = true;
        using M = std::remove_cvref_t<decltype(member)>;
        if ((*segs)[at].index) {
          if constexpr (proto::is_std_vector<M>::value) {
            typename M::value_type elem{};
            self(self, elem, at + 1, fi.names);
          } else {
            result = proto::FieldError{shown_path, "field " + (*segs)[at].name + " is not an array"};
          }
        } else {
          self(self, member, at + 1, fi.names);
        }
      });
      if (!found) result = proto::FieldError{shown_path, detail::unknown_field((*segs)[at].name, detail::names_of<O>())};
    } else {
      result = proto::FieldError{shown_path, "field has no sub-field " + (*segs)[at].name};
    }
  };
  T root{};
  walk(walk, root, 0, nullptr);
  return result;
}

template <class T>
std::optional<std::string> match_value(const nlohmann::json& expected, const T& actual, const proto::NameTable* names) {
  auto mismatch = [&](const std::string& exp) {
    return std::optional<std::string>("expected " + exp + " vs actual " + detail::show(actual, names));
  };
  if (is_matcher_object(expected)) {
    for (const auto& [k, v] : expected.items()) {
      if (k == "any") continue;
      if (k == "any_of") {
        bool any = false;
        for (const auto& e : v) any = any || !match_value(e, actual, names);
        if (!any) return mismatch("any of " + v.dump());
      } else if (k == "not") {
        if (!match_value(v, actual, names)) return mismatch("not " + detail::show_expected(v));
      } else if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        auto want = detail::to_u64(v, names);
        if (!want) return mismatch("<bad value " + v.dump() + ">");
        auto a = static_cast<std::uint64_t>(actual);
        if (k == "has" && (a & *want) != *want) return mismatch("has " + detail::show_expected(v));
        if (k == "lacks" && (a & *want) != 0) return mismatch("lacks " + detail::show_expected(v));
        if (k == "min" && a < *want) return mismatch(">= " + detail::show_expected(v));
        if (k == "max" && a > *want) return mismatch("<= " + detail::show_expected(v));
      } else {
        return mismatch("<" + k + " on a non-integer field>");
      }
    }
    return std::nullopt;
  }
  if constexpr (std::is_same_v<T, bool>) {
    if (!expected.is_boolean() || expected.get<bool>() != actual) return mismatch(expected.dump());
    return std::nullopt;
  } else if constexpr (std::is_integral_v<T>) {
    auto want = detail::to_u64(expected, names);
    if (!want || *want != static_cast<std::uint64_t>(actual)) {
      std::string shown = detail::show_expected(expected);
      if (want && names == nullptr && !expected.is_number()) shown += " (" + std::to_string(*want) + ")";
      return mismatch(shown);
    }
    return std::nullopt;
  } else if constexpr (detail::is_leaf_v<T>) {
    T want{};
    if (proto::value_from_json(expected, want, names, "")) return mismatch("<bad value " + expected.dump() + ">");
    if (!(want == actual)) return mismatch(detail::show(want, names));
    return std::nullopt;
  } else if constexpr (proto::is_std_optional<T>::value) {
    if (expected.is_null()) return actual ? mismatch("null") : std::nullopt;
    if (!actual) return std::optional<std::string>("expected " + expected.dump() + " vs actual null");
    return match_value(expected, *actual, names);
  } else if constexpr (proto::is_std_vector<T>::value) {
    if (!expected.is_array()) return mismatch(expected.dump());
    if (expected.size() != actual.size())
      return std::optional<std::string>("expected " + std::to_string(expected.size()) + " elements vs actual " +
                                        std::to_string(actual.size()));
    for (std::size_t i = 0; i < actual.size(); ++i)
      if (auto m = match_value(expected[i], actual[i], names)) return "[" + std::to_string(i) + "]: " + *m;
    return std::nullopt;
  } else {
    static_assert(proto::HasFields<T>);
    if (!expected.is_object()) return mismatch(expected.dump());
    for (const auto& [k, v] : expected.items()) {
      std::optional<std::string> sub;
      bool found = false;
      for_each_field(actual, [&](const proto::FieldInfo& fi, const auto& member) {
        if (found || fi.name != k) return;
        found = true;
        if (auto m = match_value(v, member, fi.names)) sub = k + ": " + *m;
      });
      if (!found) return std::optional<std::string>("unknown field " + k);
      if (sub) return sub;
    }
    return std::nullopt;
  }
}

}  // namespace smb::harness
