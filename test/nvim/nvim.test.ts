/**
 * A real second client: Debian's Neovim (0.7.2 on bookworm) runs headless
 * with test/nvim/init.lua — the configuration README.md gives Neovim 0.7
 * users (`vim.lsp.start_client`) — and test/nvim/test.lua drives it: open
 * the seed, wait for diagnostics, a quick fix, a tag action, the server's
 * picker, completion, a .transcriptrc.json edit, workspace symbols. This
 * side asserts on what the script saw and on the buffer's final text.
 *
 * Neovim must be installed (`apt-get install neovim`; .ci/run does it): a
 * machine without it fails this layer, loudly, rather than skip it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/paths.ts';
import { SEED } from '../helpers/data.ts';

const version = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
if (version.error || version.status !== 0) {
  process.stderr.write(
    '\n*** The Neovim test layer needs `nvim` on PATH and it is not there. ***\n' +
      '*** Install it (Debian: apt-get install -y neovim; .ci/run does) and run npm run test:nvim again. ***\n\n',
  );
}

// (The timeout only keeps a hung editor from hanging the run: every wait inside is on an event.)
test('Neovim 0.7 with vim.lsp.start_client: diagnostics, a quick fix, a tag action, the picker, completion, a config edit', { timeout: 15 * 60_000 }, async (t) => {
  assert.ok(!version.error && version.status === 0, 'nvim is not installed: apt-get install -y neovim (this layer never skips)');
  const firstLine = version.stdout.split('\n')[0]!;
  assert.match(firstLine, /^NVIM v0\.(\d+)/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'transcript-nvim-'));
  try {
    const file = path.join(dir, 'seed.transcript');
    fs.copyFileSync(SEED, file);
    fs.chmodSync(file, 0o644);
    const results = path.join(dir, 'results.json');
    const home = path.join(dir, 'home');
    fs.mkdirSync(home);
    const child = spawn('nvim', ['--headless', '-n', '-i', 'NONE', '-u', path.join(ROOT, 'test/nvim/init.lua'), '-c', `luafile ${path.join(ROOT, 'test/nvim/test.lua')}`], {
      cwd: dir,
      env: {
        ...process.env,
        TRANSCRIPT_LS: path.join(ROOT, 'bin/transcript-language-server.js'),
        NVIM_TEST_FILE: file,
        NVIM_TEST_RESULTS: results,
        // Its own state, log and data folders: nothing of the user's Neovim is read or written.
        HOME: home,
        XDG_CONFIG_HOME: path.join(home, 'config'),
        XDG_DATA_HOME: path.join(home, 'data'),
        XDG_STATE_HOME: path.join(home, 'state'),
        XDG_CACHE_HOME: path.join(home, 'cache'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    t.after(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.ok(fs.existsSync(results), `nvim exited (${code}) without results:\n${output}`);
    const seen = JSON.parse(fs.readFileSync(results, 'utf8')) as { checks: Array<{ name: string; ok: boolean; detail: string }>; lines?: string[]; log?: string };
    const failed = seen.checks.filter((c) => !c.ok);
    const log = seen.log && fs.existsSync(seen.log) ? fs.readFileSync(seen.log, 'utf8').slice(-4000) : '';
    assert.deepEqual(failed, [], `${firstLine}: ${failed.map((c) => `${c.name}: ${c.detail}`).join('\n')}\n${output}\n${log}`);
    const names = seen.checks.map((c) => c.name);
    for (const name of ['diagnostics for the seed', 'the quick fix changed the line', 'the tag action tagged the turn', 'the picker tagged the turn', 'the completion inserted the tag', 'a .transcriptrc.json edit applies without a restart']) {
      assert.ok(names.includes(name), `the script did not get to: ${name}`);
    }
    // The buffer as the user would see it.
    const lines = seen.lines!;
    const original = fs.readFileSync(SEED, 'utf8').replace(/\n$/, '').split('\n');
    assert.equal(lines.length, original.length);
    assert.ok(lines.some((l) => /^Therapist: \[cbt:[a-z-]+\] Welcome back to our session, Naomi\./.test(l)));
    assert.ok(lines.some((l) => l.startsWith('Therapist: [cbt:agenda-setting] Thank you for sharing that with me, Naomi.')));
    assert.ok(lines.some((l) => l.startsWith('Therapist: [cbt:socratic-questioning] Thank you for sharing your thoughts')));
    // Exactly one hotline was replaced; nothing else changed but the three tags.
    const changed = lines.map((l, i) => [l, original[i]!] as const).filter(([a, b]) => a !== b);
    assert.equal(changed.length, 4, changed.map(([a]) => a.slice(0, 80)).join('\n'));
    // The file on disk is untouched (the edits are in the buffer).
    assert.equal(fs.readFileSync(file, 'utf8'), fs.readFileSync(SEED, 'utf8'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
