// Graded checks: a GoogleTest TEST that carries its points.
//
// A lab's grader is a set of GRADED_TEST(Suite, Name, points) { ... } checks, written exactly
// like TEST. The grade driver (labs/grading/) runs each check in its own process with a time
// limit, so a crashing or hanging answer loses that check's points and nothing else, and prints
// each check with its points and a last line `lab NN: X/Y points`.
//
// Randomized inputs come from grading::rng(): seeded from OSN_GRADE_SEED when set (to replay a
// failure), else from the clock; the seed is printed so a failing run can be repeated.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <random>

namespace osn::grading {

// Records that Suite.Name is worth `points`; returns the points (the value is not used).
int register_points(const char* suite, const char* name, int points);

// The grader's random generator, seeded once per process (see the header comment).
std::mt19937_64& rng();

// A uniformly random integer in [lo, hi].
std::int64_t random_between(std::int64_t lo, std::int64_t hi);

}  // namespace osn::grading

#define GRADED_TEST(suite, name, points)                                                    \
  [[maybe_unused]] static const int osn_graded_points_##suite##_##name =                    \
      ::osn::grading::register_points(#suite, #name, points);                               \
  TEST(suite, name)
