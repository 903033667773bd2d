package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/drplan/drplan/evidence"
	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
	"github.com/drplan/drplan/verify"
)

// VerifyOptions are the inputs of `drplan verify`.
type VerifyOptions struct {
	Streams     Streams
	Paths       []string
	Format      string
	Output      string
	FailOn      report.Severity
	Profile     string
	Region      string
	AssumeRole  string
	Principal   string
	Timeout     time.Duration
	Concurrency int
	Record      string
	Snapshot    string
	IAMPolicy   bool
	// Color and Progress are decided from the terminal, not flags.
	Color    bool
	Progress bool
}

func newVerifyCmd(s Streams, runF func(*VerifyOptions) error) *cobra.Command {
	opts := &VerifyOptions{Streams: s}
	var failOn string
	cmd := &cobra.Command{
		Use:   "verify [PATH...]",
		Short: "Compare plans with live AWS, read-only, and report every mismatch",
		Long: `Read, through the standard AWS credential chain and configuration, every
resource the plans declare with AWS identifiers, and report each place where AWS
disagrees with the plan: a standby the plan promises but AWS lacks, a backup
bucket without Object Lock, a retention shorter than the plan's PITR window, a
replication lag above the tier's RPO. Findings use lint's formats and exit codes
(rules DR201 and up; see docs/verify.md).

Each resource is read in the AWS account its component names (the plan's
accounts), with that account's credentials: the account's profile, or a role
assumed from the caller's credentials (--assume-role, or the account's role in
the plan) with one STS AssumeRole call per account.

verify only calls Describe, List and Get APIs; --iam-policy prints the IAM
policy it needs (with PATH: per account, with the trust policy of each role). A resource it cannot read (access denied, throttled past every
retry, a region that does not answer) is a DR201 "could not verify" finding;
the other resources and regions are still checked. When AWS answered none of
the reads, verify exits 2 with one line per account and region saying why.

--record FILE saves what was checked and the observed AWS state (no
credentials, no secrets) for auditors (drplan render --evidence FILE);
--snapshot FILE compares the plans again with that state, offline.`,
		Example: `  drplan verify plans/orderflow
  drplan verify --profile prod --format sarif --output verify.sarif plans/orderflow
  drplan verify --record evidence.json plans/orderflow
  drplan verify --snapshot evidence.json plans/orderflow
  drplan verify --assume-role 'arn:aws:iam::{account}:role/drplan-verify' plans/orderflow
  drplan verify --iam-policy
  drplan verify --iam-policy --principal arn:aws:iam::123456789012:role/ci plans/orderflow`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			var err error
			if opts.FailOn, err = report.ParseSeverity(failOn); err != nil {
				return usageError("`--fail-on`: %v", err)
			}
			if !slices.Contains(report.Formats(), opts.Format) {
				return usageError("`--format` must be one of %s", strings.Join(report.Formats(), ", "))
			}
			if opts.Concurrency < 1 {
				return usageError("`--concurrency` must be at least 1")
			}
			if opts.Timeout <= 0 {
				return usageError("`--timeout` must be positive")
			}
			if opts.Snapshot != "" && (cmd.Flags().Changed("profile") || cmd.Flags().Changed("region") || opts.AssumeRole != "") {
				return usageError("`--snapshot` reads no AWS: specify neither `--profile`, `--region` nor `--assume-role` with it")
			}
			if err := checkAssumeRole(opts.AssumeRole); err != nil {
				return err
			}
			if opts.Principal != "" && !opts.IAMPolicy {
				return usageError("`--principal` is for the trust policies `--iam-policy` prints")
			}
			if !opts.IAMPolicy && len(opts.Paths) == 0 {
				return usageError("specify at least one PATH, or `--iam-policy`")
			}
			opts.Color = opts.Output == "" && colorWanted(s.Out)
			opts.Progress = isTerminal(s.ErrOut)
			if runF != nil {
				return runF(opts)
			}
			return verifyRun(opts)
		},
	}
	f := cmd.Flags()
	reportFlags(f, &opts.Format, &opts.Output, &failOn)
	f.StringVar(&opts.Profile, "profile", "", "AWS shared config profile (default: AWS_PROFILE, or the default profile)")
	f.StringVar(&opts.AssumeRole, "assume-role", "", "role to assume in every account the plans name, from the caller's credentials: an ARN with {account} for the account ID, or a role name (overrides the plans' profiles and roles)")
	f.StringVar(&opts.Principal, "principal", "", "with --iam-policy: ARN of the identity verify runs as, which the roles' trust policies allow")
	f.StringVar(&opts.Region, "region", "", "AWS region for components that name none, and the partition of Route 53 (default: AWS_REGION or the profile's)")
	f.DurationVar(&opts.Timeout, "timeout", 5*time.Minute, "give up on AWS calls still unanswered after this long; they are reported as could not verify")
	f.IntVar(&opts.Concurrency, "concurrency", 16, "AWS reads in flight at once, across all regions")
	f.StringVar(&opts.Record, "record", "", "save the checks and the observed AWS state to FILE (JSON)")
	f.StringVar(&opts.Snapshot, "snapshot", "", "compare with the AWS state recorded in FILE instead of reading AWS")
	f.BoolVar(&opts.IAMPolicy, "iam-policy", false, "print the least-privilege IAM policy verify needs and exit; with PATH, per account of the plans")
	return cmd
}

func verifyRun(opts *VerifyOptions) error {
	if opts.IAMPolicy && len(opts.Paths) == 0 {
		_, err := opts.Streams.Out.Write(verify.IAMPolicy())
		return err
	}
	groups, err := expandPlans(opts.Paths)
	if err != nil {
		return &exitError{ExitInvalid, err}
	}
	loaded := loadAll(groups)
	var plans []*plan.Plan
	for _, lr := range loaded {
		if lr.err == nil {
			plans = append(plans, lr.plan)
		}
	}
	if opts.IAMPolicy {
		return printPolicies(opts, loaded, plans)
	}
	obs, err := observe(opts, plans)
	if err != nil {
		return &exitError{ExitInvalid, err}
	}
	res := &report.Result{Tool: "drplan", Version: buildVersion(), Rules: verify.Rules()}
	rec := &evidence.Record{Tool: "drplan", Version: buildVersion(), TakenAt: obs.TakenAt}
	for i, lr := range loaded {
		pr := report.PlanResult{Path: strings.Join(groups[i], " ")}
		if lr.err != nil {
			pr.Name = pr.Path
			pr.LoadErrors = loadFindings(lr.err)
			res.Plans = append(res.Plans, pr)
			continue
		}
		pr.Name = lr.plan.Name
		out := verify.Verify(lr.plan, obs)
		pr.Findings, pr.Suppressed = out.Findings, out.Suppressed
		res.Plans = append(res.Plans, pr)
		rec.Plans = append(rec.Plans, evidence.Plan{Name: pr.Name, Path: pr.Path, Checks: out.Checks})
	}
	if opts.Record != "" {
		if rec.Observed, err = json.Marshal(obs); err == nil {
			err = writeRecord(opts.Record, rec)
		}
		if err != nil {
			return &exitError{ExitInvalid, fmt.Errorf("`--record`: %w", err)}
		}
	}
	return writeResult(opts.Streams, opts.Output, opts.Format, opts.Color, opts.FailOn, res)
}

// printPolicies prints the IAM setup verify needs for the plans, per
// account; a plan that does not load is exit 2, as for a run.
func printPolicies(opts *VerifyOptions, loaded []loadResult, plans []*plan.Plan) error {
	for _, lr := range loaded {
		if lr.err != nil {
			return &exitError{ExitInvalid, lr.err}
		}
	}
	pol, err := verify.IAMPolicies(plans, opts.AssumeRole, opts.Principal)
	if err != nil {
		return &exitError{ExitInvalid, fmt.Errorf("`--iam-policy`: %w", err)}
	}
	b, err := json.MarshalIndent(pol, "", "  ")
	if err != nil {
		return err
	}
	_, err = opts.Streams.Out.Write(append(b, '\n'))
	return err
}

// observe reads AWS, or the recorded state with --snapshot.
func observe(opts *VerifyOptions, plans []*plan.Plan) (*verify.Observed, error) {
	if opts.Snapshot != "" {
		rec, err := evidence.ReadFile(opts.Snapshot)
		if err != nil {
			return nil, fmt.Errorf("`--snapshot`: %w", err)
		}
		var obs verify.Observed
		if len(rec.Observed) == 0 {
			return nil, fmt.Errorf("`--snapshot`: %s holds no observed AWS state", opts.Snapshot)
		}
		if err := json.Unmarshal(rec.Observed, &obs); err != nil {
			return nil, fmt.Errorf("`--snapshot`: %s: observed state unreadable: %v", opts.Snapshot, err)
		}
		return &obs, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), opts.Timeout)
	defer cancel()
	cfg := verify.Config{Profile: opts.Profile, Region: opts.Region, AssumeRole: opts.AssumeRole, Concurrency: opts.Concurrency}
	if opts.Progress {
		cfg.Progress = progressTo(opts.Streams.ErrOut)
		defer fmt.Fprint(opts.Streams.ErrOut, "\r\033[K")
	}
	return verify.Live(ctx, plans, cfg)
}

// progressTo redraws one status line; it is only used on a terminal.
func progressTo(w io.Writer) func(done, total int) {
	var mu sync.Mutex // fetches finish on many goroutines
	last := time.Time{}
	return func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		if now := time.Now(); done == total || now.Sub(last) > 100*time.Millisecond {
			last = now
			fmt.Fprintf(w, "\rverify: %d/%d AWS reads", done, total)
		}
	}
}

// writeRecord writes the record next to its final name and renames it into
// place, so a reader never sees half a record.
func writeRecord(path string, rec *evidence.Record) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := evidence.Write(tmp, rec); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	// Evidence is for auditors to read; CreateTemp made it owner-only.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// checkAssumeRole checks an --assume-role value: a role ARN must say where
// each account's ID goes, as the role is assumed in every account.
func checkAssumeRole(r string) error {
	if strings.HasPrefix(r, "arn:") && !strings.Contains(r, "{account}") {
		return usageError("`--assume-role`: the role is assumed in each account; write {account} where the account ID goes (arn:aws:iam::{account}:role/NAME)")
	}
	return nil
}
