import React from 'react';

import type {PluginSettings, RefusedSetting, SettingValue} from '../api/types';
import {settingName, settingOrder} from '../settingsSchema';

import {Ago} from './Time';

function shown(value: SettingValue): string {
    if (value === null || value === '') {
        return '(empty)';
    }
    if (typeof value === 'boolean') {
        return value ? 'true' : 'false';
    }
    return String(value);
}

// A refused save, said at the top of the panel: the System Console shows the
// refused value as saved (5.39 keeps it), so the admin must learn it here.
export function RefusedNotice({refused, now}: {refused: RefusedSetting; now: number}) {
    return (
        <div className='cd-banner cd-refused'>
            <p>
                {'The last saved settings were refused'}
                {refused.at !== null && (
                    <>
                        {' ('}
                        <Ago at={refused.at} now={now}/>
                        {')'}
                    </>
                )}
                {`: ${settingName(refused.key)} cannot be "${refused.value}". ${refused.reason} `}
                {'The plugin keeps running with the settings listed under "Settings in use", whatever the System Console shows.'}
            </p>
        </div>
    );
}

// The settings the answering node's plugin actually runs with, which may
// differ from what the System Console shows.
export function SettingsSection({settings}: {settings: PluginSettings}) {
    const running = [...settings.running].sort((a, b) => settingOrder(a.key) - settingOrder(b.key));
    return (
        <section className='cd-section' aria-labelledby='cd-settings-title'>
            <h3 id='cd-settings-title'>{'Settings in use'}</h3>
            {running.length === 0 ? (
                <p className='cd-muted'>{'The server did not say which settings it runs with.'}</p>
            ) : (
                <table
                    className='cd-table cd-compact'
                    aria-labelledby='cd-settings-title'
                >
                    <thead>
                        <tr>
                            <th scope='col'>{'Setting'}</th>
                            <th scope='col'>{'Running value'}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {running.map(({key, value}) => (
                            <tr key={key}>
                                <th scope='row'>{settingName(key)}</th>
                                <td><code>{shown(value)}</code></td>
                            </tr>
                        ))}
                    </tbody>
                </table>
            )}
        </section>
    );
}
