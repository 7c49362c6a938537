//===- GrammarFrames.h - Stacks of a grammar's pushdown automaton -*- C++
//-*-===//
//
// Matching a grammar keeps, for each way the text so far can be parsed, a
// stack of frames: the top frame is the rule being matched and its DFA
// state; each frame below holds the state its rule returns to. Stacks
// share their lower frames, so every frame but the top lives once in a
// FrameArena (interned: equal frames, equal ids) and a stack is its top
// frame plus the arena id of the frame below.
//
// A set of stacks (several when the grammar is ambiguous so far) advances
// by one byte in two moves: the closure adds, for every top, the frames a
// call pushes and the frame an accepting top returns to; then every frame
// of the closure that has a transition on the byte steps. Left recursion,
// which would make the closure endless, is refused by compileGrammar.
//
// Token masks walk tokens from a top frame alone, not knowing the stack
// below: that frame's parent is kBase, and reaching an accepting frame on
// kBase marks that the token's rest depends on the caller.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_GRAMMARFRAMES_H
#define SGL_RUNTIME_CONSTRAINTS_GRAMMARFRAMES_H

#include "runtime/constraints/Grammar.h"

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace sgl::runtime::constraints {

struct Frame {
  /// No frame below: the bottom of a whole output.
  static constexpr int32_t kNoParent = -1;
  /// Some caller, unknown (token mask walks).
  static constexpr int32_t kBase = -2;

  int32_t rule = 0;
  int32_t state = 0;
  int32_t parent = kNoParent; ///< a FrameArena id, kNoParent or kBase

  friend bool operator==(const Frame &, const Frame &) = default;
  friend bool operator<(const Frame &a, const Frame &b) {
    if (a.rule != b.rule)
      return a.rule < b.rule;
    if (a.state != b.state)
      return a.state < b.state;
    return a.parent < b.parent;
  }
};

struct FrameHash {
  size_t operator()(const Frame &frame) const {
    uint64_t h = static_cast<uint32_t>(frame.rule);
    h = h * 0x9e3779b97f4a7c15ull + static_cast<uint32_t>(frame.state);
    h = h * 0x9e3779b97f4a7c15ull + static_cast<uint32_t>(frame.parent);
    return static_cast<size_t>(h ^ (h >> 29));
  }
};

/// The lower frames of all stacks of one grammar, interned; grows as
/// matching goes deeper and never forgets.
class FrameArena {
public:
  int32_t intern(const Frame &frame);
  const Frame &frame(int32_t id) const { return frames_[id]; }
  int32_t size() const { return static_cast<int32_t>(frames_.size()); }

  /// Bytes needed to finish the frames from `id` down: each frame's
  /// shortestAccept summed; 0 for kNoParent and kBase.
  uint32_t shortestBelow(const Grammar &grammar, int32_t id);

private:
  std::vector<Frame> frames_;
  std::vector<uint32_t> shortest_; ///< per id; kNoPath until computed
  std::unordered_map<Frame, int32_t, FrameHash> ids_;
};

/// The closure and byte steps of one grammar over one arena, with scratch
/// space reused between calls.
class FrameStepper {
public:
  FrameStepper(const Grammar &grammar, FrameArena &arena)
      : grammar_(grammar), arena_(arena) {}

  /// The one stack of an empty output: the root rule's start.
  std::vector<Frame> initial() const;

  /// `out` = the closure of `frames` (duplicates dropped; frames first).
  void closure(const std::vector<Frame> &frames, std::vector<Frame> &out);
  /// The frames of `closed` (a closure) that step on `byte`, stepped.
  void stepClosed(const std::vector<Frame> &closed, uint8_t byte,
                  std::vector<Frame> &out) const;
  /// Closure and step, sorted: the stacks after one more byte; empty when
  /// the byte cannot follow.
  void step(std::vector<Frame> &frames, uint8_t byte);

  /// Whether a closure holds an accepting frame on `parent` (kNoParent: a
  /// whole output; kBase: a return to the unknown caller).
  bool hasAcceptingOn(const std::vector<Frame> &closed, int32_t parent) const;
  /// Whether the text so far is a whole output.
  bool accepting(const std::vector<Frame> &frames);
  /// Whether no byte can follow.
  bool atEnd(const std::vector<Frame> &frames);

  /// The fewest bytes that finish any of `frames`.
  uint32_t shortest(const std::vector<Frame> &frames);

  const Grammar &grammar() const { return grammar_; }
  FrameArena &arena() { return arena_; }

private:
  const Grammar &grammar_;
  FrameArena &arena_;
  std::vector<Frame> scratch_;
};

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_GRAMMARFRAMES_H
