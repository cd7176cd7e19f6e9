// Writes the synthetic result file that tests/reports/check_result_file.py inspects.
//   usage: reports_write_fixture OUT.h5

#include <iostream>

#include "reports/result_writer.h"
#include "tests/reports/synthetic_result.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " OUT.h5\n";
    return 2;
  }
  const capsim::Status status =
      capsim::reports::WriteResultFile(capsim::reports::testing::SyntheticResult(), argv[1]);
  if (!status.ok()) {
    std::cerr << status.ToString() << "\n";
    return 1;
  }
  return 0;
}
