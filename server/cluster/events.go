package cluster

import (
	"encoding/json"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"
)

// eventID is the PluginClusterEvent.Id of this package's events.
const eventID = "cluster_lock_v1"

// Event kinds.
const (
	eventWaiting  = "waiting"  // sender waits for the lock
	eventReleased = "released" // the lock was released; To should take it
	eventHolding  = "holding"  // reply to "waiting": the sender holds it and will announce the release
	// eventNotWaiting: the sender stopped waiting without the lock (its
	// callers gave up), so the holder must not keep giving way to it.
	eventNotWaiting = "not_waiting"
)

// lockEvent is the payload of this package's cluster events. It is small
// and carries no secret: only lock names and node ids.
type lockEvent struct {
	Kind  string `json:"k"`
	Name  string `json:"n"`
	From  string `json:"from"`
	To    string `json:"to,omitempty"`
	Fence uint64 `json:"f,omitempty"`
	// Free is the free marker the release stored, if any: the woken
	// instance replaces it without looking.
	Free []byte `json:"free,omitempty"`
}

// HandleClusterEvent must be called from the plugin's OnPluginClusterEvent
// hook (Mattermost 5.36 and later) with the same pluginAPI value the plugin
// gives NewMutex and Schedule. It reports whether the event was this
// package's; other events are left to the plugin. Once events arrive, a
// release wakes waiting instances at once and they poll the store only
// rarely.
func HandleClusterEvent(pluginAPI MutexPluginAPI, event model.PluginClusterEvent) bool {
	if event.Id != eventID {
		return false
	}
	in := instanceFor(pluginAPI)
	in.eventsSeen.Store(true)
	var ev lockEvent
	if err := json.Unmarshal(event.Data, &ev); err != nil || ev.Name == "" {
		pluginAPI.LogError("cluster: ignoring malformed cluster event", "data", string(event.Data))
		return true
	}
	q := in.existingQueue(ev.Name)
	if q == nil {
		return true // this instance never used that lock
	}
	switch ev.Kind {
	case eventWaiting:
		q.onRemoteWaiting(ev.From)
	case eventReleased:
		q.onRemoteRelease(ev)
	case eventNotWaiting:
		q.mu.Lock()
		delete(q.view.remoteWaiters, ev.From)
		q.mu.Unlock()
	}
	return true
}

func (q *queue) onRemoteWaiting(node string) {
	if node == "" {
		return
	}
	now := time.Now()
	q.mu.Lock()
	q.view.noteRemoteWaiter(node, now, now.Add(3*tuning().announceEvery))
	// It may have looked just before we released, and missed the release:
	// tell it again rather than let it sleep until its next poll.
	tellFree := q.held == nil && !q.acquiring && now.Sub(q.view.lastRelease) < 3*tuning().announceEvery
	holding := q.held != nil
	fence, free := q.view.fence, q.view.freeLocked(now)
	q.mu.Unlock()
	switch {
	case tellFree:
		q.publish(lockEvent{Kind: eventReleased, To: node, Fence: fence, Free: free})
	case holding:
		// The reply proves to the waiter that events reach it, so it can
		// stop polling often; the release will be announced.
		q.publish(lockEvent{Kind: eventHolding, To: node})
	}
}

func (q *queue) onRemoteRelease(ev lockEvent) {
	me := q.inst.nodeNow().ID
	q.mu.Lock()
	q.view.learnFence(ev.Fence)
	if ev.To == "" || ev.To == me {
		if ev.Free != nil {
			q.view.noteFree(ev.Free, time.Now())
		} else {
			q.view.optimistic = true
		}
		q.view.yieldUntil = time.Time{}
	} else {
		// Another instance was chosen; look again once it had its chance.
		q.view.yieldUntil = time.Now().Add(tuning().yieldWithEvents)
	}
	q.mu.Unlock()
	q.nudge()
}

// announceRelease tells the waiting instances the lock is free and which of
// them should take it (the longest waiting), so they do not all race for it.
func (q *queue) announceRelease(fence uint64, free []byte, designated string) {
	q.publish(lockEvent{Kind: eventReleased, To: designated, Fence: fence, Free: free})
}

// announceWaiting lets the holder know this instance waits: by a cluster
// event where the API can publish, and by the waiting marker key where
// events are not known to arrive. Both are repeated while waiting.
func (q *queue) announceWaiting(holderNonce string, now time.Time) {
	q.mu.Lock()
	sendEvent := q.inst.pub != nil && (holderNonce != q.view.holderNonce || now.Sub(q.view.lastAnnounce) >= tuning().announceEvery)
	if sendEvent {
		q.view.holderNonce, q.view.lastAnnounce = holderNonce, now
		q.view.announced = true
	}
	// Once per holder: a waiter that wrote the marker and then acquired
	// deletes it, so a later waiter must write it again for the next holder.
	writeMarker := !q.inst.eventsSeen.Load() && holderNonce != q.view.markerFor
	if writeMarker {
		q.view.markerFor = holderNonce
	}
	q.mu.Unlock()

	if sendEvent {
		q.publish(lockEvent{Kind: eventWaiting})
	}
	if writeMarker {
		// An upsert, never a failing insert.
		_ = q.inst.kv.set(q.wkey, []byte(q.inst.nodeNow().ID), tuning().markerTTLSeconds)
	}
}

func (q *queue) publish(ev lockEvent) {
	if q.inst.pub == nil {
		return
	}
	ev.Name = q.name
	ev.From = q.inst.nodeNow().ID
	data, err := json.Marshal(ev)
	if err != nil {
		return // a struct of strings and an integer always marshals
	}
	if err := q.inst.pub.PublishPluginClusterEvent(model.PluginClusterEvent{Id: eventID, Data: data},
		model.PluginClusterEventSendOptions{SendType: model.PluginClusterEventSendTypeReliable}); err != nil {
		q.inst.api.LogError("cluster: failed to publish cluster event", "lock", q.name, "err", err.Error())
	}
}

// checkMarkerLocked reads the waiting marker in the background, at most
// every markerCheckEvery, while this instance holds the lock and events are
// not known to arrive. Called with q.mu held.
func (q *queue) checkMarkerLocked(now time.Time) {
	if q.inst.eventsSeen.Load() || !q.inst.kv.canRead() || q.view.markerReading || now.Sub(q.view.markerChecked) < tuning().markerCheckEvery {
		return
	}
	q.view.markerReading = true
	q.view.markerChecked = now
	go func() {
		v, err := q.inst.kv.read(q.wkey)
		me := q.inst.nodeNow().ID
		q.mu.Lock()
		defer q.mu.Unlock()
		q.view.markerReading = false
		if err == nil && v != nil && string(v) != me {
			t := time.Now()
			q.view.noteRemoteWaiter(string(v), t, t.Add(3*tuning().markerCheckEvery))
		}
	}()
}

// clearWaitingMarker removes this instance's waiting marker once it got the
// lock, so the next holder does not give way to a waiter that is gone. It is
// a compare-and-delete: another waiter's marker stays.
func (q *queue) clearWaitingMarker() {
	_, _ = q.inst.kv.cad(q.wkey, []byte(q.inst.nodeNow().ID))
}
