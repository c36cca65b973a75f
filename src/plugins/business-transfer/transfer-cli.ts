import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config';
import type { Actor } from '../../domain/actor';
import { DomainError } from '../../domain/errors';
import type { PluginCommandGateway } from '../plugin';
import { Role, SubjectStatus } from '../../entities/enums';
import { BusinessTransfer, TransferFormat, TransferPhase } from './business-transfer.entity';
import { startTransfer } from './transfer-start.use-case';
import { progressOf } from './transfer-progress';
import { TERMINAL } from './transfer-shared';
import { decryptExport, verifyExport } from './export-files';
import { manifestSigningKey } from './manifest-signature';
import { dataKeyEncryptionKey } from './data-key';

export const TRANSFER_USAGE = `  transfer start --deal NAME --acquirer ID --phase CLOSING|DUE_DILIGENCE [--regions US-CA,US-NY]
                 [--statuses ACTIVE] [--created-before ISO] [--format NDJSON|CSV] [--encrypt-for pub.pem] [--wait] [--work]
  transfer status ID [--wait]
  transfer verify FOLDER [--key private.pem] [--signed-by gateway-public.pem]
  transfer decrypt FOLDER --key private.pem [--out DIR]
  transfer signing-key   (the public key, PEM, that signs every manifest: give it to acquirers)`;

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

const list = (v: string | undefined) => (v === undefined ? undefined : v.split(',').map((s) => s.trim()).filter(Boolean));

function bar(t: BusinessTransfer): string {
  const p = progressOf(t);
  const width = 30;
  const filled = Math.round((p.percent / 100) * width);
  const eta = p.estimatedFinish && !TERMINAL.has(t.status) ? ` eta ${Math.max(0, Math.round((p.estimatedFinish.getTime() - Date.now()) / 1000))}s` : '';
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.percent.toFixed(1)}% ${p.processed}/${p.total} ${p.rate}/s ${t.status}${eta}`;
}

async function watch(gateway: PluginCommandGateway, id: number): Promise<BusinessTransfer> {
  for (;;) {
    const t = await gateway.dataSource.getRepository(BusinessTransfer).findOneByOrFail({ id });
    process.stderr.write(`\r${bar(t)}   `);
    if (TERMINAL.has(t.status)) {
      process.stderr.write('\n');
      return t;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

function summary(t: BusinessTransfer): Record<string, unknown> {
  return { id: t.id, deal: t.dealName, phase: t.phase, status: t.status, progress: progressOf(t), exportPath: t.exportPath, error: t.error, manifest: t.manifest ? JSON.parse(t.manifest) : null };
}

/** `transfer start|status|verify|decrypt`; returns the exit code. */
export async function runTransferCommand(args: string[], config: Config, openGateway: () => Promise<PluginCommandGateway>): Promise<number> {
  const [sub, ...rest] = args;
  const out = (v: unknown) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
  if (sub === 'verify' || sub === 'decrypt') {
    const folder = rest[0];
    if (!folder || folder.startsWith('--')) return usage();
    const keyFile = flag(rest, 'key');
    const key = keyFile ? await readFile(keyFile, 'utf8') : undefined;
    if (sub === 'verify') {
      const signerFile = flag(rest, 'signed-by');
      const report = await verifyExport(folder, key, signerFile ? await readFile(signerFile, 'utf8') : undefined);
      out(report);
      return report.valid ? 0 : 1;
    }
    if (!key) return usage();
    const written = await decryptExport(folder, key, flag(rest, 'out') ?? path.join(folder, 'decrypted'));
    out({ decrypted: written });
    return 0;
  }
  if (sub === 'signing-key') {
    // Needs EXPORT_KEY only, no database: the key is derived from it.
    process.stdout.write(manifestSigningKey(dataKeyEncryptionKey(config.plugins.businessTransfer.dataKeySecret)).publicKeyPem);
    return 0;
  }
  if (sub !== 'start' && sub !== 'status') return usage();

  const gateway = await openGateway();
  try {
    if (sub === 'status') {
      const id = Number(rest[0]);
      if (!Number.isInteger(id) || id < 1) return usage();
      const t = rest.includes('--wait') ? await watch(gateway, id) : await gateway.dataSource.getRepository(BusinessTransfer).findOneBy({ id });
      if (!t) {
        process.stderr.write(`transfer: business transfer ${id} does not exist\n`);
        return 1;
      }
      if (!rest.includes('--wait')) process.stderr.write(`${bar(t)}\n`);
      out(summary(t));
      return 0;
    }
    const keyFile = flag(rest, 'encrypt-for');
    const encryptFor = keyFile ? await readFile(keyFile, 'utf8') : null;
    const createdBefore = flag(rest, 'created-before');
    const actor: Actor = { id: flag(rest, 'actor') ?? 'cli', roles: [Role.MNA] };
    const { result: t, queued } = await startTransfer(
        gateway.run,
        actor,
        {
          dealName: flag(rest, 'deal') ?? '',
          acquirerId: Number(flag(rest, 'acquirer')),
          phase: (flag(rest, 'phase') ?? '') as TransferPhase,
          format: (flag(rest, 'format') ?? TransferFormat.NDJSON) as TransferFormat,
          scope: { regions: list(flag(rest, 'regions')), statuses: list(flag(rest, 'statuses')) as SubjectStatus[] | undefined, createdBefore: createdBefore ? new Date(createdBefore) : null },
          encryptFor,
        },
        config.plugins.businessTransfer,
    );
    if (!queued) process.stderr.write(`transfer: ${t.id} is recorded, but its plan job waits for Redis; the job replay queues it once Redis answers\n`);
    if (rest.includes('--work')) await gateway.work(['business-transfer']);
    const final = rest.includes('--wait') || rest.includes('--work') ? await watch(gateway, t.id) : t;
    out(summary(final));
    return 0;
  } catch (err) {
    if (err instanceof DomainError) {
      process.stderr.write(`transfer: ${err.code}: ${err.message}\n`);
      return 2;
    }
    throw err;
  } finally {
    await gateway.stop();
  }
}

function usage(): number {
  process.stderr.write(`usage:\n${TRANSFER_USAGE}\n`);
  return 2;
}
