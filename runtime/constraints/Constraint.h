//===- Constraint.h - What a gen's output must match ------------*- C++ -*-===//
//
// The front door of the constraint engine for the runtime, the server and
// tools: a Constraint is compiled once per gen site (from a regex, a JSON
// Schema or a list of choices) and shared; ConstraintMasks holds its token
// masks for one vocabulary; a ConstraintMatcher follows one gen through it.
//
//   auto constraint = Constraint::fromRegex("[0-9]{3}");      // Expected<>
//   ConstraintMasks masks(*constraint, vocabulary);           // per model
//   ConstraintMatcher matcher(masks);                         // per gen
//   while (!matcher.finished()) {
//     TokenMask allowed{matcher.allowedTokens(tokensLeft)};
//     int32_t id = sampleMaskedToken(logits, allowed, params, rng);
//     matcher.accept(id);                     // true: `allowed` had it
//   }
//
// Masks and matchers are not thread-safe: one thread samples for all the
// gens of one ConstraintMasks.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_CONSTRAINT_H
#define SGL_RUNTIME_CONSTRAINTS_CONSTRAINT_H

#include "runtime/constraints/AutomatonLimits.h"
#include "runtime/constraints/Grammar.h"
#include "runtime/constraints/TokenSlice.h"
#include "runtime/constraints/VocabularyTrie.h"
#include "runtime/support/Expected.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sgl::runtime::constraints {

class GrammarMasks;
struct GrammarStacks;

/// The tokens of one tokenizer as the engine needs them, built once per
/// model (TokenizerVocabulary.h builds it from a Tokenizer).
struct ConstraintVocabulary {
  VocabularyTrie trie;
  /// Bytes of every id below trie.vocabSize(); special tokens have none
  /// and are never allowed inside a constrained value.
  std::vector<std::string> tokenBytes;
  /// The ids that end a gen (e.g. Llama 3's <|eot_id|>, <|end_of_text|>).
  std::vector<int32_t> eosIds;
  /// Tokens made of one class of characters (TokenSlice.h), which make
  /// first masks inside strings and patterns cheap; masks are the same
  /// without them.
  std::shared_ptr<const std::vector<TokenSlice>> slices;
};

/// The verdict of Constraint::check.
struct ConstraintCheck {
  bool accepted = false;
  /// When not accepted: the offset of the first byte no accepted text
  /// continues with, or text.size() when the text is a proper prefix of
  /// accepted ones.
  size_t errorOffset = 0;
  /// Set when a lazily built automaton ran out of its budget on the way
  /// (AutomatonLimits::maxLazyStates): then there is no verdict.
  std::optional<std::string> failure;
};

class Constraint {
public:
  /// A regular expression (docs/constraints.md): errors are
  /// "regex: <byte offset>: <what>".
  static Expected<std::shared_ptr<Constraint>>
  fromRegex(std::string_view pattern, const AutomatonLimits &limits = {});

  /// The literal strings `choices`, one of which must be the output.
  static Expected<std::shared_ptr<Constraint>>
  fromChoices(std::span<const std::string> choices,
              const AutomatonLimits &limits = {});

  /// A compiled grammar (JsonSchema.h makes them from schemas).
  static std::shared_ptr<Constraint> fromGrammar(Grammar grammar);

  const Grammar &grammar() const { return grammar_; }
  /// The fewest bytes of an accepted output.
  uint32_t shortestBytes() const {
    return grammar_.shortestLength(grammar_.root());
  }
  ConstraintCheck check(std::string_view text) const;

  explicit Constraint(Grammar grammar) : grammar_(std::move(grammar)) {}

private:
  Grammar grammar_;
};

/// The token masks of one constraint over one vocabulary, cached for as
/// long as this lives (a server keeps one per compiled schema and model).
class ConstraintMasks {
public:
  ConstraintMasks(std::shared_ptr<const Constraint> constraint,
                  const ConstraintVocabulary &vocabulary);
  ~ConstraintMasks();
  ConstraintMasks(const ConstraintMasks &) = delete;
  ConstraintMasks &operator=(const ConstraintMasks &) = delete;

  const Constraint &constraint() const { return *constraint_; }
  const ConstraintVocabulary &vocabulary() const { return vocabulary_; }
  /// 64-bit words per mask (TokenMask's layout, runtime/sampling).
  size_t numWords() const;

  /// Work done so far, for statistics and benchmarks.
  struct Stats {
    int64_t masksBuilt = 0;  ///< masks computed (cache misses)
    int64_t masksCached = 0; ///< masks answered from the cache
    int64_t automatonSteps = 0;
    /// Per-state splits that took tokens from a slice's mask, and trie
    /// subtrees taken whole because a slice covered them.
    int64_t sliceSplits = 0;
    int64_t sliceSubtrees = 0;
  };
  Stats stats() const;

private:
  friend class ConstraintMatcher;
  std::shared_ptr<const Constraint> constraint_;
  const ConstraintVocabulary &vocabulary_;
  std::unique_ptr<GrammarMasks> masks_;
};

/// One gen's way through its constraint.
class ConstraintMatcher {
public:
  explicit ConstraintMatcher(ConstraintMasks &masks);
  ~ConstraintMatcher();
  ConstraintMatcher(ConstraintMatcher &&) noexcept;
  ConstraintMatcher &operator=(ConstraintMatcher &&) noexcept;

  /// The tokens that may come next when at most `tokensLeft` more may be
  /// sampled (EOS included): only those after which acceptance stays
  /// within budget, so that a gen whose budget covers the constraint's
  /// shortest completion always ends accepted (docs/constraints.md). EOS
  /// ids are allowed exactly when accepting(). Valid until the next call.
  std::span<const uint64_t> allowedTokens(uint32_t tokensLeft);

  /// Commits `token`: false, and no change, when the constraint refuses it.
  /// An EOS id is taken only when accepting() and finishes the matcher.
  bool accept(int32_t token);

  /// Whether the output so far is a whole accepted value.
  bool accepting() const;
  /// Whether an EOS id was accepted, or no token can follow.
  bool finished() const;

  /// Set once a lazily built automaton of the constraint ran out of its
  /// budget (AutomatonLimits::maxLazyStates): from then on masks are empty
  /// and tokens refused, and this says why.
  std::optional<std::string> failure() const;

  /// Bytes after which nothing else can follow but these (jump-forward):
  /// empty when the next byte is not determined.
  std::string forcedBytes() const;

private:
  ConstraintMasks *masks_;
  std::unique_ptr<GrammarStacks> stacks_;
  bool ended_ = false;
};

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_CONSTRAINT_H
