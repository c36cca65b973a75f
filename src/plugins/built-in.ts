import type { Config } from '../config';
import { anonymizationPlugin } from './anonymization/anonymization.plugin';
import { businessTransferPlugin } from './business-transfer/business-transfer.plugin';
import { legalHoldPlugin } from './legal-hold/legal-hold.plugin';
import type { GatewayPlugin } from './plugin';

/**
 * The composition module: the one file that imports the plugin folders (the layering check in
 * .dependency-cruiser.cjs holds every other file to that). The CLI and the gateway take the
 * built-in plugins from here; the registry knows plugins only through the contract.
 */
export function builtInPlugins(config: Config): GatewayPlugin[] {
  const all: Record<string, () => GatewayPlugin> = {
    'legal-hold': () => legalHoldPlugin({ ...config.plugins.legalHold, integrityKey: config.integrity.key }),
    anonymization: () => anonymizationPlugin(config.plugins.anonymization),
    'business-transfer': () => businessTransferPlugin(config.plugins.businessTransfer),
  };
  return config.plugins.enabled.filter((name) => all[name]).map((name) => all[name]!());
}
