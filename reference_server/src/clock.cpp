// Controllable clock and timer queue (see clock.hpp).
#include "smbserver/clock.hpp"

namespace smb::server {

Clock::Clock(RealSource real) : real_(real ? std::move(real) : RealSource([] { return std::chrono::steady_clock::now(); })) {}

Clock::TimePoint Clock::now() const { return real_() + offset_; }

Clock::TimerId Clock::schedule_at(TimePoint deadline, std::function<void()> cb) {
  TimerId id = next_id_++;
  timers_.emplace(Key{deadline, id}, std::move(cb));
  by_id_.emplace(id, deadline);
  return id;
}

bool Clock::cancel(TimerId id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return false;
  timers_.erase(Key{it->second, id});
  by_id_.erase(it);
  return true;
}

std::size_t Clock::advance(Duration d) {
  if (d > Duration::zero()) offset_ += d;
  return fire_due();
}

std::size_t Clock::fire_due() {
  std::size_t fired = 0;
  // One at a time: a callback may schedule or cancel timers.
  for (;;) {
    if (timers_.empty()) break;
    auto it = timers_.begin();
    if (it->first.deadline > now()) break;
    auto cb = std::move(it->second);
    by_id_.erase(it->first.id);
    timers_.erase(it);
    ++fired;
    if (cb) cb();
  }
  return fired;
}

std::optional<Clock::TimePoint> Clock::next_deadline() const {
  if (timers_.empty()) return std::nullopt;
  return timers_.begin()->first.deadline;
}

std::optional<Clock::Duration> Clock::time_until_next() const {
  auto d = next_deadline();
  if (!d) return std::nullopt;
  auto left = *d - now();
  return left > Duration::zero() ? left : Duration::zero();
}

}  // namespace smb::server
