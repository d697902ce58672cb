package app

import (
	"github.com/mattermost/mattermost-server/v5/model"
)

// statusChangedEvent reaches the web app as custom_clusterdemo_status_changed.
const statusChangedEvent = "status_changed"

// Kinds of change named in a status_changed event.
const (
	changeLock   = "lock"
	changeJob    = "job"
	changeNode   = "node"
	changeStress = "stress"
)

// webSocketPublisher sends websocket events to the browsers (the cluster
// package's publisher sends plugin cluster events to the other nodes).
type webSocketPublisher interface {
	PublishWebSocketEvent(event string, payload map[string]interface{}, broadcast *model.WebsocketBroadcast)
}

// publishStatusChanged tells open panels that something of kind changed;
// the panel refetches through the admin-only API. The payload is only the
// kind, never a lock, job, run or node name: the broadcast is marked
// sensitive, so on this node only system admins' sessions receive it, but
// Mattermost 5.39 does not serialise that flag when it relays the event to
// the other nodes of a cluster, where every user's websocket receives it.
func publishStatusChanged(pub webSocketPublisher, kind string) {
	pub.PublishWebSocketEvent(statusChangedEvent, map[string]interface{}{
		"kind": kind,
	}, &model.WebsocketBroadcast{ContainsSensitiveData: true})
}
