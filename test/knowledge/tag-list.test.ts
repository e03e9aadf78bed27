import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseFile, openDatabase, type Db } from '../../src/db/connection.js';
import { createTag, ensureDefaultTags, listTags, mergeTag, renameTag } from '../../src/knowledge/tags.js';

// The tag list is kept between page views; it must never outlive a change to the tags.

const opened: Db[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.$client.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(file: string): Db {
  const db = openDatabase(file);
  opened.push(db);
  return db;
}

const labelOf = (db: Db, slug: string): string | undefined => listTags(db).find((t) => t.slug === slug)?.labels.en;

describe('the tag list', () => {
  it('shows a tag created, renamed or merged away at once', () => {
    const db = open(':memory:');
    ensureDefaultTags(db);
    const before = listTags(db).length;
    createTag(db, { slug: 'bench-a', kind: 'topic', labels: { ru: 'а', kk: 'а', en: 'A' } });
    createTag(db, { slug: 'bench-b', kind: 'topic', labels: { ru: 'б', kk: 'б', en: 'B' } });
    expect(listTags(db)).toHaveLength(before + 2);
    renameTag(db, 'bench-a', { ru: 'а2', kk: 'а2', en: 'A2' });
    expect(labelOf(db, 'bench-a')).toBe('A2');
    mergeTag(db, 'bench-b', 'bench-a');
    expect(labelOf(db, 'bench-b')).toBeUndefined();
    expect(listTags(db)).toHaveLength(before + 1);
  });

  it('shows a change committed by another connection to the same file (the admin CLI)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tynys-tags-'));
    dirs.push(dir);
    const server = open(databaseFile(dir));
    ensureDefaultTags(server);
    const slug = listTags(server)[0]!.slug;
    const other = open(databaseFile(dir));
    other.$client.prepare('UPDATE kb_tags SET label_en = ? WHERE slug = ?').run('Changed elsewhere', slug);
    expect(labelOf(server, slug)).toBe('Changed elsewhere');
  });

  it('hands out a copy: a caller changing it does not change the next page', () => {
    const db = open(':memory:');
    ensureDefaultTags(db);
    const n = listTags(db).length;
    listTags(db).pop();
    expect(listTags(db)).toHaveLength(n);
  });
});
