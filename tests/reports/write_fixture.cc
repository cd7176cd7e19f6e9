// Writes the synthetic result files that tests/reports/check_result_file.py inspects: OUT.h5
// (SyntheticResult) and, next to it, OUT_replicated.h5 (SyntheticReplicatedResult).
//   usage: reports_write_fixture OUT.h5

#include <filesystem>
#include <iostream>
#include <string>

#include "reports/result_writer.h"
#include "tests/reports/synthetic_result.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " OUT.h5\n";
    return 2;
  }
  std::filesystem::path replicated(argv[1]);
  replicated.replace_filename(replicated.stem().string() + "_replicated" +
                              replicated.extension().string());
  for (const capsim::Status& status :
       {capsim::reports::WriteResultFile(capsim::reports::testing::SyntheticResult(), argv[1]),
        capsim::reports::WriteResultFile(capsim::reports::testing::SyntheticReplicatedResult(),
                                         replicated.string())}) {
    if (!status.ok()) {
      std::cerr << status.ToString() << "\n";
      return 1;
    }
  }
  return 0;
}
