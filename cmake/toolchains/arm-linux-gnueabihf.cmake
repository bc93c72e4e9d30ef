# Cross-compiling for 32-bit ARM Linux with hardware floating point (a Raspberry Pi on 32-bit
# Raspberry Pi OS, ARMv7 boards) with Debian's g++-arm-linux-gnueabihf, the target's zlib from
# Debian's multiarch (zlib1g-dev:armhf), and the programs run through qemu-user-static where the
# build runs them. 32 bits: Eigen::Index and std::size_t are 32 bits wide, as in the browser.
#
#   cmake -S . -B build-armhf -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/arm-linux-gnueabihf.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(bachprop_triple arm-linux-gnueabihf)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-arm-static -L /usr/${bachprop_triple})
set(CMAKE_CXX_FLAGS_INIT "-Wno-psabi")  # GCC notes that an ABI changed in GCC 7.1: nothing to act on
