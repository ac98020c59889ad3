/**
 * The VS Code extension test suite, in the @vscode/test-electron style: VS
 * Code loads this module in the extension host and awaits `run()`. The same
 * bundle runs under code-server (`npm run test:vscode`) and desktop VS Code
 * (`npm run test:electron`).
 */
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, reporter: 'spec' });
  // The test files are bundled with this index: define mocha's globals, then load them.
  mocha.suite.emit('pre-require', globalThis, 'extension.test', mocha);
  require('./extension.test.ts');
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} extension test(s) failed.`)) : resolve()));
  });
}
