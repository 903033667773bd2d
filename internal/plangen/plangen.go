// Package plangen generates synthetic, valid drplan plans of any size, for
// benchmarks of validate, lint, render and verify.
//
// A generated plan is complete and realistic in shape: two regions, four
// tiers with current sign-offs, services spread across the tiers, pairs of
// primary and standby components of mixed kinds with replication between
// them, a DNS failover, the promotion boundary, the four classic scenario
// classes, runbooks of about fifty numbered steps each, readiness alerts,
// game days, drills, communication templates and a cost model. Every
// reference resolves, and the output is written as ordinary, human-style
// CUE (one field per line), split across files that stay well under 2 MiB.
//
// Generation is deterministic: the same Options give byte-identical files.
package plangen

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Options size and seed a generated plan.
type Options struct {
	Services int    // number of services (>=1)
	Steps    int    // total runbook steps across all runbooks (>=1)
	Seed     int64  // deterministic: same options -> byte-identical output
	Package  string // CUE package clause for every file; default "synthetic"
	// Accounts, when 2 or more, declares that many AWS accounts: a backup
	// account holding the backup vaults, and workload accounts that the
	// component pairs are spread over; verify reaches each through the
	// role drplan-verify. 0 or 1: no accounts (the plan as before).
	Accounts int
}

// MaxFileSize is the size no generated file exceeds.
const MaxFileSize = 2 << 20

// targetFileSize is where map sections (services, components, runbooks, ...)
// start a new file. It leaves headroom under MaxFileSize for the entry that
// crosses it. A CUE list cannot be split across files: the one list that
// grows with the plan, promotion.cue, takes about 15 bytes per service and
// so stays under MaxFileSize up to some 140,000 services (the cost model is
// aggregated per kind and does not grow).
const targetFileSize = 1 << 20

// StepsPerRunbook is the typical length of a generated runbook.
const StepsPerRunbook = 50

func (o Options) normalize() Options {
	if o.Services < 1 {
		o.Services = 1
	}
	if o.Steps < 1 {
		o.Steps = 1
	}
	if o.Package == "" {
		o.Package = "synthetic"
	}
	return o
}

// Files returns the plan as CUE files: file name -> content.
func Files(o Options) map[string][]byte {
	g := newGen(o.normalize())
	g.build()
	g.emit()
	return g.files
}

// Write writes Files(o) into dir, creating it if missing.
func Write(dir string, o Options) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	files := Files(o)
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(dir, name), files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// ---------------------------------------------------------------------------
// Model

const (
	primaryRegion = "us-east-1"
	standbyRegion = "us-west-2"
	account       = "123456789012"
	domain        = "acme.example"
)

// baseDate anchors every date in the plan, so output never depends on the clock.
var baseDate = time.Date(2026, time.January, 9, 0, 0, 0, 0, time.UTC)

var systems = []string{
	"orders", "payments", "ledger", "catalog", "inventory", "search",
	"checkout", "billing", "identity", "notifications", "shipping", "pricing",
	"reviews", "recommendations", "fraud", "accounts", "invoices", "reporting",
	"analytics", "media", "messaging", "loyalty", "tax", "subscriptions",
	"returns", "warehouse", "partners", "support", "audit", "sessions",
}

var serviceRoles = []string{"api", "worker", "web", "gateway", "consumer", "scheduler", "admin", "export"}

var serviceRoleTitle = map[string]string{
	"api": "API", "worker": "Worker", "web": "Web", "gateway": "Gateway",
	"consumer": "Consumer", "scheduler": "Scheduler", "admin": "Admin", "export": "Export",
}

var serviceRoleText = map[string]string{
	"api":       "Public HTTP API",
	"worker":    "Background job worker",
	"web":       "Customer-facing web front end",
	"gateway":   "Edge gateway and request router",
	"consumer":  "Event stream consumer",
	"scheduler": "Periodic job scheduler",
	"admin":     "Internal administration console",
	"export":    "Batch export pipeline",
}

// pairKinds is the cycle of kinds for primary/standby component pairs.
var pairKinds = []string{"aurora-global", "eks", "msk", "elasticache-redis", "s3", "rds-postgres", "aurora-cluster"}

var kindShort = map[string]string{
	"aurora-global":     "aurora-gdb",
	"aurora-cluster":    "aurora",
	"rds-postgres":      "pg",
	"msk":               "kafka",
	"elasticache-redis": "redis",
	"eks":               "eks",
	"s3":                "bucket",
}

var kindTitle = map[string]string{
	"aurora-global":     "Aurora global database",
	"aurora-cluster":    "Aurora MySQL cluster",
	"rds-postgres":      "RDS for PostgreSQL",
	"msk":               "MSK Kafka cluster",
	"elasticache-redis": "ElastiCache Redis",
	"eks":               "EKS cluster",
	"s3":                "S3 bucket",
}

type tier struct {
	id, title, desc   string
	level             int
	rto, rpo          int // seconds
	strategy, trigger string
	downtimeCost      string
	required          []string
	cadence           string
	services          []string
}

type comp struct {
	id, kind, region, role string
	title, desc            string
	account                string
	pair                   *pair
}

type pair struct {
	idx              int
	sys, kind, base  string
	primary, standby *comp
	repl             string // replication path ID
	hasCapacity      bool
	promoted         bool
}

type service struct {
	id, title, desc, tier string
	deps                  []string
}

type repl struct {
	id, from, to, mode, mechanism, desc string
	lag, interval                       string
	metricName, metricUnit              string
	labelKey, labelVal                  string
	severity                            string
}

type step struct {
	id, slug, title, owner    string
	command, expect, sample   string
	est, timeout              int // seconds
	after                     []int
	approvalRole, approvalWhy string
	rollback, rollbackExpect  string
	irreversible              string
	recovers                  []string
}

type runbook struct {
	id, title, desc, owner string
	class                  string // failover, az, restore, ransomware
	scenario               string
	targets                []string
	tiers                  []string
	focus                  int // first pair
	steps                  []*step
}

type gen struct {
	o   Options
	rng *rand.Rand

	tiers    []*tier
	pairs    []*pair
	infra    []*comp
	services []*service
	repls    []*repl
	runbooks []*runbook

	files map[string][]byte
}

func newGen(o Options) *gen {
	return &gen{
		o:     o,
		rng:   rand.New(rand.NewPCG(uint64(o.Seed), 0x9e3779b97f4a7c15)),
		files: make(map[string][]byte),
	}
}

func (g *gen) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[g.rng.IntN(16)]
	}
	return string(b)
}

func (g *gen) upper(n int) string {
	const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[g.rng.IntN(len(digits))]
	}
	return string(b)
}

// between returns a whole number in [lo, hi].
func (g *gen) between(lo, hi int) int { return lo + g.rng.IntN(hi-lo+1) }

func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (g *gen) build() {
	g.buildTiers()
	g.buildComponents()
	g.placeAccounts()
	g.buildServices()
	g.buildReplication()
	g.buildRunbooks()
}

func (g *gen) buildTiers() {
	g.tiers = []*tier{
		{id: "tier0", level: 0, title: "Tier 0: revenue critical", desc: "Checkout, payments and sign-in: an outage stops revenue within minutes.",
			rto: 15 * 60, rpo: 60, strategy: "warm-standby", trigger: "on-alert", downtimeCost: "checkout",
			required: []string{"CTO", "VP Product"}, cadence: "30d"},
		{id: "tier1", level: 1, title: "Tier 1: customer facing", desc: "Services customers use every day whose loss degrades but does not stop sales.",
			rto: 3600, rpo: 15 * 60, strategy: "warm-standby", trigger: "on-alert", downtimeCost: "degradation",
			required: []string{"VP Engineering", "VP Product"}, cadence: "90d"},
		{id: "tier2", level: 2, title: "Tier 2: internal operations", desc: "Back-office and operational tooling; staff work around an outage for hours.",
			rto: 4 * 3600, rpo: 3600, strategy: "pilot-light", trigger: "manual", downtimeCost: "backoffice",
			required: []string{"VP Engineering"}, cadence: "180d"},
		{id: "tier3", level: 3, title: "Tier 3: deferrable", desc: "Reporting and batch workloads that can wait a day.",
			rto: 86400, rpo: 86400, strategy: "backup-restore", trigger: "manual", downtimeCost: "backoffice",
			required: []string{"Head of Data"}, cadence: "365d"},
	}
}

// tierOf spreads services 10% / 30% / 40% / 20% over tier0..tier3.
func tierOf(i int) int {
	switch i % 10 {
	case 0:
		return 0
	case 1, 2, 3:
		return 1
	case 4, 5, 6, 7:
		return 2
	}
	return 3
}

func (g *gen) buildComponents() {
	g.infra = []*comp{
		{id: "dns-zone", kind: "route53", role: "global", title: "Public hosted zone " + domain,
			desc: "Route 53 zone holding the failover records for the public endpoints."},
		{id: "platform-eks-use1", kind: "eks", region: primaryRegion, role: "primary", title: "Shared platform EKS cluster (us-east-1)",
			desc: "Runs the stateless services and the ingress controllers in the primary region."},
		{id: "platform-eks-usw2", kind: "eks", region: standbyRegion, role: "standby", title: "Shared platform EKS cluster (us-west-2)",
			desc: "Warm standby of the platform cluster, kept in sync by Argo CD and scaled up on failover."},
		{id: "backup-vault-use1", kind: "aws-backup", region: primaryRegion, role: "backup", title: "AWS Backup vault (us-east-1)",
			desc: "Daily backups of every data store, locked in compliance mode."},
		{id: "backup-vault-usw2", kind: "aws-backup", region: standbyRegion, role: "backup", title: "AWS Backup vault (us-west-2)",
			desc: "Cross-region copies of the daily backups, locked in compliance mode; the ransomware restore source."},
		{id: "argocd", kind: "argocd", region: primaryRegion, role: "tooling", title: "Argo CD",
			desc: "GitOps controller that deploys every cluster from the platform repository."},
		{id: "terraform", kind: "terraform", role: "tooling", title: "Terraform state and pipelines",
			desc: "Infrastructure as code for both regions; state in S3 with DynamoDB locking."},
	}
	target := g.o.Services / 2
	n := max(1, (target-len(g.infra)+1)/2)
	g.pairs = make([]*pair, n)
	for i := range g.pairs {
		kind := pairKinds[i%len(pairKinds)]
		sys := systems[i%len(systems)]
		base := fmt.Sprintf("%s-%s-%04d", sys, kindShort[kind], i)
		p := &pair{idx: i, sys: sys, kind: kind, base: base, repl: base}
		p.primary = &comp{id: base + "-use1", kind: kind, region: primaryRegion, role: "primary", pair: p,
			title: fmt.Sprintf("%s %s (primary)", title(sys), kindTitle[kind])}
		p.standby = &comp{id: base + "-usw2", kind: kind, region: standbyRegion, role: "standby", pair: p,
			title: fmt.Sprintf("%s %s (standby)", title(sys), kindTitle[kind])}
		switch kind {
		case "aurora-global":
			p.primary.desc = "Writer cluster of the " + sys + " global database."
			p.standby.desc = "Secondary cluster of the " + sys + " global database; promoted on region failover."
			p.hasCapacity, p.promoted = true, true
		case "aurora-cluster":
			p.primary.desc = "Regional cluster for " + sys + " back-office data, backed up daily."
			p.standby.desc = "Pilot-light cluster restored from cross-region backup copies on failover."
			p.promoted = true
		case "rds-postgres":
			p.standby.role = "replica"
			p.primary.desc = "PostgreSQL instance for " + sys + "."
			p.standby.desc = "Cross-region read replica; promoted to a standalone primary on failover."
			p.hasCapacity, p.promoted = true, true
		case "msk":
			p.primary.desc = "Event backbone for " + sys + "."
			p.standby.desc = "Standby cluster fed by MirrorMaker 2; producers are repointed on failover."
			p.hasCapacity, p.promoted = true, true
		case "elasticache-redis":
			p.primary.desc = "Session and hot-path cache for " + sys + "."
			p.standby.desc = "Secondary of the global datastore; promoted on failover."
			p.hasCapacity, p.promoted = true, true
		case "eks":
			p.primary.desc = "Dedicated cluster for " + sys + " workloads."
			p.standby.desc = "Scaled-down standby cluster, scaled up by Karpenter on failover."
			p.hasCapacity = true
		case "s3":
			p.standby.role = "replica"
			p.primary.desc = "Object storage for " + sys + " documents."
			p.standby.desc = "Cross-region replica bucket; writers switch to it on failover."
		}
		g.pairs[i] = p
	}
}

// accountID is the ID of the generated plan's i-th account.
func accountID(i int) string { return fmt.Sprintf("1000000000%02d", i) }

// workloadAccount names the i-th workload account (from 1).
func workloadAccount(i int) string { return fmt.Sprintf("app-%d", i) }

// placeAccounts puts the backup vaults in the backup account, the shared
// platform in the first workload account and each pair, both its
// regions, in one workload account, round robin.
func (g *gen) placeAccounts() {
	if g.o.Accounts < 2 {
		return
	}
	apps := g.o.Accounts - 1
	for _, c := range g.infra {
		c.account = workloadAccount(1)
		if c.kind == "aws-backup" {
			c.account = "backup"
		}
	}
	for i, p := range g.pairs {
		p.primary.account = workloadAccount(i%apps + 1)
		p.standby.account = p.primary.account
	}
}

func (g *gen) buildServices() {
	n := g.o.Services
	np := len(g.pairs)
	g.services = make([]*service, n)
	for i := range g.services {
		sys := systems[i%len(systems)]
		role := serviceRoles[(i/len(systems))%len(serviceRoles)]
		t := g.tiers[tierOf(i)]
		s := &service{
			id:    fmt.Sprintf("%s-%s-%04d", sys, role, i),
			title: fmt.Sprintf("%s %s %d", title(sys), serviceRoleTitle[role], i),
			desc:  fmt.Sprintf("%s for %s.", serviceRoleText[role], sys),
			tier:  t.id,
		}
		want := 1 + g.rng.IntN(3)
		// The first dependency walks the pairs in order, so every primary
		// component has at least one dependent service.
		s.deps = append(s.deps, g.pairs[i%np].primary.id)
		for len(s.deps) < want {
			id := g.pairs[g.rng.IntN(np)].primary.id
			if len(s.deps) == want-1 && g.rng.IntN(4) == 0 {
				id = "platform-eks-use1"
			}
			if slices.Contains(s.deps, id) {
				if np < 3 {
					id = "platform-eks-use1"
				}
				if slices.Contains(s.deps, id) {
					break
				}
			}
			s.deps = append(s.deps, id)
		}
		t.services = append(t.services, s.id)
		g.services[i] = s
	}
	for _, t := range g.tiers {
		slices.Sort(t.services)
	}
}

type replKind struct {
	mode, mechanism, lag, interval, metric, unit, label string
	// what is the mechanism, and whether its metric is labelled with the
	// target (lag observed on the replica) rather than the source.
	what     string
	onTarget bool
}

var replKinds = map[string]replKind{
	"aurora-global":     {"async", "aurora-global-database", "1s", "", "aws_rds_aurora_global_db_replication_lag_average", "milliseconds", "dbcluster_identifier", "Aurora global database storage replication", true},
	"aurora-cluster":    {"backup-copy", "aws-backup-copy", "", "1h", "aws_backup_recovery_point_age_seconds", "seconds", "resource_id", "Hourly AWS Backup cross-region copies", false},
	"rds-postgres":      {"async", "rds-read-replica", "5s", "", "aws_rds_replica_lag_average", "seconds", "dbinstance_identifier", "Cross-region RDS read replica", true},
	"msk":               {"async", "mirrormaker2", "30s", "", "kafka_connect_mirror_source_connector_replication_latency_ms_max", "milliseconds", "source_cluster", "MirrorMaker 2 topic mirroring", false},
	"elasticache-redis": {"async", "elasticache-global-datastore", "1s", "", "aws_elasticache_global_datastore_replication_lag_average", "seconds", "replication_group_id", "ElastiCache global datastore replication", true},
	"eks":               {"async", "gitops", "3m", "", "argocd_app_sync_lag_seconds", "seconds", "cluster", "Argo CD GitOps sync of the same revision", true},
	"s3":                {"async", "s3-crr", "15m", "", "aws_s3_replication_latency_maximum", "seconds", "source_bucket", "S3 cross-region replication", false},
}

func (g *gen) buildReplication() {
	for _, p := range g.pairs {
		k := replKinds[p.kind]
		r := &repl{
			id: p.repl, from: p.primary.id, to: p.standby.id, mode: k.mode, mechanism: k.mechanism,
			lag: k.lag, interval: k.interval, metricName: k.metric, metricUnit: k.unit,
			labelKey: k.label, labelVal: p.primary.id, severity: "page",
		}
		r.desc = fmt.Sprintf("%s of %s from %s to %s.", k.what, p.base, primaryRegion, standbyRegion)
		if k.onTarget {
			r.labelVal = p.standby.id
		}
		if p.kind == "s3" {
			r.labelVal = "acme-" + p.primary.id
		}
		if k.mode == "backup-copy" || p.kind == "eks" {
			r.severity = "ticket"
		}
		g.repls = append(g.repls, r)
	}
	g.repls = append(g.repls,
		&repl{id: "backup-vault-copy", from: "backup-vault-use1", to: "backup-vault-usw2", mode: "backup-copy", mechanism: "aws-backup-copy",
			desc: "Copy of every daily recovery point to the locked vault in " + standbyRegion + ".", interval: "1d",
			metricName: "aws_backup_copy_job_age_seconds", metricUnit: "seconds", labelKey: "backup_vault_name", labelVal: "acme-vault-use1", severity: "ticket"},
		&repl{id: "platform-gitops", from: "platform-eks-use1", to: "platform-eks-usw2", mode: "async", mechanism: "gitops",
			desc: "Argo CD deploys the same platform revision to both clusters.", lag: "3m",
			metricName: "argocd_app_sync_lag_seconds", metricUnit: "seconds", labelKey: "cluster", labelVal: "platform-eks-usw2", severity: "ticket"},
	)
}

// ---------------------------------------------------------------------------
// Runbooks

var namedRunbooks = []struct {
	id, title, class, scenario string
	targets                    []string
}{
	{"region-failover", "Fail over to " + standbyRegion, "failover", "region-failure", []string{"tier0", "tier1", "tier2", "tier3"}},
	{"az-failure", "Recover from the loss of an availability zone", "az", "az-failure", []string{"tier0", "tier1"}},
	{"data-corruption-restore", "Restore corrupted data to a point in time", "restore", "data-corruption", []string{"tier2", "tier3"}},
	{"ransomware-recovery", "Isolate and restore after ransomware", "ransomware", "ransomware", []string{"tier2", "tier3"}},
}

func (g *gen) buildRunbooks() {
	total := g.o.Steps
	n := (total + StepsPerRunbook - 1) / StepsPerRunbook
	per, extra := total/n, total%n
	np := len(g.pairs)
	for r := range n {
		rb := &runbook{owner: "sre-oncall"}
		if r < len(namedRunbooks) {
			nr := namedRunbooks[r]
			rb.id, rb.title, rb.class, rb.scenario, rb.targets = nr.id, nr.title, nr.class, nr.scenario, nr.targets
			rb.focus = (r * 7) % np
		} else {
			idx := r - len(namedRunbooks)
			p := g.pairs[idx%np]
			round := idx / np
			rb.focus = p.idx
			if round%2 == 0 {
				rb.id, rb.class, rb.scenario = "failover-"+p.base, "failover", "region-failure"
				rb.title = fmt.Sprintf("Fail over %s and its dependents", p.base)
				rb.targets = []string{"tier1", "tier2"}
			} else {
				rb.id, rb.class, rb.scenario = "restore-"+p.base, "restore", "data-corruption"
				rb.title = fmt.Sprintf("Restore %s from backup", p.base)
				rb.targets = []string{"tier2", "tier3"}
			}
			if round >= 2 {
				rb.id += fmt.Sprintf("-%d", round/2)
			}
			if p.kind == "aurora-global" || p.kind == "rds-postgres" || p.kind == "aurora-cluster" {
				rb.owner = "dba-oncall"
			}
		}
		rb.desc = fmt.Sprintf("Operator procedure: %s. Steps run with sh -eu from the DR jump host; the incident commander owns go/no-go decisions.", strings.ToLower(rb.title[:1])+rb.title[1:])
		steps := per
		if r < extra {
			steps++
		}
		g.buildSteps(rb, steps)
		g.fitTiers(rb)
		g.runbooks = append(g.runbooks, rb)
	}
}

// stepFn writes the text of one step about pair p.
type stepFn func(g *gen, rb *runbook, p *pair, s *step)

var heads = map[string][]stepFn{
	"failover":   {stepDeclare, stepStatusPage, stepFreezeWrites},
	"az":         {stepDeclare, stepStatusPage},
	"restore":    {stepDeclare, stepStatusPage, stepFreezeWrites},
	"ransomware": {stepDeclare, stepIsolate, stepStatusPage},
}

var tails = map[string][]stepFn{
	"failover":   {stepDNSFlip, stepHealth, stepSmoke, stepConfirm},
	"az":         {stepHealth, stepSmoke, stepConfirm},
	"restore":    {stepUnfreezeWrites, stepSmoke, stepConfirm},
	"ransomware": {stepRotateCredentials, stepSmoke, stepConfirm},
}

// buildSteps lays out n steps: a head chain, waves of per-component
// check/act/verify triples that run in parallel within a wave, and a tail
// chain that joins the last wave and ends with the step that recovers the
// runbook's tiers.
func (g *gen) buildSteps(rb *runbook, n int) {
	head, tail := heads[rb.class], tails[rb.class]
	fixed := append(append([]stepFn(nil), head...), tail...)
	type slot struct {
		fn    stepFn
		pair  *pair
		phase int // 0 fixed, 1 check, 2 act, 3 verify
	}
	var slots []slot
	if n <= len(fixed) {
		for _, fn := range fixed[len(fixed)-n:] {
			slots = append(slots, slot{fn: fn, pair: g.pairs[rb.focus]})
		}
	} else {
		for _, fn := range head {
			slots = append(slots, slot{fn: fn, pair: g.pairs[rb.focus]})
		}
		for i := range n - len(fixed) {
			p := g.pairs[(rb.focus+i/3)%len(g.pairs)]
			slots = append(slots, slot{fn: middle(rb.class, i%3), pair: p, phase: 1 + i%3})
		}
		for _, fn := range tail {
			slots = append(slots, slot{fn: fn, pair: g.pairs[rb.focus]})
		}
	}

	rb.steps = make([]*step, len(slots))
	var gate []int        // what the checks of the current wave wait for
	var wave []int        // last step of each triple in the current wave
	inWave, width := 0, 0 // triples started in the current wave, its width
	prevPhase := 0
	for i, sl := range slots {
		s := &step{}
		sl.fn(g, rb, sl.pair, s)
		s.id = fmt.Sprintf("%s-%02d", s.slug, i+1)
		if len(s.id) > 63 {
			s.id = fmt.Sprintf("step-%02d", i+1)
		}
		switch {
		case i == 0:
		case sl.phase == 1:
			// A new triple: it joins the current wave or starts the next,
			// which waits for every triple of the previous one (or for the
			// head, for the first wave).
			if width == 0 || inWave == width {
				if len(wave) > 0 {
					gate = wave
				} else {
					gate = []int{i - 1}
				}
				wave, inWave, width = nil, 0, g.waveWidth(rb)
			}
			inWave++
			s.after = slices.Clone(gate)
			wave = append(wave, i)
		case sl.phase > 1:
			s.after = []int{i - 1}
			wave[len(wave)-1] = i
		case prevPhase != 0:
			// First tail step joins the whole last wave.
			s.after = slices.Clone(wave)
			wave, width = nil, 0
		default:
			s.after = []int{i - 1}
		}
		prevPhase = sl.phase
		rb.steps[i] = s
	}
}

// waveWidth is how many components a wave works on in parallel: a region
// failover or zone recovery fans out across teams, restores less so.
func (g *gen) waveWidth(rb *runbook) int {
	if rb.class == "failover" || rb.class == "az" {
		return g.between(4, 8)
	}
	return g.between(2, 4)
}

func middle(class string, phase int) stepFn {
	switch phase {
	case 0:
		return stepCheck
	case 2:
		return stepVerify
	}
	switch class {
	case "az":
		return stepAZAct
	case "restore", "ransomware":
		return stepRestoreAct
	}
	return stepFailoverAct
}

// criticalPath is the longest chain of estimates through the after graph.
func criticalPath(steps []*step) int {
	finish := make([]int, len(steps))
	longest := 0
	for i, s := range steps {
		start := 0
		for _, j := range s.after {
			start = max(start, finish[j])
		}
		finish[i] = start + s.est
		longest = max(longest, finish[i])
	}
	return longest
}

// fitTiers scales the runbook's estimates down, if need be, so that its
// critical path fits within 80% of the tightest RTO it targets, then sets
// timeouts, the runbook's tiers and the step that recovers them.
func (g *gen) fitTiers(rb *runbook) {
	budget := 0
	for _, id := range rb.targets {
		t := g.tier(id)
		if budget == 0 || t.rto*8/10 < budget {
			budget = t.rto * 8 / 10
		}
	}
	if cp := criticalPath(rb.steps); cp > budget {
		for _, s := range rb.steps {
			s.est = max(5, (s.est*budget/cp)/5*5)
		}
	}
	cp := criticalPath(rb.steps)
	for _, id := range rb.targets {
		if g.tier(id).rto >= cp {
			rb.tiers = append(rb.tiers, id)
		}
	}
	if len(rb.tiers) == 0 {
		rb.tiers = []string{"tier3"}
	}
	for _, s := range rb.steps {
		s.timeout = s.est * 3
		if s.timeout >= 120 {
			s.timeout = (s.timeout + 59) / 60 * 60
		}
	}
	rb.steps[len(rb.steps)-1].recovers = rb.tiers
}

func (g *gen) tier(id string) *tier {
	for _, t := range g.tiers {
		if t.id == id {
			return t
		}
	}
	panic("plangen: unknown tier " + id)
}

func readOnly(s *step) { s.irreversible = "Read-only check; there is nothing to roll back." }

func stepDeclare(g *gen, rb *runbook, p *pair, s *step) {
	s.slug, s.owner = "declare-incident", "incident-commander"
	s.title = "Declare the incident and page the DR roster"
	s.command = fmt.Sprintf(`pd incident create --title "DR: %s" \
  --service drplan-dr --urgency high \
  --escalation-policy dr-roster
pd incident list --statuses triggered --limit 1 --output json | jq -r '.[0].id'`, rb.title)
	s.expect = `^P[A-Z0-9]{6}$`
	s.sample = "P" + g.upper(6)
	s.est = g.between(60, 120)
	s.rollback = `pd incident resolve --ids "$INCIDENT_ID" --note "Stood down: DR not required"`
	s.rollbackExpect = "resolved"
}

func stepStatusPage(g *gen, rb *runbook, p *pair, s *step) {
	s.slug, s.owner = "post-status", "comms-lead"
	s.title = "Post the investigating notice on the status page"
	s.command = `curl -fsS -X POST "https://api.statuspage.io/v1/pages/$PAGE_ID/incidents" \
  -H "Authorization: OAuth $STATUSPAGE_TOKEN" \
  -d 'incident[name]=Degraded service' \
  -d 'incident[status]=investigating' | jq -r .id`
	s.expect = `^[a-z0-9]{12}$`
	s.sample = g.hex(12)
	s.est = g.between(60, 180)
	s.rollback = `curl -fsS -X DELETE "https://api.statuspage.io/v1/pages/$PAGE_ID/incidents/$SP_INCIDENT" \
  -H "Authorization: OAuth $STATUSPAGE_TOKEN"`
}

func stepFreezeWrites(g *gen, rb *runbook, p *pair, s *step) {
	s.slug, s.owner = "freeze-writes", "sre-oncall"
	s.title = fmt.Sprintf("Freeze writes to %s in %s", p.sys, primaryRegion)
	s.command = fmt.Sprintf(`kubectl --context %[1]s -n %[2]s annotate deploy -l app.kubernetes.io/part-of=%[2]s \
  drplan.io/frozen=true --overwrite
kubectl --context %[1]s -n %[2]s scale deploy -l tier=writer --replicas=0
kubectl --context %[1]s -n %[2]s get deploy -l tier=writer -o name | wc -l`, "platform-eks-use1", p.sys)
	s.expect = `^[0-9]+$`
	s.sample = strconv.Itoa(g.between(2, 9))
	s.est = g.between(30, 90)
	s.rollback = fmt.Sprintf(`kubectl --context platform-eks-use1 -n %[1]s scale deploy -l tier=writer --replicas=3
kubectl --context platform-eks-use1 -n %[1]s annotate deploy -l app.kubernetes.io/part-of=%[1]s drplan.io/frozen-`, p.sys)
}

func stepUnfreezeWrites(g *gen, rb *runbook, p *pair, s *step) {
	s.slug, s.owner = "unfreeze-writes", "sre-oncall"
	s.title = fmt.Sprintf("Re-enable writes to %s against the restored data", p.sys)
	s.command = fmt.Sprintf(`kubectl --context platform-eks-use1 -n %[1]s scale deploy -l tier=writer --replicas=3
kubectl --context platform-eks-use1 -n %[1]s rollout status deploy -l tier=writer --timeout=300s
kubectl --context platform-eks-use1 -n %[1]s annotate deploy -l app.kubernetes.io/part-of=%[1]s drplan.io/frozen-`, p.sys)
	s.expect = `successfully rolled out`
	s.sample = fmt.Sprintf(`deployment "%s-writer" successfully rolled out`, p.sys)
	s.est = g.between(60, 240)
	s.rollback = fmt.Sprintf(`kubectl --context platform-eks-use1 -n %s scale deploy -l tier=writer --replicas=0`, p.sys)
}

func stepIsolate(g *gen, rb *runbook, p *pair, s *step) {
	s.slug, s.owner = "isolate-accounts", "security-oncall"
	s.title = "Isolate the production account with the deny-all SCP"
	s.command = fmt.Sprintf(`aws organizations attach-policy --policy-id p-%s \
  --target-id %s
aws organizations list-policies-for-target --target-id %s \
  --filter SERVICE_CONTROL_POLICY --query 'Policies[].Name' --output text`, g.hex(8), account, account)
	s.expect = `quarantine-deny-all`
	s.sample = "FullAWSAccess\tquarantine-deny-all"
	s.est = g.between(120, 300)
	s.approvalRole = "CISO"
	s.approvalWhy = "Cuts every workload in the account off from AWS APIs until lifted."
	s.rollback = fmt.Sprintf(`aws organizations detach-policy --policy-id "$QUARANTINE_POLICY_ID" --target-id %s`, account)
}

func stepRotateCredentials(g *gen, rb *runbook, p *pair, s *step) {
	s.slug, s.owner = "rotate-credentials", "security-oncall"
	s.title = "Rotate database and service credentials before re-opening traffic"
	s.command = `for secret in $(aws secretsmanager list-secrets --region us-west-2 \
    --filters Key=tag-key,Values=drplan-rotate --query 'SecretList[].ARN' --output text); do
  aws secretsmanager rotate-secret --region us-west-2 --secret-id "$secret" >/dev/null
done && echo rotated`
	s.expect = `^rotated$`
	s.sample = "rotated"
	s.est = g.between(300, 900)
	s.irreversible = "Old credentials are revoked by the rotation and cannot be restored."
}

func stepDNSFlip(g *gen, rb *runbook, p *pair, s *step) {
	s.slug, s.owner = "flip-dns", "sre-oncall"
	s.title = "Force the api." + domain + " failover record to " + standbyRegion
	s.command = `aws route53 change-resource-record-sets --hosted-zone-id "$ZONE_ID" \
  --change-batch file://dns/failover-api-usw2.json \
  --query 'ChangeInfo.Id' --output text | xargs -I{} \
  aws route53 wait resource-record-sets-changed --id {} && echo INSYNC`
	s.expect = `INSYNC`
	s.sample = "INSYNC"
	s.est = g.between(60, 180)
	s.approvalRole = "Incident Commander"
	s.approvalWhy = "Moves all customer traffic to " + standbyRegion + "."
	s.rollback = `aws route53 change-resource-record-sets --hosted-zone-id "$ZONE_ID" \
  --change-batch file://dns/failback-api-use1.json`
}

func stepHealth(g *gen, rb *runbook, p *pair, s *step) {
	s.slug, s.owner = "check-health", "sre-oncall"
	s.title = "Check the public health endpoint from outside AWS"
	s.command = `for _ in 1 2 3 4 5; do
  curl -fsS --max-time 5 https://api.acme.example/healthz | jq -r .status
  sleep 10
done | sort | uniq -c`
	s.expect = `^\s*5 ok$`
	s.sample = "      5 ok"
	s.est = g.between(60, 90)
	readOnly(s)
}

func stepSmoke(g *gen, rb *runbook, p *pair, s *step) {
	s.slug, s.owner = "run-smoke-tests", "qa-oncall"
	s.title = "Run the synthetic customer journeys"
	s.command = `kubectl --context platform-eks-usw2 -n smoke create job \
  --from=cronjob/customer-journeys "smoke-$(date +%s)"
kubectl --context platform-eks-usw2 -n smoke wait job -l app=customer-journeys \
  --for=condition=complete --timeout=600s`
	s.expect = `condition met`
	s.sample = "job.batch/smoke-1767960000 condition met"
	s.est = g.between(180, 420)
	s.irreversible = "Synthetic journeys use test tenants only; there is nothing to undo."
}

func stepConfirm(g *gen, rb *runbook, p *pair, s *step) {
	s.slug, s.owner = "confirm-recovery", "incident-commander"
	s.title = "Confirm recovery with the service owners and hand back"
	s.command = `pd incident update --ids "$INCIDENT_ID" --status acknowledged \
  --note "Recovery confirmed; monitoring for 30 minutes"
curl -fsS --max-time 5 https://api.acme.example/healthz | jq -r .status`
	s.expect = `^ok$`
	s.sample = "ok"
	s.est = g.between(120, 300)
	s.irreversible = "A hand-back is a decision, not a change; there is nothing to undo."
}

func stepCheck(g *gen, rb *runbook, p *pair, s *step) {
	s.owner = "sre-oncall"
	s.est = g.between(30, 90)
	readOnly(s)
	pri, sby := p.primary.id, p.standby.id
	switch p.kind {
	case "aurora-global":
		s.slug, s.owner = "check-lag-"+p.base, "dba-oncall"
		s.title = "Check global database replication lag for " + p.base
		s.command = fmt.Sprintf(`aws cloudwatch get-metric-statistics --region %s \
  --namespace AWS/RDS --metric-name AuroraGlobalDBReplicationLag \
  --dimensions Name=DBClusterIdentifier,Value=%s \
  --start-time "$(date -u -d -5min +%%FT%%TZ)" --end-time "$(date -u +%%FT%%TZ)" \
  --period 60 --statistics Maximum --output text`, standbyRegion, sby)
		s.expect = `DATAPOINTS\s+[0-9.]+`
		s.sample = fmt.Sprintf("DATAPOINTS\t%d.0\t2026-01-09T10:%02d:00Z\tMilliseconds", g.between(80, 900), g.between(0, 59))
	case "aurora-cluster":
		s.slug, s.owner = "check-recovery-point-"+p.base, "dba-oncall"
		s.title = "Find the latest copied recovery point for " + p.base
		s.command = fmt.Sprintf(`aws backup list-recovery-points-by-backup-vault --region %s \
  --backup-vault-name acme-vault-usw2 \
  --by-resource-arn arn:aws:rds:%s:%s:cluster:%s \
  --query 'max_by(RecoveryPoints, &CreationDate).[RecoveryPointArn,Status]' --output text`, standbyRegion, primaryRegion, account, pri)
		s.expect = `COMPLETED$`
		s.sample = fmt.Sprintf("arn:aws:backup:%s:%s:recovery-point:%s\tCOMPLETED", standbyRegion, account, g.hex(8))
	case "rds-postgres":
		s.slug, s.owner = "check-replica-"+p.base, "dba-oncall"
		s.title = "Check replica lag and status of " + sby
		s.command = fmt.Sprintf(`aws rds describe-db-instances --region %s \
  --db-instance-identifier %s \
  --query 'DBInstances[0].[DBInstanceStatus,StatusInfos[0].Status]' --output text
psql "host=%s.cluster.internal dbname=postgres" -Atc 'select extract(epoch from now() - pg_last_xact_replay_timestamp())'`, standbyRegion, sby, sby)
		s.expect = `available\s+replicating`
		s.sample = fmt.Sprintf("available\treplicating\n%d.%03d", g.between(0, 9), g.between(0, 999))
	case "msk":
		s.slug = "check-mirror-" + p.base
		s.title = "Check MirrorMaker 2 latency into " + sby
		s.command = fmt.Sprintf(`kubectl --context platform-eks-usw2 -n kafka exec deploy/mm2-%s -- \
  curl -s localhost:9404/metrics \
  | grep '^kafka_connect_mirror_source_connector_replication_latency_ms_max' \
  | sort -k2 -n | tail -1`, p.base)
		s.expect = `latency_ms_max\{.*\} [0-9.]+`
		s.sample = fmt.Sprintf(`kafka_connect_mirror_source_connector_replication_latency_ms_max{topic="%s.events"} %d.0`, p.sys, g.between(100, 5000))
	case "elasticache-redis":
		s.slug = "check-datastore-" + p.base
		s.title = "Check the global datastore members of " + p.base
		s.command = fmt.Sprintf(`aws elasticache describe-global-replication-groups --region %s \
  --global-replication-group-id ldgnf-%s --show-member-info \
  --query 'GlobalReplicationGroups[0].Members[].[ReplicationGroupRegion,Role,Status]' \
  --output text`, standbyRegion, p.base)
		s.expect = `us-west-2\s+SECONDARY\s+associated`
		s.sample = "us-east-1\tPRIMARY\tassociated\nus-west-2\tSECONDARY\tassociated"
	case "eks":
		s.slug, s.owner = "check-nodes-"+p.base, "platform-oncall"
		s.title = "Check ready nodes in standby cluster " + sby
		s.command = fmt.Sprintf(`aws eks update-kubeconfig --region %s --name %s --alias %s >/dev/null
kubectl --context %s get nodes --no-headers \
  | awk '$2 == "Ready" { n++ } END { print n + 0 }'`, standbyRegion, sby, sby, sby)
		s.expect = `^[0-9]+$`
		s.sample = strconv.Itoa(g.between(3, 12))
	case "s3":
		s.slug = "check-crr-" + p.base
		s.title = "Check replication status of the canary object in acme-" + pri
		s.command = fmt.Sprintf(`aws s3api put-object --bucket acme-%s --key drplan/canary --body /etc/hostname >/dev/null
sleep 30
aws s3api head-object --bucket acme-%s --key drplan/canary \
  --query ReplicationStatus --output text`, pri, pri)
		s.expect = `^(COMPLETED|PENDING)$`
		s.sample = "COMPLETED"
	}
}

func stepFailoverAct(g *gen, rb *runbook, p *pair, s *step) {
	s.owner = "sre-oncall"
	s.est = g.between(60, 300)
	pri, sby := p.primary.id, p.standby.id
	switch p.kind {
	case "aurora-global":
		s.slug, s.owner = "failover-"+p.base, "dba-oncall"
		s.title = "Fail over global database " + p.base + "-global to " + standbyRegion
		s.command = fmt.Sprintf(`aws rds failover-global-cluster --region %s \
  --global-cluster-identifier %s-global \
  --target-db-cluster-identifier arn:aws:rds:%s:%s:cluster:%s \
  --allow-data-loss --query 'GlobalCluster.Status' --output text`, standbyRegion, p.base, standbyRegion, account, sby)
		s.expect = `^failing-over$`
		s.sample = "failing-over"
		s.approvalRole = "Incident Commander"
		s.approvalWhy = "Detaches the old writer; writes not yet replicated are lost."
		s.irreversible = "The old primary leaves the global cluster and must be rebuilt as a secondary."
	case "aurora-cluster":
		s.slug, s.owner = "restore-"+p.base, "dba-oncall"
		s.title = "Restore " + sby + " from the latest copied recovery point"
		s.command = fmt.Sprintf(`aws backup start-restore-job --region %s \
  --recovery-point-arn "$RECOVERY_POINT_ARN" \
  --iam-role-arn arn:aws:iam::%s:role/drplan-restore \
  --metadata file://restore/%s.json --query RestoreJobId --output text`, standbyRegion, account, sby)
		s.expect = `^[0-9A-F-]{36}$`
		s.sample = strings.ToUpper(g.hex(8) + "-" + g.hex(4) + "-" + g.hex(4) + "-" + g.hex(4) + "-" + g.hex(12))
		s.est = g.between(900, 1800)
		s.rollback = fmt.Sprintf(`aws rds delete-db-cluster --region %s --db-cluster-identifier %s --skip-final-snapshot`, standbyRegion, sby)
	case "rds-postgres":
		s.slug, s.owner = "promote-"+p.base, "dba-oncall"
		s.title = "Promote read replica " + sby + " to a standalone primary"
		s.command = fmt.Sprintf(`aws rds promote-read-replica --region %s \
  --db-instance-identifier %s \
  --backup-retention-period 7 \
  --query 'DBInstance.DBInstanceStatus' --output text`, standbyRegion, sby)
		s.expect = `^modifying$`
		s.sample = "modifying"
		s.approvalRole = "Incident Commander"
		s.approvalWhy = "Breaks replication from " + pri + " for good."
		s.irreversible = "A promoted replica cannot become a replica again; it is rebuilt after failback."
	case "msk":
		s.slug = "repoint-producers-" + p.base
		s.title = "Repoint " + p.sys + " producers and consumers to " + sby
		s.command = fmt.Sprintf(`brokers=$(aws kafka get-bootstrap-brokers --region %s \
  --cluster-arn "$(cat arns/%s)" --query BootstrapBrokerStringSaslIam --output text)
kubectl --context platform-eks-usw2 -n %s set env deploy -l uses-kafka=%s \
  KAFKA_BOOTSTRAP="$brokers"`, standbyRegion, sby, p.sys, p.base)
		s.expect = `env updated`
		s.sample = fmt.Sprintf("deployment.apps/%s-consumer env updated", p.sys)
		s.rollback = fmt.Sprintf(`kubectl --context platform-eks-usw2 -n %s set env deploy -l uses-kafka=%s \
  KAFKA_BOOTSTRAP="$PRIMARY_BROKERS"`, p.sys, p.base)
	case "elasticache-redis":
		s.slug = "failover-" + p.base
		s.title = "Promote the " + standbyRegion + " member of ldgnf-" + p.base
		s.command = fmt.Sprintf(`aws elasticache failover-global-replication-group --region %s \
  --global-replication-group-id ldgnf-%s \
  --primary-region %s --primary-replication-group-id %s \
  --query 'GlobalReplicationGroup.Status' --output text`, standbyRegion, p.base, standbyRegion, sby)
		s.expect = `^(modifying|primary-only)$`
		s.sample = "modifying"
		s.rollback = fmt.Sprintf(`aws elasticache failover-global-replication-group --region %s \
  --global-replication-group-id ldgnf-%s \
  --primary-region %s --primary-replication-group-id %s`, primaryRegion, p.base, primaryRegion, pri)
		s.rollbackExpect = "modifying"
	case "eks":
		s.slug, s.owner = "scale-"+p.base, "platform-oncall"
		s.title = "Scale up node groups of " + sby
		s.command = fmt.Sprintf(`aws eks update-nodegroup-config --region %s \
  --cluster-name %s --nodegroup-name %s-general \
  --scaling-config minSize=6,maxSize=60,desiredSize=12 \
  --query 'update.status' --output text`, standbyRegion, sby, sby)
		s.expect = `^InProgress$`
		s.sample = "InProgress"
		s.rollback = fmt.Sprintf(`aws eks update-nodegroup-config --region %s \
  --cluster-name %s --nodegroup-name %s-general \
  --scaling-config minSize=2,maxSize=60,desiredSize=2`, standbyRegion, sby, sby)
	case "s3":
		s.slug = "switch-bucket-" + p.base
		s.title = "Switch " + p.sys + " writers to replica bucket acme-" + sby
		s.command = fmt.Sprintf(`kubectl --context platform-eks-usw2 -n %s set env deploy -l uses-bucket=%s \
  DOCUMENTS_BUCKET=acme-%s DOCUMENTS_REGION=%s
kubectl --context platform-eks-usw2 -n %s rollout status deploy -l uses-bucket=%s`, p.sys, p.base, sby, standbyRegion, p.sys, p.base)
		s.expect = `successfully rolled out`
		s.sample = fmt.Sprintf(`deployment "%s-api" successfully rolled out`, p.sys)
		s.rollback = fmt.Sprintf(`kubectl --context platform-eks-usw2 -n %s set env deploy -l uses-bucket=%s \
  DOCUMENTS_BUCKET=acme-%s DOCUMENTS_REGION=%s`, p.sys, p.base, pri, primaryRegion)
	}
}

func stepAZAct(g *gen, rb *runbook, p *pair, s *step) {
	s.owner = "sre-oncall"
	s.est = g.between(60, 240)
	pri := p.primary.id
	switch p.kind {
	case "aurora-global", "aurora-cluster":
		s.slug, s.owner = "az-failover-"+p.base, "dba-oncall"
		s.title = "Move the writer of " + pri + " out of the impaired zone"
		s.command = fmt.Sprintf(`aws rds failover-db-cluster --region %s \
  --db-cluster-identifier %s \
  --target-db-instance-identifier %s-r1 \
  --query 'DBCluster.Status' --output text`, primaryRegion, pri, pri)
		s.expect = `^(available|failing-over)$`
		s.sample = "failing-over"
		s.rollback = fmt.Sprintf(`aws rds failover-db-cluster --region %s --db-cluster-identifier %s \
  --target-db-instance-identifier %s-w1`, primaryRegion, pri, pri)
	case "rds-postgres":
		s.slug, s.owner = "az-failover-"+p.base, "dba-oncall"
		s.title = "Force a Multi-AZ failover of " + pri
		s.command = fmt.Sprintf(`aws rds reboot-db-instance --region %s \
  --db-instance-identifier %s --force-failover \
  --query 'DBInstance.DBInstanceStatus' --output text`, primaryRegion, pri)
		s.expect = `^rebooting$`
		s.sample = "rebooting"
		s.irreversible = "The standby becomes primary; the old primary rejoins as standby by itself."
	case "elasticache-redis":
		s.slug = "az-failover-" + p.base
		s.title = "Fail over the primary node of " + pri + " to a healthy zone"
		s.command = fmt.Sprintf(`aws elasticache test-failover --region %s \
  --replication-group-id %s --node-group-id 0001 \
  --query 'ReplicationGroup.Status' --output text`, primaryRegion, pri)
		s.expect = `^(available|modifying)$`
		s.sample = "modifying"
		s.irreversible = "Redis promotes a replica; the old primary rejoins as a replica by itself."
	default:
		s.slug, s.owner = "cordon-zone-"+p.base, "platform-oncall"
		s.title = "Cordon and drain nodes of " + p.sys + " in the impaired zone"
		s.command = fmt.Sprintf(`kubectl --context platform-eks-use1 cordon -l topology.kubernetes.io/zone="$IMPAIRED_AZ"
kubectl --context platform-eks-use1 -n %s delete pod \
  --field-selector spec.nodeName!="" -l "topology.kubernetes.io/zone=$IMPAIRED_AZ" --wait=false`, p.sys)
		s.expect = `cordoned`
		s.sample = fmt.Sprintf("node/ip-10-0-%d-%d.ec2.internal cordoned", g.between(0, 255), g.between(1, 254))
		s.rollback = `kubectl --context platform-eks-use1 uncordon -l topology.kubernetes.io/zone="$IMPAIRED_AZ"`
	}
}

func stepRestoreAct(g *gen, rb *runbook, p *pair, s *step) {
	s.owner = "dba-oncall"
	s.est = g.between(600, 1500)
	pri := p.primary.id
	vault := "acme-vault-use1"
	if rb.class == "ransomware" {
		vault = "acme-vault-usw2"
	}
	switch p.kind {
	case "aurora-global", "aurora-cluster":
		s.slug = "pitr-" + p.base
		s.title = "Restore " + pri + " to the last good point in time"
		s.command = fmt.Sprintf(`aws rds restore-db-cluster-to-point-in-time --region %s \
  --source-db-cluster-identifier %s \
  --db-cluster-identifier %s-restored \
  --restore-to-time "$RESTORE_TIME" --query 'DBCluster.Status' --output text`, primaryRegion, pri, pri)
		s.expect = `^creating$`
		s.sample = "creating"
		s.rollback = fmt.Sprintf(`aws rds delete-db-cluster --region %s \
  --db-cluster-identifier %s-restored --skip-final-snapshot`, primaryRegion, pri)
	case "rds-postgres":
		s.slug = "pitr-" + p.base
		s.title = "Restore " + pri + " to the last good point in time"
		s.command = fmt.Sprintf(`aws rds restore-db-instance-to-point-in-time --region %s \
  --source-db-instance-identifier %s \
  --target-db-instance-identifier %s-restored \
  --restore-time "$RESTORE_TIME" --query 'DBInstance.DBInstanceStatus' --output text`, primaryRegion, pri, pri)
		s.expect = `^creating$`
		s.sample = "creating"
		s.rollback = fmt.Sprintf(`aws rds delete-db-instance --region %s \
  --db-instance-identifier %s-restored --skip-final-snapshot`, primaryRegion, pri)
	default:
		s.slug, s.owner = "restore-"+p.base, "sre-oncall"
		s.title = "Restore " + pri + " from vault " + vault
		s.command = fmt.Sprintf(`aws backup start-restore-job --region %s \
  --recovery-point-arn "$(cat recovery-points/%s)" \
  --iam-role-arn arn:aws:iam::%s:role/drplan-restore \
  --metadata file://restore/%s.json --query RestoreJobId --output text`, primaryRegion, pri, account, pri)
		s.expect = `^[0-9A-F-]{36}$`
		s.sample = strings.ToUpper(g.hex(8) + "-" + g.hex(4) + "-" + g.hex(4) + "-" + g.hex(4) + "-" + g.hex(12))
		s.irreversible = "A restore creates new resources next to the damaged ones; clean-up is a post-action."
	}
}

func stepVerify(g *gen, rb *runbook, p *pair, s *step) {
	s.owner = "sre-oncall"
	s.est = g.between(60, 180)
	readOnly(s)
	id := p.standby.id
	region := standbyRegion
	if rb.class != "failover" {
		id, region = p.primary.id, primaryRegion
	}
	if rb.class == "restore" || rb.class == "ransomware" {
		switch p.kind {
		case "aurora-global", "aurora-cluster", "rds-postgres":
			id += "-restored"
		}
	}
	switch p.kind {
	case "aurora-global", "aurora-cluster":
		s.slug, s.owner = "verify-writer-"+p.base, "dba-oncall"
		s.title = "Verify " + id + " is available and accepts writes"
		s.command = fmt.Sprintf(`aws rds wait db-cluster-available --region %s --db-cluster-identifier %s
psql "host=%s.cluster.internal dbname=app" -Atc \
  "insert into drplan_probe(at) values (now()) returning 'writable'"`, region, id, id)
		s.expect = `^writable$`
		s.sample = "writable"
	case "rds-postgres":
		s.slug, s.owner = "verify-writer-"+p.base, "dba-oncall"
		s.title = "Verify " + id + " is available and accepts writes"
		s.command = fmt.Sprintf(`aws rds wait db-instance-available --region %s --db-instance-identifier %s
psql "host=%s.internal dbname=app" -Atc \
  "select case when pg_is_in_recovery() then 'replica' else 'writable' end"`, region, id, id)
		s.expect = `^writable$`
		s.sample = "writable"
	case "msk":
		s.slug = "verify-consumers-" + p.base
		s.title = "Verify " + p.sys + " consumer groups are consuming from " + id
		s.command = `kafka-consumer-groups.sh --bootstrap-server "$BROKERS" \
  --command-config /etc/kafka/iam.properties --describe --all-groups \
  | awk 'NR > 1 && $6 > 10000 { lagging++ } END { print "lagging=" lagging + 0 }'`
		s.expect = `^lagging=0$`
		s.sample = "lagging=0"
	case "elasticache-redis":
		s.slug = "verify-cache-" + p.base
		s.title = "Verify " + id + " is primary and serving"
		s.command = fmt.Sprintf(`redis-cli -h %s.cache.internal --tls -a "$REDIS_AUTH" --no-auth-warning \
  info replication | grep '^role:'
redis-cli -h %s.cache.internal --tls -a "$REDIS_AUTH" --no-auth-warning ping`, id, id)
		s.expect = `role:master\s+PONG`
		s.sample = "role:master\nPONG"
	case "eks":
		s.slug, s.owner = "verify-workloads-"+p.base, "platform-oncall"
		s.title = "Verify Argo CD applications on " + id + " are synced and healthy"
		s.command = fmt.Sprintf(`argocd app list --selector cluster=%s -o json \
  | jq -r '[.[] | select(.status.sync.status != "Synced" or .status.health.status != "Healthy")]
    | "unhealthy=\(length)"'`, id)
		s.expect = `^unhealthy=0$`
		s.sample = "unhealthy=0"
	case "s3":
		s.slug = "verify-bucket-" + p.base
		s.title = "Verify " + p.sys + " can write to acme-" + id
		s.command = fmt.Sprintf(`kubectl --context platform-eks-usw2 -n %s exec deploy/%s-api -- \
  sh -c 'echo probe | aws s3 cp - "s3://$DOCUMENTS_BUCKET/drplan/probe" && echo written'`, p.sys, p.sys)
		s.expect = `written$`
		s.sample = fmt.Sprintf("upload: - to s3://acme-%s/drplan/probe\nwritten", id)
	}
}

// ---------------------------------------------------------------------------
// Emission

// w is an append-only CUE text buffer. It lays fields out as `cue fmt`
// does: the values of consecutive single-line scalar fields are aligned.
type w struct {
	b   []byte
	run []span // scalar fields since the last other line
	tmp []byte
}

// span locates a scalar field line: its start and the offset after "key:".
type span struct{ start, colon int }

const (
	tabs   = "\t\t\t\t\t\t\t\t\t\t\t\t"
	spaces = "                                "
)

func (w *w) ind(n int) { w.b = append(w.b, tabs[:n]...) }

// flush aligns the pending run of scalar fields.
func (w *w) flush() {
	if len(w.run) < 2 {
		w.run = w.run[:0]
		return
	}
	width, ragged := 0, false
	for i, s := range w.run {
		if n := s.colon - s.start; n != width {
			ragged = ragged || i > 0
			width = max(width, n)
		}
	}
	if ragged {
		base := w.run[0].start
		w.tmp = append(w.tmp[:0], w.b[base:]...)
		w.b = w.b[:base]
		for i, s := range w.run {
			end := len(w.tmp)
			if i+1 < len(w.run) {
				end = w.run[i+1].start - base
			}
			line := w.tmp[s.start-base : end]
			k := s.colon - s.start
			w.b = append(w.b, line[:k]...)
			for pad := width - k; pad > 0; pad -= len(spaces) {
				w.b = append(w.b, spaces[:min(pad, len(spaces))]...)
			}
			w.b = append(w.b, line[k:]...)
		}
	}
	w.run = w.run[:0]
}

func (w *w) label(k string) {
	if isIdent(k) {
		w.b = append(w.b, k...)
	} else {
		w.b = strconv.AppendQuote(w.b, k)
	}
}

// scalar starts a single-line scalar field `k: `.
func (w *w) scalar(n int, k string) {
	start := len(w.b)
	w.ind(n)
	w.label(k)
	w.b = append(w.b, ':')
	w.run = append(w.run, span{start, len(w.b)})
	w.b = append(w.b, ' ')
}

// field starts any other field `k: `.
func (w *w) field(n int, k string) {
	w.flush()
	w.ind(n)
	w.label(k)
	w.b = append(w.b, ": "...)
}

// line writes a line that is not a field (closing braces, list items).
func (w *w) line(n int, s string) {
	w.flush()
	w.ind(n)
	w.b = append(w.b, s...)
	w.b = append(w.b, '\n')
}

// nl writes an empty line.
func (w *w) nl() { w.line(0, "") }

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// raw writes `k: v` with v already CUE syntax.
func (w *w) raw(n int, k, v string) {
	w.scalar(n, k)
	w.b = append(w.b, v...)
	w.b = append(w.b, '\n')
}

func (w *w) int(n int, k string, v int) {
	w.scalar(n, k)
	w.b = strconv.AppendInt(w.b, int64(v), 10)
	w.b = append(w.b, '\n')
}

func (w *w) num(n int, k string, v float64) {
	w.scalar(n, k)
	w.b = strconv.AppendFloat(w.b, v, 'f', -1, 64)
	w.b = append(w.b, '\n')
}

func (w *w) bool(n int, k string, v bool) {
	w.scalar(n, k)
	w.b = strconv.AppendBool(w.b, v)
	w.b = append(w.b, '\n')
}

// str writes a string field; multi-line strings use CUE's """ form.
func (w *w) str(n int, k, v string) {
	if strings.IndexByte(v, '\n') < 0 {
		w.scalar(n, k)
		w.quote(v)
		w.b = append(w.b, '\n')
		return
	}
	w.field(n, k)
	open, close := `"""`, `"""`
	if strings.IndexByte(v, '\\') >= 0 {
		open, close = `#"""`, `"""#`
	}
	w.b = append(w.b, open...)
	w.b = append(w.b, '\n')
	for line := range strings.SplitSeq(v, "\n") {
		if line != "" {
			w.ind(n + 1)
			w.b = append(w.b, line...)
		}
		w.b = append(w.b, '\n')
	}
	w.ind(n + 1)
	w.b = append(w.b, close...)
	w.b = append(w.b, '\n')
}

// quote writes a single-line string, as a raw #"..."# string when it holds
// backslashes or quotes (regular expressions, JSON), as a person would.
func (w *w) quote(v string) {
	for i := 0; i < len(v); i++ {
		if v[i] < ' ' {
			w.b = strconv.AppendQuote(w.b, v) // tabs as \t
			return
		}
	}
	if strings.IndexByte(v, '\\') < 0 && strings.IndexByte(v, '"') < 0 {
		w.b = append(w.b, '"')
		w.b = append(w.b, v...)
		w.b = append(w.b, '"')
		return
	}
	if !strings.Contains(v, `"#`) && !strings.Contains(v, `\#`) {
		w.b = append(w.b, `#"`...)
		w.b = append(w.b, v...)
		w.b = append(w.b, `"#`...)
		return
	}
	w.b = strconv.AppendQuote(w.b, v)
}

func (w *w) strs(n int, k string, vs []string) {
	w.field(n, k)
	w.b = append(w.b, '[')
	for i, v := range vs {
		if i > 0 {
			w.b = append(w.b, ", "...)
		}
		w.quote(v)
	}
	w.b = append(w.b, "]\n"...)
}

func (w *w) open(n int, k string) {
	w.field(n, k)
	w.b = append(w.b, "{\n"...)
}

func (w *w) close(n int) { w.line(n, "}") }

// openList starts `k: [{`; items are separated by next and ended by closeList.
func (w *w) openList(n int, k string) {
	w.field(n, k)
	w.b = append(w.b, "[{\n"...)
}

func (w *w) next(n int) { w.line(n, "}, {") }

func (w *w) closeList(n int) { w.line(n, "}]") }

func (g *gen) header(comment string, capacity int) []byte {
	var w w
	w.b = make([]byte, 0, capacity)
	w.b = append(w.b, "// "...)
	w.b = append(w.b, comment...)
	w.b = append(w.b, "\n// Generated by plangen; do not edit.\n\npackage "...)
	w.b = append(w.b, g.o.Package...)
	w.b = append(w.b, "\n\n"...)
	return w.b
}

// section writes a top-level struct field split over numbered files:
// <prefix>-000.cue, <prefix>-001.cue, ... Each entry is written by fn at
// indent 1 into a scratch buffer and moved to the current file, which is
// closed and a new one started once it would pass targetFileSize.
func (g *gen) section(prefix, field, comment string, n int, fn func(w *w, i int)) {
	count := 0
	begin := func() w {
		w := w{b: g.header(comment, targetFileSize+64<<10)}
		w.b = append(w.b, field...)
		w.b = append(w.b, ": {\n"...)
		return w
	}
	flush := func(b []byte) {
		b = append(b, "}\n"...)
		g.files[fmt.Sprintf("%s-%03d.cue", prefix, count)] = b
		count++
	}
	cur := begin()
	start := len(cur.b)
	for i := range n {
		entry := len(cur.b)
		fn(&cur, i)
		if entry > start && len(cur.b)+2 > targetFileSize {
			// The entry does not fit: it opens the next file.
			next := begin()
			next.b = append(next.b, cur.b[entry:]...)
			flush(cur.b[:entry])
			cur = next
		}
	}
	if len(cur.b) > start {
		flush(cur.b)
	}
}

func (g *gen) emit() {
	g.emitPlan()
	g.emitTiers()
	g.emitPromotion()
	g.section("services", "services", "Services and the components they depend on.", len(g.services), g.emitService)
	comps := append(append([]*comp(nil), g.infra...), make([]*comp, 0, 2*len(g.pairs))...)
	for _, p := range g.pairs {
		comps = append(comps, p.primary, p.standby)
	}
	g.section("components", "components", "Infrastructure components in both regions.", len(comps), func(w *w, i int) { g.emitComponent(w, comps[i]) })
	g.section("replication", "replication", "Replication paths from the primary to the standby region.", len(g.repls), g.emitRepl)
	g.section("runbooks", "runbooks", "Runbooks: numbered, command-level procedures.", len(g.runbooks), g.emitRunbook)
	g.emitAlerts()
	g.emitDrills()
}

func (g *gen) emitPlan() {
	var w w
	w.b = g.header("Disaster-recovery plan of the synthetic Acme platform.", 32<<10)
	w.raw(0, "apiVersion", `"drplan/v1"`)
	w.str(0, "name", fmt.Sprintf("synthetic-%d-%d", g.o.Services, g.o.Steps))
	w.str(0, "title", "Acme platform disaster-recovery plan")
	w.str(0, "description", fmt.Sprintf("How the Acme platform (%d services, %d components in %s and %s) survives the loss of a zone, a region or its data.",
		len(g.services), len(g.infra)+2*len(g.pairs), primaryRegion, standbyRegion))
	w.str(0, "version", "3.2.0")
	w.nl()

	w.open(0, "owner")
	w.str(1, "team", "Site Reliability Engineering")
	w.str(1, "person", "Dana Whitfield")
	w.str(1, "contact", "sre@"+domain)
	w.str(1, "role", "Engineering Manager, SRE")
	w.close(0)
	w.nl()

	w.open(0, "review")
	w.str(1, "cadence", "90d")
	w.str(1, "lastReviewed", date(-4))
	w.str(1, "reviewedBy", "Dana Whitfield")
	w.close(0)
	w.nl()

	w.open(0, "business")
	w.open(1, "customers")
	w.int(2, "count", 150000+10*len(g.services))
	w.str(2, "description", "Daily-active businesses using the platform")
	w.close(1)
	w.open(1, "peakLoad")
	w.int(2, "value", 12000)
	w.str(2, "unit", "requests/s")
	w.str(2, "at", "checkout")
	w.close(1)
	w.open(1, "downtimeCost")
	for _, c := range []struct {
		id   string
		cost int
		desc string
	}{
		{"checkout", 25000, "Lost orders while checkout is down, at peak"},
		{"degradation", 4000, "Support load and churn while customer features are degraded"},
		{"backoffice", 600, "Staff time lost while internal tools are down"},
	} {
		w.open(2, c.id)
		w.int(3, "perMinute", c.cost)
		w.str(3, "currency", "USD")
		w.str(3, "description", c.desc)
		w.close(2)
	}
	w.close(1)
	w.close(0)
	w.nl()

	w.open(0, "regions")
	w.open(1, primaryRegion)
	w.str(2, "role", "primary")
	w.str(2, "description", "Serves all production traffic.")
	w.close(1)
	w.open(1, standbyRegion)
	w.str(2, "role", "standby")
	w.str(2, "description", "Warm standby: data replicated continuously, compute scaled down.")
	w.close(1)
	w.close(0)
	w.nl()

	if n := g.o.Accounts; n >= 2 {
		w.open(0, "accounts")
		w.open(1, "backup")
		w.str(2, "id", accountID(0))
		w.str(2, "purpose", "backup")
		w.str(2, "role", "drplan-verify")
		w.close(1)
		for i := 1; i < n; i++ {
			w.open(1, workloadAccount(i))
			w.str(2, "id", accountID(i))
			w.str(2, "purpose", "workload")
			w.str(2, "role", "drplan-verify")
			w.close(1)
		}
		w.close(0)
		w.nl()
	}

	w.open(0, "dns")
	w.open(1, "api")
	w.str(2, "record", "api."+domain)
	w.str(2, "type", "A")
	w.str(2, "ttl", "60s")
	w.str(2, "hostedZone", "dns-zone")
	w.open(2, "primary")
	w.str(3, "target", "api-use1-"+g.hex(10)+".us-east-1.elb.amazonaws.com")
	w.str(3, "region", primaryRegion)
	w.str(3, "component", "platform-eks-use1")
	w.close(2)
	w.open(2, "secondary")
	w.str(3, "target", "api-usw2-"+g.hex(10)+".us-west-2.elb.amazonaws.com")
	w.str(3, "region", standbyRegion)
	w.str(3, "component", "platform-eks-usw2")
	w.close(2)
	w.open(2, "healthCheck")
	w.str(3, "id", g.hex(8)+"-"+g.hex(4)+"-"+g.hex(4)+"-"+g.hex(4)+"-"+g.hex(12))
	w.str(3, "protocol", "HTTPS")
	w.str(3, "path", "/healthz")
	w.str(3, "interval", "10s")
	w.int(3, "failureThreshold", 3)
	w.close(2)
	w.close(1)
	w.close(0)
	w.nl()

	g.emitScenarios(&w)
	w.nl()
	g.emitGameDays(&w)
	w.nl()
	g.emitComms(&w)
	w.nl()
	g.emitCost(&w)
	g.files["plan.cue"] = w.b
}

// date formats baseDate moved by days.
func date(days int) string { return baseDate.AddDate(0, 0, days).Format(time.DateOnly) }

// dur formats seconds the way drplan canonicalises durations.
func dur(secs int) string {
	if secs == 0 {
		return "0s"
	}
	var b []byte
	if secs%(7*86400) == 0 {
		return strconv.Itoa(secs/(7*86400)) + "w"
	}
	for _, u := range []struct {
		s string
		n int
	}{{"d", 86400}, {"h", 3600}, {"m", 60}, {"s", 1}} {
		if q := secs / u.n; q > 0 {
			b = strconv.AppendInt(b, int64(q), 10)
			b = append(b, u.s...)
			secs -= q * u.n
		}
	}
	return string(b)
}

// digest is the sign-off digest of tier t, as drplan computes it.
func digest(t *tier) string {
	var b strings.Builder
	b.WriteString("drplan-tier-signoff/v1\n")
	b.WriteString("tier=" + t.id + "\n")
	b.WriteString("rto=" + dur(t.rto) + "\n")
	b.WriteString("rpo=" + dur(t.rpo) + "\n")
	b.WriteString("strategy=" + t.strategy + "\n")
	b.WriteString("services=" + strings.Join(t.services, ",") + "\n")
	sum := sha256.Sum256([]byte(b.String()))
	return "sha256:" + hex.EncodeToString(sum[:])
}

var signers = map[string]string{
	"CTO":            "Priya Raman",
	"VP Product":     "Marcus Olsen",
	"VP Engineering": "Helen Okafor",
	"Head of Data":   "Tomas Reyes",
}

func (g *gen) emitTiers() {
	var w w
	w.b = g.header("Recovery tiers: objectives, strategy and business sign-off.", 8<<10)
	w.open(0, "tiers")
	for i, t := range g.tiers {
		if i > 0 {
			w.nl()
		}
		w.open(1, t.id)
		w.int(2, "level", t.level)
		w.str(2, "title", t.title)
		w.str(2, "description", t.desc)
		w.str(2, "rto", dur(t.rto))
		w.str(2, "rpo", dur(t.rpo))
		w.str(2, "strategy", t.strategy)
		w.str(2, "trigger", t.trigger)
		w.str(2, "downtimeCost", t.downtimeCost)
		w.open(2, "signoff")
		w.strs(3, "required", t.required)
		d := digest(t)
		w.openList(3, "given")
		for j, role := range t.required {
			if j > 0 {
				w.next(3)
			}
			w.str(4, "role", role)
			w.str(4, "name", signers[role])
			w.str(4, "date", date(-10-j))
			w.str(4, "digest", d)
		}
		w.closeList(3)
		w.close(2)
		w.close(1)
	}
	w.close(0)
	g.files["tiers.cue"] = w.b
}

func (g *gen) emitPromotion() {
	var w w
	w.b = g.header("The promotion boundary: what becomes primary in a region failover.", 64*len(g.pairs)+4<<10)
	w.open(0, "promotion")
	w.str(1, "description", "Data stores are promoted in "+standbyRegion+"; stateless compute and object storage are switched, not promoted.")
	w.field(1, "components")
	w.b = append(w.b, "[\n"...)
	for _, p := range g.pairs {
		if p.promoted {
			w.ind(2)
			w.quote(p.standby.id)
			w.b = append(w.b, ",\n"...)
		}
	}
	w.line(1, "]")
	w.openList(1, "notPromoted")
	w.str(2, "component", "platform-eks-usw2")
	w.str(2, "reason", "Stateless; Argo CD keeps it in sync and it is scaled up, not promoted.")
	for _, p := range g.pairs {
		if p.promoted {
			continue
		}
		w.next(1)
		w.str(2, "component", p.standby.id)
		if p.kind == "s3" {
			w.str(2, "reason", "Replica bucket stays a replica; writers switch bucket by configuration.")
		} else {
			w.str(2, "reason", "Stateless cluster; scaled up by Karpenter rather than promoted.")
		}
	}
	w.closeList(1)
	w.close(0)
	g.files["promotion.cue"] = w.b
}

func (g *gen) emitService(w *w, i int) {
	s := g.services[i]
	w.open(1, s.id)
	w.str(2, "title", s.title)
	w.str(2, "description", s.desc)
	w.str(2, "tier", s.tier)
	w.strs(2, "dependsOn", s.deps)
	w.close(1)
}

func (g *gen) emitComponent(w *w, c *comp) {
	w.open(1, c.id)
	w.str(2, "kind", c.kind)
	w.str(2, "title", c.title)
	w.str(2, "description", c.desc)
	if c.region != "" {
		w.str(2, "region", c.region)
	}
	if c.account != "" {
		w.str(2, "account", c.account)
	}
	w.str(2, "role", c.role)
	p := c.pair
	standby := c.role == "standby" || c.role == "replica"
	engine := func(name, version string) {
		w.open(2, "engine")
		w.str(3, "name", name)
		w.str(3, "version", version)
		w.close(2)
	}
	capacity := func(pct, floor int, scaleUp, scaler string) {
		w.open(2, "capacity")
		w.int(3, "percentOfPrimary", pct)
		if scaleUp != "" {
			w.str(3, "scaleUpTime", scaleUp)
			w.str(3, "scaler", scaler)
		}
		w.int(3, "floorPercent", floor)
		w.close(2)
	}
	backup := func(days int) {
		w.open(2, "backup")
		w.str(3, "retention", strconv.Itoa(days)+"d")
		w.bool(3, "pointInTimeRecovery", true)
		w.close(2)
	}
	switch c.kind {
	case "aurora-global":
		engine("aurora-postgresql", "16.4")
		if standby {
			capacity(g.between(5, 10)*10, 40, "15m", "application-autoscaling")
		} else {
			backup(35)
		}
		w.open(2, "aws")
		w.str(3, "globalClusterId", p.base+"-global")
		w.str(3, "clusterId", c.id)
		w.strs(3, "readerInstanceIds", []string{c.id + "-r1", c.id + "-r2"})
		w.bool(3, "deletionProtection", true)
		w.close(2)
	case "aurora-cluster":
		engine("aurora-mysql", "8.0.mysql_aurora.3.08.0")
		if !standby {
			backup(14)
		}
		w.open(2, "aws")
		w.str(3, "clusterId", c.id)
		w.bool(3, "deletionProtection", !standby)
		w.close(2)
	case "rds-postgres":
		engine("postgres", "16.4")
		if standby {
			capacity(100, 90, "", "")
		} else {
			backup(14)
		}
		w.open(2, "aws")
		w.str(3, "instanceId", c.id)
		if !standby {
			w.strs(3, "readReplicaIds", []string{p.standby.id})
		}
		w.bool(3, "deletionProtection", true)
		w.close(2)
	case "msk":
		engine("kafka", "3.6.0")
		if standby {
			capacity(g.between(5, 10)*10, 50, "30m", "msk-broker-scaling")
		}
		w.open(2, "aws")
		w.str(3, "clusterName", c.id)
		w.str(3, "clusterArn", fmt.Sprintf("arn:aws:kafka:%s:%s:cluster/%s/%s-%s-%s-%s-%s-%d",
			c.region, account, c.id, g.hex(8), g.hex(4), g.hex(4), g.hex(4), g.hex(12), g.between(1, 30)))
		w.close(2)
	case "elasticache-redis":
		engine("redis", "7.1")
		if standby {
			capacity(100, 90, "", "")
		}
		w.open(2, "aws")
		w.str(3, "replicationGroupId", c.id)
		w.bool(3, "automaticFailover", true)
		w.bool(3, "multiAZ", true)
		w.str(3, "globalDatastoreId", "ldgnf-"+p.base)
		w.close(2)
	case "eks":
		engine("kubernetes", "1.31")
		if standby {
			capacity(g.between(2, 5)*10, 20, "10m", "karpenter")
		}
		w.open(2, "aws")
		w.str(3, "clusterName", c.id)
		w.strs(3, "nodeGroups", []string{c.id + "-general", c.id + "-system"})
		w.close(2)
	case "s3":
		locked := p != nil && p.idx%3 == 0
		if locked {
			w.bool(2, "immutable", true)
		}
		w.open(2, "aws")
		w.str(3, "bucket", "acme-"+c.id)
		w.bool(3, "versioning", true)
		if locked {
			w.open(3, "objectLock")
			w.str(4, "mode", "COMPLIANCE")
			w.str(4, "retention", "30d")
			w.close(3)
		}
		if !standby {
			w.str(3, "replicateTo", standbyRegion)
		}
		w.close(2)
	case "route53":
		w.open(2, "aws")
		w.str(3, "hostedZoneId", "Z0"+g.upper(12))
		w.close(2)
	case "aws-backup":
		w.bool(2, "immutable", true)
		w.open(2, "aws")
		if c.region == primaryRegion {
			w.str(3, "planName", "acme-daily")
			w.str(3, "vaultName", "acme-vault-use1")
			w.str(3, "frequency", "1d")
			w.str(3, "copyTo", standbyRegion)
		} else {
			w.str(3, "planName", "acme-daily-copy")
			w.str(3, "vaultName", "acme-vault-usw2")
		}
		w.str(3, "vaultLock", "compliance")
		w.close(2)
	}
	w.close(1)
}

func (g *gen) emitRepl(w *w, i int) {
	r := g.repls[i]
	w.open(1, r.id)
	w.str(2, "from", r.from)
	w.str(2, "to", r.to)
	w.str(2, "mode", r.mode)
	w.str(2, "mechanism", r.mechanism)
	w.str(2, "description", r.desc)
	if r.lag != "" {
		w.str(2, "expectedLag", r.lag)
	}
	if r.interval != "" {
		w.str(2, "interval", r.interval)
	}
	w.open(2, "metric")
	w.str(3, "name", r.metricName)
	w.open(3, "labels")
	w.str(4, r.labelKey, r.labelVal)
	w.close(3)
	w.str(3, "unit", r.metricUnit)
	w.close(2)
	w.close(1)
}

func (g *gen) emitRunbook(w *w, i int) {
	rb := g.runbooks[i]
	w.open(1, rb.id)
	w.str(2, "title", rb.title)
	w.str(2, "description", rb.desc)
	w.str(2, "owner", rb.owner)
	w.strs(2, "tiers", rb.tiers)
	w.openList(2, "preconditions")
	w.str(3, "check", "An incident is open and an incident commander is assigned")
	w.str(3, "command", `pd incident show --id "$INCIDENT_ID" --output json | jq -r .status`)
	w.str(3, "expect", "^(triggered|acknowledged)$")
	w.next(2)
	switch rb.class {
	case "failover":
		w.str(3, "check", "The primary region has breached its availability SLO for three consecutive minutes")
		w.str(3, "command", `curl -fsS "$PROM/api/v1/query" --data-urlencode 'query=slo:availability:burnrate5m{region="us-east-1"} > 14' | jq -r '.data.result | length'`)
		w.str(3, "expect", "^[1-9][0-9]*$")
		w.str(3, "wait", "3m")
	case "az":
		w.str(3, "check", "AWS Health reports an impaired availability zone in "+primaryRegion)
		w.str(3, "command", `aws health describe-events --region us-east-1 --filter eventStatusCodes=open,services=EC2 --query 'events[].availabilityZone' --output text`)
		w.str(3, "expect", "^us-east-1[a-f]")
	default:
		w.str(3, "check", "The last good point in time is agreed with the data owner and exported as RESTORE_TIME")
		w.str(3, "command", `test -n "$RESTORE_TIME" && date -u -d "$RESTORE_TIME" +%FT%TZ`)
		w.str(3, "expect", `^\d{4}-\d{2}-\d{2}T`)
	}
	w.closeList(2)

	w.openList(2, "steps")
	for j, s := range rb.steps {
		if j > 0 {
			w.next(2)
		}
		w.int(3, "number", j+1)
		w.str(3, "id", s.id)
		w.str(3, "title", s.title)
		w.str(3, "owner", s.owner)
		w.str(3, "command", s.command)
		w.str(3, "expect", s.expect)
		w.str(3, "sample", s.sample)
		w.str(3, "estimate", dur(s.est))
		w.str(3, "timeout", dur(s.timeout))
		if len(s.after) > 0 {
			ids := make([]string, len(s.after))
			for k, a := range s.after {
				ids[k] = rb.steps[a].id
			}
			w.strs(3, "after", ids)
		}
		if s.approvalRole != "" {
			w.open(3, "approval")
			w.str(4, "role", s.approvalRole)
			w.str(4, "reason", s.approvalWhy)
			w.close(3)
		}
		if s.rollback != "" {
			w.open(3, "rollback")
			w.str(4, "command", s.rollback)
			if s.rollbackExpect != "" {
				w.str(4, "expect", s.rollbackExpect)
			}
			w.close(3)
		} else {
			w.str(3, "irreversible", s.irreversible)
		}
		if len(s.recovers) > 0 {
			w.strs(3, "recovers", s.recovers)
		}
	}
	w.closeList(2)

	w.openList(2, "postActions")
	w.str(3, "title", "Write the incident timeline and open the post-incident review")
	w.str(3, "owner", "incident-commander")
	w.str(3, "within", "2d")
	w.next(2)
	w.str(3, "title", "Re-establish replication and backups towards the recovered side")
	w.str(3, "detail", "Rebuild former primaries as replicas or secondaries, and confirm the next backup job succeeds.")
	w.str(3, "command", "terraform -chdir=infra/dr apply -var failback_ready=true")
	w.str(3, "owner", "dba-oncall")
	w.str(3, "within", "1w")
	w.closeList(2)
	w.close(1)
}

var scenarios = []struct {
	id, title, desc, detection, response, restoreFrom, rto, rpo, reason string
	rb                                                                  int
}{
	{"az-failure", "Loss of one availability zone in " + primaryRegion,
		"One zone of the primary region is impaired: instances, volumes or networking in it fail.",
		"AWS Health events and zone-labelled error-rate alerts.", "no-failover", "", "", "",
		"Multi-AZ deployments absorb a zone loss inside the region.", 1},
	{"region-failure", "Loss of the primary region",
		"The primary region is unavailable or degraded beyond its SLO for longer than the tier RTOs allow.",
		"Availability SLO burn-rate alerts from both regions and external probes.", "failover", "", "", "",
		"The standby region holds replicated data and scaled-down compute for every tier.", 0},
	{"data-corruption", "Logical data corruption",
		"A bad deployment or operator error corrupts data, and replication copies the damage to the standby.",
		"Data-quality checks, reconciliation jobs and customer reports.", "restore", "backup-vault-use1", "4h", "5m",
		"Point-in-time recovery and daily backups cover the corruption window.", 2},
	{"ransomware", "Ransomware or destructive compromise",
		"An attacker encrypts or deletes data and backups in the production account.",
		"GuardDuty findings, mass-deletion alerts and backup vault events.", "isolate-and-restore", "backup-vault-usw2", "1d", "1d",
		"Backups are copied to a compliance-locked vault that the production account cannot delete.", 3},
}

func (g *gen) runbookFor(i int) *runbook { return g.runbooks[i%len(g.runbooks)] }

func (g *gen) emitScenarios(w *w) {
	w.open(0, "scenarios")
	for i, sc := range scenarios {
		if i > 0 {
			w.nl()
		}
		rb := g.runbookFor(sc.rb)
		w.open(1, sc.id)
		w.str(2, "class", sc.id)
		w.str(2, "title", sc.title)
		w.str(2, "description", sc.desc)
		w.bool(2, "inScope", true)
		w.str(2, "reason", sc.reason)
		w.str(2, "detection", sc.detection)
		w.str(2, "response", sc.response)
		w.str(2, "runbook", rb.id)
		if sc.restoreFrom != "" {
			w.str(2, "restoreFrom", sc.restoreFrom)
		}
		if sc.rto != "" {
			w.str(2, "rto", sc.rto)
			w.str(2, "rpo", sc.rpo)
		}
		w.strs(2, "tiers", rb.tiers)
		w.close(1)
	}
	w.close(0)
}

func (g *gen) emitGameDays(w *w) {
	w.open(0, "gamedays")
	w.open(1, "cadence")
	for _, t := range g.tiers {
		w.str(2, t.id, t.cadence)
	}
	w.close(1)
	w.openList(1, "schedule")
	for i, sc := range scenarios {
		if i > 0 {
			w.next(1)
		}
		w.str(2, "date", date(35+28*i))
		w.str(2, "scenario", sc.id)
		w.str(2, "runbook", g.runbookFor(sc.rb).id)
		env := "staging"
		if sc.id == "az-failure" {
			env = "production"
		}
		w.str(2, "environment", env)
		w.str(2, "facilitator", operators[i%len(operators)])
	}
	w.closeList(1)
	w.close(0)
}

var operators = []string{"Dana Whitfield", "Kenji Watanabe", "Amara Nwosu", "Lukas Becker", "Sofia Marquez", "Ravi Shankar"}

var comms = []struct {
	id, audience, phase, channel, subject, body string
}{
	{"status-declared", "status-page", "declared", "statuspage", "Degraded service",
		"We are investigating elevated errors affecting {{affected_services}}.\nStarted: {{incident_start}}. Next update within 30 minutes."},
	{"status-update", "status-page", "update", "statuspage", "Recovery in progress",
		"We have moved traffic to our standby region and are restoring {{affected_services}}.\nExpected recovery by {{eta}} (RTO {{tier_rto}})."},
	{"status-resolved", "status-page", "resolved", "statuspage", "Resolved",
		"All services are operating normally since {{resolved_at}}.\nA post-incident report will follow within five business days."},
	{"exec-declared", "exec-channel", "declared", "#exec-incidents", "DR declared",
		"DR declared at {{incident_start}} for {{scenario}}.\nImpact: {{affected_tiers}}. Estimated cost per minute: {{downtime_cost}}.\nIncident commander: {{incident_commander}}."},
	{"customer-resolved", "customer-email", "resolved", "customer-success", "Service restored",
		"Dear customer,\nthe disruption that began at {{incident_start}} was resolved at {{resolved_at}}.\nData written after {{data_loss_window}} may need to be re-entered."},
	{"regulator-declared", "regulator", "declared", "compliance", "Notification of a major incident",
		"Acme notifies a major operational incident declared at {{incident_start}}.\nScenario: {{scenario}}. Customer data affected: {{data_affected}}."},
}

func (g *gen) emitComms(w *w) {
	w.open(0, "comms")
	for i, c := range comms {
		if i > 0 {
			w.nl()
		}
		w.open(1, c.id)
		w.str(2, "audience", c.audience)
		w.str(2, "phase", c.phase)
		w.str(2, "channel", c.channel)
		w.str(2, "subject", c.subject)
		w.str(2, "body", c.body)
		w.open(2, "review")
		w.str(3, "by", "Legal and Communications")
		w.str(3, "date", date(-20-i))
		w.close(2)
		w.close(1)
	}
	w.close(0)
}

func (g *gen) emitCost(w *w) {
	count := map[string]int{}
	for _, p := range g.pairs {
		count[p.kind]++
	}
	monthly := map[string]int{"aurora-global": 2100, "aurora-cluster": 40, "rds-postgres": 650, "msk": 1300, "elasticache-redis": 480, "eks": 900, "s3": 85}
	hourly := map[string]int{"aurora-global": 6, "aurora-cluster": 9, "rds-postgres": 1, "msk": 4, "elasticache-redis": 1, "eks": 14, "s3": 0}
	w.open(0, "cost")
	w.str(1, "currency", "USD")
	w.openList(1, "steadyState")
	w.str(2, "item", "Platform EKS standby (scaled down)")
	w.str(2, "component", "platform-eks-usw2")
	w.int(2, "monthly", 3200)
	w.next(1)
	w.str(2, "item", "Cross-region backup copies and locked vault storage")
	w.str(2, "component", "backup-vault-usw2")
	w.int(2, "monthly", 1800+count["aurora-cluster"]*20)
	for _, k := range pairKinds {
		if count[k] == 0 {
			continue
		}
		w.next(1)
		w.str(2, "item", fmt.Sprintf("%s standbys (%d)", kindTitle[k], count[k]))
		w.int(2, "monthly", monthly[k]*count[k])
	}
	w.closeList(1)
	w.openList(1, "drState")
	w.str(2, "item", "Platform EKS scale-up to full capacity")
	w.str(2, "component", "platform-eks-usw2")
	w.int(2, "perHour", 210)
	w.next(1)
	w.str(2, "item", "Cross-region data transfer while serving from "+standbyRegion)
	w.num(2, "perHour", 95.5)
	for _, k := range pairKinds {
		if count[k] == 0 || hourly[k] == 0 {
			continue
		}
		w.next(1)
		w.str(2, "item", fmt.Sprintf("%s scale-up (%d)", kindTitle[k], count[k]))
		w.int(2, "perHour", hourly[k]*count[k])
	}
	w.closeList(1)
	w.close(0)
}

func (g *gen) emitAlerts() {
	type alert struct {
		id, kind, title, severity, ref, refKind, threshold, forDur string
	}
	var alerts []alert
	for _, r := range g.repls {
		a := alert{id: "lag-" + r.id, kind: "replication-lag", title: "Replication of " + r.id + " is behind its RPO",
			severity: r.severity, ref: r.id, refKind: "replication", forDur: "5m"}
		if r.mode == "backup-copy" {
			// A vault-to-vault copy carries no tier's RPO to derive from:
			// two missed daily copies is the alarm.
			a.threshold = "2d"
		}
		alerts = append(alerts, a)
	}
	alerts = append(alerts,
		alert{id: "backup-freshness-use1", kind: "backup-freshness", title: "No recent recovery point in acme-vault-use1",
			severity: "page", ref: "backup-vault-use1", refKind: "component", threshold: "26h", forDur: "15m"},
		alert{id: "backup-freshness-usw2", kind: "backup-freshness", title: "No recent copied recovery point in acme-vault-usw2",
			severity: "ticket", ref: "backup-vault-usw2", refKind: "component", threshold: "2d", forDur: "1h"},
		alert{id: "capacity-platform-eks-usw2", kind: "standby-capacity", title: "Platform standby cluster below its floor",
			severity: "ticket", ref: "platform-eks-usw2", refKind: "component", forDur: "30m"},
	)
	for _, p := range g.pairs {
		if p.hasCapacity {
			alerts = append(alerts, alert{id: "capacity-" + p.standby.id, kind: "standby-capacity", title: "Standby " + p.standby.id + " below its capacity floor",
				severity: "ticket", ref: p.standby.id, refKind: "component", forDur: "30m"})
		}
	}
	for _, rb := range g.runbooks {
		alerts = append(alerts, alert{id: "stale-" + rb.id, kind: "runbook-staleness", title: "Runbook " + rb.id + " has not been drilled within its cadence",
			severity: "ticket", ref: rb.id, refKind: "runbook"})
	}
	g.section("alerts", "alerts", "Readiness alerts: replication lag, backup freshness, standby capacity and runbook staleness.", len(alerts), func(w *w, i int) {
		a := alerts[i]
		w.open(1, a.id)
		w.str(2, "kind", a.kind)
		w.str(2, "title", a.title)
		w.str(2, "severity", a.severity)
		w.str(2, a.refKind, a.ref)
		if a.threshold != "" {
			w.str(2, "threshold", a.threshold)
		}
		if a.forDur != "" {
			w.str(2, "for", a.forDur)
		}
		w.close(1)
	})
}

func (g *gen) emitDrills() {
	n := min(len(g.runbooks), 6)
	g.section("drills", "drills", "Recorded drills: what was run, by whom, and what was measured.", n, func(w *w, i int) {
		rb := g.runbooks[i]
		day := -14 * (n - i)
		id := date(day) + "-" + rb.id
		if len(id) > 63 {
			id = id[:63]
		}
		env := "staging"
		if i == 0 {
			env = "production"
		}
		outcome := "success"
		failed := -1
		if i == 1 && len(rb.steps) > 3 {
			outcome, failed = "partial", 2
		}
		// Measured durations vary around the estimates.
		durs := make([]int, len(rb.steps))
		finish := make([]int, len(rb.steps))
		rto := 0
		for j, s := range rb.steps {
			durs[j] = max(1, s.est*g.between(70, 140)/100)
			start := 0
			for _, a := range s.after {
				start = max(start, finish[a])
			}
			finish[j] = start + durs[j]
			rto = max(rto, finish[j])
		}
		w.open(1, id)
		w.str(2, "date", date(day))
		w.str(2, "startedAt", date(day)+fmt.Sprintf("T%02d:00:00Z", 13+i%4))
		w.str(2, "scenario", rb.scenario)
		w.str(2, "runbook", rb.id)
		w.str(2, "environment", env)
		w.str(2, "operator", operators[(i+1)%len(operators)])
		w.str(2, "outcome", outcome)
		w.open(2, "measured")
		w.str(3, "rto", dur(rto))
		w.str(3, "rpo", dur(g.between(1, 30)))
		w.close(2)
		w.openList(2, "steps")
		for j, s := range rb.steps {
			if j > 0 {
				w.next(2)
			}
			w.str(3, "id", s.id)
			w.str(3, "duration", dur(durs[j]))
			if j == failed {
				w.str(3, "outcome", "failed")
				w.str(3, "note", "Command timed out against the standby; rerun by hand after raising the timeout.")
			} else {
				w.str(3, "outcome", "ok")
			}
		}
		w.closeList(2)
		if failed >= 0 {
			w.strs(2, "failedSteps", []string{rb.steps[failed].id})
			w.strs(2, "findings", []string{
				"Step " + rb.steps[failed].id + " needs a longer timeout in " + standbyRegion + ".",
				"The status page token had expired; rotate it with the other DR secrets.",
			})
		} else {
			w.strs(2, "findings", []string{"Runbook completed within the tier RTO; no changes required."})
		}
		w.close(1)
	})
}
