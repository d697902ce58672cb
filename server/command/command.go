// Package command is the /clusterdemo slash command: the spec table that
// drives parsing, autocomplete and help, and the replies, the only place
// the application's values become Markdown.
package command

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/server/app"
)

// The command does what the HTTP API does, as ephemeral Markdown replies.
const (
	// Trigger is the command's name.
	Trigger = "clusterdemo"
	// Usage is the one-line summary every refusal ends with.
	Usage = "Usage: `/clusterdemo status | nodes | locks | jobs | lock <name> [hold-seconds] | unlock <name> | run <job> | stress [seconds] | remind <seconds> <text> | reminders | help`"
)

// command is one parsed invocation.
type command struct {
	sub     string // status, nodes, locks, jobs, lock, unlock, run, stress, help
	name    string // lock or job name
	seconds int    // hold seconds for lock, run seconds for stress, delay for remind
	text    string // the reminder's text
}

// commandSpec describes a subcommand: its arguments, for parsing and for
// autocomplete alike.
type commandSpec struct {
	sub      string
	args     string // the usage of its arguments
	help     string
	admin    bool // needs app.CanRead
	write    bool // changes demo state: needs app.CanWrite
	nameArg  bool // takes a required <name>
	secsArg  bool // takes an optional [seconds]
	secsMin  int
	secsMax  int
	secsDef  int
	secsName string
	remind   bool // takes <seconds> <text>, the text being the rest of the line
}

var commandSpecs = []commandSpec{
	{sub: "status", help: "Nodes, locks, jobs and the stress result, as seen by the node that answers", admin: true},
	{sub: "nodes", help: "The nodes of the cluster and whether each is alive", admin: true},
	{sub: "locks", help: "Every lock, its kind and the node holding it", admin: true},
	{sub: "jobs", help: "Every demo job, the node that last ran it and its next run", admin: true},
	{sub: "lock", args: "<name> [hold-seconds]", help: "Take a demo lock on the answering node, released after hold-seconds (default 60)", admin: true, write: true,
		nameArg: true, secsArg: true, secsMin: app.MinHoldSeconds, secsMax: app.MaxHoldSeconds, secsDef: app.DefaultHoldSeconds, secsName: "hold-seconds"},
	{sub: "unlock", args: "<name>", help: "Release a demo lock the answering node holds", admin: true, write: true, nameArg: true},
	{sub: "run", args: "<job>", help: "Run a job now, on whichever node wins its lock", admin: true, write: true, nameArg: true},
	{sub: "stress", args: "[seconds]", help: "Every node contends for one lock for a while (default 10 s, at most 60 s)", admin: true, write: true,
		secsArg: true, secsMin: app.MinStressSeconds, secsMax: app.MaxStressSeconds, secsDef: app.DefaultStressSeconds, secsName: "seconds"},
	{sub: "remind", args: remindArgs, help: "The bot posts text in this channel after seconds, once, from whichever node is up then", admin: true, write: true, remind: true},
	{sub: "reminders", help: "Pending reminders and the node that ran each finished one", admin: true},
	{sub: "help", help: "Show what the command can do"},
}

func findSpec(sub string) (commandSpec, bool) {
	for _, spec := range commandSpecs {
		if spec.sub == sub {
			return spec, true
		}
	}
	return commandSpec{}, false
}

// errUsage is wrapped by every parse error; its message names the problem.
var errUsage = errors.New("usage")

func usageError(format string, args ...interface{}) error {
	return fmt.Errorf("%w: "+format, append([]interface{}{errUsage}, args...)...)
}

// parseCommand parses the text of a /clusterdemo invocation. The trigger
// itself is optional; no subcommand means help.
func parseCommand(text string) (command, error) {
	fields := strings.Fields(text)
	if len(fields) > 0 && strings.EqualFold(fields[0], "/"+Trigger) {
		fields = fields[1:]
	}
	if len(fields) == 0 {
		return command{sub: "help"}, nil
	}
	sub := strings.ToLower(fields[0])
	args := fields[1:]
	spec, ok := findSpec(sub)
	if !ok {
		return command{}, usageError("unknown subcommand %q", fields[0])
	}
	if spec.remind {
		return parseRemind(text)
	}
	cmd := command{sub: sub}
	maxArgs := 0
	if spec.nameArg {
		maxArgs++
		if len(args) == 0 {
			return command{}, usageError("`%s` needs %s", sub, spec.args)
		}
		cmd.name = args[0]
		if sub == "run" {
			if !app.IsDemoJob(cmd.name) {
				return command{}, usageError("unknown job %q; the jobs are %s", cmd.name, strings.Join(app.DemoJobNames, ", "))
			}
		} else if err := app.ValidateLockName(cmd.name); err != nil {
			return command{}, usageError("%s", err.Error())
		}
	}
	if spec.secsArg {
		maxArgs++
		cmd.seconds = spec.secsDef
		if len(args) == maxArgs {
			n, err := strconv.Atoi(args[maxArgs-1])
			if err != nil || n < spec.secsMin || n > spec.secsMax {
				return command{}, usageError("%s must be a whole number from %d to %d, got %q", spec.secsName, spec.secsMin, spec.secsMax, args[maxArgs-1])
			}
			cmd.seconds = n
		}
	}
	if len(args) > maxArgs {
		return command{}, usageError("too many arguments for `%s`", sub)
	}
	return cmd, nil
}

// Definition is registered on activation.
func Definition() *model.Command {
	return &model.Command{
		Trigger:          Trigger,
		DisplayName:      "Cluster Demo",
		Description:      "See and drive cluster-wide locks and jobs",
		AutoComplete:     true,
		AutoCompleteDesc: "See and drive cluster-wide locks and jobs: status, nodes, locks, jobs, lock, unlock, run, stress, remind, reminders, help",
		AutoCompleteHint: "[subcommand]",
		AutocompleteData: commandAutocomplete(),
	}
}

// commandAutocomplete describes every subcommand and argument. Optional
// arguments are offered as suggestion lists: Mattermost refuses an optional
// positional text argument.
func commandAutocomplete() *model.AutocompleteData {
	root := model.NewAutocompleteData(Trigger, "[subcommand]", "See and drive cluster-wide locks and jobs")
	for _, spec := range commandSpecs {
		sub := model.NewAutocompleteData(spec.sub, spec.args, spec.help)
		if spec.admin {
			sub.RoleID = model.SYSTEM_ADMIN_ROLE_ID
		}
		if spec.nameArg {
			if spec.sub == "run" {
				items := make([]model.AutocompleteListItem, 0, len(app.DemoJobNames))
				for _, j := range app.DemoJobNames {
					items = append(items, model.AutocompleteListItem{Item: j, HelpText: "the " + j + " demo job"})
				}
				sub.AddStaticListArgument("The job to run", true, items)
			} else {
				sub.AddTextArgument("Lock name: "+app.LockNameRule, "<name>", "")
			}
		}
		if spec.remind {
			sub.AddTextArgument(fmt.Sprintf("Seconds from now, %d to %d", app.MinReminderSeconds, app.MaxReminderSeconds), "<seconds>", "")
			sub.AddTextArgument(fmt.Sprintf("What the bot posts here, at most %d characters", app.MaxReminderTextRunes), "<text>", "")
		}
		if spec.secsArg {
			var items []model.AutocompleteListItem
			for _, n := range []int{spec.secsDef, spec.secsMax} {
				items = append(items, model.AutocompleteListItem{Item: strconv.Itoa(n), Hint: spec.secsName})
			}
			sub.AddStaticListArgument(fmt.Sprintf("%s, %d to %d (default %d)", spec.secsName, spec.secsMin, spec.secsMax, spec.secsDef), false, items)
		}
		root.AddCommand(sub)
	}
	return root
}

// helpText is the reply to /clusterdemo help.
func helpText() string {
	var b strings.Builder
	b.WriteString("#### /clusterdemo\n")
	b.WriteString(Usage + "\n\n")
	for _, spec := range commandSpecs {
		usage := "/clusterdemo " + spec.sub
		if spec.args != "" {
			usage += " " + spec.args
		}
		fmt.Fprintf(&b, "- `%s`: %s\n", usage, spec.help)
	}
	b.WriteString("\nEverything except `help` is for system admins: it needs " + app.ReadPermissionText + "; `lock`, `unlock`, `run` and `stress` need " + app.WritePermissionText + ". " + app.LockNameRule + ".\n")
	return b.String()
}

// Server is what the command needs of the Mattermost server: permissions,
// and a log for the failures a reply only summarises.
type Server interface {
	app.PermissionChecker
	LogError(msg string, keyValuePairs ...interface{})
}

// Execute runs one invocation for userID, typed in channelID, and returns
// the Markdown reply. siteURL builds the dashboard link.
func Execute(a *app.App, server Server, userID, channelID, text, siteURL string) string {
	cmd, err := parseCommand(text)
	if err != nil {
		return strings.TrimPrefix(err.Error(), errUsage.Error()+": ") + "\n\n" + Usage
	}
	if cmd.sub == "help" {
		return helpText()
	}
	spec, _ := findSpec(cmd.sub)
	if spec.write && !app.CanWrite(server, userID) {
		return fmt.Sprintf("Only system admins can use `/clusterdemo %s`: it needs %s. Try `/clusterdemo help`.", cmd.sub, app.WritePermissionText)
	}
	if !app.CanRead(server, userID) {
		return fmt.Sprintf("Only system admins can use `/clusterdemo %s`: it needs %s. Try `/clusterdemo help`.", cmd.sub, app.ReadPermissionText)
	}
	self := a.Self().Name
	reply, err := run(a, cmd, userID, self, channelID, siteURL)
	if refusal, ok := refusalText(err); ok {
		return refusal
	}
	if err != nil {
		server.LogError("clusterdemo: command failed", "command", cmd.sub, "err", err.Error())
		return fmt.Sprintf("`/clusterdemo %s` failed on node **%s**: %s", cmd.sub, self, err.Error())
	}
	return reply
}

// refusalText says the refusals every change may meet (the switch, the
// node's bounds, the stress cooldown) as a reply.
func refusalText(err error) (string, bool) {
	if errors.Is(err, app.ErrDemoActionsOff) || errors.Is(err, app.ErrOverLimit) || errors.Is(err, app.ErrStressCooldown) {
		return "Refused: " + err.Error() + ".", true
	}
	return "", false
}

// run answers an admin's parsed command for userID; self is the answering
// node.
func run(a *app.App, cmd command, userID, self, channelID, siteURL string) (string, error) {
	switch cmd.sub {
	case "status":
		st, err := a.Status()
		if err != nil {
			return "", err
		}
		return renderStatus(st, siteURL), nil
	case "nodes":
		nodes, err := a.Nodes()
		if err != nil {
			return "", err
		}
		return answeredBy(self) + renderNodes(nodes) + dashboardLink(siteURL), nil
	case "locks":
		locks, err := a.Locks()
		if err != nil {
			return "", err
		}
		return answeredBy(self) + renderLocks(locks) + dashboardLink(siteURL), nil
	case "jobs":
		jobs, err := a.Jobs()
		if err != nil {
			return "", err
		}
		return answeredBy(self) + renderJobs(jobs) + dashboardLink(siteURL), nil
	case "lock":
		lock, err := a.AcquireLock(userID, cmd.name, time.Duration(cmd.seconds)*time.Second, 0)
		if err != nil {
			return lockRefusal(cmd.name, self, err)
		}
		return fmt.Sprintf("Node **%s** took lock `%s` for %d s (fencing token %d); it is released automatically.", self, cmd.name, cmd.seconds, lock.FencingToken), nil
	case "unlock":
		_, found, err := a.ReleaseLock(userID, cmd.name)
		if err != nil {
			return lockRefusal(cmd.name, self, err)
		}
		if !found {
			return fmt.Sprintf("No lock named `%s` is known.", cmd.name), nil
		}
		return fmt.Sprintf("Node **%s** released lock `%s`.", self, cmd.name), nil
	case "run":
		job, _, err := a.RunJob(userID, cmd.name)
		if errors.Is(err, app.ErrWorkloadOff) {
			return fmt.Sprintf("Cannot run `%s`: %s.", cmd.name, err.Error()), nil
		}
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("Asked for a run of `%s` through node **%s**; it runs on whichever node wins the job lock.\n\n%s", cmd.name, self, renderJobs([]app.Job{job})), nil
	case "stress":
		st, err := a.StartStress(userID, cmd.seconds)
		if errors.Is(err, app.ErrStressRunning) {
			return "A stress run is already in progress; see `/clusterdemo status`.", nil
		}
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("Started a %d s stress run from node **%s**; every node's workers now contend for lock `%s`. See the result with `/clusterdemo status` once it ends (%s).", cmd.seconds, self, app.StressLockName, timeText(st.EndsAt)), nil
	case "remind":
		return runRemind(a, cmd, userID, self, channelID)
	case "reminders":
		list, err := a.Reminders()
		if err != nil {
			return "", err
		}
		return answeredBy(self) + renderReminders(list) + dashboardLink(siteURL), nil
	}
	return "", fmt.Errorf("unhandled subcommand %q", cmd.sub)
}

// lockRefusal says the application's lock refusals as replies; any other
// error is the command's failure.
func lockRefusal(name, self string, err error) (string, error) {
	var le *app.LockError
	switch {
	case errors.Is(err, app.ErrLockBusy) && errors.As(err, &le):
		return fmt.Sprintf("Lock `%s` is busy: %s", name, describeLock(le.Lock)), nil
	case errors.Is(err, app.ErrLockNotHeldHere) && errors.As(err, &le):
		return fmt.Sprintf("Node **%s** does not hold lock `%s`: %s", self, name, describeLock(le.Lock)), nil
	case errors.Is(err, app.ErrLockReserved), errors.Is(err, app.ErrStopping):
		return fmt.Sprintf("Cannot take lock `%s`: %s", name, err.Error()), nil
	}
	return "", err
}
