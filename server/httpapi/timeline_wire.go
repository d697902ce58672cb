package httpapi

import "github.com/clusterdemo/clusterdemo/server/app"

// The timeline's wire shape, as the web app's ServerTimeline reads it. Runs
// stay empty: the panel draws them from the job histories it fetches.
type timelineJSON struct {
	From       *string         `json:"from"`
	To         *string         `json:"to"`
	Holds      []holdJSON      `json:"holds"`
	Runs       []struct{}      `json:"runs"`
	NodeEvents []nodeEventJSON `json:"node_events"`
}

type holdJSON struct {
	Lock         string  `json:"lock"`
	Node         string  `json:"node"`
	NodeName     string  `json:"node_name"`
	From         *string `json:"from"`
	To           *string `json:"to"`
	FencingToken uint64  `json:"fencing_token"`
	EndedBy      *string `json:"ended_by"`
}

type nodeEventJSON struct {
	Node string  `json:"node"`
	Name string  `json:"name"`
	At   *string `json:"at"`
	Kind string  `json:"kind"`
}

func timelineJSONFrom(t app.Timeline) timelineJSON {
	out := timelineJSON{
		From:       wireTime(t.From),
		To:         wireTime(t.To),
		Holds:      make([]holdJSON, 0, len(t.Holds)),
		Runs:       []struct{}{},
		NodeEvents: make([]nodeEventJSON, 0, len(t.NodeEvents)),
	}
	for _, h := range t.Holds {
		out.Holds = append(out.Holds, holdJSON{
			Lock: h.Lock, Node: h.HolderID, NodeName: h.HolderName,
			From: wireTime(h.From), To: wireTime(h.To),
			FencingToken: h.FencingToken, EndedBy: wireString(string(h.EndedBy)),
		})
	}
	for _, e := range t.NodeEvents {
		out.NodeEvents = append(out.NodeEvents, nodeEventJSON{Node: e.NodeID, Name: e.Name, At: wireTime(e.At), Kind: string(e.Kind)})
	}
	return out
}
