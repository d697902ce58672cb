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

// publishStatusChanged tells open panels that something changed. The payload
// is only the kind of change and the name: holders and nodes stay behind the
// admin-only API, which the panel refetches. The broadcast is marked
// sensitive so only system admins' sessions receive even that.
func publishStatusChanged(pub webSocketPublisher, kind, name string) {
	pub.PublishWebSocketEvent(statusChangedEvent, map[string]interface{}{
		"kind": kind,
		"name": name,
	}, &model.WebsocketBroadcast{ContainsSensitiveData: true})
}
