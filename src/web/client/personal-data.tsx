import { useEffect } from 'hono/jsx';
import { detectPersonalData, type PiiKind } from '../../protocol/pii.js';
import type { Translate } from '../i18n/index.js';

// What the personal-data detector found, shown to the two people who act on it (issue 13): the
// asker, while they type a question, sees each match highlighted in their own words with what it
// is and why it matters; the moderator sees every match in the question and the answer with its
// kind, confirms those that are not personal, and cannot publish while any is left. The server
// checks again on accept and publish (DESIGN.md §2.6); these screens only say it first.

/** A match, as the server sends it to the moderator or as the browser finds it. */
export interface Finding {
  kind: PiiKind;
  start: number;
  end: number;
  text: string;
  acknowledged?: boolean;
}

/** `text` with each finding marked; the kind, in the reader's language, is shown after the mark by the stylesheet. */
function Marked({ text, spans, t }: { text: string; spans: readonly Finding[]; t: Translate }) {
  const parts: (string | ReturnType<typeof Mark>)[] = [];
  let at = 0;
  for (const s of spans) {
    if (s.start < at) continue;
    parts.push(text.slice(at, s.start));
    parts.push(<Mark span={s} t={t} />);
    at = s.end;
  }
  parts.push(text.slice(at));
  return <>{parts}</>;
}

function Mark({ span, t }: { span: Finding; t: Translate }) {
  const label = t(`pii.${span.kind}`);
  return <mark class={span.acknowledged ? 'pii-ok' : 'pii'} data-kind={span.kind} data-label={label} title={label}>{span.text}</mark>;
}

// Around each match the asker sees this many characters of their text, so a long question
// shows where the match is without repeating all of it.
const CONTEXT = 40;

/** Pieces of `text` around its findings, joined by an ellipsis. */
function Excerpts({ text, spans, t }: { text: string; spans: readonly Finding[]; t: Translate }) {
  const windows: { start: number; end: number }[] = [];
  for (const s of spans) {
    const start = Math.max(0, s.start - CONTEXT);
    const end = Math.min(text.length, s.end + CONTEXT);
    const last = windows.at(-1);
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else windows.push({ start, end });
  }
  return (
    <>
      {windows.map((w, i) => {
        const inside = spans.filter((s) => s.start >= w.start && s.end <= w.end).map((s) => ({ ...s, start: s.start - w.start, end: s.end - w.start }));
        return <>{i > 0 || w.start > 0 ? '…' : ''}<Marked text={text.slice(w.start, w.end)} spans={inside} t={t} />{w.end < text.length ? '…' : ''} </>;
      })}
    </>
  );
}

/**
 * The asker's live warning: what in their question looks like personal data, where it is, and why it
 * matters. A case's author (staff-cases.tsx) gets it with their own `intro` and without the reasons,
 * which speak to an asker about themselves, not about the person a case is about.
 */
export function PersonalDataWarning({ fields, t, intro, reasons = true }: {
  fields: readonly { label: string; text: string }[]; t: Translate; intro?: string; reasons?: boolean;
}) {
  // The first run builds the word lists (about 0.1 s): done as the form opens, not on the first key.
  useEffect(() => {
    const id = setTimeout(() => detectPersonalData(''), 0);
    return () => clearTimeout(id);
  }, []);
  const found = fields.map((f) => ({ ...f, spans: detectPersonalData(f.text) })).filter((f) => f.spans.length > 0);
  if (found.length === 0) return null;
  const kinds = [...new Set(found.flatMap((f) => f.spans.map((s) => s.kind)))];
  return (
    <div class="notice" id="ask-pii" role="status">
      <p>{intro ?? t('app.ask.pii')}</p>
      {found.map((f) => <p class="pii-excerpt"><span class="small">{f.label}:</span> <Excerpts text={f.text} spans={f.spans} t={t} /></p>)}
      <ul>{kinds.map((k) => <li><strong>{t(`pii.${k}`)}</strong>{reasons ? `: ${t(`pii.why.${k}`)}` : null}</li>)}</ul>
    </div>
  );
}

/** One text the moderator reviews: as the server checked it, and as it reads now (after redaction). */
export interface ReviewedText {
  /** The text now; when it differs from `checked`, the browser runs the detector on it again. */
  text: string;
  checked: string;
  /** The server's findings in `checked` (they include the words an administrator added). */
  findings: readonly Finding[];
}

/** The findings in `r.text`, each marked acknowledged when the server or the moderator (in `confirmed`) said it is not personal. */
export function findingsNow(r: ReviewedText, confirmed: readonly string[]): Finding[] {
  const spans: Finding[] = r.text === r.checked ? [...r.findings] : detectPersonalData(r.text);
  const ok = new Set(confirmed.map((c) => c.trim()));
  return spans.map((s) => ({ ...s, acknowledged: Boolean(s.acknowledged) || ok.has(s.text.trim()) }));
}

/**
 * The moderator's review: the title, question and answer with every finding marked with its
 * kind, and the list of findings to confirm as not personal (or to undo). `unresolved` counts
 * what still blocks publication; the caller disables its buttons while it is above zero.
 */
export function PersonalDataReview({ texts, confirmed, onConfirm, onUndo, t }: {
  texts: { title: ReviewedText; body: ReviewedText; answer: ReviewedText | null };
  confirmed: readonly string[];
  onConfirm: (text: string) => void;
  onUndo: (text: string) => void;
  t: Translate;
}) {
  const title = findingsNow(texts.title, confirmed);
  const body = findingsNow(texts.body, confirmed);
  const answer = texts.answer ? findingsNow(texts.answer, confirmed) : [];
  const all = [...title, ...body, ...answer];
  const open = all.filter((s) => !s.acknowledged);
  const mine = [...new Set(all.filter((s) => s.acknowledged && confirmed.includes(s.text)).map((s) => s.text))];
  return (
    <>
      <h3><Marked text={texts.title.text} spans={title} t={t} /></h3>
      <p class="highlighted"><Marked text={texts.body.text} spans={body} t={t} /></p>
      {texts.answer ? <p class="highlighted"><Marked text={texts.answer.text} spans={answer} t={t} /></p> : null}
      {open.length > 0 || mine.length > 0 ? (
        <div class="notice pii-review">
          {open.length > 0 ? <p>{t('staff.mod.personalData')} {t('staff.mod.unresolved', { count: open.length })}</p> : null}
          <ul>
            {open.map((s) => (
              <li><mark class="pii" data-kind={s.kind}>{s.text}</mark> ({t(`pii.${s.kind}`)}) <button type="button" class="secondary not-personal" onClick={() => onConfirm(s.text)}>{t('staff.mod.notPersonal')}</button></li>
            ))}
            {mine.map((text) => (
              <li><mark class="pii-ok">{text}</mark> ({t('staff.mod.confirmed')}) <button type="button" class="secondary" onClick={() => onUndo(text)}>{t('staff.mod.undo')}</button></li>
            ))}
          </ul>
        </div>
      ) : null}
    </>
  );
}

/** How many findings still block publication. */
export function unresolvedCount(texts: { title: ReviewedText; body: ReviewedText; answer: ReviewedText | null }, confirmed: readonly string[]): number {
  return [texts.title, texts.body, texts.answer]
    .flatMap((r) => (r ? findingsNow(r, confirmed) : []))
    .filter((s) => !s.acknowledged).length;
}
