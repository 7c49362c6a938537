// checks.js - the pass/fail bookkeeping the editor tests share. A module:
//
//   const checks = require('./checks')('keywords-test');
//   checks.check(ok, 'what is wrong');
//   checks.finish();   // prints one FAIL line per failed check, exits 1 if any
'use strict';

module.exports = function checker(testName) {
  const failures = [];
  let count = 0;
  return {
    check(ok, message) {
      count++;
      if (!ok) failures.push(message);
      return Boolean(ok);
    },
    fail(message) {
      this.check(false, message);
    },
    finish() {
      if (failures.length) {
        for (const f of failures) console.error(`${testName}: FAIL ${f}`);
        console.error(`${testName}: ${failures.length} of ${count} checks failed`);
        process.exit(1);
      }
      console.log(`${testName}: all ${count} checks passed`);
    },
    /// For a script's main(): an unexpected exception is a failure, not a crash dump.
    crash(e) {
      console.error(`${testName}: error: ${e.stack || e}`);
      process.exit(1);
    },
  };
};
