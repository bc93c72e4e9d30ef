#pragma once
// Counts heap allocations in this test binary (bachprop_alloc_tests), so that a test can prove a
// block of code allocates nothing.
//
// Eigen allocates matrices with std::malloc, not operator new, so counting operator new alone
// would miss them. test_allocation_counter.cpp therefore replaces the global operator new and
// delete (every form; they call std::malloc and std::free) and counts at the malloc level:
//   - normally by replacing malloc, calloc, realloc, aligned_alloc, posix_memalign and memalign
//     with functions that count and call glibc's own (__libc_malloc, ...);
//   - under AddressSanitizer, which must keep its own malloc, through its allocation hook
//     (__sanitizer_install_malloc_and_free_hooks).
// Frees are not counted: a steady loop that frees must have allocated first.

#include <cstddef>
#include <string>

namespace alloc_test {

/// Allocations (of any kind) made while some AllocationCounter was counting, since program start.
long total_counted();

/// Whether the counter in this binary works in the current build (it always should; a test
/// checks it against a plain malloc, an operator new and an Eigen matrix).
bool counting_supported();

/// Counts the allocations made between its construction and stop() (or its destruction). Only
/// one may count at a time.
class AllocationCounter {
 public:
  AllocationCounter();
  ~AllocationCounter();
  AllocationCounter(const AllocationCounter&) = delete;
  AllocationCounter& operator=(const AllocationCounter&) = delete;

  /// Stops counting; count() keeps its value.
  void stop();
  /// Allocations so far.
  long count() const;
  /// The size in bytes of the first allocation counted (0 if none), for failure messages.
  std::size_t first_size() const;
  /// "3 allocations (the first of 3136 bytes)", for failure messages.
  std::string describe() const;

 private:
  long start_ = 0;
  long stopped_at_ = -1;
  bool counting_ = false;
};

}  // namespace alloc_test
