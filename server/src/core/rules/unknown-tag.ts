/**
 * `unknown-tag`: a tag whose namespace or id is not in the codebook
 * (`[cbt:socratic-questionning]`), or an `[ignore:…]` naming no rule. A
 * misspelt tag is silently lost from every count a supervisor makes; the
 * quick fixes offer the nearest ids.
 */
import { defineRule, transcript } from '../rule.ts';
import type { Fix } from '../fixes.ts';
import { editDistance } from '../speakers.ts';

export default defineRule({
  id: 'unknown-tag',
  description: 'A tag whose namespace or technique id is not in the codebook.',
  defaultSeverity: 'warn',
  options: {},
  docs: 'docs/rules/unknown-tag.md',
  fixes: [
    { title: 'Change to the nearest technique id', safe: false, when: 'a technique id the codebook lacks, with one close to it' },
    { title: 'Change to the nearest namespace', safe: false, when: 'a namespace the codebook lacks, with one close to it' },
    { title: 'Change to the nearest rule id', safe: false, when: 'an [ignore:…] tag that names no rule, with a rule id close to it' },
  ],
  examples: {
    ok: [{ text: transcript('Therapist: [cbt:socratic-questioning] What evidence do you have for that thought?', 'Patient: [ignore:consecutive-turns] Not much, I guess.') }],
    notOk: [
      {
        text: transcript('Therapist: [cbt:socratic-questionning] What evidence do you have for that thought?', 'Patient: Not much, I guess.'),
        findings: ['"socratic-questionning" is not a cbt technique in the codebook (did you mean "socratic-questioning"?)'],
      },
      {
        text: transcript("Therapist: [ignore:repeated-trun] Let's go over the homework again.", 'Patient: Okay.'),
        findings: ['"repeated-trun" is not a rule id'],
      },
    ],
  },
  checkTurn({ session, report, ruleIds }, turn) {
    const codebook = session.codebook;
    if (!codebook) return;
    for (const tag of turn.tags) {
      const start = tag.position.start.offset!;
      const end = tag.position.end.offset!;
      const idStart = end - 1 - tag.id.length;
      const replaceId = (id: string, preferred: boolean): Fix => ({
        title: `Change to [${tag.namespace}:${id}]`,
        edits: [{ start: idStart, end: end - 1, text: id }],
        safe: false,
        preferred,
      });
      if (tag.namespace === 'ignore') {
        if (tag.id === 'all' || ruleIds.includes(tag.id)) continue;
        const near = ruleIds.filter((id) => editDistance(id, tag.id, 3) <= 3).slice(0, 3);
        report({
          reason: `"${tag.id}" is not a rule id, so [ignore:${tag.id}] silences nothing.`,
          start,
          end,
          turn: turn.index,
          fixes: near.map((id, i) => replaceId(id, i === 0)),
        });
        continue;
      }
      const namespace = codebook.namespaces.get(tag.namespace);
      if (!namespace) {
        const known = [...codebook.namespaces.keys()];
        const near = known.find((ns) => editDistance(ns, tag.namespace.toLowerCase(), 2) <= 2);
        report({
          reason: `"${tag.namespace}" is not a codebook namespace (known: ${known.join(', ')}): this tag will not be counted.`,
          start,
          end,
          turn: turn.index,
          fixes:
            near && codebook.get(near, tag.id)
              ? [{ title: `Change to [${near}:${tag.id}]`, edits: [{ start: start + 1, end: start + 1 + tag.namespace.length, text: near }], safe: false, preferred: true }]
              : [],
        });
        continue;
      }
      if (namespace.entries.has(tag.id)) continue;
      const near = codebook.nearest(tag.namespace, tag.id.toLowerCase());
      report({
        reason: `"${tag.id}" is not a ${tag.namespace} technique in the codebook${near.length > 0 ? ` (did you mean "${near[0]!.id}"?)` : ''}: this tag will not be counted.`,
        start,
        end,
        turn: turn.index,
        fixes: near.map((entry, i) => replaceId(entry.id, i === 0)),
      });
    }
  },
});
