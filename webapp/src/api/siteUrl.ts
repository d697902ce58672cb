import {id as pluginId} from '../manifest';

// Where the server is. The API lives at <site>/plugins/<id>/api/v1, and the
// site may sit under a sub-path (https://example.com/chat), so neither bundle
// may assume the origin alone.

function trimSlash(url: string): string {
    return url.replace(/\/+$/, '');
}

interface WebAppState {
    entities?: {general?: {config?: {SiteURL?: unknown}}};
}

// In the System Console: the site URL from the web app's Redux store, else the
// sub-path the web app runs under (window.basename), else this origin.
export function consoleSiteUrl(state: unknown, win: Window = window): string {
    const siteUrl = (state as WebAppState | null)?.entities?.general?.config?.SiteURL;
    if (typeof siteUrl === 'string' && siteUrl !== '') {
        return trimSlash(siteUrl);
    }
    const basename = (win as Window & {basename?: unknown}).basename;
    return trimSlash(win.location.origin + (typeof basename === 'string' ? basename : ''));
}

// On the standalone dashboard (<site>/plugins/<id>/dashboard): everything in
// the path before /plugins/<id>/.
export function dashboardSiteUrl(location: Pick<Location, 'origin' | 'pathname'> = window.location): string {
    const marker = `/plugins/${pluginId}/`;
    const at = location.pathname.indexOf(marker);
    const prefix = at >= 0 ? location.pathname.slice(0, at) : '';
    return trimSlash(location.origin + prefix);
}

export function apiBase(siteUrl: string): string {
    return `${trimSlash(siteUrl)}/plugins/${pluginId}/api/v1`;
}
