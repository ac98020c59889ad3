#!/usr/bin/env node
// Checks the labelled technique sessions 43–142 (or the files given as arguments), which carry an MI
// code beside the CBT technique, and prints their counts: check-b.mjs's checks, with one more kind
// of tag.
//
//   node bench/data/technique-sessions/tools/check-c.mjs            # session-43 … session-142
//   node bench/data/technique-sessions/tools/check-c.mjs a.transcript b.transcript
//   node bench/data/technique-sessions/tools/check-c.mjs --min 6    # also require each cbt id ≥ 6 times
//
// Checks, per file, those of check-b.mjs, except that every therapist turn has at most one [cbt:…]
// tag (one of the 28 CBT ids) and at most one [mi:…] tag (one of the 10 MITI 4.2.1 codes), right
// after the label, the cbt tag first; then prints the per-code totals of the MI codes too. Like
// check-b, it imports nothing from server/.

import { main } from './check-b.mjs';

main(process.argv.slice(2), { from: 43, to: 142, mi: true });
