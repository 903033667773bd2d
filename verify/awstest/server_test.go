package awstest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/drplan/drplan/verify"
	"github.com/drplan/drplan/verify/awstest"
)

func cfg(srv *awstest.Server) aws.Config {
	return aws.Config{
		Region:       "eu-west-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDLOCALTEST", "local-test-secret", ""),
		BaseEndpoint: aws.String(srv.URL),
	}
}

// The read-only proof relies on the server naming every operation that
// reaches it, writes included: a mutating call must show up as itself
// (or as an unknown request), never pass unseen.
func TestServerRecordsMutatingCalls(t *testing.T) {
	srv := awstest.NewServer(awstest.NewWorld())
	defer srv.Close()
	ctx := context.Background()
	c := cfg(srv)
	rds.NewFromConfig(c).DeleteDBCluster(ctx, &rds.DeleteDBClusterInput{DBClusterIdentifier: aws.String("db")})
	s3.NewFromConfig(c).PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("b"), VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusSuspended}})
	eks.NewFromConfig(c).DeleteCluster(ctx, &eks.DeleteClusterInput{Name: aws.String("k")})
	calls := srv.Calls()
	if len(calls) != 3 {
		t.Fatalf("calls: %v", calls)
	}
	for _, call := range calls {
		if verify.IsReadOnly(call.Operation) {
			t.Errorf("a mutating call was recorded as %s", call)
		}
		if call.Region != "eu-west-1" {
			t.Errorf("%s: region %q, want the signing region", call, call.Region)
		}
	}
	if calls[0].String() != "rds:DeleteDBCluster" {
		t.Errorf("got %s, want rds:DeleteDBCluster", calls[0])
	}
	if !strings.HasPrefix(calls[1].Operation, "UNKNOWN PUT") || !strings.HasPrefix(calls[2].Operation, "UNKNOWN DELETE") {
		t.Errorf("got %v", calls[1:])
	}
}

// Errors come back to the SDK as the API errors they stand for.
func TestServerErrorsReachTheSDKAsAPIErrors(t *testing.T) {
	srv := awstest.NewServer(awstest.NewWorld())
	defer srv.Close()
	ctx := context.Background()
	c := cfg(srv)
	c.RetryMaxAttempts = 1
	_, err := rds.NewFromConfig(c).DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String("nope")})
	if err == nil || !strings.Contains(err.Error(), "DBClusterNotFoundFault") {
		t.Errorf("rds: %v", err)
	}
	srv.Deny = func(awstest.Call) bool { return true }
	_, err = eks.NewFromConfig(c).DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("k")})
	if err == nil || !strings.Contains(err.Error(), "AccessDeniedException") {
		t.Errorf("eks: %v", err)
	}
	_, err = s3.NewFromConfig(c).GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String("b")})
	if err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("s3: %v", err)
	}
}
