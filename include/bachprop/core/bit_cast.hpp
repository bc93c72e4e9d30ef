#pragma once
/// @file
/// The bits of one trivially copyable value read as another type: std::bit_cast where the
/// standard library has it (feature macro `__cpp_lib_bit_cast`), else the same bits copied with
/// std::memcpy (libc++ before LLVM 14, which emscripten 3.1.6 uses, lacks std::bit_cast).

#include <bit>
#include <cstring>
#include <type_traits>

namespace bachprop {

/// The bits of `from` as a `To` of the same size.
template <class To, class From>
  requires(sizeof(To) == sizeof(From) && std::is_trivially_copyable_v<To> &&
           std::is_trivially_copyable_v<From>)
To bit_cast(const From& from) noexcept {
#if defined(__cpp_lib_bit_cast)
  return std::bit_cast<To>(from);
#else
  To to;
  std::memcpy(&to, &from, sizeof(To));
  return to;
#endif
}

}  // namespace bachprop
