/**
 * Reasons a person can check for a model's suggestion: what in the turn (and
 * around it) raised this technique most, in words ("an open question",
 * "the words 'evidence', 'sure'", "follows the client speaking of
 * feelings", "the codebook's cue 'thought record'") — never a score.
 */

const PHRASES: Record<string, string> = {
  'f:q-open': 'an open question',
  'f:q-closed': 'a closed question',
  'f:statement': 'a statement, not a question',
  'f:reflection': 'reads like a reflection',
  'f:qmark': 'ends with a question mark',
  'f:long': 'a long explanation',
  'f:short': 'a short turn',
  'f:you': "speaks of the client ('you')",
  'f:me': "speaks of the therapist ('I')",
  'x:first': 'opens the conversation',
  'x:overlap': "reuses the client's words",
  'x:new': 'brings words the client did not use',
  'x:asked': 'answers a question of the client',
  'x:feelings': 'follows the client speaking of feelings',
  'x:short': 'after a short answer of the client',
  'r:short': 'the client answers briefly',
  'p:early': 'early in the session',
  'p:start': 'early in the session',
  'p:late': 'late in the session',
  'p:end': 'late in the session',
  'k:question-open': 'an open question',
  'k:question-closed': 'a closed question',
  'k:simple-reflection': 'restates what the client said',
  'k:complex-reflection': 'reflects a meaning or feeling beyond the words',
  'k:giving-information': 'gives information',
  'k:persuade': 'gives advice',
  'k:seeking-collaboration': 'seeks the client’s ideas or permission',
  'k:emphasizing-autonomy': 'leaves the choice to the client',
  'k:none': 'small talk or a backchannel',
};

const quote = (words: string[]) => words.map((w) => `'${w}'`).join(', ');

/** Words that say nothing on their own: a reason quotes a phrase only when it has another word. */
const FUNCTION_WORDS = new Set(
  (
    "a an the and or but so if then of to in on at for with about from by as is are was were be been am it it's its this that these those " +
    "i me my we us our you your he him his she her they them their there here do does did have has had not just very really um uh mm hmm " +
    "what how why when where who which can could would should will yeah okay ok well oh like know"
  ).split(' '),
);
const saysSomething = (phrase: string) => phrase.split(' ').some((w) => !FUNCTION_WORDS.has(w));

/** Question words and auxiliaries are worth quoting when they open the turn ("opens with 'what'"). */
const OPENERS = /^(what|how|why|when|where|who|which|do|does|did|is|are|can|could|would|have|has|tell|let's|so)\b/;

/**
 * At most `max` reasons from a class's contributions (largest first) and the
 * codebook cues it matched. Contributions below a fifth of the largest are
 * not reasons.
 */
export function reasonsFrom(because: ReadonlyArray<{ origin: string; weight: number; value?: number }>, cues: readonly string[], max = 3): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const push = (reason: string) => {
    if (seen.has(reason) || out.length >= max) return;
    seen.add(reason);
    out.push(reason);
  };
  if (cues.length > 0) push(`the codebook's cue${cues.length > 1 ? 's' : ''} ${quote(cues.slice(0, 3))}`);
  const top = because[0]?.weight ?? 0;
  const strong = because.filter((b) => {
    if (b.weight < Math.max(0.05, top / 5)) return false;
    const [kind, ...rest] = b.origin.split(':');
    const value = rest.join(':');
    // Another model's reading counts as a reason only where that model finds it likely.
    if (kind === 'k') return (b.value ?? 1) >= 0.3;
    if (kind === 'w' || kind === 'c' || kind === 'o') return saysSomething(value);
    if (kind === 's') return saysSomething(value) || OPENERS.test(value);
    return true;
  });
  const words: string[] = [];
  const opens: string[] = [];
  const said: string[] = [];
  const replied: string[] = [];
  const before: string[] = [];
  for (const b of strong) {
    const [kind, ...rest] = b.origin.split(':');
    const value = rest.join(':');
    if (kind === 'w') words.push(value);
    else if (kind === 's') opens.push(value);
    else if (kind === 'c') said.push(value);
    else if (kind === 'r' && !PHRASES[b.origin] && value !== 'none' && value !== 'length') replied.push(value);
    else if (kind === 'o' && value !== 'none') before.push(value);
  }
  // In order of weight: each kind of reason where its strongest member ranks.
  for (const b of strong) {
    const kind = b.origin.split(':')[0];
    const phrase = PHRASES[b.origin];
    if (phrase) push(phrase);
    else if (kind === 'w' && words.length) push(`the word${words.length > 1 ? 's' : ''} ${quote(words.slice(0, 3))}`);
    else if (kind === 's' && opens.length) push(`opens with ${quote(opens.slice(0, 1))}`);
    else if (kind === 'c' && said.length) push(`after the client's ${quote(said.slice(0, 3))}`);
    else if (kind === 'r' && replied.length) push(`the client answers ${quote(replied.slice(0, 1))}`);
    else if (kind === 'o' && before.length) push(`continues the previous turn (${quote(before.slice(0, 2))})`);
  }
  // Nothing stood out: say what did most, or that the technique is simply common.
  if (out.length === 0) {
    const best = because.find((b) => PHRASES[b.origin] || b.origin.startsWith('w:') || b.origin.startsWith('s:'));
    if (best) push(PHRASES[best.origin] ?? `the word ${quote([best.origin.slice(2)])}`);
    else push('common in the training sessions');
  }
  return out;
}
