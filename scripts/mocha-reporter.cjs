// Mocha's spec reporter, plus the run's counts written to $MOCHA_RESULT_FILE for scripts/test-all.mjs.
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

class SpecWithSummary extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const file = process.env.MOCHA_RESULT_FILE;
      if (!file) return;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify({ passes: this.stats.passes, failures: this.stats.failures, pending: this.stats.pending }));
    });
  }
}
module.exports = SpecWithSummary;
