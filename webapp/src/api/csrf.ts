// Mattermost sets the MMCSRF cookie beside the session cookie; its web app
// echoes it in X-CSRF-Token so that requests authenticated by cookie pass the
// server's CSRF check (app/plugin_requests.go does the same for plugins).
const csrfCookie = 'MMCSRF';

export function csrfToken(cookies: string = document.cookie): string {
    for (const part of cookies.split(';')) {
        const eq = part.indexOf('=');
        if (eq > 0 && part.slice(0, eq).trim() === csrfCookie) {
            return decodeURIComponent(part.slice(eq + 1).trim());
        }
    }
    return '';
}
