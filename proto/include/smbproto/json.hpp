// Generic JSON <-> message conversion and one-line to_string, all driven by for_each_field.
//
// Integers accept a JSON number, a numeric string ("0x12") or symbolic names from the field's
// NameTable ("FILE_READ_DATA|FILE_WRITE_DATA"). Byte buffers and fixed arrays are hex strings,
// GUIDs their text form, UTF-16 names plain JSON strings. Unknown keys are rejected; absent keys
// keep the struct's defaults (the spec's constants), so a scenario lists only what it changes.
#pragma once

#include <array>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "smbproto/fields.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto {

/** Where and why a JSON value did not fit a message: `path` is like "locks[1].flags". */
struct FieldError {
  std::string path;
  std::string message;
};

namespace detail {
struct NullVisitor {
  template <class T>
  void operator()(const FieldInfo&, T&) const {}
};
}  // namespace detail

/** A struct with a field list. */
template <class T>
concept HasFields = requires(T& t) { for_each_field(t, detail::NullVisitor{}); };

template <class T>
struct is_std_vector : std::false_type {};
template <class T, class A>
struct is_std_vector<std::vector<T, A>> : std::true_type {};
template <class T>
struct is_std_array : std::false_type {};
template <std::size_t N>
struct is_std_array<std::array<std::uint8_t, N>> : std::true_type {};
template <class T>
struct is_std_optional : std::false_type {};
template <class T>
struct is_std_optional<std::optional<T>> : std::true_type {};

template <HasFields M>
nlohmann::json to_json_value(const M& m);

/** One member -> JSON. */
template <class T>
nlohmann::json value_to_json(const T& v, const NameTable* names) {
  (void)names;
  if constexpr (std::is_same_v<T, bool>) {
    return v;
  } else if constexpr (std::is_integral_v<T>) {
    return static_cast<std::uint64_t>(v);
  } else if constexpr (std::is_same_v<T, std::string>) {
    return v;
  } else if constexpr (std::is_same_v<T, wire::Bytes> || is_std_array<T>::value) {
    return wire::to_hex(wire::ByteView(v.data(), v.size()));
  } else if constexpr (std::is_same_v<T, Guid>) {
    return to_string(v);
  } else if constexpr (is_std_optional<T>::value) {
    return v ? value_to_json(*v, names) : nlohmann::json(nullptr);
  } else if constexpr (is_std_vector<T>::value) {
    auto a = nlohmann::json::array();
    for (const auto& e : v) a.push_back(value_to_json(e, names));
    return a;
  } else {
    static_assert(HasFields<T>, "member type has no JSON mapping");
    return to_json_value(v);
  }
}

/** Message (or sub-struct) -> JSON object with every field. */
template <HasFields M>
nlohmann::json to_json_value(const M& m) {
  nlohmann::json j = nlohmann::json::object();
  for_each_field(m, [&](const FieldInfo& f, const auto& member) { j[std::string(f.name)] = value_to_json(member, f.names); });
  return j;
}

template <HasFields M>
std::optional<FieldError> from_json_value(const nlohmann::json& j, M& m, const std::string& path = "");

/** JSON -> one member. */
template <class T>
std::optional<FieldError> value_from_json(const nlohmann::json& j, T& out, const NameTable* names,
                                          const std::string& path) {
  auto err = [&](std::string msg) { return std::optional<FieldError>(FieldError{path, std::move(msg)}); };
  if constexpr (std::is_same_v<T, bool>) {
    if (!j.is_boolean()) return err("expected true or false");
    out = j.get<bool>();
    return std::nullopt;
  } else if constexpr (std::is_integral_v<T>) {
    std::uint64_t v = 0;
    if (j.is_number_unsigned()) {
      v = j.get<std::uint64_t>();
    } else if (j.is_number_integer()) {
      auto s = j.get<std::int64_t>();
      if (s < 0) return err("negative value " + std::to_string(s));
      v = static_cast<std::uint64_t>(s);
    } else if (j.is_string()) {
      auto p = parse_named(j.get<std::string>(), names);
      if (!p) return err("unknown value \"" + j.get<std::string>() + "\"");
      v = *p;
    } else {
      return err("expected a number or a name");
    }
    if constexpr (sizeof(T) < 8) {
      if (v > std::uint64_t{std::numeric_limits<T>::max()})
        return err("value " + std::to_string(v) + " does not fit in " + std::to_string(sizeof(T) * 8) + " bits");
    }
    out = static_cast<T>(v);
    return std::nullopt;
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!j.is_string()) return err("expected a string");
    out = j.get<std::string>();
    return std::nullopt;
  } else if constexpr (std::is_same_v<T, wire::Bytes>) {
    if (!j.is_string()) return err("expected a hex string");
    auto b = wire::from_hex(j.get<std::string>());
    if (!b) return err("bad hex string");
    out = std::move(*b);
    return std::nullopt;
  } else if constexpr (is_std_array<T>::value) {
    if (!j.is_string()) return err("expected a hex string");
    auto b = wire::from_hex(j.get<std::string>());
    if (!b || b->size() != out.size()) return err("expected " + std::to_string(out.size()) + " hex bytes");
    std::copy(b->begin(), b->end(), out.begin());
    return std::nullopt;
  } else if constexpr (std::is_same_v<T, Guid>) {
    if (!j.is_string()) return err("expected a GUID string");
    auto g = guid_from_string(j.get<std::string>());
    if (!g) return err("bad GUID \"" + j.get<std::string>() + "\"");
    out = *g;
    return std::nullopt;
  } else if constexpr (is_std_optional<T>::value) {
    if (j.is_null()) {
      out.reset();
      return std::nullopt;
    }
    typename T::value_type v{};
    if (auto e = value_from_json(j, v, names, path)) return e;
    out = std::move(v);
    return std::nullopt;
  } else if constexpr (is_std_vector<T>::value) {
    if (!j.is_array()) return err("expected an array");
    T tmp;
    for (std::size_t i = 0; i < j.size(); ++i) {
      typename T::value_type e{};
      if (auto fe = value_from_json(j[i], e, names, path + "[" + std::to_string(i) + "]")) return fe;
      tmp.push_back(std::move(e));
    }
    out = std::move(tmp);
    return std::nullopt;
  } else {
    static_assert(HasFields<T>, "member type has no JSON mapping");
    return from_json_value(j, out, path);
  }
}

/**
 * JSON object -> message: assigns each listed key, rejects keys the field list does not have.
 * Returns the first problem, located by path.
 */
template <HasFields M>
std::optional<FieldError> from_json_value(const nlohmann::json& j, M& m, const std::string& path) {
  if (!j.is_object()) return FieldError{path, "expected an object"};
  std::optional<FieldError> first;
  std::size_t matched = 0;
  for_each_field(m, [&](const FieldInfo& f, auto& member) {
    auto it = j.find(std::string(f.name));
    if (it == j.end() || first) return;
    ++matched;
    first = value_from_json(*it, member, f.names, path.empty() ? std::string(f.name) : path + "." + std::string(f.name));
  });
  if (first) return first;
  if (matched != j.size()) {
    for (const auto& [key, _] : j.items()) {
      bool known = false;
      for_each_field(m, [&](const FieldInfo& f, auto&) { known = known || f.name == key; });
      if (!known) return FieldError{path.empty() ? key : path + "." + key, "unknown field"};
    }
  }
  return std::nullopt;
}

/** Names of every field of M, in spec order (for "did you mean" hints and Python attributes). */
template <HasFields M>
std::vector<std::string> field_names() {
  std::vector<std::string> out;
  M m{};
  for_each_field(m, [&](const FieldInfo& f, auto&) { out.emplace_back(f.name); });
  return out;
}

/** One-line rendering "{a=1, flags=X|Y, file_id={persistent=1, volatile=2}}" for failures and logs. */
template <class T>
std::string value_to_string(const T& v, const NameTable* names) {
  if constexpr (std::is_same_v<T, bool>) {
    return v ? "true" : "false";
  } else if constexpr (std::is_integral_v<T>) {
    if (names) return format_named(static_cast<std::uint64_t>(v), *names);
    return std::to_string(static_cast<std::uint64_t>(v));
  } else if constexpr (std::is_same_v<T, std::string>) {
    return "\"" + v + "\"";
  } else if constexpr (std::is_same_v<T, wire::Bytes> || is_std_array<T>::value) {
    if (v.size() > 32) return wire::to_hex(wire::ByteView(v.data(), 32)) + "...(" + std::to_string(v.size()) + " bytes)";
    return wire::to_hex(wire::ByteView(v.data(), v.size()));
  } else if constexpr (std::is_same_v<T, Guid>) {
    return to_string(v);
  } else if constexpr (is_std_optional<T>::value) {
    return v ? value_to_string(*v, names) : std::string("null");
  } else if constexpr (is_std_vector<T>::value) {
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + value_to_string(v[i], names);
    return s + "]";
  } else {
    static_assert(HasFields<T>, "member type has no string mapping");
    std::string s = "{";
    bool first = true;
    for_each_field(v, [&](const FieldInfo& f, const auto& member) {
      s += (first ? "" : ", ") + std::string(f.name) + "=" + value_to_string(member, f.names);
      first = false;
    });
    return s + "}";
  }
}

template <HasFields M>
std::string fields_to_string(const M& m) { return value_to_string(m, nullptr); }

}  // namespace smb::proto
