// The MPI tests' main: MPI for the whole run, then Catch2 on every process, each running every
// test case in the same order (their collective calls meet). mpirun fails when any process does.

#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <bachprop/mpi/session.hpp>

int main(int argc, char** argv) {
  bachprop::MpiSession mpi(argc, argv);
  return Catch::Session().run(argc, argv);
}
