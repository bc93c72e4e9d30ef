#pragma once
/// @file
/// Training across the processes of an MPI job: the session (mpi/session.hpp), the exchange
/// that sums the processes' shards in a fixed order (mpi/exchange.hpp), and hyperparameter
/// sweeps spread over the processes (mpi/sweep.hpp). Needs <mpi.h> (CMake:
/// bachprop::mpi, built with -DBACHPROP_MPI=ON), so neither bachprop.hpp nor neural.hpp
/// includes it.

#include <bachprop/mpi/exchange.hpp>
#include <bachprop/mpi/session.hpp>
#include <bachprop/mpi/sweep.hpp>
