//===- LazyDfaThreadsTest.cpp - Threads sharing one lazily built DFA ------===//
//
// A Constraint is shared between threads, and a lazy DFA builds its states
// as they walk it (LazyDfa.h). A binary of its own so that the TSan run
// (scripts/test --sanitize=thread) builds just this file.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/RegexCompiler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace sgl::runtime::constraints;

namespace {

TEST(LazyDfaThreads, ThreadsBuildAndReadOneDfaAlike) {
  // 2^21 states: the threads race to build the same ones.
  sgl::Expected<ByteDfa> dfa = compileRegex("(a|b)*a(a|b){20}");
  ASSERT_TRUE(dfa && dfa->lazy());
  auto expected = [](const std::string &text) {
    return text.size() >= 21 && text[text.size() - 21] == 'a';
  };
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      std::mt19937_64 rng(1); // the same texts in every thread
      for (int i = 0; i < 2000; ++i) {
        std::string text(rng() % 50, 'a');
        for (char &c : text)
          c = rng() % 2 ? 'a' : 'b';
        if (dfa->matches(text) != expected(text) ||
            dfa->shortestAccept(dfa->walk(dfa->start(), text)) >
                (expected(text) ? 0u : 21u))
          ++wrong;
      }
    });
  for (std::thread &thread : threads)
    thread.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GT(dfa->numStates(), 1000);
}

} // namespace
