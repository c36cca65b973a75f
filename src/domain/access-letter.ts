import type { CategorySummary, SectionSummary } from './access-package.assembly';
import { californiaLongDate } from './deadlines';
import { escapeHtml } from './postal-letter';
import { AccessScope, type AccessDecision } from './verification.rules';

/**
 * The human-readable answer to an access request: `letter.html` in the package, the body of the
 * letter by post, and (without the sections) the email that carries the link. It says what
 * categories are held, from where, why and who received them (1798.110(a)), lists every section
 * with its first rows, and, when the verification limited the answer, says so and why.
 */

export interface AccessLetterInput {
  company: string;
  requestId: number;
  name: string | null;
  receivedAt: Date;
  answeredAt: Date;
  decision: AccessDecision;
  summary: CategorySummary | null;
  sections: SectionSummary[];
  /** The link block (the email and the letter by post carry one; the package's own copy does not). */
  link: { url: string; expiresAt: Date; sha256: string } | null;
}

const KIND_LABEL: Readonly<Record<string, string>> = {
  AFFILIATE: 'Companies in our corporate group',
  AGENT: 'Service providers acting for us (for example, payment processing)',
  PARTNER: 'Business partners (anonymized or aggregate information only)',
  THIRD_PARTY: 'Other businesses',
  ACQUIRER: 'A buyer of all or part of our business',
  AUTHORITY: 'Government authorities and courts, as the law requires',
};

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function renderAccessLetter(input: AccessLetterInput): { html: string; text: string } {
  const greeting = input.name ? `Dear ${input.name},` : 'Hello,';
  const intro = `On ${californiaLongDate(input.receivedAt)} you asked ${input.company} what personal information we hold about you and with whom we shared it (reference ${input.requestId}). This is our answer, as of ${californiaLongDate(input.answeredAt)}.`;
  const limited = input.decision.limitedBecause?.reason ?? null;
  const html: string[] = [`<p>${escapeHtml(greeting)}</p>`, `<p>${escapeHtml(intro)}</p>`];
  const text: string[] = [greeting, '', intro, ''];
  if (limited) {
    html.push(`<p><strong>${escapeHtml(limited)}</strong></p>`);
    text.push(limited, '');
  }
  if (input.summary) {
    const s = input.summary;
    const categories = s.categoriesCollected.map((c) => c.label);
    html.push('<h2>What we hold, from where, and why</h2>');
    html.push(`<p>Categories of personal information:</p><ul>${categories.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul>`);
    html.push(`<p>Where it came from:</p><ul>${s.sources.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul>`);
    html.push(`<p>Why we collect it:</p><ul>${s.purposes.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul>`);
    text.push('What we hold:', ...categories.map((c) => `  - ${c}`), 'Where it came from:', ...s.sources.map((c) => `  - ${c}`), 'Why we collect it:', ...s.purposes.map((c) => `  - ${c}`), '');
    html.push('<h2>Who received it</h2>');
    if (s.disclosedTo.length === 0) {
      html.push('<p>We have not disclosed personal information about you to anyone.</p>');
      text.push('We have not disclosed personal information about you to anyone.', '');
    } else {
      const label = new Map(s.categoriesCollected.map((c) => [c.key, c.label]));
      const lines = s.disclosedTo.map((d) => `${KIND_LABEL[d.recipientKind] ?? d.recipientKind} (${d.recipients}): ${d.categories.map((c) => label.get(c) ?? c).join(', ') || 'no personal categories'}; for ${d.purposes.join(', ')}`);
      html.push(`<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`);
      text.push('Who received it:', ...lines.map((l) => `  - ${l}`), '');
    }
    html.push(`<p>${escapeHtml(s.sold)}</p>`);
    text.push(s.sold, '');
  }
  if (input.decision.scope === AccessScope.SPECIFIC_PIECES && input.sections.length > 0) {
    html.push('<h2>The information itself</h2><p>Every section is in the attached archive as a JSON file, and every table also as a CSV file that a spreadsheet opens. Each section begins here:</p>');
    text.push('The information itself is in the archive, one file per section:');
    for (const s of input.sections) {
      html.push(`<h3>${escapeHtml(s.title)} (${s.rows} ${s.rows === 1 ? 'entry' : 'entries'}, file ${escapeHtml(s.name)}.json)</h3>`);
      text.push(`  - ${s.title}: ${s.rows} ${s.rows === 1 ? 'entry' : 'entries'} (${s.name}.json)`);
      if (s.preview.length === 0) continue;
      html.push(
        `<table border="1" cellpadding="3" style="border-collapse:collapse;font-size:9pt"><tr>${s.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>` +
          s.preview.map((r) => `<tr>${s.columns.map((c) => `<td>${escapeHtml(cell(r[c]))}</td>`).join('')}</tr>`).join('') +
          '</table>',
      );
      if (s.rows > s.preview.length) html.push(`<p>… and ${s.rows - s.preview.length} more in ${escapeHtml(s.name)}.json.</p>`);
    }
    text.push('');
  }
  if (input.link) {
    const l = input.link;
    const expires = `${californiaLongDate(l.expiresAt)} (${l.expiresAt.toISOString()})`;
    html.push(
      `<h2>Your archive</h2><p>Download it at <a href="${escapeHtml(l.url)}">${escapeHtml(l.url)}</a>. The link works once and until ${escapeHtml(expires)}. ` +
        `The archive's SHA-256 is <code>${l.sha256}</code>. If the link has expired or the download failed, contact us and we will send a new one.</p>`,
    );
    text.push(`Download your archive at ${l.url}`, `The link works once and until ${expires}.`, `SHA-256 of the archive: ${l.sha256}`, 'If the link has expired or the download failed, contact us and we will send a new one.', '');
  }
  text.push(input.company);
  html.push(`<p>${escapeHtml(input.company)}</p>`);
  return {
    html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Your personal information at ${escapeHtml(input.company)}</title></head><body>${html.join('\n')}</body></html>\n`,
    text: text.join('\n'),
  };
}
