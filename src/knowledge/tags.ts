import { asc, eq, inArray, sql } from 'drizzle-orm';
import { kbEntryTags, kbTags } from '../../db/schema.js';
import type { Db } from '../db/connection.js';
import { preparedFor } from '../db/prepared.js';
import { AppError } from '../errors.js';
import type { Tag } from '../protocol/api/knowledge.js';
import { DEFAULT_TAGS } from './default-tags.js';

// Tags of two kinds, population and topic, with labels in ru, kk and en (DESIGN.md §6).
// Admins add, rename and merge them; merging moves every entry to the surviving tag.

type TagRow = typeof kbTags.$inferSelect;

const toTag = (r: TagRow): Tag => ({ slug: r.slug, kind: r.kind, labels: { ru: r.labelRu, kk: r.labelKk, en: r.labelEn } });

/** Inserts the built-in tags that are missing; existing ones (perhaps renamed by an admin) are left alone. */
export function ensureDefaultTags(db: Db): void {
  db.insert(kbTags)
    .values(DEFAULT_TAGS.map((t) => ({ slug: t.slug, kind: t.kind, labelRu: t.labels.ru, labelKk: t.labels.kk, labelEn: t.labels.en })))
    .onConflictDoNothing()
    .run();
  tagListCache.delete(db);
}

// Every public page shows the tag list, which changes only when an admin edits it: it is read
// once and kept until this module changes a tag, or another connection (the admin CLI, say)
// commits anything (SQLite's data_version moves then; it does not for this connection's own writes).
const tagListCache = new WeakMap<Db, { dataVersion: number; tags: readonly Tag[] }>();
const dataVersion = preparedFor((db) => db.$client.prepare('PRAGMA data_version').pluck());
const allTags = preparedFor((db) => db.select().from(kbTags).orderBy(asc(kbTags.kind), asc(kbTags.slug)).prepare());

export function listTags(db: Db): Tag[] {
  const version = dataVersion(db).get() as number;
  const cached = tagListCache.get(db);
  if (cached && cached.dataVersion === version) return [...cached.tags];
  const tags = allTags(db).all().map(toTag);
  tagListCache.set(db, { dataVersion: version, tags });
  return [...tags];
}

/** Throws unknown_tag unless every slug exists. */
export function assertTagsExist(db: Db, slugs: readonly string[]): void {
  if (slugs.length === 0) return;
  const found = db.select({ slug: kbTags.slug }).from(kbTags).where(inArray(kbTags.slug, [...slugs])).all();
  if (found.length !== new Set(slugs).size) throw new AppError('unknown_tag');
}

export function createTag(db: Db, tag: Tag): Tag {
  const r = db.insert(kbTags)
    .values({ slug: tag.slug, kind: tag.kind, labelRu: tag.labels.ru, labelKk: tag.labels.kk, labelEn: tag.labels.en })
    .onConflictDoNothing().run();
  if (r.changes === 0) throw new AppError('tag_exists');
  tagListCache.delete(db);
  return tag;
}

export function renameTag(db: Db, slug: string, labels: Tag['labels']): Tag {
  const row = db.update(kbTags).set({ labelRu: labels.ru, labelKk: labels.kk, labelEn: labels.en }).where(eq(kbTags.slug, slug)).returning().get();
  if (!row) throw new AppError('not_found');
  tagListCache.delete(db);
  return toTag(row);
}

/** Moves every entry tagged `from` to `into` (once), then deletes `from`. Both must be of one kind. */
export function mergeTag(db: Db, from: string, into: string): Tag {
  return db.transaction(() => {
    const source = db.select().from(kbTags).where(eq(kbTags.slug, from)).get();
    const target = db.select().from(kbTags).where(eq(kbTags.slug, into)).get();
    if (!source || !target) throw new AppError('not_found');
    if (source.slug === target.slug || source.kind !== target.kind) throw new AppError('invalid_input', { issues: [{ path: 'into', code: 'invalid_value' }] });
    db.$client.prepare('INSERT OR IGNORE INTO kb_entry_tags(entry_num, tag) SELECT entry_num, ? FROM kb_entry_tags WHERE tag = ?').run(into, from);
    db.delete(kbTags).where(eq(kbTags.slug, from)).run();
    tagListCache.delete(db);
    return toTag(target);
  });
}

/** Replaces an entry's tags. */
export function setEntryTags(db: Db, entryNum: number, slugs: readonly string[]): void {
  assertTagsExist(db, slugs);
  db.delete(kbEntryTags).where(eq(kbEntryTags.entryNum, entryNum)).run();
  if (slugs.length > 0) db.insert(kbEntryTags).values(slugs.map((tag) => ({ entryNum, tag }))).run();
}

/** Tags of every entry, in one read (a list of all the numbers could pass SQLite's parameter limit). */
export function allEntryTags(db: Db): Map<number, string[]> {
  const map = new Map<number, string[]>();
  for (const r of db.select().from(kbEntryTags).orderBy(asc(kbEntryTags.entryNum), asc(kbEntryTags.tag)).all()) {
    const tags = map.get(r.entryNum);
    if (tags) tags.push(r.tag);
    else map.set(r.entryNum, [r.tag]);
  }
  return map;
}

/** Tags per entry number, for a page of entries. */
const tagsOfOne = preparedFor((db) => db.select({ tag: kbEntryTags.tag }).from(kbEntryTags)
  .where(eq(kbEntryTags.entryNum, sql.placeholder('num'))).orderBy(asc(kbEntryTags.tag)).prepare());

export function tagsOf(db: Db, nums: readonly number[]): Map<number, string[]> {
  if (nums.length === 1) return new Map([[nums[0]!, tagsOfOne(db).all({ num: nums[0]! }).map((r) => r.tag)]]);
  const map = new Map<number, string[]>(nums.map((n) => [n, []]));
  if (nums.length === 0) return map;
  const rows = db.select().from(kbEntryTags).where(inArray(kbEntryTags.entryNum, [...nums])).orderBy(asc(kbEntryTags.tag)).all();
  for (const r of rows) map.get(r.entryNum)?.push(r.tag);
  return map;
}
