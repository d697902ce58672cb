package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"
)

// benchNode calls the plugin's benchmark routes on one node as the admin.
type benchNode struct {
	index  int
	url    string // the node's site URL
	token  string
	client *http.Client
}

func newBenchNode(index int, url, token string) *benchNode {
	// The longest route (the contention run) answers after its duration;
	// ten minutes bounds a hung node without cutting a long run short.
	return &benchNode{index: index, url: url, token: token, client: &http.Client{Timeout: 10 * time.Minute}}
}

// call sends body as JSON to the plugin route path and decodes the answer
// into out (when not nil). A non-2xx answer is an error carrying the
// plugin's message.
func (n *benchNode) call(ctx context.Context, method, path string, body, out any) error {
	var reader io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return err
		}
		reader = bytes.NewReader(raw)
	}
	url := n.url + "/plugins/" + pluginID + path
	req, err := http.NewRequestWithContext(ctx, method, url, reader)
	if err != nil {
		return err
	}
	req.Header.Set(model.HEADER_AUTH, model.HEADER_BEARER+" "+n.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := n.client.Do(req)
	if err != nil {
		return fmt.Errorf("node %d: %s %s: %w", n.index, method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("node %d: %s %s: reading answer: %w", n.index, method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error string `json:"error"`
		}
		msg := strings.TrimSpace(string(raw))
		if json.Unmarshal(raw, &e) == nil && e.Error != "" {
			msg = e.Error
		}
		return fmt.Errorf("node %d: %s %s: %s: %s", n.index, method, path, resp.Status, msg)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("node %d: %s %s: decoding answer: %w", n.index, method, path, err)
	}
	return nil
}

func (n *benchNode) post(ctx context.Context, path string, body, out any) error {
	return n.call(ctx, http.MethodPost, path, body, out)
}

// runtimeInfo is the answer of GET /api/v1/bench/runtime.
type runtimeInfo struct {
	Pid        int    `json:"pid"`
	Goroutines int    `json:"goroutines"`
	Node       string `json:"node"`
	GoVersion  string `json:"go_version"`
}

func (n *benchNode) runtime(ctx context.Context) (runtimeInfo, error) {
	var info runtimeInfo
	err := n.call(ctx, http.MethodGet, "/api/v1/bench/runtime", nil, &info)
	return info, err
}

// timedGet times one GET of path as the admin sees it: request sent to
// answer fully read. A non-200 answer is an error.
func (n *benchNode) timedGet(ctx context.Context, path string) (time.Duration, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, n.url+"/plugins/"+pluginID+path, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set(model.HEADER_AUTH, model.HEADER_BEARER+" "+n.token)
	began := time.Now()
	resp, err := n.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(began)
	if err != nil {
		return 0, nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, nil, fmt.Errorf("node %d: GET %s: %s: %s", n.index, path, resp.Status, strings.TrimSpace(string(raw)))
	}
	return took, raw, nil
}
