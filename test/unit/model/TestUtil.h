//===- TestUtil.h - Helpers for the model tests -----------------*- C++ -*-===//
//
// Temporary directories, running sgl-make-tiny-model and the NumPy reference
// (test/reference/llama_ref.py) from a test, and raw-file helpers.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_TEST_UNIT_MODEL_TESTUTIL_H
#define SGL_TEST_UNIT_MODEL_TESTUTIL_H

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace sgl::test {

/// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
public:
  explicit TempDir(const std::string &tag) {
    static int counter = 0; // tests run in one thread
    path_ = std::filesystem::temp_directory_path() /
            ("sgl-model-test-" + std::to_string(::getpid()) + "-" + tag + "-" +
             std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
  const std::filesystem::path &path() const { return path_; }
  std::string str() const { return path_.string(); }

private:
  std::filesystem::path path_;
};

/// Runs a shell command, returning its exit status and stdout.
inline int runCommand(const std::string &cmd, std::string *out = nullptr) {
  FILE *pipe = ::popen((cmd + " 2>&1").c_str(), "r");
  if (!pipe)
    return -1;
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), pipe)) > 0)
    text.append(buf, n);
  int status = ::pclose(pipe);
  if (out)
    *out = text;
  return status;
}

/// sgl-make-tiny-model DIR ARGS; fails the test on a non-zero exit.
inline void makeTinyModel(const std::string &dir, const std::string &args) {
  std::string out;
  int rc = runCommand(
      std::string("'") + SGL_MAKE_TINY_MODEL + "' '" + dir + "' " + args, &out);
  ASSERT_EQ(rc, 0) << "sgl-make-tiny-model failed:\n" << out;
}

inline std::string joinIds(const std::vector<int32_t> &ids) {
  std::string s;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i)
      s += ',';
    s += std::to_string(ids[i]);
  }
  return s;
}

/// What the NumPy reference computed for one prompt.
struct ReferenceResult {
  std::vector<float> logits;   // [tokens, vocab]
  std::vector<int32_t> greedy; // continuation, if asked for
};

inline std::vector<float> readFloats(const std::filesystem::path &path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
  std::vector<float> out(bytes.size() / sizeof(float));
  std::memcpy(out.data(), bytes.data(), out.size() * sizeof(float));
  return out;
}

/// Runs test/reference/llama_ref.py on `tokens`.
inline ReferenceResult runReference(const std::string &modelDir,
                                    const std::vector<int32_t> &tokens,
                                    int greedySteps = 0) {
  ReferenceResult r;
  TempDir tmp("ref");
  std::filesystem::path logitsPath = tmp.path() / "logits.f32";
  std::string cmd = std::string(SGL_REFERENCE_PYTHON) + " '" + SGL_LLAMA_REF +
                    "' '" + modelDir + "' --tokens " + joinIds(tokens) +
                    " --logits '" + logitsPath.string() + "'";
  if (greedySteps)
    cmd += " --greedy " + std::to_string(greedySteps);
  std::string out;
  int rc = runCommand(cmd, &out);
  EXPECT_EQ(rc, 0) << "reference failed:\n" << out;
  if (rc != 0)
    return r;
  r.logits = readFloats(logitsPath);
  if (greedySteps) {
    std::string line = out.substr(0, out.find('\n'));
    size_t pos = 0;
    while (pos < line.size()) {
      size_t comma = line.find(',', pos);
      if (comma == std::string::npos)
        comma = line.size();
      r.greedy.push_back(std::stoi(line.substr(pos, comma - pos)));
      pos = comma + 1;
    }
  }
  return r;
}

inline void writeFile(const std::filesystem::path &path,
                      const std::string &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::string readFile(const std::filesystem::path &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

} // namespace sgl::test

#endif // SGL_TEST_UNIT_MODEL_TESTUTIL_H
