import { useLive } from './use-live.js';
import { useEffect, useState } from 'hono/jsx';
import type { StaffClient } from '../../client/index.js';
import { okSchema } from '../../protocol/api/common.js';
import {
  auditPage, removeStaffResponse, resetInviteResponse, staffAccountList, staffAccountSchema, type StaffAccount,
} from '../../protocol/api/staff-admin.js';
import { STAFF_ROLES, type StaffRole } from '../../protocol/api/staff.js';
import { LANGS, translator, type Lang, type Translate } from '../i18n/index.js';

// The admin's half of the staff lifecycle (DESIGN.md §4): every account with its key
// fingerprint, disable / enable / remove, roles and languages, reset by a new invite, log out
// everywhere; and the audit log, newest first. Each act is the server's at once; what clients
// trust changes with the next signed manifest, which the page says.

type Audit = ReturnType<typeof auditPage.parse>['entries'][number];

function refusal(t: Translate, err: unknown): string {
  const code = (err as { code?: string }).code;
  return code === 'own_account' || code === 'last_admin' ? t(`staff.admin.err.${code}`) : t('app.error');
}

function AccountRow({ client, t, account, reload, onNotice }: {
  client: StaffClient; t: Translate; account: StaffAccount; reload: () => void; onNotice: (notice: { text: string; code?: string } | null, error?: string) => void;
}) {
  const [roles, setRoles] = useState<StaffRole[]>(account.roles);
  const [languages, setLanguages] = useState<Lang[]>(account.languages);
  const act = (request: Promise<unknown>, done?: (r: unknown) => void) => request
    .then((r) => { if (done) done(r); else onNotice({ text: t('staff.admin.done') }); reload(); })
    .catch((err: unknown) => onNotice(null, refusal(t, err)));
  const path = `/api/admin/staff/${account.staffId}`;
  const disabled = account.disabledAt !== null;
  const toggle = <T,>(list: T[], x: T, on: boolean): T[] => (on ? [...list, x] : list.filter((y) => y !== x));
  return (
    <li class="card" data-staff={account.login}>
      <p>
        <strong>{account.displayName}</strong> <span class="small">({account.login}) · {disabled ? t('staff.admin.disabled') : t('staff.admin.active')}</span>
      </p>
      <p class="small">{t('staff.admin.fingerprint')}: <code class="fingerprint">{account.fingerprint}</code></p>
      <fieldset>
        <legend>{t('staff.admin.roles')}</legend>
        {STAFF_ROLES.map((r) => <label><input type="checkbox" checked={roles.includes(r)} onChange={(e: Event) => setRoles(toggle(roles, r, (e.target as HTMLInputElement).checked))} />{t(`role.${r}`)}</label>)}
      </fieldset>
      <fieldset>
        <legend>{t('staff.languages')}</legend>
        {LANGS.map((l) => <label><input type="checkbox" checked={languages.includes(l)} onChange={(e: Event) => setLanguages(toggle(languages, l, (e.target as HTMLInputElement).checked))} />{translator(l)('lang.name')}</label>)}
      </fieldset>
      <p class="row">
        <button type="button" class="secondary save-staff" onClick={() => act(client.api(staffAccountSchema, 'PUT', path, { roles, languages }))}>{t('staff.admin.save')}</button>
        {disabled
          ? <button type="button" class="enable-staff" onClick={() => act(client.api(staffAccountSchema, 'POST', `${path}/enable`))}>{t('staff.admin.enable')}</button>
          : <button type="button" class="danger disable-staff" onClick={() => act(client.api(staffAccountSchema, 'POST', `${path}/disable`))}>{t('staff.admin.disable')}</button>}
        <button type="button" class="secondary reset-staff" onClick={() => act(client.api(resetInviteResponse, 'POST', `${path}/reset`),
          (r) => onNotice({ text: t('staff.admin.resetCreated', { login: account.login }), code: (r as { code: string }).code }))}>{t('staff.admin.reset')}</button>
        <button type="button" class="secondary" onClick={() => act(client.api(okSchema, 'POST', `${path}/logout`))}>{t('staff.admin.logoutMember')}</button>
        <button type="button" class="danger remove-staff" onClick={() => {
          if (window.confirm(t('staff.admin.removeConfirm', { login: account.login }))) void act(client.api(removeStaffResponse, 'DELETE', path));
        }}>{t('staff.admin.remove')}</button>
      </p>
    </li>
  );
}

/** Every staff account and what an admin may do to it. */
export function StaffAccounts({ client, t }: { client: StaffClient; t: Translate }) {
  const [accounts, setAccounts] = useState<StaffAccount[] | null>(null);
  const [notice, setNotice] = useState<{ text: string; code?: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const live = useLive();
  const load = () => { client.api(staffAccountList, 'GET', '/api/admin/staff').then(live((r: { staff: StaffAccount[] }) => setAccounts(r.staff))).catch(live(() => setError(t('app.error')))); };
  useEffect(load, []);
  const onNotice = (n: { text: string; code?: string } | null, err?: string) => { setNotice(n); setError(err ?? null); };
  return (
    <section id="staff-accounts">
      <h2>{t('staff.admin.staff')}</h2>
      <p class="small">{t('staff.admin.manifestNote')}</p>
      <button type="button" class="secondary" id="staff-refresh" onClick={() => { setNotice(null); load(); }}>{t('staff.admin.refresh')}</button>
      {error ? <p class="error" role="alert">{error}</p> : null}
      {notice ? <div class="notice" role="status"><p>{notice.text}</p>{notice.code ? <p class="code" id="reset-code">{notice.code}</p> : null}</div> : null}
      {accounts === null ? <p>{t('app.loading')}</p> : (
        <ul class="staff-list">
          {accounts.map((a) => <AccountRow key={`${a.staffId}:${a.disabledAt ?? ''}:${a.roles.join()}:${a.languages.join()}`} client={client} t={t} account={a} reload={load} onNotice={onNotice} />)}
        </ul>
      )}
    </section>
  );
}

/** The append-only audit log of acts on staff, newest first, a page at a time. */
export function AuditLog({ client, t }: { client: StaffClient; t: Translate }) {
  const [entries, setEntries] = useState<Audit[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const live = useLive();
  const load = (before: number | null) => client.api(auditPage, 'GET', `/api/admin/staff-audit?limit=50${before === null ? '' : `&before=${before}`}`)
    .then(live((page: { entries: Audit[]; next: number | null }) => { setEntries((list) => (before === null ? page.entries : [...list, ...page.entries])); setNext(page.next); }))
    .catch(live(() => setError(t('app.error'))));
  useEffect(() => { void load(null); }, []);
  return (
    <section id="staff-audit">
      <h2>{t('staff.admin.audit')}</h2>
      <button type="button" class="secondary" id="audit-refresh" onClick={() => void load(null)}>{t('staff.admin.refresh')}</button>
      {error ? <p class="error" role="alert">{error}</p> : null}
      <table>
        <tbody>
          {entries.map((e) => (
            <tr>
              <td>{new Date(e.at).toISOString().replace('T', ' ').slice(0, 19)}</td>
              <td><code>{e.actor}</code></td>
              <td>{e.action}</td>
              <td><code>{e.subject ?? ''}</code></td>
              <td class="small">{e.detail ? JSON.stringify(e.detail) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {next === null ? null : <button type="button" class="secondary" id="audit-more" onClick={() => void load(next)}>{t('staff.admin.auditMore')}</button>}
    </section>
  );
}
