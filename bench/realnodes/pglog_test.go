package main

import "testing"

// A log excerpt as Debian's PostgreSQL 15 writes it: two databases, an ERROR
// with its DETAIL and STATEMENT lines, an unrelated error, and a restart.
const logExcerpt = `2026-11-27 18:22:55.741 UTC [19412] clusterdemo@clusterdemo_bench ERROR:  duplicate key value violates unique constraint "pluginkeyvaluestore_pkey"
2026-11-27 18:22:55.741 UTC [19412] clusterdemo@clusterdemo_bench DETAIL:  Key (pluginid, pkey)=(clusterdemo, mutex_bc-c-comp-x) already exists.
2026-11-27 18:22:55.741 UTC [19412] clusterdemo@clusterdemo_bench STATEMENT:  INSERT INTO PluginKeyValueStore (PluginId, PKey, PValue, ExpireAt) VALUES($1, $2, $3, $4)
2026-11-27 18:22:55.801 UTC [19413] clusterdemo@clusterdemo_demo ERROR:  duplicate key value violates unique constraint "pluginkeyvaluestore_pkey"
2026-11-27 18:22:55.801 UTC [19413] clusterdemo@clusterdemo_demo DETAIL:  Key (pluginid, pkey)=(clusterdemo, mutex_other) already exists.
2026-11-27 18:22:56.100 UTC [19420] clusterdemo@clusterdemo_bench ERROR:  relation "nope" does not exist
2026-11-27 18:22:56.100 UTC [19420] clusterdemo@clusterdemo_bench DETAIL:  Key (pluginid, pkey)=(clusterdemo, not_counted) already exists.
2026-11-27 18:22:57.000 UTC [100] LOG:  database system is ready to accept connections
2026-11-27 18:22:57.500 UTC [19414] clusterdemo@clusterdemo_bench ERROR:  duplicate key value violates unique constraint "pluginkeyvaluestore_pkey"
2026-11-27 18:22:57.500 UTC [19415] clusterdemo@clusterdemo_bench ERROR:  duplicate key value violates unique constraint "pluginkeyvaluestore_pkey"
2026-11-27 18:22:57.500 UTC [19415] clusterdemo@clusterdemo_bench DETAIL:  Key (pluginid, pkey)=(clusterdemo, mutex_bc-c-clus-x) already exists.
2026-11-27 18:22:57.501 UTC [19414] clusterdemo@clusterdemo_bench DETAIL:  Key (pluginid, pkey)=(clusterdemo, mutex_bc-c-comp-x) already exists.
`

func TestCountDuplicateKeys(t *testing.T) {
	got := countDuplicateKeys([]byte(logExcerpt), "clusterdemo_bench")
	if got.Lines != 3 {
		t.Errorf("lines = %d, want 3 (only this database's duplicate-key errors)", got.Lines)
	}
	want := map[string]int{"mutex_bc-c-comp-x": 2, "mutex_bc-c-clus-x": 1}
	if len(got.ByKey) != len(want) {
		t.Errorf("by key = %v, want %v", got.ByKey, want)
	}
	for k, n := range want {
		if got.ByKey[k] != n {
			t.Errorf("by key[%s] = %d, want %d (all: %v)", k, got.ByKey[k], n, got.ByKey)
		}
	}
	if got.Restarts != 1 {
		t.Errorf("restarts = %d, want 1", got.Restarts)
	}
}

func TestCountDuplicateKeysOtherDatabase(t *testing.T) {
	if got := countDuplicateKeys([]byte(logExcerpt), "clusterdemo_bench2"); got.Lines != 0 {
		t.Errorf("a database whose name extends ours counted %d lines", got.Lines)
	}
}
