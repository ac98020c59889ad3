/**
 * `npm run train`: fit the technique, form and voice models on AnnoMI and the
 * team's CBT sessions (every session the split does not hold out) and write
 * server/src/core/model/weights/technique-model.bin. Deterministic: the same
 * data gives the same file, byte for byte (its SHA-256 is printed).
 *
 *   npm run train              fit and write the shipped models
 *   npm run train -- --dev     choose settings: fit without AnnoMI's development sessions and
 *                              print figures on them, and on the CBT training sessions by
 *                              leave-sessions-out; writes nothing, never reads held-out sessions
 *   npm run train -- --out F   write the models to F instead
 *
 * The ending model truncated-turn consults (ending-model.json) has its own
 * script: `npm run train:ending` (train/ending.ts).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { defaultCodebook } from '../server/src/core/codebook.ts';
import { encodeModels } from '../server/src/core/model/format.ts';
import { annomiHeldOut, cbtHeldOut, loadAnnomi, loadCbtSessions, ROOT } from './data.ts';
import { DEFAULT_SETTINGS, FeatureStore, trainModels } from './models.ts';
import { devReport } from './dev.ts';

export const WEIGHTS_FILE = path.join(ROOT, 'server/src/core/model/weights/technique-model.bin');

function main(): void {
  const args = process.argv.slice(2);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const outAt = args.indexOf('--out');
  const out = outAt >= 0 ? path.resolve(args[outAt + 1] ?? '') : WEIGHTS_FILE;
  const codebook = defaultCodebook();
  const annomi = loadAnnomi();
  const cbt = loadCbtSessions();
  if (annomi.skipped.length) log(`AnnoMI: skipped ${annomi.skipped.join(', ')} (turns and labels do not line up)`);
  for (const problem of cbt.problems) log(`CBT sessions: ${problem}`);
  const settings = structuredClone(DEFAULT_SETTINGS);
  // --set l2.cbt=1 --set groups.cbt.char=0.5: try other settings (with --dev)
  args.forEach((a, i) => {
    if (a !== '--set') return;
    const [key, value] = (args[i + 1] ?? '').split('=');
    const pathParts = key!.split('.');
    let at = settings as unknown as Record<string, unknown>;
    for (const part of pathParts.slice(0, -1)) at = at[part] as Record<string, unknown>;
    const last = pathParts[pathParts.length - 1]!;
    at[last] = value === 'true' ? true : value === 'false' ? false : Number(value);
    if (Number(value) === 0 && last in at && pathParts[0] === 'groups') delete at[last];
  });
  const features = new FeatureStore();

  if (args.includes('--dev')) {
    devReport({ annomi: annomi.turns, cbt: cbt.turns }, codebook, settings, features, log);
    return;
  }

  const annomiTrain = annomi.turns.filter((t) => !annomiHeldOut(t.session));
  const cbtTrain = cbt.turns.filter((t) => !cbtHeldOut(t.session));
  log(`Training on ${new Set(annomiTrain.map((t) => t.file)).size} AnnoMI sessions (${annomiTrain.length} turns) and ${new Set(cbtTrain.map((t) => t.file)).size} CBT sessions (${cbtTrain.length} therapist turns)`);
  const models = trainModels({ annomi: annomiTrain, cbt: cbtTrain }, codebook, settings, features, log);
  const trainedOn = {
    annomi: { sessions: new Set(annomiTrain.map((t) => t.file)).size, turns: annomiTrain.length, heldOut: 'sessions annomi-NNN with NNN % 4 == 3' },
    cbt: { sessions: [...new Set(cbtTrain.map((t) => t.file))], turns: cbtTrain.length, heldOut: 'session-NN with NN % 4 == 0' },
    settings,
  };
  const bytes = encodeModels(models, trainedOn);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, bytes);
  const hash = crypto.createHash('sha256').update(bytes).digest('hex');
  log(`Wrote ${path.relative(process.cwd(), out)}: ${(bytes.length / 1024).toFixed(0)} KiB, sha256 ${hash}`);
}

main();
