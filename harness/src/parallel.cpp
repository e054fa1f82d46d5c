// on_threads: start, join, and carry a worker's exception back to the caller.
#include "smbharness/parallel.hpp"

#include <exception>
#include <thread>
#include <vector>

namespace smb::harness {

void on_threads(int threads, const std::function<void(int worker)>& worker) {
  threads = std::max(threads, 1);
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(threads));
  auto guarded = [&](int w) {
    try {
      worker(w);
    } catch (...) {
      errors[static_cast<std::size_t>(w)] = std::current_exception();
    }
  };
  {
    std::vector<std::jthread> pool;  // joined at the end of this block, before any error is rethrown
    pool.reserve(static_cast<std::size_t>(threads - 1));
    for (int w = 1; w < threads; ++w) pool.emplace_back(guarded, w);
    guarded(0);
  }
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace smb::harness
