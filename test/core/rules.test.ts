/**
 * Every rule on examples: text that must stay quiet ("ok") and text that must
 * be reported, at an exact place ("not ok").
 */
import fs from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/core/lint.ts';
import { emptyConfig, type TranscriptConfig } from '../../server/src/core/config.ts';
import { allRules } from '../../server/src/core/rules/index.ts';
import { applyEdits } from '../../server/src/core/fixes.ts';

function findings(text: string, ruleId: string, config: TranscriptConfig = emptyConfig()) {
  return analyze(text, { config })
    .messages.filter((m) => m.ruleId === ruleId)
    .map((m) => ({ at: `${m.start.line}:${m.start.column}-${m.end.line}:${m.end.column}`, text: text.slice(m.start.offset, m.end.offset), reason: m.reason, message: m }));
}

const REFUSAL = 'I cannot continue a conversation that discusses self-harm. If you are experiencing distress, please consider reaching out to a crisis hotline in your country. Is there anything else I can help you with?';
const LONG_PATIENT = 'I understand your concern, but I was hoping to continue our session and explore different topics without discussing self-harm directly. Is that something we can do?';

test('every rule has an id, a description and a default severity', () => {
  const ids = new Set<string>();
  for (const rule of allRules) {
    assert.match(rule.id, /^[a-z]+(?:-[a-z]+)*$/);
    assert.ok(!ids.has(rule.id), `duplicate ${rule.id}`);
    ids.add(rule.id);
    assert.ok(rule.description.length > 10);
    // Opt-in rules (identifier) are off until configured.
    assert.ok(['info', 'warn', 'error'].includes(rule.defaultSeverity) || (rule.defaultSeverity === 'off' && rule.id === 'identifier'));
  }
});

test('empty-turn', () => {
  assert.deepEqual(findings('Therapist: Hello.\nClient: Hi.', 'empty-turn'), []);
  const found = findings('Therapist: Hello.\nClient:\nTherapist: Are you there?', 'empty-turn');
  assert.equal(found.length, 1);
  assert.equal(found[0]!.at, '2:1-2:8');
  assert.match(found[0]!.reason, /Client label has no text/);
  assert.deepEqual(found[0]!.message.fixes[0]!.edits, [{ start: 18, end: 26, text: '' }]);
});

test('repeated-turn: a loop is one finding per repeated turn, with its repeats; its fix removes whole exchanges', () => {
  const loop = [
    `Therapist: ${REFUSAL}`,
    `Patient: ${LONG_PATIENT}`,
    `Therapist: ${REFUSAL.replace('a conversation', 'the conversation').toUpperCase()}`,
    `Patient: ${LONG_PATIENT.replace("I was hoping", "I'd hoped")}`,
    `Therapist: ${REFUSAL}`,
  ].join('\n\n');
  const found = findings(loop, 'repeated-turn');
  // One finding for the therapist's loop (repeats on lines 5 and 9), one for the patient's (line 7).
  assert.deepEqual(found.map((f) => f.at.split('-')[0]), ['5:1', '7:1']);
  assert.match(found[0]!.reason, /^This therapist turn repeats line 1 word for word or nearly, 2 times \(2nd time here\): the session is looping\.$/);
  assert.match(found[1]!.reason, /^This patient turn repeats line 3 nearly \(\d+% or more of the same words\), once/);
  assert.deepEqual(found[0]!.message.related.map((r) => [r.start.line, r.message]), [[1, 'First occurrence of this therapist turn'], [9, 'Repeat 2 of line 1']]);
  // The safe fix takes out the loop's exchanges (lines 5–9: both speakers' repeats); the second ends the session there.
  const [remove, end] = found[0]!.message.fixes;
  assert.equal(remove!.safe, true);
  assert.equal(end!.safe, false);
  assert.equal(applyEdits(loop, remove!.edits), loop.slice(0, loop.indexOf('\n\nTherapist: I CANNOT')));
  assert.deepEqual(found[1]!.message.fixes[0]!.edits, remove!.edits);

  // A repeat between two turns of the other speaker that are no repeats stays: removing it would stack them.
  const between = [`Therapist: ${REFUSAL}`, 'Patient: I hear you, but I still want to talk about it today.', `Therapist: ${REFUSAL}`, 'Patient: Fine, then let us talk about work instead, if that is possible.'].join('\n\n');
  const kept = findings(between, 'repeated-turn');
  assert.equal(kept.length, 1);
  assert.deepEqual(kept[0]!.message.fixes.map((f) => f.safe), [false]);

  // The other speaker saying the same thing is not a loop; backchannels never are.
  assert.deepEqual(findings(`Therapist: ${LONG_PATIENT}\n\nClient: ${LONG_PATIENT}`, 'repeated-turn'), []);
  const backchannels = Array.from({ length: 6 }, (_, i) => (i % 2 ? 'Client: Mm-hmm.' : 'Therapist: Yeah, right.')).join('\n');
  assert.deepEqual(findings(backchannels, 'repeated-turn'), []);
  // Different turns on the same topic are not near repeats.
  assert.deepEqual(
    findings(
      'Therapist: What would you like to focus on in our session today, given everything that happened this week?\nClient: Work.\nTherapist: What would you like to focus on at work first, given the deadlines you mentioned last time?',
      'repeated-turn',
    ),
    [],
  );
});

test('repeated-turn: a double post is a copy, not a loop; a passage repeated inside a turn', () => {
  const double = `Therapist: How did the week go?\n\nClient: ${LONG_PATIENT}\n\nClient: ${LONG_PATIENT}\n\nTherapist: Thank you.`;
  const [post] = findings(double, 'repeated-turn');
  assert.match(post!.reason, /^This patient message is posted twice: it is a copy of the one on line 3, right before it\.$/);
  assert.equal(applyEdits(double, post!.message.fixes[0]!.edits), `Therapist: How did the week go?\n\nClient: ${LONG_PATIENT}\n\nTherapist: Thank you.`);

  const paragraph = 'It is understandable to feel this way, and you do not have to face it alone at all.';
  const inTurn = `Client: I feel lost.\n\nTherapist: ${paragraph}\n\n${paragraph}\n\n${paragraph}\n\nClient: Thanks.`;
  const [passage] = findings(inTurn, 'repeated-turn');
  assert.match(passage!.reason, /^A passage of this therapist turn \(\d+ words\) is repeated 2 more times inside it/);
  assert.equal(passage!.message.fixes[0]!.safe, true);
  assert.equal(applyEdits(inTurn, passage!.message.fixes[0]!.edits), `Client: I feel lost.\n\nTherapist: ${paragraph}\n\nClient: Thanks.`);
  // Glued on inside one paragraph: a quick fix, not a safe one.
  const glued = `Client: I feel lost.\n\nTherapist: ${paragraph}, ${paragraph}, ${paragraph}`;
  const [inline] = findings(glued, 'repeated-turn');
  assert.equal(inline!.message.fixes[0]!.safe, false);
  // A sentence said twice by a real speaker is short; it never counts.
  assert.deepEqual(findings('Client: I know. I know. I just do not know what to do about it.', 'repeated-turn'), []);
});

test('repeated-turn options: minWords and similarity', () => {
  const text = 'Client: I just feel helpless about this.\nTherapist: Okay.\nClient: I just feel helpless about this.';
  assert.deepEqual(findings(text, 'repeated-turn'), []);
  const config: TranscriptConfig = { speakers: {}, rules: { 'repeated-turn': { options: { minWords: 5 } } } };
  assert.equal(findings(text, 'repeated-turn', config).length, 1);
});

test('unanswered-question: answered by a refusal, a repeat, meta-text, or nothing', () => {
  const byRefusal = findings(`Patient: I was hoping we could keep talking. Is that something we can do?\n\nTherapist: ${REFUSAL}`, 'unanswered-question');
  assert.equal(byRefusal.length, 1);
  assert.equal(byRefusal[0]!.text, 'Is that something we can do?');
  assert.match(byRefusal[0]!.reason, /patient's question goes unanswered: the reply on line 3 is a canned refusal/);

  const byMeta = findings('Therapist: How did the week go?\n\nPatient: Here is a continuation of the therapy session:', 'unanswered-question');
  assert.equal(byMeta.length, 1);

  // A question answered normally, and the refusal's own boilerplate question, are fine.
  assert.deepEqual(findings(`Therapist: How did the week go?\nClient: Better, thanks.\nTherapist: ${REFUSAL}\nClient: Okay.`, 'unanswered-question'), []);
  // A recorded session may stop on a question; only a generated one is reported for it.
  assert.deepEqual(findings('Therapist: How did the week go?\nClient: Fine.\nTherapist: Anything else?', 'unanswered-question'), []);
});

test('rules never import rules: what several rules read lives in detect/', () => {
  const folder = new URL('../../server/src/core/rules/', import.meta.url);
  let read = 0;
  for (const file of fs.readdirSync(folder)) {
    if (file === 'index.ts') continue;
    const source = fs.readFileSync(new URL(file, folder), 'utf8');
    assert.doesNotMatch(source, /from '\.\/[^']+'/, `${file} imports another rule`);
    read++;
  }
  // (A test that read no rule file would pass on nothing.)
  assert.ok(read >= 10, `only ${read} rule files read`);
});

test('unanswered-question reads repeats and refusals as repeated-turn and canned-refusal are configured', () => {
  // A reply of nine words that repeats the therapist's first turn: a repeat only from `minWords` 9 down.
  const repeated = [
    'Therapist: What would you like to talk about today, then?',
    'Patient: My sister. Can you help me work out what to tell her?',
    'Therapist: What would you like to talk about today, then?',
    'Patient: I guess not.',
  ].join('\n\n');
  assert.deepEqual(findings(repeated, 'unanswered-question'), []);
  const shorter: TranscriptConfig = { speakers: {}, rules: { 'repeated-turn': { options: { minWords: 6 } } } };
  const byRepeat = findings(repeated, 'unanswered-question', shorter);
  assert.equal(byRepeat.length, 1);
  assert.equal(byRepeat[0]!.text, 'Can you help me work out what to tell her?');
  assert.match(byRepeat[0]!.reason, /the reply on line 5 repeats line 1 instead/);
  // The same when repeated-turn itself is off: its options still say what a repeat is.
  const off: TranscriptConfig = { speakers: {}, rules: { 'repeated-turn': { severity: 'off', options: { minWords: 6 } } } };
  assert.equal(findings(repeated, 'unanswered-question', off).length, 1);

  // A refusal in the dataset's own words, which only the configured phrases recognise.
  const refused = 'Patient: Can we talk about my drinking?\n\nTherapist: As a large language model, I must stay on safe topics.\n';
  assert.deepEqual(findings(refused, 'unanswered-question'), []);
  const phrases: TranscriptConfig = { speakers: {}, rules: { 'canned-refusal': { options: { phrases: ['I must stay on safe topics'] } } } };
  const byRefusal = findings(refused, 'unanswered-question', phrases);
  assert.equal(byRefusal.length, 1);
  assert.match(byRefusal[0]!.reason, /the reply on line 3 is a canned refusal/);
});

test('consecutive-turns: info with a merge fix that is not applied by --fix', () => {
  const text = 'Therapist: Hello.\n\nTherapist: Are you there?\n\nClient: Yes.';
  const found = findings(text, 'consecutive-turns');
  assert.equal(found.length, 1);
  assert.equal(found[0]!.message.severity, 'info');
  assert.equal(found[0]!.at, '3:1-3:11');
  const merge = found[0]!.message.fixes[0]!;
  assert.equal(merge.safe, false);
  assert.deepEqual(merge.edits, [{ start: 19, end: 30, text: '' }]);
  assert.deepEqual(findings('Therapist: Hi.\nClient: Hi.\nTherapist: Bye.', 'consecutive-turns'), []);
});

test('truncated-turn: judged against the speaker\'s habits; cut-off generations, not spoken interruptions', () => {
  // A speaker who ends every turn with punctuation, then stops on a subject: cut off.
  const punctuated = ['Therapist: How was the week?', 'Patient: It was fine, mostly.', 'Therapist: Good. What helped?', 'Patient: Walking helped a lot.', 'Therapist: Tell me more.', 'Patient: I walked every morning before work.', 'Therapist: That is a real change.'];
  const cut = findings([...punctuated, "Patient: Thanks for being patient with me and helping me explore these things. I'm"].join('\n\n'), 'truncated-turn');
  assert.equal(cut.length, 1);
  assert.equal(cut[0]!.text, "I'm");
  // …or, in a long turn, without any punctuation at all.
  const long = `Patient: ${'I have been trying to keep the routine going and it mostly works. '.repeat(6)}Lastly, I want to acknowledge the progress I have made`;
  const longCut = findings([...punctuated, long].join('\n\n'), 'truncated-turn');
  assert.equal(longCut.length, 1);
  assert.equal(longCut[0]!.text, 'Lastly, I want to acknowledge the progress I have made');
  // Cut mid-word: "It'".
  assert.equal(findings([...punctuated, "Patient: I think so. It'"].join('\n\n'), 'truncated-turn').length, 1);
  // No one ends on an article, punctuation or not.
  assert.equal(findings('Therapist: ok\n\nClient: i dont have the money to buy weights and to have a', 'truncated-turn').length, 1);
  for (const quiet of [
    'Therapist: You drink four times a week on average-',
    'Client: I was going to say so—',
    'Client: I just…',
    'Client: Well, I just...',
    'Client: Yeah',
    'Client: Well, uh',
    "Client: I don't feel like I need to",
    'Therapist: So what do you think?',
    // Chat that leaves punctuation out, a long answer signed with credentials, a link, a list.
    'Therapist: how are you\n\nClient: not great tbh\n\nTherapist: im sorry to hear that\n\nClient: yeah its been a long week at work and i cant sleep',
    `Therapist: ${'Answers take time to find. '.repeat(12)}Be well.Robin J. Landwehr, DBH, LPCC, NCC`,
    'Therapist: There is more about it here. You can read it at https://www.nimh.nih.gov/health/topics/anxiety-disorders',
    'Therapist: A few ideas for the week. Try these.\n- a walk after dinner\n- a warm shower',
  ]) {
    assert.deepEqual(findings(quiet, 'truncated-turn'), [], quiet);
  }
});

test('role-confusion: wrong addressee, "my therapist", third-person narration', () => {
  const session = [
    'Therapist: Welcome back, Naomi. How are you?',
    'Patient: Hi Nova, I am okay.',
    'Therapist: Thank you for sharing that with me, Naomi.',
    "Therapist: I'm glad to see that Naomi is making progress.",
    'Patient: Thank you for your openness, Naomi.',
    'Therapist: My therapist once told me the same.',
  ].join('\n\n');
  const found = findings(session, 'role-confusion');
  assert.deepEqual(
    found.map((f) => f.text),
    ['Naomi is', 'Naomi', 'My therapist'],
  );
  assert.match(found[1]!.reason, /patient turn addresses Naomi, who is the patient/);
  // Names in ordinary use are fine.
  assert.deepEqual(findings('Therapist: Hi Sam, how are you?\nClient: Good, thanks, doctor.\nTherapist: Sam, what brings you in?', 'role-confusion'), []);
  // Configured names count.
  const config: TranscriptConfig = { speakers: { Lee: 'therapist' }, rules: {} };
  assert.equal(findings('Therapist: Thanks for coming, Lee.\nClient: Sure.', 'role-confusion', config).length, 1);
});

test('generation-artifact: preambles, meta-text, headings, tokens, end markers, stray numbers, placeholders', () => {
  const text = [
    "Therapist: I'm glad you came. Here's a continuation of the therapy session:.",
    'Patient: Okay.',
    'Therapist: See you next week. [End of conversation]',
    'Patient: Bye.',
    'Therapist: Sure! Here is the next part of the dialogue:',
    'Patient: Hm.',
    'Therapist: 1\nIt sounds like a panic attack. They are frightening but not dangerous.',
    'Patient: Right.',
    'Therapist: How are you, [Client\'s name]?<|im_end|>',
  ].join('\n');
  const found = findings(text, 'generation-artifact');
  assert.deepEqual(found.map((f) => f.text), [
    "Here's a continuation of the therapy session:.",
    '[End of conversation]',
    'Sure! Here is the next part of the dialogue:',
    '1',
    "[Client's name]",
    '<|im_end|>',
  ]);
  // Removing the preamble keeps the turn's own words; a turn that is only an artifact is removed whole.
  assert.deepEqual(found[0]!.message.fixes[0]!.edits, [{ start: text.indexOf(" Here's"), end: text.indexOf('\n'), text: '' }]);
  assert.equal(found[2]!.message.fixes[0]!.title, 'Remove the turn (it holds only the artifact)');
  // Certain artifacts have a safe fix; a placeholder needs a reader.
  assert.equal(found[5]!.message.fixes[0]!.safe, true);
  assert.equal(found[4]!.message.fixes[0]!.safe, false);
  // Real speech that merely resembles it is fine.
  for (const ok of [
    "Therapist: Here's an example of what you could say to your professor.",
    'Client: [laughs] Yeah, the session ends at three.',
    'Therapist: Okay, here is what I suggest: we try it for a week.',
    "Therapist: Of course! Here's a brief overview of how they work: the patch gives a steady dose.",
    "Therapist: Thank you. Here's a brief summary of our conversation: you want to cut down.",
    'Therapist: Would you like to continue the conversation?',
    'Client: 90\nembarrassed 90, anxious 80',
    'Therapist: Step 1: notice the thought. Step 2: write it down.',
  ]) {
    assert.deepEqual(findings(ok, 'generation-artifact'), [], ok);
  }
});

test('leaked-label: a repeated label, a persona label, the other side written into the turn', () => {
  const text = ['T: Counselor: How did it go?', 'C: Fine. Therapist: Good to hear.', 'Therapist: **Dr. Ellis:** Welcome back.', 'Client: Thanks.', 'Therapist: That makes sense.\nUser: I just feel stuck.'].join('\n');
  const found = findings(text, 'leaked-label');
  assert.deepEqual(found.map((f) => f.text.trim()), ['Counselor:', 'Therapist:', '**Dr. Ellis:**', 'User:']);
  // The therapist's own persona label goes with a safe fix; the other side is split off by hand.
  assert.equal(found[2]!.message.fixes[0]!.safe, true);
  assert.equal(found[3]!.message.fixes[0]!.safe, false);
  for (const ok of ['Therapist: Note: this is just a first step.', "Client: my boss: 'you're late again'", 'Therapist: Here\'s the thing: you get to decide.', 'Client: Me: I\'m fine. Also me: cries in the car.']) {
    assert.deepEqual(findings(ok, 'leaked-label'), [], ok);
  }
});

test('ai-disclaimer: the therapist disclaiming being an AI or a professional (information)', () => {
  for (const said of ['As an AI, I don\'t have feelings, but I hear you.', "I'm not a licensed therapist, but journaling can help.", 'While I can\'t replace professional help, I can listen.', "While I'm not an expert, I can offer some thoughts."]) {
    const found = findings(`Therapist: ${said}`, 'ai-disclaimer');
    assert.equal(found.length, 1, said);
    assert.equal(found[0]!.message.severity, 'info');
  }
  for (const ok of ["Therapist: I'm not an expert on your life — you are.", 'Therapist: As a parent, you want to protect her.', "Client: I'm not a doctor, but that doesn't sound right.", 'Therapist: A doctor can check this for you.']) {
    assert.deepEqual(findings(ok, 'ai-disclaimer'), [], ok);
  }
});

test('canned-refusal: the boilerplate, not ordinary limits a therapist states', () => {
  const found = findings(`Therapist: ${REFUSAL}`, 'canned-refusal');
  assert.equal(found.length, 1);
  assert.equal(found[0]!.text, 'I cannot continue a conversation that discusses self-harm.');
  assert.equal(findings("Therapist: I'm really sorry that you're feeling this way, but I'm unable to provide the help that you need.", 'canned-refusal').length, 1);
  assert.equal(findings("Therapist: I can't assist with that.", 'canned-refusal').length, 1);
  for (const ok of [
    "Therapist: I can't tell you what to do, but we can look at the options together.",
    "Therapist: I can't help you with that paperwork today, but the front desk can.",
    'Client: I cannot continue like this at work.',
  ]) {
    assert.deepEqual(findings(ok, 'canned-refusal'), [], ok);
  }
  const config: TranscriptConfig = { speakers: {}, rules: { 'canned-refusal': { options: { phrases: ['Please consult a professional'] } } } };
  assert.equal(findings('Therapist: please consult a professional.', 'canned-refusal', config).length, 1);
});

test('outdated-crisis-line: every spelling, and the 988 fix', () => {
  for (const number of ['1-800-273-TALK', '1-800-273-8255', '(800) 273-8255', '800.273.8255', '+1 800 273 8255', '1-800-273-TALK (8255)']) {
    const text = `Therapist: Please call ${number} now.`;
    const found = findings(text, 'outdated-crisis-line');
    assert.equal(found.length, 1, number);
    assert.equal(found[0]!.text, number);
  }
  const text = 'Therapist: Reach out to the National Suicide Prevention Lifeline (1-800-273-TALK (8255) in the United States).';
  const [finding] = findings(text, 'outdated-crisis-line');
  const fix = finding!.message.fixes[0]!;
  let fixed = text;
  for (const edit of [...fix.edits].reverse()) fixed = fixed.slice(0, edit.start) + edit.text + fixed.slice(edit.end);
  assert.equal(fixed, 'Therapist: Reach out to the 988 Suicide & Crisis Lifeline (988 in the United States).');
  // The finding covers everything its fix rewrites: the old name and the number.
  assert.equal(finding!.text, 'National Suicide Prevention Lifeline (1-800-273-TALK (8255)');
  for (const edit of fix.edits) assert.ok(edit.start >= finding!.message.start.offset! && edit.end <= finding!.message.end.offset!);
  assert.deepEqual(findings('Therapist: Call or text 988. My number is 555-273-8255 ext 800.', 'outdated-crisis-line'), []);
  // The replacement reads right in the sentence it lands in, and stays inside the finding.
  for (const [before, after] of [
    ['Client: I will call 800-273-8255 tonight.', 'Client: I will call 988 tonight.'],
    ['Therapist: The number is 1-800-273-8255.', 'Therapist: The number is 988.'],
    ['Therapist: You can call the National Suicide Prevention Lifeline at 1-800-273-TALK.', 'Therapist: You can call the 988 Suicide & Crisis Lifeline at 988.'],
    ['Therapist: Dial 1-800-273-8255 (National Suicide Prevention Lifeline) any time.', 'Therapist: Dial 988 (988 Suicide & Crisis Lifeline) any time.'],
  ]) {
    const [found] = findings(before!, 'outdated-crisis-line');
    const { edits } = found!.message.fixes[0]!;
    for (const edit of edits) assert.ok(edit.start >= found!.message.start.offset! && edit.end <= found!.message.end.offset!, before);
    assert.equal(applyEdits(before!, edits), after, before);
  }
});

test('mojibake: garbled runs with their repair', () => {
  const text = 'Client: everythingâ€”school, familyâ€™s stuff, cafÃ©, â€œquotedâ€\u009d, 50Â\u00A0mg.';
  const found = findings(text, 'mojibake');
  assert.deepEqual(
    found.map((f) => [f.text, f.message.fixes[0]!.edits[0]!.text]),
    [['â€”', '—'], ['â€™', '’'], ['Ã©', 'é'], ['â€œ', '“'], ['â€\u009d', '”'], ['Â\u00A0', '\u00A0']],
  );
  assert.equal(found[0]!.message.fixes[1]!.edits.length, 6);
  for (const ok of ['Client: Ça va, São Paulo, naïve café — “fine”.', 'Client: NÃO é isso.']) {
    assert.deepEqual(findings(ok, 'mojibake'), [], ok);
  }
});

test('unknown-speaker: near misses of known labels, with a relabel fix', () => {
  const text = 'Therapist: Hello.\nPateint: Hi.\nTherapsit: How are you?\nMother: She is fine.\nMother: Really.';
  const found = findings(text, 'unknown-speaker');
  assert.deepEqual(found.map((f) => [f.text, f.message.fixes[0]!.edits[0]!.text]), [['Pateint', 'Patient'], ['Therapsit', 'Therapist']]);
  assert.equal(found[0]!.message.severity, 'error');
});

test('severity from configuration, and [ignore:rule] silences a rule for one turn', () => {
  const text = 'Therapist: Hello.\nClient:\nTherapist: [ignore:empty-turn] Hm.\nClient:\n';
  assert.equal(findings(text, 'empty-turn').length, 2);
  const silenced = 'Therapist: Hello.\nClient: [ignore:empty-turn]\nTherapist: Hm.\nClient: [ignore:all]\n';
  assert.equal(findings(silenced, 'empty-turn').length, 0);
  const off: TranscriptConfig = { speakers: {}, rules: { 'empty-turn': { severity: 'off' } } };
  assert.equal(findings(text, 'empty-turn', off).length, 0);
  const error: TranscriptConfig = { speakers: {}, rules: { 'empty-turn': { severity: 'error' } } };
  assert.equal(findings(text, 'empty-turn', error)[0]!.message.severity, 'error');
  const unknown: TranscriptConfig = { speakers: {}, rules: { 'repeated-turns': { severity: 'off' } } };
  assert.match(analyze(text, { config: unknown }).problems[0]!, /Unknown rule "repeated-turns" .*did you mean "repeated-turn"/);
});

test('findings per rule are capped, the rest summed up in one message', () => {
  const text = Array.from({ length: 20 }, () => 'Therapist: Hello.\nClient:').join('\n');
  const { messages } = analyze(text, { config: emptyConfig(), maxFindingsPerRule: 5 });
  const empty = messages.filter((m) => m.ruleId === 'empty-turn');
  assert.equal(empty.length, 6);
  assert.equal(empty[5]!.severity, 'info');
  assert.equal(empty[5]!.reason, '…and 15 more empty-turn findings from here on: only the first 5 of this file are listed.');
  assert.equal(empty[5]!.start.line, 12);
});

test('a capped rule counts the rest by place alone, and silenced turns are not counted', () => {
  // Ten double posts: ten repeated-turn findings.
  const said = [
    'My sister called again and we argued about who looks after mum at the weekend.',
    'Work was chaotic because the new manager changed every deadline without telling anyone.',
    'I skipped the gym twice since my knee started hurting after that long walk.',
    'The neighbours had a party until three and I barely slept before the exam.',
    'I finally finished the application form and sent it off before the office closed.',
    'Our dog got sick so most of the evening went on the vet and the bill.',
    'I tried the breathing exercise on the train and it calmed me down a little.',
    'My friend cancelled dinner at the last minute and I felt oddly relieved about it.',
    'The landlord still has not fixed the heating even though I asked him twice.',
    'I cooked a proper meal for the first time in weeks and actually enjoyed it.',
  ];
  const blocks = said.map((line, i) => `Therapist: How was day ${i}?\n\nClient: ${line}\n\nClient: ${line}`);
  const text = blocks.join('\n\n');
  const all = analyze(text, { config: emptyConfig() }).messages.filter((m) => m.ruleId === 'repeated-turn');
  const capped = analyze(text, { config: emptyConfig(), maxFindingsPerRule: 3 }).messages.filter((m) => m.ruleId === 'repeated-turn');
  assert.equal(all.length, 10);
  assert.deepEqual(capped.slice(0, 3), all.slice(0, 3));
  assert.equal(capped[3]!.reason, '…and 7 more repeated-turn findings from here on: only the first 3 of this file are listed.');
  // The summary sits where the first unlisted repeat is.
  assert.deepEqual(capped[3]!.start, all[3]!.start);
  // A repeat silenced with [ignore:repeated-turn] is neither listed nor counted.
  const label = text.indexOf(':', all[6]!.start.offset!) + 1;
  const silenced = `${text.slice(0, label)} [ignore:repeated-turn]${text.slice(label)}`;
  const rest = analyze(silenced, { config: emptyConfig(), maxFindingsPerRule: 3 }).messages.filter((m) => m.ruleId === 'repeated-turn');
  assert.equal(rest[3]!.reason, '…and 6 more repeated-turn findings from here on: only the first 3 of this file are listed.');
});

test('role-confusion: the same words from a patient and then a therapist are judged by role, with or without a cache', async () => {
  const { FeatureCache } = await import('../../server/src/core/incremental/cache.ts');
  const text = 'Patient: Honestly my therapist told me to slow down and breathe more.\n\nTherapist: Honestly my therapist told me to slow down and breathe more.\n';
  const slips = (cache?: InstanceType<typeof FeatureCache>) =>
    analyze(text, { config: emptyConfig(), ...(cache ? { cache } : {}) }).messages.filter((m) => m.ruleId === 'role-confusion').map((m) => m.start.line);
  assert.deepEqual(slips(), [3]);
  assert.deepEqual(slips(new FeatureCache()), [3]);
});
