// Outcome<T>: a value or an NTSTATUS — how server layers report protocol-visible failures.
#pragma once

#include <utility>
#include <variant>

#include "smbproto/status.hpp"

namespace smb::server {

/** A T, or the NTSTATUS the protocol layer must return. Never holds STATUS_SUCCESS as an error. */
template <class T>
class [[nodiscard]] Outcome {
 public:
  Outcome(T v) : v_(std::move(v)) {}    // NOLINT: implicit by design
  Outcome(NtStatus s) : v_(s) {}        // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T* operator->() { return &value(); }
  T& operator*() { return value(); }
  NtStatus status() const { return ok() ? status::STATUS_SUCCESS : std::get<1>(v_); }

 private:
  std::variant<T, NtStatus> v_;
};

}  // namespace smb::server
