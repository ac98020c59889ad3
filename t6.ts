import fs from 'node:fs';
import path from 'node:path';
import { analyze } from './server/src/core/lint.ts';
import { emptyConfig } from './server/src/core/config.ts';
const config = emptyConfig(); config.rules['identifier'] = { severity: 'warn' };
const only = (text: string) => analyze(text, { config }).messages.filter(m => m.ruleId === 'identifier');
const sample = `Therapist: Welcome back, Naomi. How was the week?\n\nClient: Not great. My sister Anna called me at (415) 555-0132 on March 3rd, 2021, and my email is naomi.k@gmail.com. Call 988 if needed, or text 741741.\n\nTherapist: Dr. Patel at St. Mary's Hospital mentioned your MRN 4456721. You live at 42 Maple Street, Springfield, IL 62704?\n\nClient: Yes. Anna says hi. My SSN is 123-45-6789 and my grandma is 93 years old. See https://example.com/naomi.\n`;
for (const m of only(sample)) console.log(sample.slice(m.start.offset, m.end.offset), '->', m.fixes[0]!.edits[0]!.text);
for (const dir of ['annomi','esconv','counsel-chat','mibot','mentalchat16k-7b-answers']) {
  const d = `/work/shared/corpora/${dir}`; let turns=0, n=0; const ex: string[] = [];
  for (const f of fs.readdirSync(d).filter(f=>f.endsWith('.transcript'))) { const t = fs.readFileSync(path.join(d,f),'utf8'); const a = analyze(t,{config}); turns += a.session.turns.length; for (const m of a.messages.filter(m=>m.ruleId==='identifier')) { n++; if (ex.length<25) ex.push(`${f}:${m.start.line} ${JSON.stringify(t.slice(m.start.offset, m.end.offset))} ${m.fixes[0]!.edits[0]!.text}`);} }
  console.log(dir, turns, n, (1000*n/turns).toFixed(2)); for (const e of ex) console.log('   ', e);
}
