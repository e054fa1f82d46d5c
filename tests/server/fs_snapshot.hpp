#pragma once
// The confinement tests' "nothing changed" witness, shared by the object-store, malformed-corpus and confinement
// tests.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace smb::test {

/** Every entry below `dir` with its type and mode, size, link count, mtime and (regular files) content. */
inline std::map<std::string, std::string> snapshot(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::map<std::string, std::string> m;
  for (auto& e : fs::recursive_directory_iterator(dir)) {
    struct stat st {};
    ::lstat(e.path().c_str(), &st);
    std::ostringstream o;
    o << std::oct << st.st_mode << std::dec << " size=" << st.st_size << " nlink=" << st.st_nlink
      << " mtime=" << st.st_mtim.tv_sec << "." << st.st_mtim.tv_nsec;
    if (S_ISREG(st.st_mode)) {
      std::ifstream f(e.path(), std::ios::binary);
      o << " content=" << f.rdbuf();
    }
    m[fs::relative(e.path(), dir).string()] = o.str();
  }
  return m;
}

}  // namespace smb::test
