import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectQuestion, looksLikeReflection } from '../../server/src/core/detect/question.ts';
import { sentences, type Span } from '../../server/src/core/detect/sentence.ts';

const texts = (text: string, spans: Span[]): string[] => spans.map((s) => text.slice(s.start, s.end));
const asked = (text: string): string[] => {
  const q = detectQuestion(text);
  return q ? texts(text, q.spans) : [];
};

// --- sentences -------------------------------------------------------------

test('sentences: splits on . ! ? and keeps offsets pointing at the substring', () => {
  const text = 'Okay. What brings you in today? Wow!';
  const spans = sentences(text);
  assert.deepEqual(texts(text, spans), ['Okay.', 'What brings you in today?', 'Wow!']);
  assert.deepEqual(spans[1], { start: 6, end: 31 });
});

test('sentences: not on "Dr.", "e.g." or decimals', () => {
  const text = 'Dr. Smith said, e.g. cutting down to 3.5 drinks a week. Is that right?';
  assert.deepEqual(texts(text, sentences(text)), ['Dr. Smith said, e.g. cutting down to 3.5 drinks a week.', 'Is that right?']);
});

test('sentences: trims whitespace, splits on line breaks, keeps closing quotes', () => {
  const text = '  Hello there.   She said "no."\nWhat now  ';
  const spans = sentences(text);
  assert.deepEqual(texts(text, spans), ['Hello there.', 'She said "no."', 'What now']);
  for (const s of spans) assert.equal(text.slice(s.start, s.end), text.slice(s.start, s.end).trim());
});

test('sentences: ellipsis before a lower-case word continues, "…" before a capital ends', () => {
  const text = 'I was... kind of tired… Then I left.';
  assert.deepEqual(texts(text, sentences(text)), ['I was... kind of tired…', 'Then I left.']);
});

test('sentences: initials stay, "plan B." ends', () => {
  assert.equal(sentences('I saw J. Smith today.').length, 1);
  assert.equal(sentences('I chose B. It was better.').length, 2);
  assert.equal(sentences('We chose plan B. Then it worked.').length, 2);
});

test('sentences: empty and blank input', () => {
  assert.deepEqual(sentences(''), []);
  assert.deepEqual(sentences('  \n \n'), []);
});

// --- detectQuestion ----------------------------------------------------------

test('interrogative with "?": wh-question is open, inversion is closed', () => {
  assert.deepEqual(detectQuestion('What brings you in today?'), { spans: [{ start: 0, end: 25 }], type: 'open' });
  assert.equal(detectQuestion('Do you drink every day?')?.type, 'closed');
  assert.equal(detectQuestion('Is it okay if I take a look at what you put down?')?.type, 'closed');
  assert.equal(detectQuestion('How about your family?')?.type, 'open');
});

test('interrogative without "?" (the transcriber dropped it)', () => {
  const text = 'Okay. Just so you know, my role is to share information. Uh, what else can you tell me about your drinking.';
  assert.deepEqual(asked(text), ['Uh, what else can you tell me about your drinking.']);
  assert.equal(detectQuestion(text)?.type, 'open');
  assert.equal(detectQuestion('Tell me more about that.')?.type, 'open');
  assert.equal(detectQuestion("So, I guess I'm wondering if you've given any thought to other ways to cope.")?.type, 'closed');
  assert.equal(detectQuestion('Do you know what-')?.type, 'closed');
});

test('an inverted wh-clause later in the sentence counts without "?"', () => {
  const text = "Let me ask you this, on a scale from 0 to 10, how confident are you that you'll be able to do it.";
  // a scaling question is coded closed
  assert.equal(detectQuestion(text)?.type, 'closed');
  assert.equal(detectQuestion('Thinking about your friends, you know, how would you think about them.')?.type, 'open');
});

test('declarative with "?": a question when it ends the turn, and it reads as a reflection', () => {
  const text = 'Sometimes. So you’re not proud of finishing a bottle?';
  assert.deepEqual(asked(text), ['So you’re not proud of finishing a bottle?']);
  assert.equal(detectQuestion(text)?.type, 'closed');
  assert.equal(looksLikeReflection(text), true);
});

test('declarative with "?" followed by more talk is not a question', () => {
  assert.equal(detectQuestion("You're surprised? A lot of people are, it's a common reaction."), undefined);
  assert.equal(detectQuestion("It's a little bit here, a little bit there, so it adds up, right? And that's hard."), undefined);
});

test('lone tags and backchannels are not questions', () => {
  assert.equal(detectQuestion('Right?'), undefined);
  assert.equal(detectQuestion('Mm-hmm. Yeah?'), undefined);
  assert.equal(detectQuestion('Okay.'), undefined);
});

test('quoted and reported questions are not asked of the client', () => {
  assert.equal(detectQuestion('He\'s saying to you, "why is it a problem?"'), undefined);
  assert.equal(detectQuestion('You’re wondering, “Do I deserve that second chance?”'), undefined);
  assert.equal(detectQuestion('She asked me why I was late.'), undefined);
});

test('free relatives and subordinate wh-clauses are statements', () => {
  assert.equal(detectQuestion("What I'm hearing is that you want to quit."), undefined);
  assert.equal(detectQuestion('When you drink, you feel more relaxed.'), undefined);
  assert.equal(detectQuestion('And see what happens.'), undefined);
});

test('discourse markers, disfluencies and curly apostrophes', () => {
  assert.deepEqual(asked('Okay. So, um, wh-what do you think?'), ['So, um, wh-what do you think?']);
  assert.equal(detectQuestion('So-so what-what happened?')?.type, 'open');
  assert.equal(detectQuestion('Well, what’s been happening since then?')?.type, 'open');
  assert.equal(detectQuestion('Um, do-do you ever feel-- You feel bad')?.type, 'closed');
  assert.deepEqual(asked('I-I-I, what-what else?'), ['I-I-I, what-what else?']);
});

test('open vs closed: narrow wh-questions and "anything else?"', () => {
  assert.equal(detectQuestion('How many drinks do you have in a week?')?.type, 'closed');
  assert.equal(detectQuestion('When did you start?')?.type, 'closed');
  assert.equal(detectQuestion('Anything else?')?.type, 'open');
  assert.equal(detectQuestion('Is there anything else you would like to talk about?')?.type, 'open');
  assert.equal(detectQuestion('Can you tell me a little bit about why you picked those three?')?.type, 'open');
});

test('several questions: all spans, the type of the strongest', () => {
  const text = 'How about frequency? Do you feel like you drink too much coffee?';
  assert.deepEqual(asked(text), ['How about frequency?', 'Do you feel like you drink too much coffee?']);
  assert.equal(detectQuestion(text)?.type, 'closed');
});

test('empty input', () => {
  assert.equal(detectQuestion(''), undefined);
  assert.equal(looksLikeReflection(''), false);
});

// --- looksLikeReflection -----------------------------------------------------

test('reflections: restating the client', () => {
  assert.equal(looksLikeReflection("It sounds like you're at a place of acceptance about that."), true);
  assert.equal(looksLikeReflection("You’re feeling kind of concerned about that."), true);
  assert.equal(looksLikeReflection('So on the one hand you like drinking, and on the other hand you hate the hangovers.'), true);
});

test('not reflections: questions, backchannels, information, greetings', () => {
  assert.equal(looksLikeReflection('How do you feel after you drink?'), false);
  assert.equal(looksLikeReflection('Mm-hmm.'), false);
  assert.equal(looksLikeReflection('The guidelines recommend no more than seven drinks a week for women.'), false);
  assert.equal(looksLikeReflection('Hi, thanks for coming in today.'), false);
});

// --- size --------------------------------------------------------------------

test('a 1 MB single-line input returns a result', () => {
  const text = 'so you feel like the drinking helps you relax and '.repeat(21000) + 'what do you make of that?';
  assert.ok(text.length > 1_000_000);
  assert.equal(text.includes('\n'), false);
  assert.equal(sentences(text).length, 1);
  const q = detectQuestion(text);
  assert.ok(q);
  assert.equal(q.spans.length, 1);
  assert.equal(q.spans[0]!.end, text.length);
  assert.equal(looksLikeReflection(text), true);
  const many = 'What do you think? So you feel bad. '.repeat(30000);
  assert.equal(detectQuestion(many)?.spans.length, 30000);
});
