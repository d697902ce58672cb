// The local cluster's page. Mattermost serves the same root.html for every
// GET outside /api/, /static/ and /plugins/, so this script picks the view:
// at /login a login form, anywhere else what runs here. It is a file of its
// own because the server's Content-Security-Policy (script-src 'self')
// refuses inline script.
'use strict';

(function () {
    const loginPath = '/login';
    const page = document.getElementById('page');
    const home = page.dataset.home || '/';

    // sameNodeURL returns raw as an absolute URL on this node, or null when a
    // browser could read it as anywhere else: an absolute URL (https://…,
    // javascript:…), a protocol-relative //host, /\host (browsers treat the
    // backslash as a slash), or a path holding control characters, which
    // browsers strip before parsing ("/\t/host" is "//host"), or one whose
    // path parses to //… ("/..//host"): as a link, that path alone is another
    // host again, so the answer is also the parsed URL in full.
    function sameNodeURL(raw) {
        if (!raw.startsWith('/') || raw.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(raw)) {
            return null;
        }
        let url;
        try {
            url = new URL(raw, window.location.origin);
        } catch {
            return null;
        }
        return url.origin === window.location.origin && !url.pathname.startsWith('//') ? url : null;
    }

    // errorText puts a refused login in words: Mattermost's own message
    // when the answer carries one, else the status.
    async function errorText(response) {
        let message = '';
        try {
            const body = await response.json();
            message = typeof body.message === 'string' ? body.message : '';
        } catch {
            // not JSON: fall back to the status below
        }
        if (response.status === 401 && message === '') {
            message = 'The username or the password is wrong.';
        }
        return `Login failed: ${message || `the node answered ${response.status} ${response.statusText}`.trim()}`;
    }

    function showLogin() {
        document.getElementById('about').hidden = true;
        document.getElementById('login').hidden = false;
        document.title = 'Log in — Mattermost local cluster';

        const form = document.getElementById('login-form');
        const loginId = document.getElementById('login-id');
        const password = document.getElementById('login-password');
        const submit = document.getElementById('login-submit');
        const error = document.getElementById('login-error');

        const asked = new URLSearchParams(window.location.search).get('redirect_to');
        let next = new URL(home, window.location.origin);
        if (asked) {
            const url = sameNodeURL(asked);
            if (url === null) {
                document.getElementById('login-redirect-refused').textContent =
                    'The link asked to go to another site after login; you will go to the dashboard of this node instead.';
            } else if (url.pathname !== loginPath) { // back here would only loop
                next = url;
            }
        }
        document.getElementById('login-next').textContent = next.pathname + next.search + next.hash;

        // fail shows message (role="alert" announces it) and marks the
        // fields it is about as invalid, described by it.
        function fail(message, fields) {
            error.textContent = message;
            for (const input of fields) {
                input.setAttribute('aria-invalid', 'true');
                input.setAttribute('aria-describedby', error.id);
            }
            (fields[fields.length - 1] ?? submit).focus();
        }

        function clear() {
            error.textContent = '';
            for (const input of [loginId, password]) {
                input.removeAttribute('aria-invalid');
                input.removeAttribute('aria-describedby');
            }
        }

        form.addEventListener('submit', async (event) => {
            event.preventDefault();
            clear();
            const id = loginId.value.trim();
            if (id === '') {
                fail('Enter a username or an email address.', [loginId]);
                return;
            }
            if (password.value === '') {
                fail('Enter the password.', [password]);
                return;
            }
            submit.disabled = true;
            form.setAttribute('aria-busy', 'true');
            let response;
            try {
                // As the web app logs in: this header makes Mattermost set
                // its session cookies (MMAUTHTOKEN, MMUSERID, MMCSRF).
                response = await fetch('/api/v4/users/login', {
                    method: 'POST',
                    credentials: 'same-origin',
                    headers: {'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest'},
                    body: JSON.stringify({login_id: id, password: password.value}),
                });
            } catch (err) {
                fail(`The node did not answer (${err.message}). Is the cluster still running? make demo starts it again.`, []);
                return;
            } finally {
                submit.disabled = false;
                form.removeAttribute('aria-busy');
            }
            if (response.ok) {
                window.location.assign(next.href);
                return;
            }
            // Mattermost does not say which of the two was wrong.
            fail(await errorText(response), response.status === 401 ? [loginId, password] : []);
        });
        loginId.focus();
    }

    if (window.location.pathname === loginPath) {
        showLogin();
    }
}());
