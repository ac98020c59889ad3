/**
 * Random transcripts for the fuzz properties: turns by therapist, patient and
 * others under every label form, laden with the defects the rules look for —
 * loops (exact and near repeats), refusals, AI disclaimers, end markers,
 * leaked labels, the old hotline in its spellings, mojibake, empty and
 * truncated turns, misspelt labels, tags — in LF, CRLF, lone-CR or mixed line
 * endings, with or without a byte order mark, a header, several paragraphs.
 * Plus edits (what fast typing does), settings, chat records.
 */
import fc from 'fast-check';

export const SENTENCES = [
  'How have you been since we last met?',
  'I keep thinking about what my sister said to me at dinner last week.',
  'It has been a hard week, honestly, and I almost gave up on the exercise.',
  'What would it mean for you if that thought were true?',
  'That sounds really difficult.',
  'Okay.',
  'Yeah.',
  'I feel stuck and tired, and I keep going over the same worries every single night.',
  'Let us set an agenda for today: sleep, work, and the homework.',
  'On a scale from one to ten, how would you rate your mood this week?',
  'You sound exhausted.',
  'I don’t know, maybe.',
  "I can't sleep and I'm not sure why it started.",
  'So what you are saying is that the pressure at work feels endless.',
  'Could we try a thought record together?',
  'I was hoping to continue our session and explore different topics today.',
  'Thanks for being patient with me and helping me explore these things today.',
  'My therapist said I should write it down.',
  'Naomi is making progress.',
  'Well, uh—',
  'I just…',
];

export const DEFECTS = [
  'Call 1-800-273-8255 if you need to talk to someone.',
  'You can reach the National Suicide Prevention Lifeline at 1-800-273-TALK.',
  'Remember, you can always call (800) 273-8255.',
  'Their number is 800.273.8255, day or night.',
  'It’s okay—really, it’s fine.',
  'Itâ€™s okay to take your time.',
  'I feel Ã©puisÃ© today.',
  'Â That was all.',
  'â€”',
  'I cannot continue a conversation that discusses self-harm.',
  "I'm sorry, but I can't help with that.",
  'As an AI language model, I cannot provide medical advice.',
  "Here's a continuation of the therapy session:",
  'Sure! Here is the next part of the conversation:',
  '[End of conversation]',
  '<|endoftext|>',
  "[Client's name]",
  'T: Counselor: I hear you.',
  'I see. Patient: Yes, exactly.',
  '(This conversation is fictional.)',
  'and then I went to the',
  "I'm",
  'Ã€€€',
];

const LABELS = [
  'Therapist',
  'Patient',
  'Client',
  'Counselor',
  'T',
  'C',
  'P',
  '**Therapist**',
  '**Client**',
  'Therapsit',
  'Pateint',
  'Mother',
  'Dr. Lee',
  'Nova',
  'THERAPIST',
];

const TAGS = ['[cbt:socratic-questioning]', '[cbt:agenda-setting]', '[mi:complex-reflection]', '[cbt:not-a-technique]', '[ignore:repeated-turn]', '[ignore:all]', '[zzz:x]'];

const HEADER_LINES = ['Session notes', '1. Main topics discussed:', 'Homework assigned: sleep diary', 'Note: the client arrived late.', '## Session 3', '- mood: low'];

export type LineEnding = '\n' | '\r\n' | '\r' | 'mixed';

export interface TranscriptShape {
  header: string[];
  turns: Array<{ label: string; tags: string[]; paragraphs: string[][] }>;
  eol: LineEnding;
  bom: boolean;
  trailing: string;
}

const paragraph = fc.array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...SENTENCES) }, { weight: 2, arbitrary: fc.constantFrom(...DEFECTS) }), { minLength: 0, maxLength: 4 });

const turn = fc.record({
  label: fc.constantFrom(...LABELS),
  tags: fc.array(fc.constantFrom(...TAGS), { maxLength: 2 }),
  paragraphs: fc.array(paragraph, { minLength: 1, maxLength: 3 }),
});

/** A transcript's shape: turns (some repeating earlier ones), header, line endings, BOM. */
export const transcriptShape: fc.Arbitrary<TranscriptShape> = fc
  .record({
    header: fc.array(fc.constantFrom(...HEADER_LINES), { maxLength: 3 }),
    turns: fc.array(turn, { minLength: 0, maxLength: 14 }),
    repeats: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { maxLength: 4 }),
    eol: fc.constantFrom<LineEnding>('\n', '\n', '\n', '\r\n', '\r\n', '\r', 'mixed'),
    bomFlag: fc.nat(9),
    trailing: fc.constantFrom('\n', '', '\n\n', ' \n', '\t'),
  })
  .map(({ header, turns, repeats, eol, bomFlag, trailing }) => {
    const all = [...turns];
    // Loops: a turn said again later, exactly or with a small change.
    for (const [from, to, near] of repeats) {
      if (all.length === 0) break;
      const source = all[from % all.length]!;
      const copy = { ...source, paragraphs: source.paragraphs.map((p) => [...p]) };
      if (near && copy.paragraphs[0]) copy.paragraphs[0] = [...copy.paragraphs[0], 'Right.'];
      all.splice(to % (all.length + 1), 0, copy);
    }
    return { header, turns: all, eol, bom: bomFlag === 0, trailing };
  });

/** The text of a shape. */
export function render(shape: TranscriptShape): string {
  let n = 0;
  const eol = () => (shape.eol === 'mixed' ? (['\n', '\r\n', '\r'] as const)[n++ % 3]! : shape.eol);
  const lines: string[] = [];
  for (const line of shape.header) lines.push(line);
  if (shape.header.length) lines.push('');
  for (const t of shape.turns) {
    const [first, ...rest] = t.paragraphs.map((p) => p.join(' '));
    const head = [`${t.label}:`, ...t.tags, first ?? ''].filter(Boolean).join(' ');
    lines.push(head);
    for (const p of rest) lines.push('', p);
    lines.push('');
  }
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  let text = '';
  lines.forEach((line, i) => {
    text += line;
    if (i < lines.length - 1) text += eol();
  });
  return (shape.bom ? '\uFEFF' : '') + text + (shape.trailing === '\n' ? eol() : shape.trailing === '\n\n' ? eol() + eol() : shape.trailing);
}

export const transcript: fc.Arbitrary<string> = transcriptShape.map(render);

/** What fast typing inserts: characters, words, labels, line breaks, tags, defects, deletions. */
export const PIECES = [
  'x',
  ' ',
  'e',
  '\n',
  '\n\n',
  '\r\n',
  '\r',
  'Therapist: ',
  'Patient: ',
  'Client: ',
  'Therapsit: ',
  'T: ',
  'Mother: ',
  ':',
  '[cbt:',
  ']',
  '[cbt:reflection] ',
  'How are you? ',
  'I see. ',
  '1-800-273-8255',
  'â€™',
  'As an AI',
  '[End of conversation]',
  ' Patient: ',
  '',
  '\uFEFF',
];

export interface Edit {
  /** Where, as a fraction of the text's length (so an edit fits whatever text it lands in). */
  at: number;
  /** How many characters it replaces. */
  length: number;
  text: string;
}

export const edit: fc.Arbitrary<Edit> = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  length: fc.oneof(fc.constant(0), fc.nat(3), fc.nat(40)),
  text: fc.oneof(fc.constantFrom(...PIECES), fc.constantFrom(...SENTENCES), fc.constantFrom(...DEFECTS)),
});

/** An edit as offsets into a text of `length` characters. */
export function place(e: Edit, length: number): { start: number; end: number; text: string } {
  const start = Math.min(length, Math.floor(e.at * (length + 1)));
  return { start, end: Math.min(length, start + e.length), text: e.text };
}

/** Settings a .transcriptrc.json (or the client) may give. */
export const settings = fc.record(
  {
    speakers: fc.dictionary(fc.constantFrom('Nova', 'Naomi', 'Dr. Lee', 'Mother', 'Coach'), fc.constantFrom('therapist', 'patient', 'other'), { maxKeys: 3 }),
    rules: fc.dictionary(
      fc.constantFrom('repeated-turn', 'consecutive-turns', 'empty-turn', 'truncated-turn', 'generation-artifact', 'canned-refusal', 'mojibake', 'unknown-speaker', 'outdated-crisis-line', 'unanswered-question', 'role-confusion'),
      fc.oneof(
        fc.constantFrom('off', 'info', 'warn', 'error'),
        fc.constant(['warn', { minWords: 6 }]),
        fc.constant(['warn', { minWords: 8, similarity: 0.6 }]),
        fc.constant(['warn', { phrases: ['as a large language model'] }]),
      ),
      { maxKeys: 3 },
    ),
  },
  { requiredKeys: [] },
);

/** A chat record's messages (system prompts, multi-part contents, missing content). */
export const chatMessages = fc.array(
  fc.oneof(
    { weight: 6, arbitrary: fc.record({ role: fc.constantFrom('assistant', 'user', 'therapist', 'client'), content: fc.array(fc.oneof(fc.constantFrom(...SENTENCES), fc.constantFrom(...DEFECTS)), { minLength: 0, maxLength: 3 }).map((s) => s.join(' ')) }) },
    { weight: 1, arbitrary: fc.record({ role: fc.constant('system'), content: fc.constantFrom('You are a supportive therapist.', 'Be kind.') }) },
    {
      weight: 1,
      arbitrary: fc.record({
        role: fc.constantFrom('assistant', 'user'),
        content: fc.array(fc.oneof(fc.constantFrom(...DEFECTS).map((text) => ({ type: 'text', text })), fc.constant({ type: 'image_url', image_url: { url: 'https://example.invalid/x.png' } }), fc.constantFrom(...SENTENCES)), { minLength: 1, maxLength: 3 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ role: fc.constantFrom('assistant', 'user'), name: fc.constant('x') }) },
  ),
  { minLength: 1, maxLength: 8 },
);
