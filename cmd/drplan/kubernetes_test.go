package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// The subset of the Kubernetes objects the example uses, decoded strictly:
// a field that is misspelled or misplaced is an error, as it is to
// `kubectl apply --validate=strict`.
type k8sObject struct {
	APIVersion string      `yaml:"apiVersion"`
	Kind       string      `yaml:"kind"`
	Metadata   k8sMetadata `yaml:"metadata"`
	Spec       yaml.Node   `yaml:"spec"`
}

type k8sMetadata struct {
	Name        string            `yaml:"name"`
	Namespace   string            `yaml:"namespace"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

type k8sDeploymentSpec struct {
	Replicas int `yaml:"replicas"`
	Strategy struct {
		Type string `yaml:"type"`
	} `yaml:"strategy"`
	Selector struct {
		MatchLabels map[string]string `yaml:"matchLabels"`
	} `yaml:"selector"`
	Template struct {
		Metadata k8sMetadata `yaml:"metadata"`
		Spec     k8sPodSpec  `yaml:"spec"`
	} `yaml:"template"`
}

type k8sPodSpec struct {
	ServiceAccountName string `yaml:"serviceAccountName"`
	SecurityContext    struct {
		RunAsNonRoot bool `yaml:"runAsNonRoot"`
		RunAsUser    int  `yaml:"runAsUser"`
		FSGroup      int  `yaml:"fsGroup"`
	} `yaml:"securityContext"`
	Containers []k8sContainer `yaml:"containers"`
	Volumes    []struct {
		Name      string     `yaml:"name"`
		EmptyDir  *yaml.Node `yaml:"emptyDir"`
		ConfigMap *yaml.Node `yaml:"configMap"`
		Secret    *yaml.Node `yaml:"secret"`
	} `yaml:"volumes"`
}

type k8sContainer struct {
	Name  string   `yaml:"name"`
	Image string   `yaml:"image"`
	Args  []string `yaml:"args"`
	Env   []struct {
		Name  string `yaml:"name"`
		Value string `yaml:"value"`
	} `yaml:"env"`
	Ports []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
		Protocol      string `yaml:"protocol"`
	} `yaml:"ports"`
	ReadinessProbe *k8sProbe `yaml:"readinessProbe"`
	LivenessProbe  *k8sProbe `yaml:"livenessProbe"`
	Resources      struct {
		Requests map[string]string `yaml:"requests"`
		Limits   map[string]string `yaml:"limits"`
	} `yaml:"resources"`
	SecurityContext struct {
		ReadOnlyRootFilesystem   bool `yaml:"readOnlyRootFilesystem"`
		AllowPrivilegeEscalation bool `yaml:"allowPrivilegeEscalation"`
		Capabilities             struct {
			Drop []string `yaml:"drop"`
		} `yaml:"capabilities"`
	} `yaml:"securityContext"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
		ReadOnly  bool   `yaml:"readOnly"`
	} `yaml:"volumeMounts"`
}

type k8sProbe struct {
	HTTPGet struct {
		Path string `yaml:"path"`
		Port string `yaml:"port"`
	} `yaml:"httpGet"`
	PeriodSeconds int `yaml:"periodSeconds"`
}

type k8sServiceSpec struct {
	Selector map[string]string `yaml:"selector"`
	Ports    []struct {
		Name       string `yaml:"name"`
		Port       int    `yaml:"port"`
		TargetPort string `yaml:"targetPort"`
	} `yaml:"ports"`
}

func strictDecode(t *testing.T, n *yaml.Node, v any, what string) {
	t.Helper()
	var b bytes.Buffer
	if err := yaml.NewEncoder(&b).Encode(n); err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(&b)
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// dns1123 is a Kubernetes object name (RFC 1123 label).
var dns1123 = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// The Kubernetes example in deploy/ is what the README shows: every object
// has the shape kubectl accepts, the Deployment's selector matches its
// pods, the Service reaches the container's port, and the container's args
// are a valid `drplan exporter` command line (parsed by the command's own
// flags) whose --listen port is the container's, whose --record-dir is on
// a writable volume (the root file system is read-only), and whose verify
// flags agree with each other.
func TestKubernetesExample(t *testing.T) {
	const file = "../../deploy/kubernetes/drplan-exporter.yaml"
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	objs := map[string]k8sObject{}
	for {
		var o k8sObject
		err := dec.Decode(&o)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		want := map[string]string{"ServiceAccount": "v1", "Service": "v1", "Deployment": "apps/v1"}[o.Kind]
		if want == "" || o.APIVersion != want {
			t.Errorf("%s %s: apiVersion %q, want %q", o.Kind, o.Metadata.Name, o.APIVersion, want)
		}
		if !dns1123.MatchString(o.Metadata.Name) || !dns1123.MatchString(o.Metadata.Namespace) {
			t.Errorf("%s: name %q / namespace %q are not DNS-1123 labels", o.Kind, o.Metadata.Name, o.Metadata.Namespace)
		}
		objs[o.Kind] = o
	}
	if len(objs) != 3 {
		t.Fatalf("objects %v, want a ServiceAccount, a Deployment and a Service", slices.Collect(func(yield func(string) bool) {
			for k := range objs {
				yield(k)
			}
		}))
	}

	var dep k8sDeploymentSpec
	d := objs["Deployment"]
	strictDecode(t, &d.Spec, &dep, "Deployment spec")
	var svc k8sServiceSpec
	s := objs["Service"]
	strictDecode(t, &s.Spec, &svc, "Service spec")

	pod := dep.Template.Spec
	if dep.Replicas != 1 {
		t.Errorf("replicas %d: more than one would each read AWS", dep.Replicas)
	}
	if len(dep.Selector.MatchLabels) == 0 {
		t.Error("Deployment without a selector")
	}
	for k, v := range dep.Selector.MatchLabels {
		if dep.Template.Metadata.Labels[k] != v || svc.Selector[k] != v {
			t.Errorf("selector %s=%s does not match the pod template's labels or the Service's selector", k, v)
		}
	}
	if pod.ServiceAccountName != objs["ServiceAccount"].Metadata.Name {
		t.Errorf("serviceAccountName %q, not the ServiceAccount %q", pod.ServiceAccountName, objs["ServiceAccount"].Metadata.Name)
	}
	if len(pod.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(pod.Containers))
	}
	c := pod.Containers[0]
	if !dns1123.MatchString(c.Name) || c.Image == "" {
		t.Errorf("container name %q, image %q", c.Name, c.Image)
	}
	volumes := map[string]bool{}
	for _, v := range pod.Volumes {
		volumes[v.Name] = true
	}
	envName := regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	seen := map[string]bool{}
	for _, e := range c.Env {
		if !envName.MatchString(e.Name) || seen[e.Name] {
			t.Errorf("env %q: not a valid or unique name", e.Name)
		}
		seen[e.Name] = true
	}
	ports := map[string]int{}
	for _, p := range c.Ports {
		ports[p.Name] = p.ContainerPort
	}
	for _, p := range svc.Ports {
		if _, ok := ports[p.TargetPort]; !ok {
			t.Errorf("Service port %s targets %q, which the container does not name", p.Name, p.TargetPort)
		}
	}
	for _, pr := range []*k8sProbe{c.ReadinessProbe, c.LivenessProbe} {
		if pr != nil {
			if _, ok := ports[pr.HTTPGet.Port]; !ok {
				t.Errorf("probe on port %q, which the container does not name", pr.HTTPGet.Port)
			}
		}
	}

	// The args, through the exporter's own flag parser and checks.
	if len(c.Args) == 0 || c.Args[0] != "exporter" {
		t.Fatalf("args %v do not start with the exporter command", c.Args)
	}
	opts := &ExporterOptions{}
	cmd := newExporterCmd(Streams{Out: io.Discard, ErrOut: io.Discard})
	if err := cmd.ParseFlags(c.Args[1:]); err != nil {
		t.Fatalf("args %v: %v", c.Args, err)
	}
	if err := cmd.ValidateArgs(cmd.Flags().Args()); err != nil {
		t.Fatalf("args %v: %v", c.Args, err)
	}
	f := cmd.Flags()
	get := func(name string) string { return f.Lookup(name).Value.String() }
	var errs []error
	pick := func(v any, err error) any { errs = append(errs, err); return v }
	opts.VerifyInterval = pick(f.GetDuration("verify-interval")).(time.Duration)
	opts.VerifyTimeout = pick(f.GetDuration("verify-timeout")).(time.Duration)
	opts.VerifyConcurrency = pick(f.GetInt("verify-concurrency")).(int)
	opts.RecordDir = get("record-dir")
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if err := checkVerifyFlags(cmd, opts); err != nil {
		t.Errorf("args %v: %v", c.Args, err)
	}
	if opts.VerifyInterval == 0 {
		t.Error("the example does not turn continuous verification on")
	}
	_, port, _ := strings.Cut(get("listen"), ":")
	if n, _ := strconv.Atoi(port); n != ports["metrics"] || n == 0 {
		t.Errorf("--listen %s, but the container's metrics port is %d", get("listen"), ports["metrics"])
	}
	if strings.HasPrefix(get("listen"), "127.") {
		t.Errorf("--listen %s: loopback cannot be scraped from outside the pod", get("listen"))
	}
	if !c.SecurityContext.ReadOnlyRootFilesystem {
		t.Error("the container's root file system is writable: the exporter needs only --record-dir")
	}
	writable := false
	for _, m := range c.VolumeMounts {
		if !volumes[m.Name] {
			t.Errorf("volume mount %s names no volume", m.Name)
		}
		if !m.ReadOnly && (opts.RecordDir == m.MountPath || strings.HasPrefix(opts.RecordDir, strings.TrimSuffix(m.MountPath, "/")+"/")) {
			writable = true
		}
	}
	if opts.RecordDir != "" && !writable {
		t.Errorf("--record-dir %s is not on a writable volume mount", opts.RecordDir)
	}
}
