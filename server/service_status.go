package main

// The whole picture: nodes, and the status answer that gathers nodes,
// locks, jobs and the stress demo; and starting the stress demo.

// Self returns this node as the API shows it.
func (s *service) Self() nodeJSON {
	return s.nodes.JSON(s.nodes.Self(), s.now())
}

// Nodes returns every registered node.
func (s *service) Nodes() ([]nodeJSON, error) {
	records, err := s.nodes.List()
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

// Status is everything the panel shows, in one answer.
func (s *service) Status() (statusJSON, error) {
	nodes, err := s.Nodes()
	if err != nil {
		return statusJSON{}, err
	}
	locks, err := s.Locks()
	if err != nil {
		return statusJSON{}, err
	}
	jobs, err := s.Jobs()
	if err != nil {
		return statusJSON{}, err
	}
	stress, err := s.stress.Status()
	if err != nil {
		return statusJSON{}, err
	}
	return statusJSON{
		Node:        s.Self(),
		Nodes:       nodes,
		Locks:       locks,
		Jobs:        jobs,
		Stress:      stress,
		GeneratedAt: wireTime(s.now()),
	}, nil
}
