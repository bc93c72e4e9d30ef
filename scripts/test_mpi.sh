#!/usr/bin/env bash
# Training across MPI processes (include/bachprop/mpi/, docs/scaling.md): configures build-mpi/
# with -DBACHPROP_MPI=ON (RelWithDebInfo, no sanitizers: Open MPI's own allocations are not
# ours to chase), builds only the MPI targets (the tests' program, mnist_autoencoder,
# bach_melody and bach_biaxial) and runs them under mpirun on 1, 2 and 3 processes of this
# machine (ctest -L mpi; the programs' where ../shared/data holds MNIST and the chorales). As root, Open MPI asks for its consent
# through the environment, which ctest gives the tests.
#
# Needs Open MPI (./scripts/setup.sh --with-mpi).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${BACHPROP_MPI_BUILD:-build-mpi}"
if ! command -v mpirun >/dev/null; then
  echo "$0: mpirun not found; run ./scripts/setup.sh --with-mpi" >&2
  exit 1
fi
echo "=== training across MPI processes in $build/"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBACHPROP_MPI=ON \
      -DBACHPROP_SANITIZE_TESTS=OFF -DBACHPROP_INSTALL=OFF > /dev/null
cmake --build "$build" --target bachprop_mpi_tests mnist_autoencoder bach_melody bach_biaxial
ctest --test-dir "$build" --output-on-failure -L mpi
