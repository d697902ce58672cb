import React from 'react';
import ReactDOM from 'react-dom';

import {createClient} from './api/client';
import {dashboardSiteUrl} from './api/siteUrl';
import {Panel} from './ui/Panel';
import {standaloneCss} from './ui/styles';

// The standalone page at /plugins/clusterdemo/dashboard: the same panel with
// its own React. There is no web app websocket here, so it polls.
function Dashboard() {
    const client = React.useMemo(() => createClient({siteUrl: () => dashboardSiteUrl()}), []);
    return (
        <main className='cd-standalone'>
            <style>{standaloneCss}</style>
            <h1>{'Cluster status'}</h1>
            <Panel client={client}/>
        </main>
    );
}

const root = document.getElementById('root');
if (root) {
    ReactDOM.render(<Dashboard/>, root);
}
