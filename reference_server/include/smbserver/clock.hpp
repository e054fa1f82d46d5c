// A controllable protocol clock: real steady time plus an offset the control channel can advance, with timers.
//
// Threading: single-threaded; used only from the server's io_context thread (and from tests).
// The clock knows nothing about Asio: the service asks `time_until_next()` after each event and
// arms one real timer; when it fires it calls `fire_due()`. `advance()` fires due timers at once,
// so advancing by 35 s fires a 35 s oplock timer immediately (MS-SMB2 3.3.2.1).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>

namespace smb::server {

class Clock {
 public:
  using Duration = std::chrono::steady_clock::duration;
  using TimePoint = std::chrono::steady_clock::time_point;
  using TimerId = std::uint64_t;
  using RealSource = std::function<TimePoint()>;

  /** `real` supplies real time (default std::chrono::steady_clock::now; tests inject a fake). */
  explicit Clock(RealSource real = {});

  /** Real time plus the accumulated offset. */
  TimePoint now() const;
  /** Total advance applied so far. */
  Duration offset() const { return offset_; }

  /** Schedules `cb` to run once now() >= deadline. Returns an id for cancel(). */
  TimerId schedule_at(TimePoint deadline, std::function<void()> cb);
  TimerId schedule_after(Duration delay, std::function<void()> cb) { return schedule_at(now() + delay, std::move(cb)); }
  /** Removes a pending timer; false when it already fired or never existed. */
  bool cancel(TimerId id);

  /** Moves the clock forward by `d` (negative values are ignored) and fires every due timer. Returns how many fired. */
  std::size_t advance(Duration d);
  /** Fires every timer whose deadline is <= now(), earliest first (ties in scheduling order). Returns how many fired. */
  std::size_t fire_due();

  /** Earliest pending deadline in clock time. */
  std::optional<TimePoint> next_deadline() const;
  /** How much real time until the earliest timer is due (zero if overdue); nullopt when none is pending. */
  std::optional<Duration> time_until_next() const;
  std::size_t pending() const { return timers_.size(); }

 private:
  struct Key {
    TimePoint deadline;
    TimerId id;
    bool operator<(const Key& o) const { return deadline != o.deadline ? deadline < o.deadline : id < o.id; }
  };
  RealSource real_;
  Duration offset_{0};
  TimerId next_id_ = 1;
  std::map<Key, std::function<void()>> timers_;
  std::map<TimerId, TimePoint> by_id_;
};

}  // namespace smb::server
