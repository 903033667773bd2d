package lint

import (
	"fmt"
	"strings"
	"testing"

	"github.com/drplan/drplan/schema"
)

func TestAWSCalls(t *testing.T) {
	for script, want := range map[string]string{
		"aws rds describe-db-clusters --region us-west-2 --query 'x' --output text": "aws rds describe-db-clusters us-west-2",
		"aws --profile dns --region=us-east-1 route53 get-change --id x":            "aws route53 get-change us-east-1",
		"change_id=$(aws route53 change-resource-record-sets --profile orderflow-dns \\\n  --hosted-zone-id Z1 --change-batch '{\"a\": \"$(x)\"}')\naws route53 wait resource-record-sets-changed --id \"$change_id\"": "aws route53 change-resource-record-sets ; aws route53 wait",
		"if aws rds describe-db-clusters --region us-east-1; then echo ok; fi":                                          "aws rds describe-db-clusters us-east-1 tolerated",
		"aws iam attach-role-policy --role-name r --policy-arn a || echo failed":                                        "aws iam attach-role-policy tolerated",
		"for r in us-west-2 eu-west-1; do aws route53-recovery-cluster get-routing-control-state --region \"$r\"; done": "aws route53-recovery-cluster get-routing-control-state",
		"AWS_REGION=us-east-1 timeout 30 aws sts get-caller-identity":                                                   "aws sts get-caller-identity us-east-1",
		"# aws route53 delete-hosted-zone\npsql <<SQL\naws route53 in a here-document's don't\nSQL\necho done":          "",
		"echo \"`aws s3 ls`\" $((1 + 2))":                                                                               "aws s3 ls",
		"until aws rds describe-global-clusters --region us-west-2 | grep -q w; do sleep 10; done":                      "aws rds describe-global-clusters us-west-2",
	} {
		var got []string
		for _, a := range awsCalls(script) {
			s := a.Text()
			if a.Region != "" {
				s += " " + a.Region
			}
			if a.Tolerated {
				s += " tolerated"
			}
			got = append(got, s)
		}
		if g := strings.Join(got, " ; "); g != want {
			t.Errorf("awsCalls(%q)\n got %q\nwant %q", script, g, want)
		}
	}
}

// Every aws call of the reference plans parses to a service and an
// operation the CLI has.
func TestAWSCallsOfReferencePlans(t *testing.T) {
	n := 0
	for _, dir := range []string{"../plans/orderflow", "../plans/locallab"} {
		p, err := schema.Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		for id, rb := range p.Runbooks {
			scripts := []string{}
			for _, pc := range rb.Preconditions {
				scripts = append(scripts, pc.Command)
			}
			for _, s := range rb.Steps {
				scripts = append(scripts, s.Command)
				if s.Rollback != nil {
					scripts = append(scripts, s.Rollback.Command)
				}
			}
			for _, pa := range rb.PostActions {
				scripts = append(scripts, pa.Command)
			}
			for _, sc := range scripts {
				for _, a := range awsCalls(sc) {
					n++
					if a.Op == "" || strings.HasPrefix(a.Op, "-") || strings.ContainsAny(a.Service+a.Op, "$'\"") {
						t.Errorf("%s: %s: bad parse %+v", dir, id, a)
					}
					if testing.Verbose() {
						fmt.Println(id, a.Text(), a.Region, a.Tolerated)
					}
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no aws calls found in the reference plans")
	}
}
