// Package plan is the typed model of a disaster-recovery plan: the one
// vocabulary that lint, the generators, verify and the drill runner share.
// Values are produced by the schema package's loader, which also records
// where in the user's files every node was written (see Positions).
package plan

import (
	"encoding/json"
	"fmt"
	"slices"
)

// APIVersion is the schema generation this model reads.
const APIVersion = "drplan/v1"

// Plan is a whole DR plan. Maps are keyed by element ID; use the Sorted*
// helpers (or sort the keys) for deterministic iteration.
type Plan struct {
	APIVersion  string `json:"apiVersion"`
	Name        string `json:"name"`
	System      string `json:"system,omitempty"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	Version     string `json:"version,omitempty"`

	Owner    *Owner    `json:"owner,omitempty"`
	Review   *Review   `json:"review,omitempty"`
	Business *Business `json:"business,omitempty"`

	Regions     map[string]*Region          `json:"regions,omitempty"`
	Accounts    map[string]*Account         `json:"accounts,omitempty"`
	Tiers       map[string]*Tier            `json:"tiers,omitempty"`
	Services    map[string]*Service         `json:"services,omitempty"`
	Components  map[string]*Component       `json:"components,omitempty"`
	Replication map[string]*ReplicationPath `json:"replication,omitempty"`
	DNS         map[string]*DNSFailover     `json:"dns,omitempty"`
	Promotion   *Promotion                  `json:"promotion,omitempty"`
	Scenarios   map[string]*Scenario        `json:"scenarios,omitempty"`
	Runbooks    map[string]*Runbook         `json:"runbooks,omitempty"`
	Alerts      map[string]*Alert           `json:"alerts,omitempty"`
	GameDays    *GameDays                   `json:"gamedays,omitempty"`
	Drills      map[string]*Drill           `json:"drills,omitempty"`
	Comms       map[string]*CommTemplate    `json:"comms,omitempty"`
	Cost        *CostModel                  `json:"cost,omitempty"`
	Suppress    []Suppression               `json:"suppress,omitempty"`
	Accept      []Suppression               `json:"accept,omitempty"`

	// Source says where the plan was loaded from and where each node is.
	Source *Source `json:"-"`
	// Package is the CUE package of the plan's files ("" for YAML or JSON):
	// a file drplan adds to the plan, such as a drill record, joins it.
	Package string `json:"-"`

	derived *derivedIndex
}

// Suppression silences one lint rule on the node that carries it (in a
// suppress list), or, in an accept list, keeps its findings visible as
// warnings: the plan states the gap knowingly, with the reason.
type Suppression struct {
	Rule    string `json:"rule"`
	Reason  string `json:"reason"`
	Expires *Date  `json:"expires,omitempty"`
	// Owner answers for an accepted gap until it is closed or expires.
	Owner string `json:"owner,omitempty"`
}

// Owner is who keeps the document current.
type Owner struct {
	Team    string `json:"team"`
	Person  string `json:"person"`
	Contact string `json:"contact"`
	Role    string `json:"role,omitempty"`
}

// Review is the document's review cadence.
type Review struct {
	Cadence      Duration `json:"cadence"`
	LastReviewed Date     `json:"lastReviewed"`
	ReviewedBy   string   `json:"reviewedBy,omitempty"`
}

// Due is the date by which the plan must be reviewed again.
func (r *Review) Due() Date { return r.LastReviewed.Add(r.Cadence) }

// Business is what an outage costs and how much load the system carries.
type Business struct {
	Customers    *Customers               `json:"customers,omitempty"`
	PeakLoad     *PeakLoad                `json:"peakLoad,omitempty"`
	DowntimeCost map[string]*DowntimeCost `json:"downtimeCost,omitempty"`
}

// Customers is the size of the user base.
type Customers struct {
	Count       int64  `json:"count"`
	Description string `json:"description"`
}

// PeakLoad is the peak request rate and where it occurs.
type PeakLoad struct {
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
	At    string  `json:"at,omitempty"`
}

// DowntimeCost is the cost of one minute of a category of outage.
type DowntimeCost struct {
	PerMinute   float64 `json:"perMinute"`
	Currency    string  `json:"currency,omitempty"`
	Description string  `json:"description"`
}

// Region is a region's role in the plan.
type Region struct {
	Role        string `json:"role"`
	Description string `json:"description,omitempty"`
}

// Account purposes.
const (
	PurposeWorkload = "workload"
	PurposeBackup   = "backup"
	PurposeDNS      = "dns"
	PurposeRecovery = "recovery"
	PurposeSecurity = "security"
)

// Account is an AWS account the plan's resources live in, and how verify
// reaches it.
type Account struct {
	ID          string `json:"id"`
	Purpose     string `json:"purpose"`
	Profile     string `json:"profile,omitempty"`
	Role        string `json:"role,omitempty"`
	Description string `json:"description,omitempty"`
}

// Tier is a recovery class: its objectives, strategy and sign-offs.
type Tier struct {
	Level        int       `json:"level"`
	Title        string    `json:"title"`
	Description  string    `json:"description,omitempty"`
	RTO          *Duration `json:"rto,omitempty"`
	RPO          *Duration `json:"rpo,omitempty"`
	Strategy     string    `json:"strategy,omitempty"`
	Trigger      string    `json:"trigger,omitempty"`
	DowntimeCost string    `json:"downtimeCost,omitempty"`
	// PeakLoad is the load the tier must serve, in business.peakLoad's unit.
	PeakLoad *float64      `json:"peakLoad,omitempty"`
	SignOff  *SignOffs     `json:"signoff,omitempty"`
	Suppress []Suppression `json:"suppress,omitempty"`
	Accept   []Suppression `json:"accept,omitempty"`
}

// SignOffs are the roles a tier needs approval from and the approvals given.
type SignOffs struct {
	Required []string  `json:"required"`
	Given    []SignOff `json:"given"`
}

// SignOff is one role's approval of a tier's objectives, bound to them by digest.
type SignOff struct {
	Role   string `json:"role"`
	Name   string `json:"name"`
	Date   Date   `json:"date"`
	Digest string `json:"digest"`
}

// Service is something users depend on, classified into a tier.
type Service struct {
	Title       string        `json:"title,omitempty"`
	Description string        `json:"description,omitempty"`
	Tier        string        `json:"tier,omitempty"`
	DependsOn   []string      `json:"dependsOn,omitempty"`
	PeakLoad    *float64      `json:"peakLoad,omitempty"`
	Suppress    []Suppression `json:"suppress,omitempty"`
	Accept      []Suppression `json:"accept,omitempty"`
}

// Component kinds.
const (
	KindAuroraGlobal     = "aurora-global"
	KindAuroraCluster    = "aurora-cluster"
	KindRDSPostgres      = "rds-postgres"
	KindMSK              = "msk"
	KindElastiCacheRedis = "elasticache-redis"
	KindEKS              = "eks"
	KindS3               = "s3"
	KindRoute53          = "route53"
	KindAWSBackup        = "aws-backup"
)

// Component is a piece of infrastructure in one region.
type Component struct {
	Kind        string    `json:"kind"`
	Title       string    `json:"title,omitempty"`
	Description string    `json:"description,omitempty"`
	Region      string    `json:"region,omitempty"`
	Account     string    `json:"account,omitempty"`
	Role        string    `json:"role,omitempty"`
	Engine      *Engine   `json:"engine,omitempty"`
	Capacity    *Capacity `json:"capacity,omitempty"`
	Backup      *Backup   `json:"backup,omitempty"`
	Immutable   bool      `json:"immutable,omitempty"`
	// State is "stateful", "stateless" or empty (derived from the kind).
	State    string        `json:"state,omitempty"`
	Rebuild  *Rebuild      `json:"rebuild,omitempty"`
	AWS      *AWS          `json:"aws,omitempty"`
	Suppress []Suppression `json:"suppress,omitempty"`
	Accept   []Suppression `json:"accept,omitempty"`
}

// Component states.
const (
	Stateful  = "stateful"
	Stateless = "stateless"
)

// Rebuild is how a stateless component is recreated in a recovery.
type Rebuild struct {
	Method string `json:"method"`
	Source string `json:"source"`
	By     string `json:"by,omitempty"`
}

// Engine is the software and version a component runs.
type Engine struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Capacity is a standby's size relative to the primary.
type Capacity struct {
	PercentOfPrimary float64   `json:"percentOfPrimary"`
	ScaleUpTime      *Duration `json:"scaleUpTime,omitempty"`
	Scaler           string    `json:"scaler,omitempty"`
	FloorPercent     float64   `json:"floorPercent,omitempty"`
}

// Backup is a component's own point-in-time recovery window.
type Backup struct {
	Retention           Duration `json:"retention"`
	PointInTimeRecovery bool     `json:"pointInTimeRecovery,omitempty"`
}

// AWS holds the identifiers and declared properties verify checks. Which
// fields apply depends on the component's kind; the schema enforces that.
type AWS struct {
	// aurora-global, aurora-cluster
	GlobalClusterID    string   `json:"globalClusterId,omitempty"`
	ClusterID          string   `json:"clusterId,omitempty"`
	ReaderInstanceIDs  []string `json:"readerInstanceIds,omitempty"`
	DeletionProtection *bool    `json:"deletionProtection,omitempty"`
	// rds-postgres
	InstanceID     string   `json:"instanceId,omitempty"`
	ReadReplicaIDs []string `json:"readReplicaIds,omitempty"`
	// msk
	ClusterName string `json:"clusterName,omitempty"`
	ClusterARN  string `json:"clusterArn,omitempty"`
	// elasticache-redis
	ReplicationGroupID string `json:"replicationGroupId,omitempty"`
	AutomaticFailover  *bool  `json:"automaticFailover,omitempty"`
	MultiAZ            *bool  `json:"multiAZ,omitempty"`
	GlobalDatastoreID  string `json:"globalDatastoreId,omitempty"`
	// eks (ClusterName as for msk)
	NodeGroups []string `json:"nodeGroups,omitempty"`
	// s3
	Bucket      string      `json:"bucket,omitempty"`
	Versioning  *bool       `json:"versioning,omitempty"`
	ObjectLock  *ObjectLock `json:"objectLock,omitempty"`
	ReplicateTo string      `json:"replicateTo,omitempty"`
	// route53
	HostedZoneID string `json:"hostedZoneId,omitempty"`
	// aws-backup
	PlanName  string    `json:"planName,omitempty"`
	VaultName string    `json:"vaultName,omitempty"`
	Frequency *Duration `json:"frequency,omitempty"`
	CopyTo    string    `json:"copyTo,omitempty"`
	VaultLock string    `json:"vaultLock,omitempty"`
}

// ObjectLock is an S3 bucket's default Object Lock retention.
type ObjectLock struct {
	Mode      string   `json:"mode"`
	Retention Duration `json:"retention"`
}

// Replication modes.
const (
	ModeSync       = "sync"
	ModeAsync      = "async"
	ModeBackupCopy = "backup-copy"
)

// ReplicationPath is data flowing from one component to another.
type ReplicationPath struct {
	From        string    `json:"from"`
	To          string    `json:"to"`
	Mode        string    `json:"mode"`
	Mechanism   string    `json:"mechanism"`
	Description string    `json:"description,omitempty"`
	ExpectedLag *Duration `json:"expectedLag,omitempty"`
	Interval    *Duration `json:"interval,omitempty"`
	Metric      *Metric   `json:"metric,omitempty"`
	// Carries lists the tiers whose RPO the path is relied on for; nil
	// means the plan does not say (inferred), empty means none.
	Carries  []string      `json:"carries,omitzero"`
	Suppress []Suppression `json:"suppress,omitempty"`
	Accept   []Suppression `json:"accept,omitempty"`
}

// Metric is a Prometheus series and the unit of its samples.
type Metric struct {
	Name   string            `json:"name"`
	Labels map[string]string `json:"labels,omitempty"`
	Unit   string            `json:"unit,omitempty"`
	Period *Duration         `json:"period,omitempty"`
}

// DNSFailover is a failover record pair and its health check.
type DNSFailover struct {
	Record      string        `json:"record"`
	Type        string        `json:"type,omitempty"`
	TTL         Duration      `json:"ttl"`
	HostedZone  string        `json:"hostedZone,omitempty"`
	Primary     DNSTarget     `json:"primary"`
	Secondary   DNSTarget     `json:"secondary"`
	HealthCheck HealthCheck   `json:"healthCheck"`
	Suppress    []Suppression `json:"suppress,omitempty"`
	Accept      []Suppression `json:"accept,omitempty"`
}

// DNSTarget is one side of a failover record.
type DNSTarget struct {
	Target    string `json:"target"`
	Region    string `json:"region"`
	Component string `json:"component,omitempty"`
}

// HealthCheck is the Route 53 health check guarding the primary record.
type HealthCheck struct {
	ID               string `json:"id,omitempty"`
	Protocol         string `json:"protocol"`
	Path             string `json:"path,omitempty"`
	Interval         string `json:"interval"`
	FailureThreshold int    `json:"failureThreshold"`
}

// Promotion is the promotion boundary: what becomes primary in a failover.
type Promotion struct {
	Description string        `json:"description,omitempty"`
	Components  []string      `json:"components"`
	NotPromoted []NotPromoted `json:"notPromoted,omitempty"`
}

// NotPromoted is a component deliberately left out of a failover.
type NotPromoted struct {
	Component string `json:"component"`
	Reason    string `json:"reason"`
}

// Scenario classes.
const (
	ClassAZFailure      = "az-failure"
	ClassRegionFailure  = "region-failure"
	ClassDataCorruption = "data-corruption"
	ClassRansomware     = "ransomware"
)

// Scenario is a declared disaster class and the plan's answer to it.
// Region is the region a region-failure scenario loses (see LostRegion);
// DetectTime and DecideTime are the time from the outage to the runbook's
// first step, which the RTO counts.
type Scenario struct {
	Class       string        `json:"class"`
	Title       string        `json:"title"`
	Description string        `json:"description,omitempty"`
	InScope     bool          `json:"inScope"`
	Reason      string        `json:"reason,omitempty"`
	Detection   string        `json:"detection,omitempty"`
	Response    string        `json:"response,omitempty"`
	Runbook     string        `json:"runbook,omitempty"`
	Runbooks    []string      `json:"runbooks,omitempty"`
	Region      string        `json:"region,omitempty"`
	DetectTime  *Duration     `json:"detectionTime,omitempty"`
	DecideTime  *Duration     `json:"decisionTime,omitempty"`
	RestoreFrom IDList        `json:"restoreFrom,omitempty"`
	RTO         *Duration     `json:"rto,omitempty"`
	RPO         *Duration     `json:"rpo,omitempty"`
	Tiers       []string      `json:"tiers,omitempty"`
	Suppress    []Suppression `json:"suppress,omitempty"`
	Accept      []Suppression `json:"accept,omitempty"`
}

// Runbook is a numbered, command-level procedure. FailbackFor names the
// failover runbook a failback runbook reverses.
type Runbook struct {
	Title         string         `json:"title"`
	Description   string         `json:"description,omitempty"`
	Owner         string         `json:"owner,omitempty"`
	Tiers         []string       `json:"tiers,omitempty"`
	FailbackFor   IDList         `json:"failbackFor,omitempty"`
	Preconditions []Precondition `json:"preconditions,omitempty"`
	Steps         []*Step        `json:"steps,omitempty"`
	PostActions   []PostAction   `json:"postActions,omitempty"`
	Suppress      []Suppression  `json:"suppress,omitempty"`
	Accept        []Suppression  `json:"accept,omitempty"`
}

// Precondition must hold before the runbook starts.
type Precondition struct {
	Check   string    `json:"check"`
	Command string    `json:"command,omitempty"`
	Expect  string    `json:"expect,omitempty"`
	Wait    *Duration `json:"wait,omitempty"`
}

// Step is one numbered step of a runbook.
type Step struct {
	Number       int           `json:"number"`
	ID           string        `json:"id"`
	Title        string        `json:"title"`
	Owner        string        `json:"owner,omitempty"`
	Command      string        `json:"command,omitempty"`
	Expect       string        `json:"expect,omitempty"`
	Sample       string        `json:"sample,omitempty"`
	Estimate     *Duration     `json:"estimate,omitempty"`
	Timeout      *Duration     `json:"timeout,omitempty"`
	After        []string      `json:"after,omitempty"`
	Approval     *Approval     `json:"approval,omitempty"`
	Rollback     *Rollback     `json:"rollback,omitempty"`
	Irreversible string        `json:"irreversible,omitempty"`
	Recovers     []string      `json:"recovers,omitempty"`
	Measures     []string      `json:"measures,omitempty"`
	Effects      []string      `json:"effects,omitempty"`
	Suppress     []Suppression `json:"suppress,omitempty"`
	Accept       []Suppression `json:"accept,omitempty"`
}

// Step effects, what a step does for the ordering checks. A step's Effects
// is nil when the plan does not say (lint guesses from the step), empty
// when the plan says the step has none of them.
const (
	EffectFence            = "fence"
	EffectPromote          = "promote"
	EffectActivate         = "activate"
	EffectTranslateOffsets = "translate-offsets"
	EffectStartConsumers   = "start-consumers"
)

// Approval is a gate: the step waits for this role's explicit go-ahead.
type Approval struct {
	Role     string            `json:"role"`
	Reason   string            `json:"reason"`
	Standing *StandingApproval `json:"standing,omitempty"`
}

// StandingApproval is an approval given in advance for automated runs.
type StandingApproval struct {
	ApprovedBy string `json:"approvedBy"`
	Date       Date   `json:"date"`
	Expires    *Date  `json:"expires,omitempty"`
	Reference  string `json:"reference,omitempty"`
}

// Rollback undoes a step.
type Rollback struct {
	Command string `json:"command"`
	Expect  string `json:"expect,omitempty"`
}

// PostAction follows a completed runbook.
type PostAction struct {
	Title   string    `json:"title"`
	Detail  string    `json:"detail,omitempty"`
	Command string    `json:"command,omitempty"`
	Owner   string    `json:"owner,omitempty"`
	Within  *Duration `json:"within,omitempty"`
}

// Alert kinds.
const (
	AlertReplicationLag     = "replication-lag"
	AlertReplicationBacklog = "replication-backlog"
	AlertBackupFreshness    = "backup-freshness"
	AlertRunbookStaleness   = "runbook-staleness"
	AlertStandbyCapacity    = "standby-capacity"
)

// AlertGuard is what an alert protects: one tier's RPO, or readiness that
// no objective bounds.
type AlertGuard struct {
	Tier      string `json:"tier,omitempty"`
	Readiness string `json:"readiness,omitempty"`
}

// Alert is a readiness alert and what it guards.
type Alert struct {
	Kind           string        `json:"kind"`
	Title          string        `json:"title,omitempty"`
	Severity       string        `json:"severity,omitempty"`
	Replication    string        `json:"replication,omitempty"`
	Component      string        `json:"component,omitempty"`
	Runbook        string        `json:"runbook,omitempty"`
	Guards         *AlertGuard   `json:"guards,omitempty"`
	Threshold      *Duration     `json:"threshold,omitempty"`
	ThresholdCount *int64        `json:"thresholdCount,omitempty"`
	For            *Duration     `json:"for,omitempty"`
	Metric         *Metric       `json:"metric,omitempty"`
	Suppress       []Suppression `json:"suppress,omitempty"`
	Accept         []Suppression `json:"accept,omitempty"`
}

// GameDays is the drill cadence per tier and the schedule ahead.
type GameDays struct {
	Cadence  map[string]Duration `json:"cadence"`
	Schedule []ScheduledDrill    `json:"schedule,omitempty"`
	Suppress []Suppression       `json:"suppress,omitempty"`
	Accept   []Suppression       `json:"accept,omitempty"`
}

// ScheduledDrill is a planned game day.
type ScheduledDrill struct {
	Date        Date   `json:"date"`
	Scenario    string `json:"scenario"`
	Runbook     string `json:"runbook,omitempty"`
	Environment string `json:"environment"`
	Facilitator string `json:"facilitator,omitempty"`
}

// Drill is the recorded result of executing a runbook in a game day or incident.
type Drill struct {
	Date        Date          `json:"date"`
	StartedAt   string        `json:"startedAt,omitempty"`
	Scenario    string        `json:"scenario,omitempty"`
	Runbook     string        `json:"runbook"`
	Environment string        `json:"environment"`
	Operator    string        `json:"operator"`
	Outcome     string        `json:"outcome"`
	Measured    *Measured     `json:"measured,omitempty"`
	Steps       []DrillStep   `json:"steps,omitempty"`
	FailedSteps []string      `json:"failedSteps,omitempty"`
	Findings    []string      `json:"findings,omitempty"`
	Suppress    []Suppression `json:"suppress,omitempty"`
	Accept      []Suppression `json:"accept,omitempty"`
}

// Measured is what a drill measured against the objectives.
type Measured struct {
	RTO        *Duration `json:"rto,omitempty"`
	RPO        *Duration `json:"rpo,omitempty"`
	LostWrites *int      `json:"lostWrites,omitempty"`
}

// DrillStep is one step's timing in a drill.
type DrillStep struct {
	ID       string   `json:"id"`
	Duration Duration `json:"duration"`
	Outcome  string   `json:"outcome"`
	Note     string   `json:"note,omitempty"`
}

// CommTemplate is a pre-written message for one audience and phase.
type CommTemplate struct {
	Audience  string        `json:"audience"`
	Phase     string        `json:"phase"`
	Scenarios []string      `json:"scenarios,omitempty"`
	Channel   string        `json:"channel,omitempty"`
	Subject   string        `json:"subject,omitempty"`
	Body      string        `json:"body"`
	Review    *CommReview   `json:"review,omitempty"`
	Suppress  []Suppression `json:"suppress,omitempty"`
	Accept    []Suppression `json:"accept,omitempty"`
}

// CommReview records who reviewed a template and when.
type CommReview struct {
	By   string `json:"by"`
	Date Date   `json:"date"`
}

// CostModel is the cost of the DR posture.
type CostModel struct {
	Currency    string        `json:"currency,omitempty"`
	SteadyState []SteadyCost  `json:"steadyState,omitempty"`
	DRState     []DRCost      `json:"drState,omitempty"`
	Suppress    []Suppression `json:"suppress,omitempty"`
	Accept      []Suppression `json:"accept,omitempty"`
}

// SteadyCost is a monthly line item.
type SteadyCost struct {
	Item      string  `json:"item"`
	Component string  `json:"component,omitempty"`
	Monthly   float64 `json:"monthly"`
}

// DRCost is an extra hourly line item while a DR is declared.
type DRCost struct {
	Item      string  `json:"item"`
	Component string  `json:"component,omitempty"`
	PerHour   float64 `json:"perHour"`
}

// IDList is a field that names one element or several: in CUE either
// `restoreFrom: "vault"` or `restoreFrom: ["vault", "archive"]`.
type IDList []string

// UnmarshalJSON accepts a single ID or a list of IDs.
func (l *IDList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = IDList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("want an ID or a list of IDs: %w", err)
	}
	*l = many
	return nil
}

// MarshalJSON writes a single ID as a string, as a plan would say it.
func (l IDList) MarshalJSON() ([]byte, error) {
	if len(l) == 1 {
		return json.Marshal(l[0])
	}
	return json.Marshal([]string(l))
}

// RunbookIDs lists every runbook that answers the scenario: runbook first,
// then runbooks, without repeats.
func (s *Scenario) RunbookIDs() []string {
	var out []string
	for _, id := range append([]string{s.Runbook}, s.Runbooks...) {
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// IsStateless reports whether the plan states that the component holds no
// data of its own.
func (c *Component) IsStateless() bool { return c.State == Stateless }
