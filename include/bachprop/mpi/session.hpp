#pragma once
/// @file
/// MPI started and stopped with a scope (MpiSession), this process's place in the job, and
/// MPI's error codes turned into exceptions. The threads of a data-parallel step never call
/// MPI: only the thread that runs train() does, so MPI_THREAD_FUNNELED is all it asks for.

#include <bachprop/core/error.hpp>

#include <mpi.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace bachprop {

/// An MPI call that failed (with MPI_ERRORS_RETURN; by default MPI ends the job itself).
class MpiError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Throws MpiError naming `what` and MPI's own words unless `code` is MPI_SUCCESS.
inline void mpi_check(int code, const char* what) {
  if (code == MPI_SUCCESS) {
    return;
  }
  char text[MPI_MAX_ERROR_STRING] = {};
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw MpiError(std::string(what) + " failed: " + std::string(text, static_cast<std::size_t>(
                                                                          length)));
}

/// MPI for the life of this object: initialised by the constructor (unless something else
/// already did), finalised by the destructor (if this object initialised it).
class MpiSession {
 public:
  /// Initialises MPI with the program's arguments (mpirun may add some of its own).
  MpiSession(int& argc, char**& argv) {
    int initialised = 0;
    mpi_check(MPI_Initialized(&initialised), "MPI_Initialized");
    if (initialised == 0) {
      int provided = 0;
      mpi_check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init");
      owns_ = true;
    }
    mpi_check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
    mpi_check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
  }
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  /// Finalises MPI if this session initialised it.
  ~MpiSession() {
    int finalised = 0;
    MPI_Finalized(&finalised);
    if (owns_ && finalised == 0) {
      MPI_Finalize();
    }
  }

  /// This process's rank in MPI_COMM_WORLD.
  int rank() const { return rank_; }
  /// Processes in the job.
  int size() const { return size_; }

  /// Ends every process of the job with `code`: for an error that only this process met, which
  /// the others, waiting in a collective call, would otherwise wait for forever.
  [[noreturn]] static void abort(int code) {
    MPI_Abort(MPI_COMM_WORLD, code);
    std::abort();  // MPI_Abort does not return; this says so to the compiler
  }

 private:
  int rank_ = 0;
  int size_ = 1;
  bool owns_ = false;
};

}  // namespace bachprop
