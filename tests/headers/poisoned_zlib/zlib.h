// A zlib.h that stops the build: bachprop_neural_without_zlib puts this folder first on its
// include path, so that <bachprop/neural.hpp> is proven to need no zlib (ARCHITECTURE.md).
#error "<bachprop/neural.hpp> must not need zlib: something it includes included <zlib.h>"
