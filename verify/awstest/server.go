package awstest

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Call is one request that reached the server.
type Call struct {
	// Service is the signing name (rds, s3, monitoring, ...), Region the
	// region the request was signed for, Operation the API operation.
	Service, Region, Operation string
	// AccessKey signed the request; Account is the account it reached
	// (whose state answered).
	AccessKey, Account string
}

func (c Call) String() string { return c.Service + ":" + c.Operation }

// Server answers AWS API requests from a World.
type Server struct {
	URL string

	// mu guards the world (handlers only read it, so they share it);
	// callsMu the record of calls and the rate-limit buckets.
	mu      sync.RWMutex
	world   *World
	callsMu sync.Mutex
	calls   []Call

	// Latency is added to every answer, as a network round trip would.
	Latency time.Duration
	// ThrottleEvery answers every Nth request with a throttling error
	// (0: never), in the service's own form: HTTP 400 Throttling for the
	// query and REST-XML services, 429 ThrottlingException for REST-JSON
	// and CBOR.
	ThrottleEvery int
	// RateLimit, when positive, throttles each service in each region
	// beyond this many requests per second (with a burst of as many), the
	// way AWS's own API rate limits do: a client that slows down stops
	// being throttled.
	RateLimit float64
	// Deny answers AccessDenied to the calls it returns true for.
	Deny func(Call) bool
	// Down answers 503 to every call to these regions, as a region that
	// does not answer.
	Down map[string]bool

	buckets   map[string]*bucket
	n         atomic.Int64
	throttled atomic.Int64
	srv       *httptest.Server
}

// NewServer starts a server on 127.0.0.1 answering from w.
func NewServer(w *World) *Server {
	s := &Server{world: w, Down: map[string]bool{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// SetWorld replaces the state the server answers from.
func (s *Server) SetWorld(w *World) {
	s.mu.Lock()
	s.world = w
	s.mu.Unlock()
}

// Update changes the world under the server's lock.
func (s *Server) Update(f func(*World)) {
	s.mu.Lock()
	f(s.world)
	s.mu.Unlock()
}

// Calls returns every call received so far.
func (s *Server) Calls() []Call {
	s.callsMu.Lock()
	defer s.callsMu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Throttled is how many requests were answered with a throttling error.
func (s *Server) Throttled() int { return int(s.throttled.Load()) }

// ResetCalls forgets the calls received so far.
func (s *Server) ResetCalls() {
	s.callsMu.Lock()
	s.calls = nil
	s.callsMu.Unlock()
}

// credentialScope reads the access key, service and region from the
// SigV4 Authorization header: Credential=AKID/DATE/REGION/SERVICE/aws4_request.
var credentialScope = regexp.MustCompile(`Credential=([^/]+)/[0-9]+/([^/]+)/([^/]+)/aws4_request`)

// keyAccount reads the account from an access key AccessKey or
// AssumeRole made; other keys are the default credentials'.
var keyAccount = regexp.MustCompile(`^A[KS]IA([0-9]{12})`)

// account is the state the access key reaches; nil for a key naming an
// account the world does not have.
func (s *Server) account(key string) *World {
	m := keyAccount.FindStringSubmatch(key)
	if m == nil || m[1] == Account {
		return s.world
	}
	return s.world.Accounts[m[1]]
}

// apiError is an error answer, rendered in the calling protocol's form.
type apiError struct {
	status  int
	code    string
	message string
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		http.Error(w, "request is not signed with SigV4", http.StatusForbidden)
		return
	}
	key, region, service := m[1], m[2], m[3]
	body, _ := io.ReadAll(r.Body)
	p := protocols[service]
	if p == nil {
		http.Error(w, "service "+service+" is not emulated", http.StatusNotImplemented)
		return
	}
	op, route := p.route(r, body)
	s.mu.RLock()
	world := s.account(key)
	s.mu.RUnlock()
	call := Call{Service: service, Region: region, Operation: op, AccessKey: key}
	if world != nil {
		call.Account = world.ID()
	}
	s.callsMu.Lock()
	s.calls = append(s.calls, call)
	s.callsMu.Unlock()
	if s.Latency > 0 {
		time.Sleep(s.Latency)
	}
	n := s.n.Add(1)
	switch {
	case route == nil:
		p.fail(w, op, &apiError{400, "InvalidAction", fmt.Sprintf("%s %s is not emulated", r.Method, r.URL.Path)})
	case world == nil:
		p.fail(w, op, &apiError{403, "InvalidClientTokenId", "The security token included in the request is invalid."})
	case s.Down[region]:
		p.fail(w, op, &apiError{503, "ServiceUnavailable", "Service is unavailable in " + region})
	case s.ThrottleEvery > 0 && n%int64(s.ThrottleEvery) == 0, !s.allow(service + " " + region):
		s.throttled.Add(1)
		p.fail(w, op, p.throttle)
	case s.Deny != nil && s.Deny(call):
		p.fail(w, op, &apiError{403, p.denied, fmt.Sprintf("User: arn:aws:iam::%s:user/verify is not authorized to perform: %s", call.Account, call)})
	default:
		s.mu.RLock()
		defer s.mu.RUnlock()
		rr := world.Regions[region]
		if rr == nil {
			rr = emptyRegion
		}
		if err := route(w, r, body, world, rr); err != nil {
			p.fail(w, op, err)
		}
	}
}

// emptyRegion answers for regions the world has nothing in; handlers
// must not create regions while the world is shared.
var emptyRegion = NewWorld().Region("none")

// handler answers one operation; it returns an error to have it rendered.
type handler func(w http.ResponseWriter, r *http.Request, body []byte, world *World, region *Region) *apiError

// protocol routes requests to handlers and renders errors.
type protocol struct {
	route    func(r *http.Request, body []byte) (op string, h handler)
	fail     func(w http.ResponseWriter, op string, e *apiError)
	throttle *apiError
	denied   string
}

var protocols = map[string]*protocol{}

func init() {
	queryProto := func(ops map[string]handler) *protocol {
		return &protocol{
			route: func(r *http.Request, body []byte) (string, handler) {
				form, _ := url.ParseQuery(string(body))
				op := form.Get("Action")
				return op, ops[op]
			},
			fail:     queryError,
			throttle: &apiError{400, "Throttling", "Rate exceeded"},
			denied:   "AccessDenied",
		}
	}
	protocols["rds"] = queryProto(map[string]handler{
		"DescribeGlobalClusters": describeGlobalClusters,
		"DescribeDBClusters":     describeDBClusters,
		"DescribeDBInstances":    describeDBInstances,
	})
	protocols["elasticache"] = queryProto(map[string]handler{
		"DescribeReplicationGroups":       describeReplicationGroups,
		"DescribeGlobalReplicationGroups": describeGlobalReplicationGroups,
	})
	protocols["sts"] = queryProto(map[string]handler{"AssumeRole": assumeRole})
	protocols["s3"] = &protocol{route: s3Route, fail: s3Error, throttle: &apiError{503, "SlowDown", "Please reduce your request rate."}, denied: "AccessDenied"}
	protocols["route53"] = &protocol{route: route53Route, fail: queryError, throttle: &apiError{400, "Throttling", "Rate exceeded"}, denied: "AccessDenied"}
	protocols["eks"] = restJSON(eksRoutes)
	protocols["kafka"] = restJSON(kafkaRoutes)
	protocols["backup"] = restJSON(backupRoutes)
	protocols["monitoring"] = &protocol{route: cborRoute, fail: cborError, throttle: &apiError{429, "ThrottlingException", "Rate exceeded"}, denied: "AccessDenied"}
}

// --- XML helpers ---------------------------------------------------------

// xb builds XML text; values are escaped.
type xb struct{ strings.Builder }

func (b *xb) open(name string) *xb  { b.WriteString("<" + name + ">"); return b }
func (b *xb) close(name string) *xb { b.WriteString("</" + name + ">"); return b }
func (b *xb) text(name string, v any) *xb {
	b.WriteString("<" + name + ">" + html.EscapeString(fmt.Sprint(v)) + "</" + name + ">")
	return b
}

func writeXML(w http.ResponseWriter, status int, s string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+s)
}

// queryError is the error body of the query protocol (and Route 53).
func queryError(w http.ResponseWriter, _ string, e *apiError) {
	var b xb
	b.WriteString(`<ErrorResponse xmlns="http://webservices.amazon.com/AWSFault/2005-15-09">`)
	b.open("Error").text("Type", "Sender").text("Code", e.code).text("Message", e.message).close("Error")
	b.text("RequestId", "00000000-0000-0000-0000-000000000000")
	b.close("ErrorResponse")
	writeXML(w, e.status, b.String())
}

// queryResult wraps a query protocol result.
func queryResult(w http.ResponseWriter, op, xmlns, inner string) {
	writeXML(w, 200, fmt.Sprintf(`<%sResponse xmlns="%s"><%sResult>%s</%sResult><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></%sResponse>`, op, xmlns, op, inner, op, op))
}

// --- JSON helpers --------------------------------------------------------

func restJSON(routes []jsonRoute) *protocol {
	return &protocol{
		route: func(r *http.Request, _ []byte) (string, handler) {
			for _, rt := range routes {
				if r.Method == rt.method && rt.path.MatchString(r.URL.Path) {
					return rt.op, rt.h
				}
			}
			return "UNKNOWN " + r.Method + " " + r.URL.Path, nil
		},
		fail:     jsonError,
		throttle: &apiError{429, "ThrottlingException", "Rate exceeded"},
		denied:   "AccessDeniedException",
	}
}

type jsonRoute struct {
	method string
	path   *regexp.Regexp
	op     string
	h      handler
}

func jsonError(w http.ResponseWriter, _ string, e *apiError) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", e.code)
	w.WriteHeader(e.status)
	json.NewEncoder(w).Encode(map[string]string{"message": e.message})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// pathParam is the unescaped i-th capture of a route's pattern.
func pathParam(re *regexp.Regexp, path string, i int) string {
	m := re.FindStringSubmatch(path)
	if len(m) <= i {
		return ""
	}
	v, err := url.PathUnescape(m[i])
	if err != nil {
		return m[i]
	}
	return v
}

// bucket is a token bucket: tokens refill at the server's RateLimit.
type bucket struct {
	tokens float64
	last   time.Time
}

// allow takes a token from key's bucket, if RateLimit is set.
func (s *Server) allow(key string) bool {
	if s.RateLimit <= 0 {
		return true
	}
	s.callsMu.Lock()
	defer s.callsMu.Unlock()
	if s.buckets == nil {
		s.buckets = map[string]*bucket{}
	}
	now := time.Now()
	b, ok := s.buckets[key]
	if !ok {
		b = &bucket{tokens: s.RateLimit, last: now}
		s.buckets[key] = b
	}
	b.tokens = min(s.RateLimit, b.tokens+now.Sub(b.last).Seconds()*s.RateLimit)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// Env is the environment that points the AWS SDK's standard configuration
// at s, as a user's would with AWS_ENDPOINT_URL set: static fake
// credentials, and shared config files in dir, so that nothing of the
// machine's own AWS setup leaks in. The credentials file holds the
// world's Profiles, each with its account's access key.
func (s *Server) Env(dir string) map[string]string {
	s.mu.RLock()
	var creds strings.Builder
	for _, name := range slices.Sorted(maps.Keys(s.world.Profiles)) {
		fmt.Fprintf(&creds, "[%s]\naws_access_key_id = %s\naws_secret_access_key = local-test-secret\n\n", name, AccessKey(s.world.Profiles[name]))
	}
	s.mu.RUnlock()
	if creds.Len() > 0 {
		// A test's temporary directory; an error shows as a profile the
		// SDK cannot find.
		_ = os.WriteFile(filepath.Join(dir, "credentials"), []byte(creds.String()), 0o600)
	}
	return map[string]string{
		"AWS_ENDPOINT_URL":            s.URL,
		"AWS_ACCESS_KEY_ID":           "AKIDLOCALTEST",
		"AWS_SECRET_ACCESS_KEY":       "local-test-secret",
		"AWS_SESSION_TOKEN":           "",
		"AWS_REGION":                  "us-east-1",
		"AWS_PROFILE":                 "",
		"AWS_CONFIG_FILE":             filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED":   "true",
	}
}
