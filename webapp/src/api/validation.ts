// The server's input rules, checked before any request so that a
// bad value is explained in the form instead of costing a round trip. The
// client checks them again, so no caller can send what the server rejects.

const lockNamePattern = /^[A-Za-z0-9._-]{1,64}$/;

export const lockNameRule = 'A lock name is 1–64 characters: letters, digits, ".", "_" or "-"; not "." alone and without "..".';

// "." and ".." read as path segments, which Mattermost's router cleans away
// before the plugin sees them, so the server refuses them too.
export function lockNameError(name: string): string | null {
    const valid = lockNamePattern.test(name) && name !== '.' && !name.includes('..');
    return valid ? null : lockNameRule;
}

export interface SecondsRange {
    min: number;
    max: number;
    what: string;
}

export const holdSeconds: SecondsRange = {min: 1, max: 600, what: 'Hold time'};
export const stressSeconds: SecondsRange = {min: 1, max: 60, what: 'Stress duration'};

export function secondsRule(range: SecondsRange): string {
    return `${range.what} is a whole number of seconds from ${range.min} to ${range.max}.`;
}

// Accepts the text of an input or a number; only whole numbers in range pass.
export function secondsError(value: string | number, range: SecondsRange): string | null {
    const text = String(value).trim();
    if (!/^\d+$/.test(text)) {
        return secondsRule(range);
    }
    const n = Number(text);
    return n >= range.min && n <= range.max ? null : secondsRule(range);
}
