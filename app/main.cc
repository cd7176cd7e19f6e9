// The capsim command-line program; see app/cli_args.h for the commands.
#include <unistd.h>

#include <iostream>

#include "app/commands.h"

int main(int argc, char** argv) {
  capsim::app::Console console{std::cout, std::cerr, isatty(STDERR_FILENO) == 1, nullptr};
  return capsim::app::Main(argc, argv, console);
}
