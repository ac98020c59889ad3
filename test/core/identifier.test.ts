/**
 * The opt-in `identifier` rule: Safe Harbor identifiers in turns, never a
 * crisis line, typed placeholders (the same identifier, the same placeholder),
 * a safe fix that `--fix` applies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, fixAndAnalyze } from '../../server/src/core/lint.ts';
import { emptyConfig } from '../../server/src/core/config.ts';
import { findIdentifiers } from '../../server/src/core/rules/identifier.ts';

const on = (options?: Record<string, unknown>) => {
  const config = emptyConfig();
  config.rules['identifier'] = options ? { severity: 'warn', options } : { severity: 'warn' };
  return { config };
};
const found = (text: string, options?: Record<string, unknown>) =>
  analyze(text, on(options)).messages.filter((m) => m.ruleId === 'identifier').map((m) => [text.slice(m.start.offset, m.end.offset), m.fixes[0]!.edits[0]!.text]);

test('off by default: nothing is reported until it is configured', () => {
  const text = 'Client: Call me at (415) 555-0132.\n';
  assert.equal(analyze(text, { config: emptyConfig() }).messages.filter((m) => m.ruleId === 'identifier').length, 0);
  assert.deepEqual(found(text), [['(415) 555-0132', '[PHONE]']]);
});

test('each type, in the formats people write', () => {
  const cases: Array<[string, string, string]> = [
    ['My email is dana.w84@gmail.com.', 'dana.w84@gmail.com', '[EMAIL]'],
    ['Text me on +1 617 555 0177 later.', '+1 617 555 0177', '[PHONE]'],
    ['It happened on March 14, 2022, at night.', 'March 14, 2022', '[DATE]'],
    ['The appointment was 03/14/2022.', '03/14/2022', '[DATE]'],
    ['I live at 221 Baker Street now.', '221 Baker Street', '[ADDRESS]'],
    ['Look at https://myblog.example.com/posts/1 please.', 'https://myblog.example.com/posts/1', '[URL]'],
    ['My social is 078-05-1120.', '078-05-1120', '[SSN]'],
    ['My MRN 00482913 is on the form.', '00482913', '[RECORD]'],
    ['I paid with 4111 1111 1111 1111.', '4111 1111 1111 1111', '[ACCOUNT]'],
    ['My grandmother is 94 years old now.', '94 years old', '[AGE]'],
    ['The zip code is 02139.', '02139', '[ZIP]'],
    ["My driver's license number is D1234567.", 'D1234567', '[ID]'],
    ['I was at Massachusetts General Hospital for a week.', 'Massachusetts General Hospital', '[LOCATION]'],
  ];
  for (const [sentence, value, placeholder] of cases) assert.deepEqual(found(`Client: ${sentence}\n`), [[value, placeholder]], sentence);
});

test('never a crisis line, an ordinary number, a year, a score or a placeholder', () => {
  for (const sentence of [
    'If it gets bad, call or text 988, or chat at 988lifeline.org.',
    'Text HOME to 741741.',
    'In an emergency call 911.',
    'In the UK, Samaritans are on 116 123.',
    'The old number was 1-800-273-8255.',
    'I rated it 7 out of 10, and 3/10 last week.',
    'From 2019-2020 I worked nights, about 40 hours.',
    'I was born in 1987 and I am 45.',
    'See nami.org or https://www.samhsa.gov/find-help for more.',
    'My number is [PHONE] and my name is [NAME].',
    'May I ask you something? It may be nothing.',
  ]) assert.deepEqual(found(`Client: ${sentence}\n`), [], sentence);
});

test('names: by how they are used, then everywhere; not the speakers’ labels, not ordinary words', () => {
  const text = [
    'Therapist: Welcome back, Naomi. How was the week?',
    'Client: My sister Anna visited. Anna always makes me anxious.',
    'Therapist: And Dr. Patel said what about it?',
    'Client: She called it the Medium thing; medium anxiety, she said.',
    'Nova: I am the second therapist here, Naomi.',
    'Nova: Hello.',
  ].join('\n');
  const names = found(text).map(([v]) => v);
  assert.deepEqual(names, ['Naomi', 'Anna', 'Anna', 'Patel', 'Naomi']);
  // Numbered: one number per person, the same across the file.
  const numbered = found(text, { numbered: true }).map(([v, p]) => `${v}=${p}`);
  assert.deepEqual(numbered, ['Naomi=[NAME-1]', 'Anna=[NAME-2]', 'Anna=[NAME-2]', 'Patel=[NAME-3]', 'Naomi=[NAME-1]']);
});

test('the fix is safe, replaces only what was found, and a second run finds nothing', () => {
  const text = 'Therapist: Hi Naomi, did you email me at naomi.k@gmail.com?\nClient: Yes, Naomi did. Call 988 or (415) 555-0132.\n';
  const fixed = fixAndAnalyze(text, on());
  assert.equal(fixed.text, 'Therapist: Hi [NAME], did you email me at [EMAIL]?\nClient: Yes, [NAME] did. Call 988 or [PHONE].\n');
  assert.equal(fixed.analysis.messages.filter((m) => m.ruleId === 'identifier').length, 0);
  // Numbered placeholders go on from those already in the file.
  const more = fixAndAnalyze('Client: [PHONE-1] is mine; 617-555-0148 is hers.\n', on({ numbered: true }));
  assert.equal(more.text, 'Client: [PHONE-1] is mine; [PHONE-2] is hers.\n');
});

test('findIdentifiers is linear and quiet on text without digits or addresses', () => {
  assert.deepEqual(findIdentifiers('I feel tired all the time and I do not know why.'), []);
  const long = `${'word '.repeat(50_000)}617-555-0148`;
  assert.equal(findIdentifiers(long).length, 1);
});
