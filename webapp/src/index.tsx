import {id as pluginId} from './manifest';
import {ClusterDemoPlugin} from './plugin';

window.registerPlugin(pluginId, new ClusterDemoPlugin());
