//===- ForwardBatch.h - A ragged batch of sequences and their pages -*- C++
//-*-===//
//
// What one forward pass runs: the new tokens of several sequences, laid out
// sequence after sequence, and for each sequence the pages holding its keys
// and values, as a CSR page table (FlashInfer's layout):
//
//   sequence s    new tokens  tokens[queryIndptr[s] .. queryIndptr[s + 1])
//                 its pages   pageIndices[pageIndptr[s] .. pageIndptr[s + 1])
//                 last page   holds lastPageLen[s] positions (1..pageSize)
//
// Position p of a sequence lives in slot p % pageSize of its page
// p / pageSize. The page table covers every position up to and including
// the new tokens; a forward pass writes the new tokens' keys and values into
// their slots, then attends over positions 0 .. p for the token at p.
// Pages may be shared between sequences (a common prefix) as long as no two
// sequences of a batch write the same slot.
//
// Only the rows named in `logitRows` (indices into `tokens`, ascending) go
// through the final norm and the LM head.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_KERNELS_FORWARDBATCH_H
#define SGL_KERNELS_FORWARDBATCH_H

#include <cstdint>
#include <span>
#include <vector>

namespace sgl::kernels {

struct ForwardBatch {
  std::span<const int32_t> tokens;      // [numTokens]
  std::span<const int32_t> positions;   // [numTokens]
  std::span<const int32_t> queryIndptr; // [numSeqs + 1]
  std::span<const int32_t> pageIndptr;  // [numSeqs + 1]
  std::span<const int32_t> pageIndices; // [pageIndptr[numSeqs]]
  std::span<const int32_t> lastPageLen; // [numSeqs]
  std::span<const int32_t> logitRows;   // [numLogits], ascending

  int64_t numTokens() const { return static_cast<int64_t>(tokens.size()); }
  int64_t numSeqs() const {
    return queryIndptr.empty() ? 0
                               : static_cast<int64_t>(queryIndptr.size()) - 1;
  }
};

/// Owns the arrays a ForwardBatch points into, for callers that build one
/// sequence at a time.
struct ForwardBatchBuilder {
  std::vector<int32_t> tokens, positions, queryIndptr{0}, pageIndptr{0},
      pageIndices, lastPageLen, logitRows;

  /// Adds a sequence whose new tokens `newTokens` start at `startPos`, its
  /// keys/values in `pages` (every position < startPos + newTokens.size()).
  /// With `allLogits` every new token gets a logits row, otherwise only the
  /// last one when `lastLogits`.
  void addSequence(std::span<const int32_t> newTokens, int64_t startPos,
                   std::span<const int32_t> pages, int64_t pageSize,
                   bool lastLogits, bool allLogits = false) {
    const int64_t end = startPos + static_cast<int64_t>(newTokens.size());
    for (size_t i = 0; i < newTokens.size(); ++i) {
      if (allLogits || (lastLogits && i + 1 == newTokens.size()))
        logitRows.push_back(static_cast<int32_t>(tokens.size()));
      tokens.push_back(newTokens[i]);
      positions.push_back(static_cast<int32_t>(startPos + i));
    }
    queryIndptr.push_back(static_cast<int32_t>(tokens.size()));
    const int64_t usedPages = (end + pageSize - 1) / pageSize;
    pageIndices.insert(pageIndices.end(), pages.begin(),
                       pages.begin() + usedPages);
    pageIndptr.push_back(static_cast<int32_t>(pageIndices.size()));
    lastPageLen.push_back(
        static_cast<int32_t>(end - (usedPages - 1) * pageSize));
  }

  void clear() { *this = ForwardBatchBuilder(); }

  ForwardBatch view() const {
    return {tokens,      positions,   queryIndptr, pageIndptr,
            pageIndices, lastPageLen, logitRows};
  }
};

} // namespace sgl::kernels

#endif // SGL_KERNELS_FORWARDBATCH_H
