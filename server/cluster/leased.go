package cluster

// LeasedNames returns, in their order, those of names whose lease key is
// among keys, a listing of the plugin's KV keys (KVList pages). It makes
// no KV call: a status page that lists the keys once can then read with
// InspectLock only the names that may be held, instead of every name it
// knows. A name left out had no lease stored when keys was listed, so
// InspectLock would have shown it free; a name kept may still be free (its
// lease lapsed, or was released: a release leaves a free marker for
// freeMarkerSeconds), which only InspectLock tells.
func LeasedNames(names, keys []string) []string {
	stored := make(map[string]bool, len(keys))
	for _, k := range keys {
		stored[k] = true
	}
	var out []string
	for _, name := range names {
		if stored[lockKey(name)] {
			out = append(out, name)
		}
	}
	return out
}
