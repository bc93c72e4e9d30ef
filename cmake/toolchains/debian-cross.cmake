# What Debian's cross toolchains share (included by the two toolchain files beside it): the
# compilers named by their triple, the target's libraries found in its multiarch folders
# (/usr/lib/<triple>, e.g. zlib1g-dev:arm64), the build machine's headers-only libraries (Eigen,
# nlohmann/json, Catch2: the same on every architecture) found where Debian installs them.
set(CMAKE_C_COMPILER ${bachprop_triple}-gcc)
set(CMAKE_CXX_COMPILER ${bachprop_triple}-g++)
set(CMAKE_LIBRARY_ARCHITECTURE ${bachprop_triple})
set(CMAKE_FIND_ROOT_PATH /usr/${bachprop_triple})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
# pkg-config reads the target's .pc files only (Debian's multiarch folder, and the folder of
# architecture-independent ones), never the build machine's: a library installed for the build
# machine alone (FluidSynth, ALSA for bach_tokens --live) is then not found, rather than found
# with the build machine's include folders.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/${bachprop_triple}/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
