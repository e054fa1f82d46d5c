// Scenario values: "$var" references, "$a.b" paths, tiny expressions ("$f1.persistent ^ 1") and "$dir\\x" interpolation.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace smb::harness {

/** Variables of one scenario run: name -> JSON value (numbers, strings, objects such as FileIds). */
class Variables {
 public:
  void set(const std::string& name, nlohmann::json value) { vars_[name] = std::move(value); }
  const nlohmann::json* find(const std::string& name) const {
    auto it = vars_.find(name);
    return it == vars_.end() ? nullptr : &it->second;
  }
  const std::map<std::string, nlohmann::json>& all() const { return vars_; }

 private:
  std::map<std::string, nlohmann::json> vars_;
};

/** Whether `s` is a variable name, [A-Za-z_][A-Za-z0-9_]* (the names a "$name" reference can spell). */
bool is_variable_name(std::string_view s);

/** Every variable root referenced by a value ("$f1.persistent ^ 1" -> {"f1"}), recursively. */
std::set<std::string> referenced_variables(const nlohmann::json& j);

/**
 * Replaces variable references, expressions and interpolations by values, recursively.
 * A string that is exactly "$name(.path)*" becomes the variable's JSON value (type kept); an
 * expression ("$a ^ 1", operators ^ xor + - | &) becomes a number; other strings are interpolated.
 * Returns the resolved value, or sets `error` ("unknown variable $x", "$x.y: no field y") and
 * returns null.
 */
nlohmann::json resolve(const nlohmann::json& j, const Variables& vars, std::string& error);

/**
 * Rewrites variable names in a value: `renames` maps old -> new names, `params` replaces "$p" by a
 * value (whole-string references keep the value's type; interpolations use its text). Used to
 * expand step groups.
 */
nlohmann::json rewrite_variables(const nlohmann::json& j, const std::map<std::string, std::string>& renames,
                                 const std::map<std::string, nlohmann::json>& params);

}  // namespace smb::harness
