# Cross-compiling for 64-bit ARM Linux (a Raspberry Pi 3/4/5 on a 64-bit OS, most ARM boards and
# servers) with Debian's g++-aarch64-linux-gnu, the target's zlib from Debian's multiarch
# (zlib1g-dev:arm64), and the programs run through qemu-user-static where the build runs them
# (ctest, Catch2's test discovery). scripts/test_arm.sh uses it:
#
#   cmake -S . -B build-aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(bachprop_triple aarch64-linux-gnu)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64-static -L /usr/${bachprop_triple})
