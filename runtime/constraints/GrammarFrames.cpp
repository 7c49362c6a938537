//===- GrammarFrames.cpp - Stacks of a grammar's pushdown automaton -------===//
#include "runtime/constraints/GrammarFrames.h"

#include "runtime/constraints/ReverseDistances.h"

#include <algorithm>

namespace sgl::runtime::constraints {

namespace {

void addUnique(std::vector<Frame> &frames, const Frame &frame) {
  if (std::find(frames.begin(), frames.end(), frame) == frames.end())
    frames.push_back(frame);
}

} // namespace

int32_t FrameArena::intern(const Frame &frame) {
  auto [it, inserted] = ids_.try_emplace(frame, size());
  if (inserted) {
    frames_.push_back(frame);
    shortest_.push_back(kNoPath);
  }
  return it->second;
}

uint32_t FrameArena::shortestBelow(const Grammar &grammar, int32_t id) {
  // Iterative: stacks can be as deep as the output is long.
  uint64_t total = 0;
  std::vector<int32_t> unknown;
  while (id >= 0 && shortest_[id] == kNoPath) {
    unknown.push_back(id);
    id = frames_[id].parent;
  }
  if (id >= 0)
    total = shortest_[id];
  for (size_t i = unknown.size(); i-- > 0;) {
    const Frame &frame = frames_[unknown[i]];
    total += grammar.rule(frame.rule).dfa.shortestAccept(frame.state);
    total = std::min<uint64_t>(total, kNoPath - 1);
    shortest_[unknown[i]] = static_cast<uint32_t>(total);
  }
  return static_cast<uint32_t>(total);
}

std::vector<Frame> FrameStepper::initial() const {
  const int32_t root = grammar_.root();
  return {Frame{root, grammar_.rule(root).dfa.start(), Frame::kNoParent}};
}

void FrameStepper::closure(const std::vector<Frame> &frames,
                           std::vector<Frame> &out) {
  out.assign(frames.begin(), frames.end());
  for (size_t i = 0; i < out.size(); ++i) {
    const Frame frame = out[i]; // a copy: `out` grows below
    const ByteDfa &dfa = grammar_.rule(frame.rule).dfa;
    for (int32_t call = 0; call < dfa.numCalls(); ++call) {
      ByteDfa::State back = dfa.callTarget(frame.state, call);
      if (dfa.isDead(back))
        continue;
      int32_t callee = dfa.callRule(call);
      int32_t below = arena_.intern({frame.rule, back, frame.parent});
      addUnique(out, {callee, grammar_.rule(callee).dfa.start(), below});
    }
    if (frame.parent >= 0 && dfa.accepting(frame.state))
      addUnique(out, arena_.frame(frame.parent));
  }
}

void FrameStepper::stepClosed(const std::vector<Frame> &closed, uint8_t byte,
                              std::vector<Frame> &out) const {
  out.clear();
  for (const Frame &frame : closed) {
    ByteDfa::State next = grammar_.rule(frame.rule).dfa.step(frame.state, byte);
    if (next != ByteDfa::kDead)
      addUnique(out, {frame.rule, next, frame.parent});
  }
}

void FrameStepper::step(std::vector<Frame> &frames, uint8_t byte) {
  closure(frames, scratch_);
  stepClosed(scratch_, byte, frames);
  std::sort(frames.begin(), frames.end());
}

bool FrameStepper::hasAcceptingOn(const std::vector<Frame> &closed,
                                  int32_t parent) const {
  return std::any_of(closed.begin(), closed.end(), [&](const Frame &frame) {
    return frame.parent == parent &&
           grammar_.rule(frame.rule).dfa.accepting(frame.state);
  });
}

bool FrameStepper::accepting(const std::vector<Frame> &frames) {
  closure(frames, scratch_);
  return hasAcceptingOn(scratch_, Frame::kNoParent);
}

bool FrameStepper::atEnd(const std::vector<Frame> &frames) {
  closure(frames, scratch_);
  for (const Frame &frame : scratch_) {
    const ByteDfa &dfa = grammar_.rule(frame.rule).dfa;
    for (int byte = 0; byte < 256; ++byte)
      if (dfa.step(frame.state, static_cast<uint8_t>(byte)) != ByteDfa::kDead)
        return false;
  }
  return true;
}

uint32_t FrameStepper::shortest(const std::vector<Frame> &frames) {
  uint64_t best = kNoPath;
  for (const Frame &frame : frames) {
    uint64_t here =
        uint64_t{grammar_.rule(frame.rule).dfa.shortestAccept(frame.state)} +
        arena_.shortestBelow(grammar_, frame.parent);
    best = std::min(best, here);
  }
  return static_cast<uint32_t>(std::min<uint64_t>(best, kNoPath));
}

} // namespace sgl::runtime::constraints
