import {id as pluginId} from '../manifest';

// The server publishes "status_changed" (payload: the kind of change and a
// name, never holders); the web app prefixes plugin events with custom_<id>_.
export const statusChangedEvent = `custom_${pluginId}_status_changed`;
