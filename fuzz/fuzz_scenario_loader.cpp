// libFuzzer target: the scenario loader (harness/scenario_loader.hpp): JSON parsing, every step kind, values,
// variables, connections and "use" expansion must reject bad input with a LoadError, never crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "smbharness/scenario_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const smb::harness::LoaderOptions opts = [] {
    smb::harness::LoaderOptions o;
    o.prologue_dir = SMBCONFORM_SOURCE_DIR "/scenarios/_prologue";  // the checked-in step groups
    return o;
  }();
  std::string text(reinterpret_cast<const char*>(data), size);
  auto r = smb::harness::load_scenario_text(text, "scenarios/fuzz/fuzz-input.json", opts);
  if (auto* e = std::get_if<smb::harness::LoadError>(&r)) {
    volatile std::size_t n = e->message.size();
    (void)n;
  }
  return 0;
}
