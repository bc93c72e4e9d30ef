#pragma once
/// @file
/// The matrix products of the layers' hot paths — C = A B (+ b·1ᵀ), C += A B, C = A Bᵀ and
/// C = Aᵀ B — with the results of Eigen's `c.noalias() = a * b` but faster on the shapes small
/// networks have, and without allocating.
///
/// Why not just Eigen: its general product packs both operands into scratch buffers (on the
/// heap when they exceed 128 KB) and runs a micro-kernel 3 vectors (48 floats with AVX-512) tall.
/// A layer's product is thin — the book's first layer is 30 × 784 times 784 × 10 — so packing
/// costs as much as the arithmetic and most lanes of that kernel idle on 30 rows. Here A's
/// columns are already contiguous (column k of W holds every neuron's weight from input k), so
/// the kernel reads them where they are: for a tile of 8 columns of C (the last tile up to 16) it
/// keeps up to 3 vectors × 8 columns of C in registers and adds, for k = 0 … K−1, A's column k
/// times each B(k, j) — equation (3)'s sum over k, one k at a time for a whole tile. A height
/// that is not a whole number of vectors is covered by letting the last vector overlap the one
/// before: the overlapping rows are computed twice, identically. The vectors are Eigen's own
/// (AVX-512, AVX, SSE, NEON: whatever Eigen was built for). Measured on AVX-512
/// (docs/benchmarks.md): 2-3 times Eigen on the book's and the RNN's shapes, on par or better
/// elsewhere. Shapes it is not made for (A over 1 MiB, which would not stay in cache, fewer rows
/// than the narrowest vector, no SIMD) go to Eigen, but for two that would make it allocate: an
/// A Bᵀ with A over 1 MiB runs on the kernel in slices of A's columns (the same sums as one
/// pass), and fewer rows than a vector go to Eigen in slices of columns it packs on the stack.
///
/// With OpenMP and Eigen::setNbThreads(n > 1), a large product (millions of operations per
/// thread) splits its columns between threads; smaller ones stay on one (fork and join cost).

#include <bachprop/core/error.hpp>
#include <bachprop/core/types.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <cstddef>
#include <string>
#include <type_traits>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace bachprop {

// Eigen's packet types carry vector attributes GCC warns about as template arguments; they
// only pick sizes and call Eigen's own packet functions.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wignored-attributes"

namespace detail {

template <class Packet>
inline constexpr int packet_size = Eigen::internal::unpacket_traits<Packet>::size;

// The widest SIMD packet of scalar S and the narrower ones (AVX-512 → AVX → SSE).
template <class S>
using FullPacket = typename Eigen::internal::packet_traits<S>::type;
template <class Packet>
using HalfPacket = typename Eigen::internal::unpacket_traits<Packet>::half;

// Columns of C per register tile: 8, or fewer if the registers cannot hold that many next to
// MP vectors of A and one broadcast B value.
template <int MP>
constexpr int tile_columns() {
  constexpr int registers = EIGEN_ARCH_DEFAULT_NUMBER_OF_REGISTERS;
  for (int nr : {8, 4, 2}) {
    if (MP * nr + MP + 1 <= registers) {
      return nr;
    }
  }
  return 1;
}

// The widest tile the registers hold (at most 16 columns): the last columns of a product go in
// one tile up to this width rather than a full tile and a narrow one, which would stream A
// twice for few columns (a batch of 10 is one tile of 10, not 8 + 2).
template <int MP>
constexpr int widest_tile_columns() {
  constexpr int registers = EIGEN_ARCH_DEFAULT_NUMBER_OF_REGISTERS;
  return std::max(tile_columns<MP>(), std::min(16, (registers - MP - 1) / MP));
}

// Where a product reads B: element (k, j) is data[k * k_stride + j * j_stride]. B = X is
// (1, ld); B = Xᵀ is (ld, 1).
template <class S>
struct Operand {
  const S* data;
  Index k_stride;
  Index j_stride;
};

// C(0:m, 0:NR) (=|+=) A(0:m, 0:depth) B(0:depth, 0:NR) (+ bias), with P ≤ m ≤ MP·P.
template <class Packet, int MP, int NR, bool Accumulate, class S>
inline void product_tile(Index m, Index depth, const S* a, Index lda, Operand<S> b, const S* bias,
                         S* c, Index ldc) {
  using namespace Eigen::internal;
  constexpr int P = packet_size<Packet>;
  Index offset[MP];
  for (int p = 0; p < MP; ++p) {
    offset[p] = p + 1 < MP ? p * P : m - P;  // the last vector ends at row m
  }
  // Accumulating tiles start from C itself, read in full before anything is stored, so that
  // the overlapping rows get the same sum from both vectors.
  Packet sum[MP][NR];
  for (int p = 0; p < MP; ++p) {
    const Packet start = bias != nullptr ? ploadu<Packet>(bias + offset[p]) : pset1<Packet>(S(0));
    for (int j = 0; j < NR; ++j) {
      sum[p][j] = Accumulate ? ploadu<Packet>(c + j * ldc + offset[p]) : start;
    }
  }
  for (Index k = 0; k < depth; ++k) {
    Packet column[MP];
    for (int p = 0; p < MP; ++p) {
      column[p] = ploadu<Packet>(a + k * lda + offset[p]);
    }
    const S* b_k = b.data + k * b.k_stride;
    for (int j = 0; j < NR; ++j) {
      const Packet b_kj = pset1<Packet>(b_k[j * b.j_stride]);
      for (int p = 0; p < MP; ++p) {
        sum[p][j] = pmadd(column[p], b_kj, sum[p][j]);
      }
    }
  }
  for (int j = 0; j < NR; ++j) {
    for (int p = 0; p < MP; ++p) {
      pstoreu(c + j * ldc + offset[p], sum[p][j]);
    }
  }
}

// The last columns (R = widest, …, 1, picked at run time).
template <class Packet, int MP, int R, bool Accumulate, class S>
inline void product_tail(Index columns, Index m, Index depth, const S* a, Index lda, Operand<S> b,
                         const S* bias, S* c, Index ldc) {
  if constexpr (R > 0) {
    if (columns == R) {
      product_tile<Packet, MP, R, Accumulate>(m, depth, a, lda, b, bias, c, ldc);
    } else {
      product_tail<Packet, MP, R - 1, Accumulate>(columns, m, depth, a, lda, b, bias, c, ldc);
    }
  }
}

// Columns [first, last) of C for rows 0:m (P ≤ m ≤ MP·P), tile by tile.
template <class Packet, int MP, bool Accumulate, class S>
void product_rows(Index first, Index last, Index m, Index depth, const S* a, Index lda,
                  Operand<S> b, const S* bias, S* c, Index ldc) {
  constexpr int NR = tile_columns<MP>();
  constexpr int widest = widest_tile_columns<MP>();
  Index j = first;
  for (; last - j > widest; j += NR) {
    product_tile<Packet, MP, NR, Accumulate>(m, depth, a, lda,
                                             {b.data + j * b.j_stride, b.k_stride, b.j_stride},
                                             bias, c + j * ldc, ldc);
  }
  product_tail<Packet, MP, widest, Accumulate>(last - j, m, depth, a, lda,
                                               {b.data + j * b.j_stride, b.k_stride, b.j_stride},
                                               bias, c + j * ldc, ldc);
}

// Vectors of A per block when C has one or two columns (a generation step at batch 1): each
// vector of C is then a chain of `depth` dependent multiply-adds, so a 3-vector block waits on
// the adder's latency. Taller blocks keep more chains in flight: 8 vectors (4 with 16 registers),
// the registers holding 2 columns of sums, A's column and one broadcast value.
template <class Packet>
constexpr int thin_block_vectors() {
  return EIGEN_ARCH_DEFAULT_NUMBER_OF_REGISTERS >= 32 ? 8 : 4;
}

// Rows 0:m in blocks of at most 3 vectors (the last block at least one vector tall), each with
// the widest packet that fits it; for one or two columns, whole blocks of thin_block_vectors()
// first. Every entry of C is the same sum in the same order whatever the block.
template <class Packet, bool Accumulate, class S>
void product_columns(Index first, Index last, Index m, Index depth, const S* a, Index lda,
                     Operand<S> b, const S* bias, S* c, Index ldc) {
  constexpr int P = packet_size<Packet>;
  Index row = 0;
  if (last - first <= 2) {
    constexpr int tall = thin_block_vectors<Packet>();
    // A tall block leaves none or a vector's rows (reaching back would add the product twice).
    const auto whole_rest = [&](Index block) { return m - row == block || m - row - block >= P; };
    for (; m - row >= tall * P && whole_rest(tall * P); row += tall * P) {
      product_rows<Packet, tall, Accumulate>(first, last, tall * P, depth, a + row, lda, b,
                                             bias != nullptr ? bias + row : nullptr, c + row, ldc);
    }
    if (m - row >= (tall / 2) * P && whole_rest((tall / 2) * P)) {
      product_rows<Packet, tall / 2, Accumulate>(first, last, (tall / 2) * P, depth, a + row, lda,
                                                 b, bias != nullptr ? bias + row : nullptr,
                                                 c + row, ldc);
      row += (tall / 2) * P;
    }
  }
  while (row < m) {
    Index rows = std::min<Index>(m - row, 3 * P);
    if (m - row - rows > 0 && m - row - rows < P) {
      rows = m - row - P;  // leave a whole vector for the last block
    }
    const S* block_bias = bias != nullptr ? bias + row : nullptr;
    if constexpr (P > 1 && !std::is_same_v<HalfPacket<Packet>, Packet>) {
      if (rows < P) {  // a short block (fewer rows than a vector): the narrower packet
        product_columns<HalfPacket<Packet>, Accumulate>(first, last, rows, depth, a + row, lda, b,
                                                        block_bias, c + row, ldc);
        row += rows;
        continue;
      }
    }
    if (rows > 2 * P) {
      product_rows<Packet, 3, Accumulate>(first, last, rows, depth, a + row, lda, b, block_bias,
                                          c + row, ldc);
    } else if (rows > P) {
      product_rows<Packet, 2, Accumulate>(first, last, rows, depth, a + row, lda, b, block_bias,
                                          c + row, ldc);
    } else {
      product_rows<Packet, 1, Accumulate>(first, last, rows, depth, a + row, lda, b, block_bias,
                                          c + row, ldc);
    }
    row += rows;
  }
}

// The narrowest packet of S (its size bounds the rows the kernel can take).
template <class Packet>
constexpr int narrowest_packet_size() {
  if constexpr (std::is_same_v<HalfPacket<Packet>, Packet>) {
    return packet_size<Packet>;
  } else {
    return narrowest_packet_size<HalfPacket<Packet>>();
  }
}

/// Bytes of A that every tile of C re-reads: 1 MiB, which stays in cache.
inline constexpr Index kernel_cache_budget = Index{1} << 20;

/// Whether the kernel handles an m × depth A: SIMD available, at least one (narrowest) vector of
/// rows, and A small enough to stay in cache while every tile of C re-reads it.
template <class S>
bool kernel_fits(Index m, Index depth) {
  constexpr int full = packet_size<FullPacket<S>>;
  return full > 1 && m >= narrowest_packet_size<FullPacket<S>>() &&
         m * depth * static_cast<Index>(sizeof(S)) <= kernel_cache_budget;
}

/// The depth of the slices in which the kernel takes an A of m rows that is over the cache
/// budget (0 when it cannot take m rows, or one column of A is already over the budget).
template <class S>
Index kernel_slice_depth(Index m) {
  const Index depth = kernel_cache_budget / (std::max<Index>(m, 1) * Index{sizeof(S)});
  return depth > 0 && kernel_fits<S>(m, depth) ? depth : 0;
}

/// Columns per slice for Eigen's product of an m × depth A the kernel cannot take: a multiple of
/// 8 (Eigen's column tiles stay whole), few enough that Eigen packs A and the slice of B on the
/// stack, not the heap (EIGEN_STACK_ALLOCATION_LIMIT bytes each). 0 when none is that small.
template <class S>
Index eigen_stack_columns(Index m, Index depth) {
  constexpr auto limit = static_cast<Index>(EIGEN_STACK_ALLOCATION_LIMIT);
  const Index column_bytes = std::max<Index>(depth, 1) * Index{sizeof(S)};
  if (m * column_bytes > limit) {
    return 0;
  }
  return limit / column_bytes / 8 * 8;
}

/// Threads worth using for a product of `flops` (Eigen's thread setting, for big ones only).
inline int product_threads(double flops, Index columns) {
#ifdef _OPENMP
  // ~25 µs of work per thread at least: below it the fork and join (a few µs on an idle
  // machine, a scheduler time slice on a busy one) cost more than the second core saves.
  constexpr double per_thread = 4e6;
  const int wanted = static_cast<int>(std::min<double>(Eigen::nbThreads(), flops / per_thread));
  return std::max(1, std::min<int>(wanted, static_cast<int>(columns / 8)));
#else
  (void)flops;
  (void)columns;
  return 1;
#endif
}

template <bool Accumulate, class S>
void product_kernel(Index m, Index n, Index depth, const S* a, Index lda, Operand<S> b,
                    const S* bias, S* c, Index ldc) {
  using Packet = FullPacket<S>;
  const int threads =
      product_threads(2.0 * static_cast<double>(m) * static_cast<double>(n) *
                          static_cast<double>(depth), n);
  if (threads <= 1) {
    product_columns<Packet, Accumulate>(0, n, m, depth, a, lda, b, bias, c, ldc);
    return;
  }
#ifdef _OPENMP
#pragma omp parallel num_threads(threads)
  {
    // Contiguous column ranges, cut at multiples of 8 so tiles stay whole.
    const Index parts = omp_get_num_threads();
    const Index part = omp_get_thread_num();
    const Index chunk = ((n + parts - 1) / parts + 7) / 8 * 8;
    const Index first = std::min(n, part * chunk);
    const Index last = std::min(n, first + chunk);
    if (first < last) {
      product_columns<Packet, Accumulate>(first, last, m, depth, a, lda, b, bias, c, ldc);
    }
  }
#endif
}

template <class M>
void check_one_column_major(const M& m) {
  using Derived = std::remove_cvref_t<M>;
  static_assert(!(Derived::Flags & Eigen::RowMajorBit) && (Derived::Flags & Eigen::DirectAccessBit),
                "the product kernels take column-major matrices or blocks of whole columns");
  eigen_assert(m.innerStride() == 1);
  (void)m;
}

// Every operand of a kernel: column-major, with whole columns in contiguous storage.
template <class... M>
void check_column_major(const M&... m) {
  (check_one_column_major(m), ...);
}

// The kernels write through raw pointers: a wrong shape must stop here, not corrupt memory.
template <class C, class A, class B>
void check_shapes(bool fits, const C& c, const A& a, const B& b, const char* b_name) {
  if (!fits) {
    throw ShapeError("product: c (" + shape_string(c.rows(), c.cols()) + ") = a (" +
                     shape_string(a.rows(), a.cols()) + ") " + b_name + " (b is " +
                     shape_string(b.rows(), b.cols()) + "): the shapes do not fit");
  }
}

// c = a b (+ bias·1ᵀ), or c += a b (+ bias·1ᵀ) when Accumulate: the operands checked, then the
// kernel where it suits the shape and Eigen's product where it does not.
template <bool Accumulate, class C, class A, class B>
void product_into(C& c, const Eigen::MatrixBase<A>& a, const Eigen::MatrixBase<B>& b,
                  const typename A::Scalar* bias) {
  using S = typename A::Scalar;
  check_column_major(c, a, b);
  check_shapes(c.rows() == a.rows() && c.cols() == b.cols() && a.cols() == b.rows(), c, a, b,
               "b");
  if (c.size() == 0) {
    return;
  }
  if (kernel_fits<S>(a.rows(), a.cols())) {
    product_kernel<Accumulate>(a.rows(), b.cols(), a.cols(), a.derived().data(), a.outerStride(),
                               {b.derived().data(), 1, b.outerStride()}, bias, c.data(),
                               c.outerStride());
    return;
  }
  // Eigen's product. With fewer rows than a vector (a layer of one to three outputs) and many
  // columns, a slice of columns at a time, so that its packing buffers stay on the stack.
  const Index slice = a.rows() < narrowest_packet_size<FullPacket<S>>()
                          ? eigen_stack_columns<S>(a.rows(), a.cols())
                          : 0;
  if (slice > 0 && slice < b.cols()) {
    for (Index j = 0; j < b.cols(); j += slice) {
      const Index n = std::min(slice, b.cols() - j);
      auto c_j = c.middleCols(j, n);
      if constexpr (Accumulate) {
        c_j.noalias() += a * b.derived().middleCols(j, n);
      } else {
        c_j.noalias() = a * b.derived().middleCols(j, n);
      }
    }
  } else if constexpr (Accumulate) {
    c.noalias() += a * b;
  } else {
    c.noalias() = a * b;
  }
  if (bias != nullptr) {
    c.colwise() += Eigen::Map<const Vector<S>>(bias, c.rows());
  }
}

}  // namespace detail

/// c = a b, or c = a b + bias·1ᵀ when `bias` is given (a column added to every column: the
/// b^l of equation (4)). c must already have a's rows and b's columns and must not overlap a or
/// b. Takes matrices and blocks of whole columns (middleCols), which keep their storage.
template <class C, class A, class B>
void multiply(C&& c, const Eigen::MatrixBase<A>& a, const Eigen::MatrixBase<B>& b,
              const typename A::Scalar* bias = nullptr) {
  detail::product_into<false>(c, a, b, bias);
}

/// c += a b (the recurrent term of equation (25), added to what is there).
template <class C, class A, class B>
void multiply_add(C&& c, const Eigen::MatrixBase<A>& a, const Eigen::MatrixBase<B>& b) {
  detail::product_into<true>(c, a, b, static_cast<const typename A::Scalar*>(nullptr));
}

/// c = a bᵀ: the weight gradient δ Aᵀ of equation (22), summed over a batch. c must already
/// have a's rows and b's rows and must not overlap a or b.
template <class C, class A, class B>
void multiply_transposed_b(C&& c, const Eigen::MatrixBase<A>& a, const Eigen::MatrixBase<B>& b) {
  using S = typename A::Scalar;
  detail::check_column_major(c, a, b);
  detail::check_shapes(c.rows() == a.rows() && c.cols() == b.rows() && a.cols() == b.cols(),
                       c, a, b, "bᵀ");
  if (c.size() == 0) {
    return;
  }
  if (a.cols() == 0) {
    c.setZero();
  } else if (detail::kernel_fits<S>(a.rows(), a.cols())) {
    detail::product_kernel<false>(a.rows(), b.rows(), a.cols(), a.derived().data(),
                                  a.outerStride(), {b.derived().data(), b.outerStride(), 1},
                                  static_cast<const S*>(nullptr), c.data(), c.outerStride());
  } else if (const Index slice = detail::kernel_slice_depth<S>(a.rows()); slice > 0) {
    // A over the cache budget (a gradient summed over thousands of columns): its depth in
    // slices that fit, the first written, each next one added by the accumulating kernel,
    // which starts from C. Every entry of C is the same chain of multiply-adds in the same
    // order as in one pass, so the same number; and nothing is packed or allocated.
    for (Index k = 0; k < a.cols(); k += slice) {
      const Index depth = std::min(slice, a.cols() - k);
      const S* a_k = a.derived().data() + k * a.outerStride();
      const detail::Operand<S> b_k{b.derived().data() + k * b.outerStride(), b.outerStride(), 1};
      if (k == 0) {
        detail::product_kernel<false>(a.rows(), b.rows(), depth, a_k, a.outerStride(), b_k,
                                      static_cast<const S*>(nullptr), c.data(), c.outerStride());
      } else {
        detail::product_kernel<true>(a.rows(), b.rows(), depth, a_k, a.outerStride(), b_k,
                                     static_cast<const S*>(nullptr), c.data(), c.outerStride());
      }
    }
  } else {
    c.noalias() = a * b.transpose();
  }
}

/// c = aᵀ b: the Wᵀ δ of equation (17). The kernel reads its left factor by columns, so aᵀ is
/// first copied into `scratch` (kept by the caller, so that a steady loop allocates nothing):
/// a.size() numbers moved against 2·a.size()·b.cols() operations. c must already have a's
/// columns and b's columns and must not overlap a, b or scratch.
template <class C, class A, class B, class S = typename A::Scalar>
void multiply_transposed_a(C&& c, const Eigen::MatrixBase<A>& a, const Eigen::MatrixBase<B>& b,
                           Matrix<S>& scratch) {
  detail::check_column_major(c, b);
  detail::check_shapes(c.rows() == a.cols() && c.cols() == b.cols() && a.rows() == b.rows(),
                       c, a.transpose(), b, "b");
  if (c.size() == 0) {
    return;
  }
  if (detail::kernel_fits<S>(a.cols(), a.rows())) {
    scratch = a.transpose();
    multiply(c, scratch, b);
  } else {
    c.noalias() = a.transpose() * b;
  }
}
#pragma GCC diagnostic pop

}  // namespace bachprop
