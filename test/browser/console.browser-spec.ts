import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { seedDemoData } from '../../src/demo-data';
import { systemActor } from '../../src/domain/actor';
import { Role } from '../../src/entities/enums';
import { launchChromium } from '../helpers/browser';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';

/**
 * The console in a real browser (issue 24): Chromium from Debian, the gateway with its workers,
 * people signed in by one-time links with the roles each group has. Every step is done on screen,
 * as a person would, and checked on screen. UPDATE_SCREENSHOTS=1 rewrites docs/console/*.png.
 */
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1';
// Each test waits on workers (erasure, preservation, export) through the screen: room beyond jest's 60 s.
jest.setTimeout(180_000);
const shotsDir = path.join(__dirname, '..', '..', 'docs', 'console');

describe('the console in Chromium', () => {
  let t: TestGateway;
  let browser: Browser;
  let exportDir: string;
  let origin: string;
  let held: [string, string];
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    exportDir = await mkdtemp(path.join(tmpdir(), 'drg-console-'));
    t = await startTestGateway('console_browser', { env: { EXPORT_DIR: exportDir, BUSINESS_TRANSFER_CHUNK_SIZE: '40' } });
    await seedDemoData(t.gateway.dataSource, systemActor, { subjects: 120, recipients: 6, seed: 11 });
    const rows: { id: string }[] = await t.gateway.dataSource.query(`SELECT id FROM subjects WHERE status = 'ACTIVE' ORDER BY id LIMIT 2`);
    held = [String(rows[0]!.id), String(rows[1]!.id)];
    await t.gateway.work();
    origin = new URL(t.url).origin;
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
    await rm(exportDir, { recursive: true, force: true });
  });

  /** A browser window signed in with these roles through a one-time link, as `npm start` prints one. */
  async function signIn(who: string, ...roles: Role[]): Promise<Page> {
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    const code = await t.gateway.consoleSessions.createSignInLink({ id: who, roles });
    await page.goto(`${origin}/console/sign-in?code=${code}`);
    await page.waitForURL(`${origin}/console/`);
    await page.getByText(`Signed in as ${who}`).first().waitFor();
    return page;
  }

  /** Waits for the action's outcome on screen: its status line, or its alert (then the test fails with the gateway's words). */
  async function outcome(page: Page, expected: string): Promise<void> {
    const ok = page.getByRole('status').filter({ hasText: expected });
    const alert = page.getByRole('alert');
    await Promise.race([ok.waitFor(), alert.first().waitFor()]);
    if (await alert.count()) throw new Error(`the console reported: ${await alert.first().innerText()}`);
  }

  async function noSeriousViolations(page: Page, name: string): Promise<void> {
    const { violations } = await new AxeBuilder({ page }).analyze();
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
    expect({ page: name, serious }).toEqual({ page: name, serious: [] });
    if (SCREENSHOTS) await page.screenshot({ path: path.join(shotsDir, `${name}.png`), fullPage: true });
  }

  it('a legal hold blocks an erasure on screen, and its release lets the erasure complete', async () => {
    const legal = await signIn('legal-alice', Role.LEGAL);
    await legal.getByRole('link', { name: 'Legal holds' }).click();
    await legal.getByLabel('Matter').fill('Smith v. Example');
    await legal.getByLabel('Case reference').fill('CV-2026-0042');
    await legal.getByLabel('People (user ids or email addresses, separated by commas)').fill(held.join(', '));
    await legal.getByRole('button', { name: 'Place hold' }).click();
    await outcome(legal, 'placed on 2 people');
    const holdRow = legal.locator('tr', { hasText: 'Smith v. Example' });
    await holdRow.getByText('ACTIVE', { exact: true }).waitFor();
    await noSeriousViolations(legal, 'holds');

    const ops = await signIn('ops-bob', Role.PRIVACY_OPS);
    await ops.getByRole('link', { name: 'Requests' }).click();
    await ops.getByLabel('Person (user id)', { exact: true }).fill(held[0]);
    await ops.getByRole('button', { name: 'Record deletion request' }).click();
    await outcome(ops, 'Deletion request');
    const requestRow = ops.locator('tr', { has: ops.locator(`td:nth-child(2)`, { hasText: new RegExp(`^${held[0]}$`) }) });
    await requestRow.getByText('Blocked by a legal hold', { exact: true }).waitFor({ timeout: 30_000 });
    await noSeriousViolations(ops, 'requests');
    // Its timeline names the hold that stops it.
    const [hold] = await t.gateway.dataSource.query(`SELECT id FROM legal_holds WHERE matter = 'Smith v. Example'`);
    await requestRow.getByRole('button', { name: /^Request \d+$/ }).click();
    const blockedDetails = ops.getByRole('region', { name: /^Request \d+: ERASURE for person/ });
    await blockedDetails.getByText(`(held by legal hold ${hold.id}; resumes when the hold is released)`, { exact: true }).waitFor();
    // And the letter the person got about it, as they read it.
    const blockedLetter = blockedDetails.locator('tr[data-message="ERASURE_BLOCKED"]');
    await blockedLetter.getByText('Your deletion request cannot be completed yet', { exact: true }).click();
    const [sent] = await t.gateway.dataSource.query(`SELECT text_body FROM outbox_messages WHERE kind = 'ERASURE_BLOCKED' ORDER BY id DESC LIMIT 1`);
    expect(await blockedLetter.locator('pre.letter').innerText()).toBe(sent.text_body);

    await holdRow.getByRole('button', { name: 'Release hold Smith v. Example' }).click();
    await holdRow.getByLabel('Reason for release').fill('Case settled');
    await holdRow.getByRole('button', { name: 'Confirm release' }).click();
    await holdRow.getByText('RELEASED', { exact: true }).waitFor();
    await requestRow.getByText('COMPLETED', { exact: true }).waitFor({ timeout: 30_000 });
    const [status] = await t.gateway.dataSource.query(`SELECT status FROM subjects WHERE id = ?`, [held[0]]);
    expect(status.status).toBe('ERASED');

    // The request's timeline (still open from above, refreshed), from the gateway's record.
    const details = blockedDetails;
    await details.getByText('Received', { exact: true }).waitFor();
    await details.getByText('Completed', { exact: true }).waitFor();
    await details.locator('tr[data-message="ERASURE_CONFIRMATION"]').waitFor();
    // Completed, its history still says which hold blocked it, from the audit log.
    await details.locator('li[data-action="erasure.blocked"]').getByText(`(legal hold ${hold.id})`).waitFor();
    await details.locator('li[data-action="erasure.completed"]').waitFor();
    await noSeriousViolations(ops, 'request-timeline');

    // What the hold preserved, browsed from the released hold.
    await holdRow.getByRole('button', { name: 'Preserved records of hold Smith v. Example' }).click();
    await outcome(legal, 'preserved records shown');
    await holdRow.locator('table.nested tbody tr').first().waitFor();
  });

  it('verifies the audit chain and shows who read a person, on screen', async () => {
    // An internal app reads the person's email for support: the access log must show it.
    const read = await t.gql(`{ user(id: "${held[1]}") { email } }`, {}, t.token(Role.APP), 'SUPPORT');
    expect(read.errors).toBeUndefined();
    const ops = await signIn('ops-gus', Role.PRIVACY_OPS);
    await ops.getByRole('link', { name: 'Audit' }).click();
    await ops.getByRole('button', { name: 'Verify the audit chain' }).click();
    await outcome(ops, 'The audit chain is intact');
    await ops.getByLabel('Person (user id)', { exact: true }).fill(held[1]);
    await ops.getByRole('button', { name: 'Show reads' }).click();
    await outcome(ops, `reads of person ${held[1]}`);
    const row = ops.locator('tr', { has: ops.getByRole('cell', { name: 'test-app', exact: true }) });
    await row.getByRole('cell', { name: 'SUPPORT' }).waitFor();
    await noSeriousViolations(ops, 'audit');
  });

  it('an M&A user runs a due-diligence export, watches its progress and downloads the manifest', async () => {
    const mna = await signIn('mna-carol', Role.MNA);
    await mna.getByRole('link', { name: 'Business transfers' }).click();
    await mna.getByLabel('Deal name').fill('Project Heron');
    await mna.getByLabel('Phase').selectOption('DUE_DILIGENCE');
    // The count of people comes before the start, and is the count the start fixes.
    const [{ n }] = await t.gateway.dataSource.query(`SELECT COUNT(*) AS n FROM subjects WHERE status = 'ACTIVE'`);
    await mna.getByRole('button', { name: 'Count people in scope' }).click();
    await outcome(mna, `${Number(n)} people would be exported.`);
    await mna.getByRole('button', { name: 'Start transfer' }).click();
    await outcome(mna, `started for ${Number(n)} people`);
    const row = mna.locator('tr', { hasText: 'Project Heron' });
    await row.getByRole('progressbar', { name: 'Export progress of Project Heron' }).waitFor();
    await row.getByText('COMPLETED', { exact: true }).waitFor({ timeout: 60_000 });
    expect(await row.getByRole('progressbar').getAttribute('value')).toBe('100');
    await noSeriousViolations(mna, 'transfers');
    const [download] = await Promise.all([mna.waitForEvent('download'), row.getByRole('link', { name: 'Download the manifest of Project Heron' }).click()]);
    const manifest = JSON.parse(await readFile((await download.path())!, 'utf8')) as { phase?: string; transferId: number; files: { name: string; sha256: string }[] };
    expect(manifest.phase).toBe('DUE_DILIGENCE');
    // An export file, byte for byte as the manifest lists it, and the download in the audit log under the person's name.
    const file = manifest.files[0]!;
    const [artifact] = await Promise.all([mna.waitForEvent('download'), row.getByRole('link', { name: `Download ${file.name} of Project Heron` }).click()]);
    expect(createHash('sha256').update(await readFile((await artifact.path())!)).digest('hex')).toBe(file.sha256);
    const audited: { actor: string; details: string | { file: string } }[] = await t.gateway.dataSource.query(
      `SELECT actor, details FROM audit_events WHERE action = 'business-transfer.artifact-downloaded' AND entity_id = ? ORDER BY seq`, [String(manifest.transferId)],
    );
    expect(audited.map((a) => [a.actor, (typeof a.details === 'string' ? JSON.parse(a.details) : a.details).file])).toEqual([['mna-carol', 'manifest.json'], ['mna-carol', file.name]]);
    await row.getByRole('button', { name: 'Verify the files of Project Heron' }).click();
    await outcome(mna, `All ${manifest.files.length + 2} files of Project Heron match the recorded manifest.`);
  });

  it('places a hold limited to categories and dates, finding a person by email', async () => {
    const [person] = await t.gateway.dataSource.query(`SELECT id, email FROM subjects WHERE status = 'ACTIVE' AND email IS NOT NULL AND id NOT IN (?, ?) ORDER BY id DESC LIMIT 1`, held);
    const legal = await signIn('legal-hana', Role.LEGAL);
    await legal.getByRole('link', { name: 'Legal holds' }).click();
    await legal.getByLabel('Matter').fill('Scoped v. Example');
    await legal.getByLabel('Case reference').fill('CV-9');
    await legal.getByLabel('People (user ids or email addresses, separated by commas)').fill(person.email);
    await legal.getByText('Limit the hold (categories, dates)').click();
    await legal.getByRole('checkbox', { name: 'Email address' }).check();
    await legal.getByLabel('History from (UTC, inclusive; empty: no lower bound)').fill('2026-01-01');
    await legal.getByLabel('History until (UTC, exclusive; empty: no upper bound)').fill('2026-07-01');
    await noSeriousViolations(legal, 'hold-scoped');
    await legal.getByRole('button', { name: 'Place hold' }).click();
    await outcome(legal, 'placed on 1 person.');
    const shown = await t.gql<{ legalHolds: { edges: { node: { matter: string; categories: string[]; scopeFrom: string; scopeUntil: string } }[] } }>(
      '{ legalHolds(first: 50) { edges { node { matter categories scopeFrom scopeUntil } } } }', {}, t.token(Role.LEGAL),
    );
    const hold = shown.data!.legalHolds.edges.map((e) => e.node).find((h) => h.matter === 'Scoped v. Example')!;
    expect(hold).toMatchObject({ categories: ['user.contact.email'], scopeFrom: '2026-01-01T00:00:00.000Z', scopeUntil: '2026-07-01T00:00:00.000Z' });
    const [on] = await t.gateway.dataSource.query(`SELECT COUNT(*) AS n FROM legal_hold_subjects hs JOIN legal_holds h ON h.id = hs.hold_id WHERE h.matter = 'Scoped v. Example' AND hs.subject_id = ?`, [person.id]);
    expect(Number(on.n)).toBe(1);
    // An address nobody has is said so, and nothing is placed.
    await legal.getByLabel('Matter').fill('Nobody v. Example');
    await legal.getByLabel('People (user ids or email addresses, separated by commas)').fill('nobody@nowhere.example');
    await legal.getByRole('button', { name: 'Place hold' }).click();
    await legal.getByRole('alert').getByText('no person has the email address nobody@nowhere.example').waitFor();
  });

  it('builds a usage report with its suppressed cells shown as suppressed, as the API releases it', async () => {
    const ops = await signIn('ops-gus', Role.PRIVACY_OPS);
    await ops.getByRole('link', { name: 'Usage reports' }).click();
    await ops.getByRole('checkbox', { name: 'Region' }).check();
    await ops.getByRole('button', { name: 'Build report' }).click();
    await outcome(ops, 'Report built');
    // The same report from the API: the screen shows each cell, and suppresses exactly those it suppresses.
    const from = await ops.getByLabel('From (UTC, inclusive)').inputValue();
    const until = await ops.getByLabel('Until (UTC, exclusive)').inputValue();
    const api = await t.gql<{ usageReport: { suppressedCells: number; cells: { count: number | null }[] } }>(
      'query($i: UsageReportInput!) { usageReport(input: $i) { suppressedCells cells { count } } }',
      { i: { dimensions: ['PAGE', 'REGION'], from: `${from}T00:00:00.000Z`, until: `${until}T00:00:00.000Z` } },
      t.token(Role.PRIVACY_OPS),
    );
    expect(api.errors).toBeUndefined();
    const { suppressedCells, cells } = api.data!.usageReport;
    expect(suppressedCells).toBeGreaterThan(0);
    await ops.getByRole('table', { name: /^Visits by Page × Region/ }).waitFor();
    await expect(ops.locator('tr[data-suppressed="true"]').count()).resolves.toBe(suppressedCells);
    await expect(ops.locator('tr[data-suppressed]').count()).resolves.toBe(cells.length);
    await expect(ops.locator('tr[data-suppressed="true"]').first().getByText('suppressed', { exact: true }).count()).resolves.toBe(1);
    await noSeriousViolations(ops, 'reports');
  });

  it('offers no action a role cannot take', async () => {
    // An active hold, so that its release and additions could be offered at all.
    const placed = await t.gql(`mutation { placeLegalHold(input: { matter: "Doe v. Example", caseReference: "CV-7", subjectIds: ["${held[1]}"] }) { hold { id } } }`, {}, t.token(Role.LEGAL));
    expect(placed.errors).toBeUndefined();

    const mna = await signIn('mna-dan', Role.MNA);
    await mna.getByRole('link', { name: 'Business transfers' }).waitFor();
    await expect(mna.getByRole('link', { name: 'Legal holds' }).count()).resolves.toBe(0);
    await expect(mna.getByRole('link', { name: 'Requests' }).count()).resolves.toBe(0);
    await expect(mna.getByRole('link', { name: 'Usage reports' }).count()).resolves.toBe(0);
    // Typing the address does not help: the page offers nothing, and the API would refuse.
    await mna.goto(`${origin}/console/holds`);
    await mna.getByText('Choose a page above.').waitFor();
    await expect(mna.getByRole('button', { name: 'Place hold' }).count()).resolves.toBe(0);

    const legal = await signIn('legal-erin', Role.LEGAL);
    await legal.getByRole('link', { name: 'Requests' }).click();
    // The queue has loaded (LEGAL may read it) and offers no action.
    await legal.getByRole('button', { name: /^Request \d+$/ }).first().waitFor();
    await expect(legal.getByRole('button', { name: 'Record deletion request' }).count()).resolves.toBe(0);
    await expect(legal.getByRole('button', { name: 'Flag as a child and delete' }).count()).resolves.toBe(0);
    await expect(legal.getByRole('link', { name: 'Business transfers' }).count()).resolves.toBe(0);
    await expect(legal.getByRole('link', { name: 'Usage reports' }).count()).resolves.toBe(0);

    const privacy = await signIn('ops-fay', Role.PRIVACY_OPS);
    await privacy.getByRole('link', { name: 'Legal holds' }).click();
    // PRIVACY_OPS reads holds and may verify them, not place, extend or release them.
    await privacy.getByRole('button', { name: 'Verify preservation of hold Doe v. Example' }).waitFor();
    await expect(privacy.getByRole('button', { name: 'Place hold' }).count()).resolves.toBe(0);
    await expect(privacy.getByRole('button', { name: 'Release hold Doe v. Example' }).count()).resolves.toBe(0);
    await expect(privacy.getByRole('button', { name: 'Add people to hold Doe v. Example' }).count()).resolves.toBe(0);
    await noSeriousViolations(privacy, 'home-privacy-ops-holds');

    // The same hold, seen by LEGAL, offers both: the absence above is the role's, not the page's.
    await legal.getByRole('link', { name: 'Legal holds' }).click();
    await legal.getByRole('button', { name: 'Release hold Doe v. Example' }).waitFor();
    await legal.getByRole('button', { name: 'Add people to hold Doe v. Example' }).waitFor();
  });

  it('shows the sign-in page to a browser without a session, and it passes axe', async () => {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${origin}/console/`);
    await page.getByText('You are not signed in.').waitFor();
    await noSeriousViolations(page, 'sign-in');
  });
});
