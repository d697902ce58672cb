//go:build e2e

package e2e

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"
)

// eventWatcher follows one node's websocket as the admin and records the
// plugin's status_changed events. The plugin publishes a job event from the
// node whose instance starts or finishes a run, and Team Edition nodes do
// not relay websocket events to each other, so which node's socket carried a
// job's event is independent evidence of which node ran it.
type eventWatcher struct {
	node   int
	client *model.WebSocketClient
	done   chan struct{}

	mu     sync.Mutex
	events []pluginEvent
}

type pluginEvent struct {
	at         time.Time
	kind, name string
	keys       []string // every key of the payload
}

const statusChangedEvent = "custom_" + pluginID + "_status_changed"

// watchNodes connects a watcher to every node; they close when t ends.
func watchNodes(t *testing.T) []*eventWatcher {
	t.Helper()
	watchers := make([]*eventWatcher, 0, len(suite.active))
	for _, n := range suite.active {
		url := strings.Replace(n.URL, "http://", "ws://", 1)
		client, appErr := model.NewWebSocketClient4(url, suite.cluster.AdminToken)
		if appErr != nil {
			t.Fatalf("node %d: websocket: %s", n.Index, appErr.Error())
		}
		w := &eventWatcher{node: n.Index, client: client, done: make(chan struct{})}
		client.Listen()
		go w.record()
		watchers = append(watchers, w)
	}
	t.Cleanup(func() {
		for _, w := range watchers {
			w.client.Close()
			<-w.done
		}
	})
	return watchers
}

func (w *eventWatcher) record() {
	defer close(w.done)
	for {
		select {
		case ev, ok := <-w.client.EventChannel:
			if !ok {
				return
			}
			if ev.EventType() != statusChangedEvent {
				continue
			}
			data := ev.GetData()
			keys := make([]string, 0, len(data))
			for k := range data {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			w.mu.Lock()
			w.events = append(w.events, pluginEvent{at: time.Now(), kind: fmt.Sprint(data["kind"]), name: fmt.Sprint(data["name"]), keys: keys})
			w.mu.Unlock()
		case <-w.client.ResponseChannel:
		case <-w.client.PingTimeoutChannel:
		}
	}
}

// saw reports whether the node published an event of kind about name
// between from and to.
func (w *eventWatcher) saw(kind, name string, from, to time.Time) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, ev := range w.events {
		if ev.kind == kind && ev.name == name && !ev.at.Before(from) && !ev.at.After(to) {
			return true
		}
	}
	return false
}

// oversharing returns the events whose payload holds more than the kind of
// change and the name: holders and nodes stay behind the admin-only API.
func (w *eventWatcher) oversharing() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, ev := range w.events {
		if strings.Join(ev.keys, ",") != "kind,name" {
			out = append(out, fmt.Sprintf("%s %s: keys %v", ev.kind, ev.name, ev.keys))
		}
	}
	return out
}

// count is the number of events recorded so far.
func (w *eventWatcher) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.events)
}
