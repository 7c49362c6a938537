//===- CodePointSetTest.cpp - Range sets: merging, complement, lookup -----===//
#include "runtime/constraints/CodePointSet.h"

#include <gtest/gtest.h>

using namespace sgl::runtime::constraints;

namespace {

std::vector<CodePointRange> rangesOf(const CodePointSet &set) {
  return {set.ranges().begin(), set.ranges().end()};
}

TEST(CodePointSet, AddMergesOverlappingAndAdjacentRanges) {
  CodePointSet set;
  set.add('m', 'p');
  set.add('a', 'c');
  set.add('x', 'z');
  EXPECT_EQ(rangesOf(set),
            (std::vector<CodePointRange>{{'a', 'c'}, {'m', 'p'}, {'x', 'z'}}));
  set.add('d', 'd'); // touches a-c
  set.add('o', 'y'); // bridges m-p and x-z
  EXPECT_EQ(rangesOf(set),
            (std::vector<CodePointRange>{{'a', 'd'}, {'m', 'z'}}));
  set.add(0, 0x10FFFF);
  EXPECT_EQ(rangesOf(set), (std::vector<CodePointRange>{{0, 0x10FFFF}}));
}

TEST(CodePointSet, AddingASetIsAUnion) {
  CodePointSet digits = CodePointSet::range('0', '9');
  CodePointSet letters = CodePointSet::range('a', 'f');
  digits.add(letters);
  EXPECT_TRUE(digits.contains('5'));
  EXPECT_TRUE(digits.contains('f'));
  EXPECT_FALSE(digits.contains('g'));
  EXPECT_EQ(digits.ranges().size(), 2u);
}

TEST(CodePointSet, ComplementIsOverScalarValues) {
  CodePointSet notA = CodePointSet::single('a').complement();
  EXPECT_EQ(rangesOf(notA),
            (std::vector<CodePointRange>{
                {0, 0x60}, {0x62, 0xD7FF}, {0xE000, 0x10FFFF}}));
  EXPECT_TRUE(CodePointSet::allScalars().complement().empty());
  EXPECT_EQ(CodePointSet().complement(), CodePointSet::allScalars());
  EXPECT_EQ(notA.complement(), CodePointSet::single('a'));
  // A set spanning the surrogates keeps them; its complement never has any.
  CodePointSet spanning = CodePointSet::range(0xD000, 0xE000);
  EXPECT_TRUE(spanning.contains(0xD800));
  EXPECT_EQ(rangesOf(spanning.complement()),
            (std::vector<CodePointRange>{{0, 0xCFFF}, {0xE001, 0x10FFFF}}));
}

TEST(CodePointSet, ContainsFindsTheRange) {
  CodePointSet set = CodePointSet::range(10, 20);
  set.add(30, 40);
  for (char32_t cp : {10u, 15u, 20u, 30u, 40u})
    EXPECT_TRUE(set.contains(cp)) << uint32_t(cp);
  for (char32_t cp : {0u, 9u, 21u, 29u, 41u, 0x10FFFFu})
    EXPECT_FALSE(set.contains(cp)) << uint32_t(cp);
  EXPECT_FALSE(CodePointSet().contains(0));
}

} // namespace
