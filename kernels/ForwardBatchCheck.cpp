//===- ForwardBatchCheck.cpp - What forward() may assume of a batch -------===//
#include "kernels/Backend.h"

namespace sgl::kernels {

namespace {
BackendStatus bad(const std::string &what) {
  return {"malformed forward batch: " + what};
}
} // namespace

BackendStatus checkForwardBatch(const ForwardBatch &b, int64_t vocab,
                                int32_t numPages, int32_t pageSize) {
  const int64_t numSeqs = b.numSeqs();
  if (numSeqs <= 0 || b.numTokens() == 0)
    return bad("no sequences or no tokens");
  if (b.positions.size() != b.tokens.size())
    return bad("positions and tokens differ in length");
  if (static_cast<int64_t>(b.pageIndptr.size()) != numSeqs + 1 ||
      static_cast<int64_t>(b.lastPageLen.size()) != numSeqs)
    return bad("page table arrays do not match the sequence count");
  if (b.queryIndptr.front() != 0 || b.queryIndptr.back() != b.numTokens() ||
      b.pageIndptr.front() != 0 ||
      b.pageIndptr.back() != static_cast<int64_t>(b.pageIndices.size()))
    return bad("indptr arrays do not span their arrays");
  for (int64_t s = 0; s < numSeqs; ++s) {
    const int32_t q0 = b.queryIndptr[s], q1 = b.queryIndptr[s + 1];
    const int32_t p0 = b.pageIndptr[s], p1 = b.pageIndptr[s + 1];
    if (q1 <= q0 || p1 <= p0)
      return bad("sequence " + std::to_string(s) + " has no tokens or pages");
    if (b.lastPageLen[s] < 1 || b.lastPageLen[s] > pageSize)
      return bad("sequence " + std::to_string(s) +
                 " has a last page length "
                 "outside 1.." +
                 std::to_string(pageSize));
    const int64_t length =
        static_cast<int64_t>(p1 - p0 - 1) * pageSize + b.lastPageLen[s];
    for (int32_t t = q0; t < q1; ++t) {
      if (b.tokens[t] < 0 || b.tokens[t] >= vocab)
        return bad("token id " + std::to_string(b.tokens[t]) +
                   " outside the vocabulary");
      if (t > q0 && b.positions[t] != b.positions[t - 1] + 1)
        return bad("positions of sequence " + std::to_string(s) +
                   " are not consecutive");
    }
    if (b.positions[q0] < 0 || b.positions[q1 - 1] + 1 != length)
      return bad("the pages of sequence " + std::to_string(s) +
                 " do not end at its last new token");
    for (int32_t p = p0; p < p1; ++p)
      if (b.pageIndices[p] < 0 || b.pageIndices[p] >= numPages)
        return bad("page id " + std::to_string(b.pageIndices[p]) +
                   " outside the pool");
  }
  for (size_t i = 0; i < b.logitRows.size(); ++i)
    if (b.logitRows[i] < 0 || b.logitRows[i] >= b.numTokens() ||
        (i > 0 && b.logitRows[i] <= b.logitRows[i - 1]))
      return bad("logit rows must be ascending token indices");
  return {};
}

} // namespace sgl::kernels
