package awstest_test

import (
	"testing"

	"github.com/drplan/drplan/verify"
	"github.com/drplan/drplan/verify/awstest"
)

func TestMerge(t *testing.T) {
	a, b := awstest.NewWorld(), awstest.NewWorld()
	a.Region("us-east-1").Buckets["one"] = &verify.Bucket{Name: "one"}
	b.Region("us-east-1").Buckets["two"] = &verify.Bucket{Name: "two"}
	b.Region("us-west-2").EKSClusters["k"] = &verify.EKSCluster{Name: "k"}
	b.Records["Z1"] = []verify.DNSRecord{{Name: "a."}}
	a.Merge(b)
	if len(a.Regions["us-east-1"].Buckets) != 2 || a.Regions["us-west-2"].EKSClusters["k"] == nil || len(a.Records["Z1"]) != 1 {
		t.Errorf("merged world: %+v", a)
	}
}
