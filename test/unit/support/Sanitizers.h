//===- Sanitizers.h - Which sanitizer a test binary is built with -*- C++
//-*-===//
//
// Lets a test size its workload to the build: under ThreadSanitizer every
// memory access is instrumented and the kernels' thread pool runs many times
// slower, so the heaviest tests run a smaller version of themselves there
// (the races they look for show on small workloads as well as big ones).
//
//===----------------------------------------------------------------------===//
#ifndef SGL_TEST_UNIT_SUPPORT_SANITIZERS_H
#define SGL_TEST_UNIT_SUPPORT_SANITIZERS_H

namespace sgl::test {

// GCC defines __SANITIZE_THREAD__ under -fsanitize=thread; Clang answers
// __has_feature(thread_sanitizer).
#if defined(__SANITIZE_THREAD__)
#define SGL_TEST_UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SGL_TEST_UNDER_TSAN 1
#endif
#endif

#ifdef SGL_TEST_UNDER_TSAN
inline constexpr bool kUnderThreadSanitizer = true;
#undef SGL_TEST_UNDER_TSAN
#else
inline constexpr bool kUnderThreadSanitizer = false;
#endif

} // namespace sgl::test

#endif // SGL_TEST_UNIT_SUPPORT_SANITIZERS_H
