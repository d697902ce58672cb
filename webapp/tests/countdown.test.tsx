import {screen, within} from '@testing-library/react';

import {iso, t0, wireLock, wireStatus} from './fixtures';
import {statusServer} from './fakeServer';
import {advance, flush, setVisibility, unmountAndSettle} from './flush';
import {renderPanel} from './renderPanel';

beforeEach(() => {
    jest.useFakeTimers();
    setVisibility('visible');
});

afterEach(async () => {
    await unmountAndSettle();
});

function expiresCell(lock: string): HTMLElement {
    const row = screen.getByRole('row', {name: new RegExp(`^${lock} `)});
    // Columns: Lock (row header), Kind, Holder, Held since, Expires in, ...
    return within(row).getAllByRole('cell')[3];
}

const status = () => wireStatus({locks: [wireLock('demo-1', 'node-b', {expires_at: iso(t0 + 15000)}), wireLock('idle', null)]});

describe('expiry countdown', () => {
    it('counts down every second and ends at expired', async () => {
        jest.setSystemTime(t0);
        renderPanel(statusServer(status), {pollMs: 3600000});
        await flush();
        expect(expiresCell('demo-1')).toHaveTextContent('15 s');
        await advance(1000);
        expect(expiresCell('demo-1')).toHaveTextContent('14 s');
        await advance(3000);
        expect(expiresCell('demo-1')).toHaveTextContent('11 s');
        await advance(11000);
        expect(expiresCell('demo-1')).toHaveTextContent('expired');
        expect(expiresCell('idle')).toHaveTextContent('—');
    });

    it('follows the server clock when the browser clock is off', async () => {
        // The browser is 90 s behind the server that generated the status.
        jest.setSystemTime(t0 - 90000);
        renderPanel(statusServer(status), {pollMs: 3600000});
        await flush();
        expect(expiresCell('demo-1')).toHaveTextContent('15 s');
        await advance(5000);
        expect(expiresCell('demo-1')).toHaveTextContent('10 s');
    });
});
