/**
 * Chat records as transcripts (server/src/cli/chat.ts): rendering, the message
 * a position is in, and edits of the transcript carried back into messages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyEdits, type TextEdit } from '../../server/src/core/fixes.ts';
import { InputError, mapParts, messageAt, rebuildMessages, renderChat } from '../../server/src/cli/chat.ts';

const chat = [
  { role: 'system', content: 'Be kind.' },
  { role: 'assistant', content: 'How was the week?' },
  { role: 'user', content: [{ type: 'text', text: 'Long.' }, { type: 'text', text: ' Tiring.' }] },
  { role: 'client', content: null },
  { role: 'Therapist', content: 'Tell me more.', name: 'dr' },
];

test('a chat renders as a transcript; system messages are left out; every message knows its range', () => {
  const rendered = renderChat(chat);
  // The text parts of a multi-part content are paragraphs of the turn.
  assert.equal(rendered.text, 'Therapist: How was the week?\n\nPatient: Long.\n\n Tiring.\n\nClient:\n\nTherapist: Tell me more.\n');
  assert.deepEqual(
    rendered.parts.map((p) => [p.index, rendered.text.slice(p.start, p.labelEnd), rendered.text.slice(p.contentStart, p.contentEnd)]),
    [
      [1, 'Therapist:', 'How was the week?'],
      [2, 'Patient:', 'Long.\n\n Tiring.'],
      [3, 'Client:', ''],
      [4, 'Therapist:', 'Tell me more.'],
    ],
  );
  assert.equal(messageAt(rendered.parts, 0), 1);
  assert.equal(messageAt(rendered.parts, rendered.text.indexOf('Tiring')), 2);
  assert.equal(messageAt(rendered.parts, rendered.text.length - 1), 4);
  assert.throws(() => renderChat([{ role: 'tool', content: 'x' }]), InputError);
  assert.throws(() => renderChat([{ role: 'user', content: 42 }]), InputError);
  assert.throws(() => renderChat(['hello']), InputError);
  assert.equal(renderChat([{ role: 'system', content: 'only instructions' }]).text, '');
});

test('edits go back into their messages: replacements, insertions at the edges, removed turns', () => {
  const rendered = renderChat(chat);
  const at = (needle: string) => rendered.text.indexOf(needle);
  const edits: TextEdit[] = [
    { start: at('week'), end: at('week') + 4, text: 'month' }, // inside a message
    { start: at('Long'), end: at('Long'), text: 'So. ' }, // insertion where content starts
    { start: at(' Tiring.') + 8, end: at(' Tiring.') + 8, text: ' Yes.' }, // insertion where content ends
    { start: at('Client:'), end: at('Therapist: Tell'), text: '' }, // the empty turn removed, as turnRemovalRange does
  ];
  const text = applyEdits(rendered.text, edits);
  const parts = mapParts(rendered.parts, edits);
  assert.deepEqual(rebuildMessages(chat, rendered, parts, text), [
    chat[0],
    { role: 'assistant', content: 'How was the month?' },
    // A multi-part content keeps its parts: each edit goes into the part it is in.
    { role: 'user', content: [{ type: 'text', text: 'So. Long.' }, { type: 'text', text: ' Tiring. Yes.' }] },
    chat[4], // unchanged: the same object, other fields and all
  ]);
  // The last turn removed from the end of the previous one (turnRemovalRange of a last turn).
  const last: TextEdit[] = [{ start: at('Client:') - 2, end: rendered.text.length - 1, text: '' }];
  const trimmed = rebuildMessages(chat, rendered, mapParts(rendered.parts, last), applyEdits(rendered.text, last));
  // The user message is unchanged (its content is still the original parts).
  assert.deepEqual(trimmed, [chat[0], chat[1], chat[2]]);
});

test('edits inside messages change exactly those messages (property)', () => {
  const messages = fc.array(fc.record({ role: fc.constantFrom('assistant', 'user', 'system'), content: fc.string({ minLength: 1, maxLength: 20 }) }), { minLength: 1, maxLength: 8 });
  fc.assert(
    fc.property(messages, fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.string({ maxLength: 5 })), { maxLength: 6 }), (chatMessages, raw) => {
      const rendered = renderChat(chatMessages);
      if (rendered.parts.length === 0) return;
      // Non-overlapping edits, each strictly inside one message's content, at most one per message.
      const edits: TextEdit[] = [];
      const expected = new Map<number, string>();
      const used = new Set<number>();
      for (const [which, a, b, text] of raw) {
        const part = rendered.parts[which % rendered.parts.length]!;
        if (used.has(part.index)) continue;
        used.add(part.index);
        const length = part.contentEnd - part.contentStart;
        const start = part.contentStart + (a % (length + 1));
        const end = start + (b % (part.contentEnd - start + 1));
        edits.push({ start, end, text });
        const content = rendered.text.slice(part.contentStart, part.contentEnd);
        expected.set(part.index, content.slice(0, start - part.contentStart) + text + content.slice(end - part.contentStart));
      }
      const rebuilt = rebuildMessages(chatMessages, rendered, mapParts(rendered.parts, edits), applyEdits(rendered.text, edits)) as typeof chatMessages;
      assert.equal(rebuilt.length, chatMessages.length);
      rebuilt.forEach((message, i) => assert.equal(message.content, expected.get(i) ?? chatMessages[i]!.content));
    }),
  );
});

test('a long chat: 50,000 messages with an edit in each (one sweep, not one per message)', () => {
  const long = Array.from({ length: 50_000 }, (_, i) => ({ role: i % 2 ? 'user' : 'assistant', content: `Message number ${i} here.` }));
  const rendered = renderChat(long);
  const edits = rendered.parts.map((p) => ({ start: p.contentStart, end: p.contentStart + 7, text: 'Note' }));
  const rebuilt = rebuildMessages(long, rendered, mapParts(rendered.parts, edits), applyEdits(rendered.text, edits)) as typeof long;
  assert.equal(rebuilt.length, 50_000);
  assert.equal(rebuilt[0]!.content, 'Note number 0 here.');
  assert.equal(rebuilt[49_999]!.content, 'Note number 49999 here.');
});
