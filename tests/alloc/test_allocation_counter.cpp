// Tests of tests/alloc/allocation_counter.hpp, the counter every allocation test relies on.
//
// The allocation counter of this binary (see allocation_counter.hpp), and the proof that it sees
// every kind of allocation the library could make: malloc, operator new, Eigen matrices.

#include "allocation_counter.hpp"

#include <bachprop/core/types.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <new>
#include <stdexcept>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
// From the sanitizers' allocator interface (GCC installs the library, not this header).
extern "C" int __sanitizer_install_malloc_and_free_hooks(
    void (*malloc_hook)(const volatile void* pointer, std::size_t size),
    void (*free_hook)(const volatile void* pointer));
#endif

namespace {

std::atomic<bool> g_counting{false};
std::atomic<long> g_count{0};
std::atomic<std::size_t> g_first_size{0};

void note_allocation(std::size_t size) {
  if (g_counting.load(std::memory_order_relaxed)) {
    g_count.fetch_add(1, std::memory_order_relaxed);
    std::size_t none = 0;
    g_first_size.compare_exchange_strong(none, size == 0 ? 1 : size);
  }
}

}  // namespace

#if defined(__SANITIZE_ADDRESS__)

// AddressSanitizer owns malloc; it reports every allocation (operator new included) to a hook.
namespace {
void malloc_hook(const volatile void* /*pointer*/, std::size_t size) { note_allocation(size); }
void free_hook(const volatile void* /*pointer*/) {}
const int g_hooks_installed = __sanitizer_install_malloc_and_free_hooks(malloc_hook, free_hook);
}  // namespace

bool alloc_test::counting_supported() { return g_hooks_installed != 0; }

#else

// glibc's allocator under its internal names, which a replaced malloc may call.
extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* pointer, std::size_t size);
void __libc_free(void* pointer);
void* __libc_memalign(std::size_t alignment, std::size_t size);

void* malloc(std::size_t size) noexcept {
  note_allocation(size);
  return __libc_malloc(size);
}
void* calloc(std::size_t count, std::size_t size) noexcept {
  note_allocation(count * size);
  return __libc_calloc(count, size);
}
void* realloc(void* pointer, std::size_t size) noexcept {
  note_allocation(size);
  return __libc_realloc(pointer, size);
}
void free(void* pointer) noexcept { __libc_free(pointer); }
void* aligned_alloc(std::size_t alignment, std::size_t size) noexcept {
  note_allocation(size);
  return __libc_memalign(alignment, size);
}
int posix_memalign(void** out, std::size_t alignment, std::size_t size) noexcept {
  if (alignment % sizeof(void*) != 0 || (alignment & (alignment - 1)) != 0) {
    return EINVAL;
  }
  note_allocation(size);
  void* pointer = __libc_memalign(alignment, size);
  if (pointer == nullptr) {
    return ENOMEM;
  }
  *out = pointer;
  return 0;
}
void* memalign(std::size_t alignment, std::size_t size) noexcept {
  note_allocation(size);
  return __libc_memalign(alignment, size);
}
}  // extern "C"

bool alloc_test::counting_supported() { return true; }

#endif

// Every global operator new goes to std::malloc (counted above), every delete to std::free.
namespace {
void* allocate(std::size_t size) {
  void* pointer = std::malloc(size == 0 ? 1 : size);
  if (pointer == nullptr) {
    throw std::bad_alloc();
  }
  return pointer;
}
void* allocate_aligned(std::size_t size, std::align_val_t alignment) {
  void* pointer = nullptr;
  const auto align = std::max(static_cast<std::size_t>(alignment), sizeof(void*));
  if (posix_memalign(&pointer, align, size == 0 ? 1 : size) != 0) {
    throw std::bad_alloc();
  }
  return pointer;
}
}  // namespace

void* operator new(std::size_t size) { return allocate(size); }
void* operator new[](std::size_t size) { return allocate(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new(std::size_t size, std::align_val_t alignment) {
  return allocate_aligned(size, alignment);
}
void* operator new[](std::size_t size, std::align_val_t alignment) {
  return allocate_aligned(size, alignment);
}
void* operator new(std::size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  try {
    return allocate_aligned(size, alignment);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, std::align_val_t alignment,
                     const std::nothrow_t&) noexcept {
  try {
    return allocate_aligned(size, alignment);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void operator delete(void* pointer) noexcept { std::free(pointer); }
void operator delete[](void* pointer) noexcept { std::free(pointer); }
void operator delete(void* pointer, std::size_t) noexcept { std::free(pointer); }
void operator delete[](void* pointer, std::size_t) noexcept { std::free(pointer); }
void operator delete(void* pointer, const std::nothrow_t&) noexcept { std::free(pointer); }
void operator delete[](void* pointer, const std::nothrow_t&) noexcept { std::free(pointer); }
void operator delete(void* pointer, std::align_val_t) noexcept { std::free(pointer); }
void operator delete[](void* pointer, std::align_val_t) noexcept { std::free(pointer); }
void operator delete(void* pointer, std::size_t, std::align_val_t) noexcept { std::free(pointer); }
void operator delete[](void* pointer, std::size_t, std::align_val_t) noexcept {
  std::free(pointer);
}
void operator delete(void* pointer, std::align_val_t, const std::nothrow_t&) noexcept {
  std::free(pointer);
}
void operator delete[](void* pointer, std::align_val_t, const std::nothrow_t&) noexcept {
  std::free(pointer);
}

namespace alloc_test {

long total_counted() { return g_count.load(); }

AllocationCounter::AllocationCounter() {
  bool expected = false;
  if (!g_counting.compare_exchange_strong(expected, true)) {
    throw std::logic_error("AllocationCounter: another counter is already counting");
  }
  g_first_size.store(0);
  start_ = g_count.load();
  counting_ = true;
}

AllocationCounter::~AllocationCounter() { stop(); }

void AllocationCounter::stop() {
  if (counting_) {
    stopped_at_ = g_count.load();
    g_counting.store(false);
    counting_ = false;
  }
}

long AllocationCounter::count() const {
  return (counting_ ? g_count.load() : stopped_at_) - start_;
}

std::size_t AllocationCounter::first_size() const { return g_first_size.load(); }

std::string AllocationCounter::describe() const {
  const long n = count();
  return std::to_string(n) + (n == 1 ? " allocation" : " allocations") +
         (n > 0 ? " (the first of " + std::to_string(first_size()) + " bytes)" : std::string());
}

}  // namespace alloc_test

// ---------------------------------------------------------------------------------------------

TEST_CASE("the counter sees malloc, operator new and Eigen's matrices", "[alloc][counter]") {
  REQUIRE(alloc_test::counting_supported());
  {
    alloc_test::AllocationCounter counter;
    void* volatile raw = std::malloc(100);
    std::free(raw);
    counter.stop();
    CHECK(counter.count() == 1);
    CHECK(counter.first_size() == 100);
  }
  {
    alloc_test::AllocationCounter counter;
    auto owned = std::make_unique<std::vector<int>>(1000, 7);
    counter.stop();
    CHECK(counter.count() == 2);  // the vector object and its elements
    CHECK(owned->at(999) == 7);
  }
  {
    alloc_test::AllocationCounter counter;
    bachprop::Matrix<float> m(30, 10);  // Eigen: std::malloc, not operator new
    m.setZero();
    counter.stop();
    CHECK(counter.count() == 1);
    CHECK(counter.first_size() >= 30 * 10 * sizeof(float));
  }
}

TEST_CASE("the counter counts nothing for work that reuses its buffers", "[alloc][counter]") {
  bachprop::Matrix<float> a = bachprop::Matrix<float>::Ones(8, 8);
  bachprop::Matrix<float> b(8, 8);
  alloc_test::AllocationCounter counter;
  b.noalias() = a * a;
  b.array() += 1.0F;
  counter.stop();
  CHECK(counter.count() == 0);
  CHECK(b(0, 0) == 9.0F);
}

TEST_CASE("only one counter counts at a time", "[alloc][counter]") {
  alloc_test::AllocationCounter counter;
  CHECK_THROWS_AS(alloc_test::AllocationCounter(), std::logic_error);
}
