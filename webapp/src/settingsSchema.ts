import manifest from './manifest';

// The settings' display names from plugin.json (the manifest the build
// generates), so the panel names a setting the way the System Console does.
interface SchemaSetting {
    key: string;
    display_name?: string;
}

const settings: SchemaSetting[] = (manifest as unknown as {settings_schema?: {settings?: SchemaSetting[]}}).settings_schema?.settings ?? [];

export function settingName(key: string): string {
    return settings.find((s) => s.key === key)?.display_name ?? key;
}

// The settings in the System Console's order; keys it does not know go last.
export function settingOrder(key: string): number {
    const i = settings.findIndex((s) => s.key === key);
    return i < 0 ? settings.length : i;
}
