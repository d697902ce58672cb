package main

import (
	"net/http"
)

// The HTTP handlers translate a request into one service call and its result
// into the contract's JSON; they hold no logic of their own.

func handleNodes(s *service, r *http.Request) (int, interface{}, error) {
	nodes, err := s.Nodes()
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, nodes, nil
}
