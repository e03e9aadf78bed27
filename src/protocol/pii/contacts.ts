import { foldKey } from './fold.js';
import { collect, type Found } from './spans.js';
import type { Token } from './tokens.js';

// E-mail addresses, links and messenger handles, found on the normalised text. People who know
// a filter is looking write "ivan собака mail ру", "petrov(at)mail(dot)ru", "t me/name", or give
// a Telegram name with no @ after the word "тг:"; each of these is a pattern below.

/** Adds every e-mail address, link and messenger handle in `text`. */
export function findContacts(text: string, tokens: readonly Token[], out: Found[]): void {
  // Each pattern runs only on text that has what it starts from (most questions have none).
  if (text.includes('@')) {
    collect(out, 'email', text, PLAIN_EMAIL, (m) => (/\s/.test(m) && !KNOWN_TLD_AT_END.test(m) ? null : m.length));
    collect(out, 'handle', text, AT_HANDLE, (m) => m.replace(/\.+$/, '').length);
  }
  if (WRITTEN_AT_THEN_TLD.test(text)) collect(out, 'email', text, WRITTEN_EMAIL);
  if (LINK_WORD.test(text)) {
    collect(out, 'handle', text, MESSENGER_LINK);
    collect(out, 'handle', text, SPACED_PROFILE_LINK);
  }
  findHandlesAfterMessengerWords(text, tokens, out);
  if (URL_HINT.test(text)) for (const pattern of URL_PATTERNS) collect(out, 'url', text, pattern, trimmedUrlLength);
}

// ---- E-mail ---------------------------------------------------------------------------------

const TLDS = 'ru|ру|kz|кз|com|ком|net|нет|org|орг|рф|қаз|каз|io|me|info|ua|uz|kg|by|de|uk|us|edu|org|biz';
const KNOWN_TLD_AT_END = new RegExp(String.raw`(?:${TLDS})$`, 'iu');
const LOCAL = String.raw`[\p{L}\p{N}_%+-](?:[\p{L}\p{N}._%+-]{0,63}[\p{L}\p{N}_%+-])?`;
const LABEL = String.raw`[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?`;

// Local parts and domains may be Cyrillic (пример@почта.рф); a punycode TLD (xn--p1ai) is allowed
// too. Spaces around the @ and the dots are allowed ("ivan @ mail . ru"), but then only a known
// TLD ends it, so "встретимся @ кафе. Потом" is not an address. The lookbehind lets a match start
// only where a local part starts, which keeps the scan linear.
const PLAIN_EMAIL = new RegExp(
  String.raw`(?<![\p{L}\p{N}._%+-])${LOCAL} {0,2}@ {0,2}(?:${LABEL} {0,2}\. {0,2})+(?:\p{L}{2,24}|xn--[a-z0-9-]{1,59})(?![\p{L}\p{N}_-])`,
  'giu',
);

// The @ and the dots written as words or in brackets: "собака", "(at)", "[dot]", "точка", or
// only a space before a known TLD ("mail ру").
const AT_WORD = String.raw`(?:\s*[(\[{<]\s*(?:at|собака|собачка|эт|ат|@)\s*[)\]}>]\s*|\s+(?:at|собака|собачка|собачку|эт|ат)\s+)`;
const DOT_WORD = String.raw`(?:\s*[(\[{<]\s*(?:dot|точка|тчк|нүкте|\.)\s*[)\]}>]\s*|\s+(?:dot|точка|тчк|нүкте)\s+)`;
const DOT_ANY = String.raw`(?:${DOT_WORD}|\s*\.\s*|\s+)`;
const WRITTEN_AT_THEN_TLD = new RegExp(String.raw`(?<![\p{L}])(?:at|собака|собачка|собачку|эт|ат)(?![\p{L}])[^\n]{1,80}?(?<![\p{L}])(?:${TLDS})(?![\p{L}])`, 'iu');
const WRITTEN_EMAIL = new RegExp(
  String.raw`(?<![\p{L}\p{N}._%+-])${LOCAL}(?:${DOT_WORD}${LOCAL}){0,3}${AT_WORD}(?:${LABEL}${DOT_ANY}){1,3}(?:${TLDS})(?![\p{L}\p{N}_-])`,
  'giu',
);

// ---- Handles and links ----------------------------------------------------------------------

// An @ right after a word character belongs to an e-mail address, not to a handle. Cyrillic
// names count: VK and Telegram display names are written so ("@айгерим_01").
const AT_HANDLE = /(?<![\p{L}\p{N}_.@])@[\p{L}\p{N}_][\p{L}\p{N}_.]{2,30}[\p{L}\p{N}_](?![\p{L}\p{N}_])/gu;

// Telegram usernames and invite links, WhatsApp numbers, also with spaces for the dots ("t me/…").
const MESSENGER_LINK =
  /(?<![\p{L}\p{N}_./-])(?:https?:\/\/)?(?:www\.)?(?:(?:t|telegram)(?: ?\. ?| )me ?\/ ?(?:[A-Za-z0-9_]{4,32}|(?:\+|joinchat\/)[A-Za-z0-9_-]{4,64})|wa\.me\/\+?\d{7,15})(?![\p{L}\p{N}_-])/giu;

const LINK_WORD = /me ?\/|(?:vk|instagram|facebook|fb|tiktok|ok|twitter|x)(?: +\.? *| *\. +)(?:com|ru|me)/iu;

// A profile link with a space where its dot was ("vk com/ivan"): written so to slip past a link filter.
const SPACED_PROFILE_LINK =
  /(?<![\p{L}\p{N}_./-])(?:vk|instagram|facebook|fb|tiktok|ok|twitter|x)(?: +\.? *| *\. +)(?:com|ru|me)\s?\/\s?@?[\p{L}\p{N}_.]{2,64}/giu;

// Words after which the next name-like word is a handle: messengers and "nickname" words, in
// Russian, Kazakh and English. Long stems take any ending ("телеграме", "инстаграмым").
const MESSENGER_EXACT = new Set([
  'тг', 'tg', 'ig', 'вк', 'vk', 'фб', 'fb', 'ник', 'нику', 'ником', 'ники', 'nick', 'nickname', 'handle', 'username', 'login',
  'telegram', 'insta', 'instagram', 'inst', 'facebook', 'tiktok', 'snapchat', 'skype', 'discord', 'viber', 'whatsapp',
  'twitter', 'threads', 'signal', 'инст', 'инста', 'инсте', 'инсту', 'инстой', 'инстада', 'никнейм', 'юзернейм',
]);
const MESSENGER_STEMS = ['телег', 'телеграм', 'инстаграм', 'вконтакт', 'фейсбук', 'тикток', 'снэпчат', 'снапчат', 'скайп', 'дискорд', 'вайбер', 'ватсап', 'вотсап', 'уатсап', 'твиттер', 'логин', 'никнейм'];
const MESSENGER_STEM = new RegExp(String.raw`^(?:${MESSENGER_STEMS.join('|')})\p{L}{0,6}$`, 'u');
// Words that may stand between the messenger word and the handle.
const FILLERS = new Set([
  'в', 'во', 'мой', 'моя', 'моё', 'мое', 'ник', 'нику', 'ником', 'никнейм', 'логин', 'это', 'есть', 'там', 'меня', 'как', 'под', 'по',
  'называется', 'аккаунт', 'акк', 'страница', 'канал', 'is', 'my', 'me', 'on', 'at', 'name', 'nick', 'username', 'handle', 'account',
  'page', 'profile', 'ім', 'ым', 'тут', 'here', 'я', 'мы', 'страничка', 'парақшам', 'парақша', 'аккаунтым', 'найди', 'найдите',
].map(foldKey));
// Ordinary words that follow a messenger word in a sentence ("напиши в телеграм завтра").
const NOT_HANDLES = new Set(['please', 'or', 'and', 'channel', 'group', 'chat', 'today', 'tonight', 'tomorrow', 'later', 'now', 'only', 'too', 'also', 'the', 'a', 'an', 'app', 'bot']);
const NEXT_WORD = /@?[\p{L}\p{N}_][\p{L}\p{N}_.]{0,31}/uy;
// Fillers that announce the handle: "ник: …", "my telegram is …".
const ANNOUNCING = new Set(['is', 'это', 'ник', 'nick', 'username', 'логин', 'никнейм']);

function isMessengerKey(key: string): boolean {
  return MESSENGER_EXACT.has(key) || MESSENGER_STEM.test(key);
}

function findHandlesAfterMessengerWords(text: string, tokens: readonly Token[], out: Found[]): void {
  let resume = 0;
  for (const t of tokens) {
    if (t.start < resume || !isMessengerKey(t.key)) continue;
    const cyrillicContext = /\p{Script=Cyrillic}/u.test(text.slice(t.start, t.end));
    let at = t.end;
    let announced = false; // a colon, dash or "is" right before the handle
    for (let step = 0; step < 6 && at < text.length; step++) {
      const gap = /^[\s:=—–,-]*/u.exec(text.slice(at, at + 8))![0];
      if (/[:=—–-]/u.test(gap)) announced = true;
      at += gap.length;
      NEXT_WORD.lastIndex = at;
      const next = NEXT_WORD.exec(text);
      if (!next) break;
      const word = next[0].replace(/\.+$/u, '');
      const key = foldKey(word);
      if (FILLERS.has(key) || isMessengerKey(key)) {
        if (ANNOUNCING.has(key)) announced = true;
        at += next[0].length;
        continue;
      }
      // A phone number after "ватсап" is a phone, found as one.
      const phoneLike = /^[\d_.]+$/u.test(word);
      const marked = /[_\d.@]/u.test(word);
      const latin = /^[A-Za-z]+$/.test(word);
      if (word.length >= 3 && !phoneLike && (marked || (latin && (announced || cyrillicContext) && !NOT_HANDLES.has(key)))) {
        out.push({ kind: 'handle', start: next.index, end: next.index + word.length });
      }
      break;
    }
    resume = at;
  }
}

// A bare domain needs one of these TLDs, so "Привет.Как" or "e.g." are not links. It may not start
// in the middle of a dotted name: retrying from every dot would make long dotted text quadratic.
const URL_TLDS = ['kz', 'ru', 'com', 'org', 'net', 'info', 'me', 'io', 'рф', 'қаз', 'uz', 'kg', 'ua', 'by', 'de', 'uk', 'us'];

const URL_HINT = new RegExp(String.raw`https?:|www\.|\.(?:${URL_TLDS.join('|')})(?![\p{L}\p{N}_-])`, 'iu');
const URL_TAIL = String.raw`[^\s<>"'«»“”\[\]{}]`;
const URL_PATTERNS = [
  new RegExp(String.raw`(?<![\p{L}\p{N}_])https?:\/\/[\p{L}\p{N}]${URL_TAIL}*`, 'giu'),
  new RegExp(String.raw`(?<![\p{L}\p{N}_./])www\.[\p{L}\p{N}]${URL_TAIL}*`, 'giu'),
  new RegExp(
    String.raw`(?<![\p{L}\p{N}_@]|[\p{L}\p{N}]\.)(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+(?:${URL_TLDS.join('|')})(?![\p{L}\p{N}_-])(?::\d{2,5})?(?:[/?#]${URL_TAIL}*)?`,
    'giu',
  ),
] as const;

/** Length of a link without the sentence punctuation that follows it; a ")" stays when it closes a "(" in the link. */
function trimmedUrlLength(url: string): number {
  let opened = 0;
  let closed = 0;
  for (const c of url) {
    if (c === '(') opened++;
    else if (c === ')') closed++;
  }
  let end = url.length;
  for (;;) {
    const c = url[end - 1];
    if (c !== undefined && '.,;:!?…'.includes(c)) end--;
    else if (c === ')' && closed > opened) {
      end--;
      closed--;
    } else return end;
  }
}
