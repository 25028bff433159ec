// Prints one closing line, `jest: N passed, N failed, N skipped`, that CI tooling reads; Jest's own
// summary ("Tests: 3 passed, 3 total") is not in that form.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(`\njest: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
module.exports = SummaryReporter;
