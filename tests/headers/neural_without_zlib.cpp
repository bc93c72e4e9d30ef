// <bachprop/neural.hpp> with a zlib.h that refuses to be included (poisoned_zlib/zlib.h): the
// networks need Eigen and nlohmann/json only. This file is compiled, not run.
#include <bachprop/neural.hpp>
