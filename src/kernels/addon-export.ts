/** One export of the native addon, for lookups that cache it themselves (parsers, the file mapper). */
import { loadNativeAddon } from './native.js';

/** The addon's export `name`, or null when the addon does not load or lacks it (built from older sources). */
export function addonExport<T>(name: string): T | null {
  const load = loadNativeAddon();
  return load.state === 'loaded' ? ((load.addon as unknown as Record<string, T | undefined>)[name] ?? null) : null;
}
