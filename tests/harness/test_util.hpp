#pragma once
// Helpers the runner's tests share: a scratch directory and the paths of the built programs.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

namespace smb::harness::test {

/** A fresh directory under the system temp dir, removed with everything in it at destruction. */
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    static std::atomic<unsigned> seq{0};
    path = std::filesystem::temp_directory_path() /
           ("smbconform-test-" + std::to_string(::getpid()) + "-" + std::to_string(seq++));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  /** Writes `text` to `rel` (parent directories created) and returns its path. */
  std::filesystem::path write(const std::string& rel, const std::string& text) const {
    std::filesystem::create_directories((path / rel).parent_path());
    std::ofstream(path / rel) << text;
    return path / rel;
  }
};

/** The reference server built with the tests. */
inline std::filesystem::path server_binary() {
  return std::filesystem::path(SMBCONFORM_BINARY_DIR) / "bin" / "smbconform-server";
}

}  // namespace smb::harness::test
