// Package upgrade proves that a cluster in the middle of a rolling upgrade —
// some nodes on mattermost-plugin-api v0.0.19's cluster package, some on
// this plugin's — keeps the promises a mixed cluster can keep: a job never
// runs twice within one interval, locks exclude each other as far as
// v0.0.19's own algorithm does, and job records written by v0.0.19 are
// honoured. It holds tests only; see mixed_cluster_test.go for exactly what
// v0.0.19 allows.
package upgrade
