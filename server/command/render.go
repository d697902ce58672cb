package command

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/clusterdemo/clusterdemo/server/app"
)

// Markdown rendering of the command's replies and of the digest post. Every
// table names nodes by name: the node that answered, each lock's holder,
// each job's last node.

// timeLayout is the HTTP API's: RFC 3339 UTC with milliseconds, so a time
// reads the same in a reply as in the panel's answers.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

func answeredBy(node string) string {
	return fmt.Sprintf("Answered by node **%s**.\n\n", node)
}

// timeText is t as the API writes it; "" for the zero time.
func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

// cellOrDash is a table cell for s, or a dash for nothing.
func cellOrDash(s string) string {
	if s == "" {
		return "–"
	}
	return markdownCell(s)
}

func timeCell(t time.Time) string { return cellOrDash(timeText(t)) }

// markdownCell keeps a value from breaking out of its table cell.
func markdownCell(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	s = strings.ReplaceAll(s, "\n", " ")
	return "`" + strings.ReplaceAll(s, "`", "'") + "`"
}

func renderStatus(st app.Status, siteURL string) string {
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
	return fmt.Sprintf("\n[Open the dashboard](%s/plugins/%s/dashboard)\n", strings.TrimSuffix(siteURL, "/"), app.Manifest.Id)
}

func nodeState(n app.Node) string {
	if n.Alive {
		return "alive"
	}
	return "gone"
}

func renderNodes(nodes []app.Node) string {
	if len(nodes) == 0 {
		return "No nodes registered.\n"
	}
	var b strings.Builder
	b.WriteString("| Node | State | Started | Last seen | Version |\n|:--|:--|:--|:--|:--|\n")
	for _, n := range nodes {
		name := markdownCell(n.Name)
		if n.Self {
			name += " (this node)"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", name, nodeState(n), timeCell(n.StartedAt), timeCell(n.LastSeenAt), markdownCell(n.Version))
	}
	return b.String()
}

func renderLocks(locks []app.Lock) string {
	if len(locks) == 0 {
		return "No locks known.\n"
	}
	var b strings.Builder
	b.WriteString("| Lock | Kind | Holder node | Since | Expires | Fencing token |\n|:--|:--|:--|:--|:--|--:|\n")
	for _, l := range locks {
		holder, token := "free", "–"
		if l.Held {
			holder = cellOrDash(l.HolderName)
			token = fmt.Sprint(l.FencingToken)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", markdownCell(l.Name), l.Kind, holder, timeCell(l.AcquiredAt), timeCell(l.ExpiresAt), token)
	}
	return b.String()
}

func renderJobs(jobs []app.Job) string {
	var b strings.Builder
	b.WriteString("| Job | Every | Running on | Last node | Last run | Outcome | Runs | Next run |\n|:--|--:|:--|:--|:--|:--|--:|:--|\n")
	for _, j := range jobs {
		outcome := "–"
		if !j.LastFinishedAt.IsZero() {
			outcome = "ok"
			if j.LastError != "" {
				outcome = "error: " + markdownCell(j.LastError)
			}
		}
		running := "–"
		if j.Running {
			running = cellOrDash(j.RunningOn)
		}
		fmt.Fprintf(&b, "| %s | %d s | %s | %s | %s | %s | %d | %s |\n",
			markdownCell(j.Name), j.Interval.Milliseconds()/1000, running, cellOrDash(j.LastNode), timeCell(j.LastStartedAt), outcome, j.Runs, timeCell(j.NextRunAt))
	}
	return b.String()
}

// millis is d in milliseconds to the microsecond, as the API gives it.
func millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func renderStress(st *app.StressStatus) string {
	var b strings.Builder
	state := "finished"
	if st.Running {
		state = "running"
	}
	fmt.Fprintf(&b, "%d s run started by %s at %s, %s. Overlaps: %d. Store errors: %d.\n",
		st.Seconds, markdownCell(st.StartedBy), timeCell(st.StartedAt), state, st.Overlaps, st.Errors)
	if st.Handoffs > 0 {
		fmt.Fprintf(&b, "Handoff p50 %.2f ms, p99 %.2f ms.\n", millis(st.HandoffP50), millis(st.HandoffP99))
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
func describeLock(l app.Lock) string {
	if !l.Held {
		return "it is free."
	}
	return fmt.Sprintf("held by node **%s** until %s.", l.HolderName, timeText(l.ExpiresAt))
}

// DigestMessage is the Markdown the digest job posts.
func DigestMessage(d app.Digest) string {
	var b strings.Builder
	fmt.Fprintf(&b, "#### Cluster digest\n%s.\n\n", d.Summary)
	b.WriteString("| Node | State |\n|:--|:--|\n")
	for _, n := range d.Nodes {
		fmt.Fprintf(&b, "| %s | %s |\n", markdownCell(n.Name), nodeState(n))
	}
	if len(d.Held) > 0 {
		b.WriteString("\n| Lock | Holder |\n|:--|:--|\n")
		for _, l := range d.Held {
			fmt.Fprintf(&b, "| %s | %s |\n", markdownCell(l.Name), markdownCell(l.HolderName))
		}
	}
	return b.String()
}
