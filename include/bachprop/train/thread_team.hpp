#pragma once
/// @file
/// A fixed team of threads for data-parallel training steps: run(job) calls job(t) for every
/// member t = 0 … size − 1 at once (member 0 on the calling thread) and returns when all have
/// returned. The threads start once, with the team, and wait between jobs, so a step pays a
/// wake-up, not a thread's creation, and allocates nothing. A waiting thread spins a little
/// (some tens of microseconds) before it sleeps, as OpenMP's threads do: the next job usually
/// comes sooner, and waking a sleeping thread can cost as much on a virtual machine. Plain
/// std::thread: it needs no OpenMP, and the products inside a job stay on their own thread
/// (DataParallel sets Eigen's thread count to 1 while it trains).

#include <bachprop/core/error.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace bachprop {

/// Threads that run one job at a time, every member its own part of it.
class ThreadTeam {
 public:
  /// A team of `size` members: the caller and size − 1 threads started now. Throws
  /// ArgumentError unless size ≥ 1.
  explicit ThreadTeam(int size) : size_(size) {
    if (size < 1) {
      throw ArgumentError("ThreadTeam: the size must be at least 1, got " +
                          std::to_string(size));
    }
    threads_.reserve(static_cast<std::size_t>(size - 1));
    for (int t = 1; t < size; ++t) {
      threads_.emplace_back([this, t] { wait_for_jobs(t); });
    }
  }
  ThreadTeam(const ThreadTeam&) = delete;
  ThreadTeam& operator=(const ThreadTeam&) = delete;
  /// Stops the threads and waits for them.
  ~ThreadTeam() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    start_.notify_all();
    for (std::thread& thread : threads_) {
      thread.join();
    }
  }

  /// Members, the caller included.
  int size() const { return size_; }

  /// Calls job(t) for t = 0 … size() − 1, each on its own thread (0 on this one), and returns
  /// when every call has returned. An exception from any call is rethrown here (the first, if
  /// several threw) once all have finished. Not reentrant: one job at a time.
  template <class Job>
  void run(Job& job) {
    if (size_ == 1) {
      job(0);
      return;
    }
    {
      const std::lock_guard lock(mutex_);
      call_ = [](void* f, int t) { (*static_cast<Job*>(f))(t); };
      job_ = &job;
      pending_ = size_ - 1;
      error_ = nullptr;
      ++generation_;
    }
    start_.notify_all();
    std::exception_ptr mine;
    try {
      job(0);
    } catch (...) {
      mine = std::current_exception();
    }
    spin_until([this] { return pending_.load() == 0; });
    std::unique_lock lock(mutex_);
    done_.wait(lock, [this] { return pending_.load() == 0; });
    if (mine) {
      std::rethrow_exception(mine);
    }
    if (error_) {
      std::rethrow_exception(error_);
    }
  }

 private:
  // Spins until ready() holds or 2,000 pauses (some tens of µs) have passed; the caller then
  // sleeps on a condition variable, under the mutex, as if it had not spun.
  template <class Ready>
  static void spin_until(Ready ready) {
    for (int i = 0; i < 2000 && !ready(); ++i) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#else
      std::this_thread::yield();
#endif
    }
  }

  void wait_for_jobs(int member) {
    std::uint64_t seen = 0;
    for (;;) {
      void (*call)(void*, int) = nullptr;
      void* job = nullptr;
      spin_until([this, seen] { return stopping_.load() || generation_.load() != seen; });
      {
        std::unique_lock lock(mutex_);
        start_.wait(lock, [this, seen] { return stopping_.load() || generation_.load() != seen; });
        if (stopping_) {
          return;
        }
        seen = generation_;
        call = call_;
        job = job_;
      }
      std::exception_ptr error;
      try {
        call(job, member);
      } catch (...) {
        error = std::current_exception();
      }
      const std::lock_guard lock(mutex_);
      if (error && !error_) {
        error_ = error;
      }
      if (--pending_ == 0) {
        done_.notify_one();
      }
    }
  }

  int size_;
  std::mutex mutex_;
  std::condition_variable start_;  // a new job (generation_ moved) or stopping_
  std::condition_variable done_;   // pending_ reached 0
  // Written under the mutex; atomic so that a spinning thread may read them without it.
  std::atomic<std::uint64_t> generation_{0};  // jobs started so far
  std::atomic<int> pending_{0};               // threads still running the current job
  std::atomic<bool> stopping_{false};
  void (*call_)(void*, int) = nullptr;  // calls the current job, type-erased without allocating
  void* job_ = nullptr;
  std::exception_ptr error_;  // the first exception a thread's part threw
  std::vector<std::thread> threads_;
};

}  // namespace bachprop
