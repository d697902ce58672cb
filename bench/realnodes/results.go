package main

import (
	"encoding/json"
	"time"

	"github.com/clusterdemo/clusterdemo/bench/report"
)

// results is everything one run measured; the JSON file is this value.
type results struct {
	Date       time.Time `json:"date"`
	Machine    machine   `json:"machine"`
	Mattermost string    `json:"mattermost"`
	Nodes      int       `json:"nodes"`
	// Commit is the repository's HEAD when the run began; ServerDirty says
	// the plugin's server code had uncommitted changes. The bench bundle
	// must have been built from that tree (make bench-cluster does).
	Commit      string `json:"commit"`
	ServerDirty bool   `json:"server_dirty"`
	// Load is /proc/loadavg (1, 5, 15 min) at the start and at the end: the
	// machine is shared, and its load shows in every latency.
	LoadBefore [3]float64 `json:"load_before"`
	LoadAfter  [3]float64 `json:"load_after"`
	Quick      bool       `json:"quick"`
	Plan       plan       `json:"plan"`
	Duration   string     `json:"duration"`

	KVCost     kvCostResult            `json:"kv_cost"`
	Status     []statusResult          `json:"status"`
	IdleBefore []nodeRuntime           `json:"idle_before"`
	IdleAfter  []nodeRuntime           `json:"idle_after"`
	Impls      map[string]*implResults `json:"implementations"`
	// Order names, per workload, the implementations in the order they ran
	// it (it alternates from one workload to the next).
	Order map[string][]string `json:"order,omitempty"`
	// WholeRun is the PostgreSQL log from the first workload to the last.
	WholeRun pgErrors `json:"whole_run_db"`

	// Retries names each workload that failed, or saw PostgreSQL restart,
	// and was run again; Suspect those that saw a restart even then.
	Retries []string `json:"retries"`
	Suspect []string `json:"suspect"`

	Table []row    `json:"table"`
	Notes []string `json:"notes"`
}

type kvCostResult struct {
	Get report.Summary `json:"kv_get"`
	Set report.Summary `json:"kv_set_atomic"`
}

type implResults struct {
	Uncontended  uncontendedResult `json:"uncontended_lock_unlock"`
	LocalHandoff handoffResult     `json:"same_node_handoff"`
	CrossHandoff handoffResult     `json:"cross_node_handoff"`
	Contention   contentionResult  `json:"contention"`
	Waiting      waitingResult     `json:"waiting"`
	Job          jobResult         `json:"job"`
}

type handoffResult struct {
	report.Summary
	SamplesMS []float64 `json:"samples_ms"`
}

func newHandoffResult(samples []time.Duration) handoffResult {
	res := handoffResult{Summary: report.Summarize(samples)}
	for _, d := range samples {
		res.SamplesMS = append(res.SamplesMS, report.Millis(d))
	}
	return res
}

type uncontendedResult struct {
	Time         report.Summary `json:"time"`
	KVCallsPerOp float64        `json:"kv_calls_per_op"`
	EventsPerOp  float64        `json:"cluster_events_per_op"`
}

type contentionResult struct {
	Seconds             float64        `json:"seconds"`
	WorkersPerNode      int            `json:"workers_per_node"`
	CriticalMS          float64        `json:"critical_section_ms"`
	Acquisitions        int            `json:"acquisitions"`
	PerSecond           float64        `json:"acquisitions_per_second"`
	AcquisitionsPerNode []int          `json:"acquisitions_per_node"`
	SharePerNode        []float64      `json:"share_per_node"`
	Wait                report.Summary `json:"wait"`
	UnfinishedWaits     int            `json:"unfinished_waits"`
	MaxUnfinishedWaitMS float64        `json:"max_unfinished_wait_ms"`
	MaxWaitMS           float64        `json:"max_wait_ms"` // finished or cut short by the end of the run
	Overlaps            int            `json:"overlaps"`
	Errors              int64          `json:"lock_errors"`
	LastError           string         `json:"last_lock_error,omitempty"`
	DBErrors            pgErrors       `json:"db_errors"`
	DBErrorsPer100      float64        `json:"db_errors_per_100_acquisitions"`
	Memory              []nodeRuntime  `json:"peak_runtime"`
}

type waitingResult struct {
	Seconds    float64  `json:"seconds"`
	Goroutines int      `json:"waiting_goroutines"`
	DBErrors   pgErrors `json:"db_errors"`
}

type jobResult struct {
	Seconds                float64        `json:"seconds"`
	IntervalMS             float64        `json:"interval_ms"`
	BodyMS                 float64        `json:"run_ms"`
	Runs                   int            `json:"runs"`
	RunsPerNode            []int          `json:"runs_per_node"`
	DueFrom                string         `json:"due_time"`
	EarlyStarts            int            `json:"early_starts"`
	MissedIntervals        int            `json:"missed_intervals"`
	Overlaps               int            `json:"overlaps"`
	ExactlyOncePerInterval bool           `json:"exactly_once_per_interval"`
	Delay                  report.Summary `json:"delay_after_due"`
	MinDelayMS             float64        `json:"min_delay_ms"`
	Gap                    report.Summary `json:"start_to_start"`
}

type statusResult struct {
	LocksKnown    int            `json:"locks_known"`
	LocksHeld     int            `json:"locks_held"`
	JobsScheduled int            `json:"jobs_scheduled"`
	LocksListed   int            `json:"locks_listed"`
	JobsListed    int            `json:"jobs_listed"`
	ResponseBytes int            `json:"response_bytes"`
	Latency       report.Summary `json:"latency"`
	// FirstMS is the first answer's time, not in Latency: the first request
	// after a quiet spell reads every lock from the store.
	FirstMS float64 `json:"first_ms"`
	// MaxAgeMS is the oldest as_of any answer reported, against its
	// generated_at.
	MaxAgeMS float64 `json:"max_age_ms"`
	// PanelKVCallsPerS is, per node, the KV calls per second its
	// application made while a panel polled node 1 and nothing else ran
	// (absent from runs made before it was measured).
	PanelKVCallsPerS []float64 `json:"panel_kv_calls_per_s,omitempty"`
}

type nodeRuntime struct {
	Node       int     `json:"node"`
	Pid        int     `json:"pid"`
	RSSMiB     float64 `json:"rss_mib"`
	Goroutines int     `json:"goroutines"`
	Samples    int     `json:"samples,omitempty"`
}

// statusAnswer is what the benchmark reads of a status answer.
type statusAnswer struct {
	Locks       []json.RawMessage `json:"locks"`
	Jobs        []json.RawMessage `json:"jobs"`
	GeneratedAt time.Time         `json:"generated_at"`
	AsOf        time.Time         `json:"as_of"`
}

// readStatusAnswer decodes a status answer.
func readStatusAnswer(body []byte) (statusAnswer, error) {
	var s statusAnswer
	err := json.Unmarshal(body, &s)
	return s, err
}
