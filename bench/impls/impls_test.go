package impls

import "testing"

// Neither implementation always goes first: the order alternates, and each
// round has both.
func TestInOrderAlternates(t *testing.T) {
	for round := 0; round < 4; round++ {
		order := InOrder(round)
		if len(order) != 2 || order[0].Name == order[1].Name {
			t.Fatalf("round %d: %v", round, []string{order[0].Name, order[1].Name})
		}
		if next := InOrder(round + 1); next[0].Name == order[0].Name {
			t.Errorf("rounds %d and %d both start with %s", round, round+1, order[0].Name)
		}
	}
}
