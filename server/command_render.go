package main

import (
	"fmt"
	"sort"
	"strings"
)

// Markdown rendering of the command's replies. Every table names nodes by
// name: the node that answered, each lock's holder, each job's last node.

func answeredBy(node string) string {
	return fmt.Sprintf("Answered by node **%s**.\n\n", node)
}

func orDash(s *string) string {
	if s == nil || *s == "" {
		return "–"
	}
	return markdownCell(*s)
}

func renderStatus(st statusJSON, siteURL string) string {
	var b strings.Builder
	b.WriteString(answeredBy(st.Node.Name))
	b.WriteString("##### Nodes\n" + renderNodes(st.Nodes))
	b.WriteString("\n##### Locks\n" + renderLocks(st.Locks))
	b.WriteString("\n##### Jobs\n" + renderJobs(st.Jobs))
	if st.Stress != nil {
		b.WriteString("\n##### Stress demo\n" + renderStress(st.Stress))
	}
	b.WriteString(dashboardLink(siteURL))
	return b.String()
}

// dashboardLink is the footer of every table reply; empty without a site URL.
func dashboardLink(siteURL string) string {
	if siteURL == "" {
		return ""
	}
	return fmt.Sprintf("\n[Open the dashboard](%s/plugins/%s/dashboard)\n", strings.TrimSuffix(siteURL, "/"), manifest.Id)
}

func renderNodes(nodes []nodeJSON) string {
	if len(nodes) == 0 {
		return "No nodes registered.\n"
	}
	var b strings.Builder
	b.WriteString("| Node | State | Started | Last seen | Version |\n|:--|:--|:--|:--|:--|\n")
	for _, n := range nodes {
		state := "alive"
		if !n.Alive {
			state = "gone"
		}
		name := markdownCell(n.Name)
		if n.Self {
			name += " (this node)"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", name, state, orDash(n.StartedAt), orDash(n.LastSeenAt), markdownCell(n.Version))
	}
	return b.String()
}

func renderLocks(locks []lockJSON) string {
	if len(locks) == 0 {
		return "No locks known.\n"
	}
	var b strings.Builder
	b.WriteString("| Lock | Kind | Holder node | Since | Expires | Fencing token |\n|:--|:--|:--|:--|:--|--:|\n")
	for _, l := range locks {
		holder := "free"
		if l.Held {
			holder = orDash(l.HolderName)
		}
		token := "–"
		if l.FencingToken != nil {
			token = fmt.Sprint(*l.FencingToken)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", markdownCell(l.Name), l.Kind, holder, orDash(l.AcquiredAt), orDash(l.ExpiresAt), token)
	}
	return b.String()
}

func renderJobs(jobs []jobJSON) string {
	var b strings.Builder
	b.WriteString("| Job | Every | Running on | Last node | Last run | Outcome | Runs | Next run |\n|:--|--:|:--|:--|:--|:--|--:|:--|\n")
	for _, j := range jobs {
		outcome := "–"
		if j.LastFinishedAt != nil {
			outcome = "ok"
			if j.LastError != nil {
				outcome = "error: " + markdownCell(*j.LastError)
			}
		}
		running := "–"
		if j.Running {
			running = orDash(j.RunningOn)
		}
		fmt.Fprintf(&b, "| %s | %d s | %s | %s | %s | %s | %d | %s |\n",
			markdownCell(j.Name), j.IntervalMS/1000, running, orDash(j.LastNode), orDash(j.LastStartedAt), outcome, j.Runs, orDash(j.NextRunAt))
	}
	return b.String()
}

func renderStress(st *stressJSON) string {
	var b strings.Builder
	state := "finished"
	if st.Running {
		state = "running"
	}
	fmt.Fprintf(&b, "%d s run started by %s at %s, %s. Overlaps: %d. Store errors: %d.\n",
		st.Seconds, markdownCell(st.StartedBy), orDash(st.StartedAt), state, st.Overlaps, st.Errors)
	if st.HandoffP50MS != nil && st.HandoffP99MS != nil {
		fmt.Fprintf(&b, "Handoff p50 %.2f ms, p99 %.2f ms.\n", *st.HandoffP50MS, *st.HandoffP99MS)
	}
	if len(st.Acquisitions) > 0 {
		b.WriteString("\n| Node | Acquisitions |\n|:--|--:|\n")
		names := make([]string, 0, len(st.Acquisitions))
		for n := range st.Acquisitions {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(&b, "| %s | %d |\n", markdownCell(n), st.Acquisitions[n])
		}
	}
	return b.String()
}

// describeLock says who holds a lock, for refusals.
func describeLock(l lockJSON) string {
	if !l.Held {
		return "it is free."
	}
	return fmt.Sprintf("held by node **%s** until %s.", deref(l.HolderName), deref(l.ExpiresAt))
}
