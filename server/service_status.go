package main

// The whole picture: nodes, and the status answer that gathers nodes,
// locks, jobs and the stress demo; and starting the stress demo.

// Self returns this node as the API shows it.
func (s *service) Self() nodeJSON {
	return s.nodes.JSON(s.nodes.Self(), s.now())
}

// Nodes returns every registered node.
func (s *service) Nodes() ([]nodeJSON, error) {
	return s.nodeList(newKVReads(s.api))
}

// nodeList is Nodes through a request's reads.
func (s *service) nodeList(reads *kvReads) ([]nodeJSON, error) {
	records, err := s.nodes.list(reads)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]nodeJSON, 0, len(records))
	for _, n := range records {
		out = append(out, s.nodes.JSON(n, now))
	}
	return out, nil
}

// StartStress begins a stress run of seconds across the cluster.
func (s *service) StartStress(seconds int) (*stressJSON, error) {
	if _, err := s.stress.Begin(seconds); err != nil {
		return nil, err
	}
	return s.stress.Status()
}

// Status is everything the panel shows, in one answer. Its parts are read
// at once, through one kvReads: each part's items are read in parallel,
// the keys are listed once for all parts, and the whole request keeps at
// most statusReadParallelism calls in flight. The error is that of the
// first failed part in the order nodes, locks, jobs, stress.
func (s *service) Status() (statusJSON, error) {
	reads := newKVReads(s.api)
	var out statusJSON
	err := allOf(
		func() (err error) { out.Nodes, err = s.nodeList(reads); return err },
		func() (err error) { out.Locks, err = s.lockList(reads); return err },
		func() (err error) { out.Jobs, err = s.jobList(reads); return err },
		func() (err error) { out.Stress, err = s.stress.status(reads); return err },
	)
	if err != nil {
		return statusJSON{}, err
	}
	out.Node = s.Self()
	out.GeneratedAt = wireTime(s.now())
	return out, nil
}
