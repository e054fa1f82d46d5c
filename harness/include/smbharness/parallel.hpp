// Work shared out over a few threads: loading scenario files, running scenarios, serialising the report.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <optional>

namespace smb::harness {

/** Hands out the indices of [0, n) in order, each once, to any number of threads. */
class IndexQueue {
 public:
  explicit IndexQueue(std::size_t n) : n_(n) {}
  /** The next index not yet taken; nullopt once all are. */
  std::optional<std::size_t> take() {
    std::size_t k = next_.fetch_add(1, std::memory_order_relaxed);
    return k < n_ ? std::optional<std::size_t>(k) : std::nullopt;
  }

 private:
  std::atomic<std::size_t> next_{0};
  std::size_t n_;
};

/**
 * Runs worker(w) for each w in [0, threads) at once (worker 0 on the calling thread) and returns when all have
 * returned. If workers throw, the exception of the lowest-numbered one is rethrown here, after all have stopped.
 */
void on_threads(int threads, const std::function<void(int worker)>& worker);

/** body(k) for each k in [0, n), on up to `threads` threads (the caller's among them); see on_threads for errors. */
template <class Body>
void parallel_for(std::size_t n, int threads, Body&& body) {
  IndexQueue queue(n);
  const std::size_t width = std::min<std::size_t>(static_cast<std::size_t>(std::max(threads, 1)), std::max<std::size_t>(n, 1));
  on_threads(static_cast<int>(width), [&](int) {
    while (auto k = queue.take()) body(*k);
  });
}

}  // namespace smb::harness
