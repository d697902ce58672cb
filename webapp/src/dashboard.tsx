import React from 'react';
import ReactDOM from 'react-dom';

import {createClient} from './api/client';
import {dashboardSiteUrl} from './api/siteUrl';
import {createChangeFeed} from './status/changeFeed';
import {followStatusEvents, webSocketUrl} from './status/webSocketEvents';
import {Panel} from './ui/Panel';
import {standaloneCss} from './ui/styles';

// The standalone page at /plugins/clusterdemo/dashboard: the same panel with
// its own React, following Mattermost's websocket itself (there is no web app
// here to do it) and polling as everywhere else.
function Dashboard() {
    const client = React.useMemo(() => createClient({siteUrl: () => dashboardSiteUrl()}), []);
    const changes = React.useMemo(() => createChangeFeed(), []);
    React.useEffect(() => followStatusEvents(webSocketUrl(dashboardSiteUrl()), changes), [changes]);
    return (
        <main className='cd-standalone'>
            <style>{standaloneCss}</style>
            <h1>{'Cluster status'}</h1>
            <Panel
                client={client}
                changes={changes}
            />
        </main>
    );
}

const root = document.getElementById('root');
if (root) {
    ReactDOM.render(<Dashboard/>, root);
}
