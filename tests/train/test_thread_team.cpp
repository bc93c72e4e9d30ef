// Tests of bachprop/train/thread_team.hpp: every member runs its part of every job, and an
// exception in any part reaches the caller once all parts have finished.

#include <bachprop/core/error.hpp>
#include <bachprop/train/thread_team.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <stdexcept>
#include <vector>

using namespace bachprop;

TEST_CASE("a thread team runs every member's part of every job", "[thread_team]") {
  for (const int size : {1, 2, 3}) {
    ThreadTeam team(size);
    std::vector<int> runs(static_cast<std::size_t>(size), 0);
    auto job = [&runs](int member) { ++runs[static_cast<std::size_t>(member)]; };
    for (int j = 0; j < 50; ++j) {
      team.run(job);
    }
    CHECK(runs == std::vector<int>(static_cast<std::size_t>(size), 50));
  }
}

TEST_CASE("an exception in a member's part reaches the caller", "[thread_team]") {
  ThreadTeam team(3);
  std::atomic<int> finished{0};
  auto failing = [&finished](int member) {
    if (member == 2) {
      throw std::runtime_error("part 2 failed");
    }
    ++finished;
  };
  CHECK_THROWS_WITH(team.run(failing), "part 2 failed");
  CHECK(finished == 2);
  auto fine = [&finished](int) { ++finished; };
  team.run(fine);  // the team still works
  CHECK(finished == 5);
  CHECK_THROWS_AS(ThreadTeam(0), ArgumentError);
}
