// Where program tests put the files they write: TEST_WORK_DIR (the build
// tree), created on first use.
#pragma once

#include <filesystem>
#include <string>

namespace mrampim::test {

inline std::string work(const std::string& file) {
  std::filesystem::create_directories(TEST_WORK_DIR);
  return std::string(TEST_WORK_DIR) + "/" + file;
}

}  // namespace mrampim::test
