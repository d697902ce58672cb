import {render, type RenderResult} from '@testing-library/react';
import React from 'react';

import {createClient} from '../src/api/client';
import type {ChangeFeed} from '../src/status/changeFeed';
import {Panel} from '../src/ui/Panel';

import type {FakeServer} from './fakeServer';

export const siteUrl = 'http://mm.example.com/chat';

export function renderPanel(server: FakeServer, options: {changes?: ChangeFeed; pollMs?: number} = {}): RenderResult {
    const client = createClient({siteUrl: () => siteUrl, fetch: server.fetch as unknown as typeof fetch});
    return render(
        <Panel
            client={client}
            changes={options.changes}
            pollMs={options.pollMs}
        />,
    );
}
