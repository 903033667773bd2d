// Command awsfake serves, on 127.0.0.1, an AWS that matches the plans
// given, in AWS's own wire formats: for trying `drplan verify` without an
// AWS account, and for measuring it as a whole process.
//
//	go run ./verify/awstest/awsfake -latency 50ms plans/orderflow
//	AWS_ENDPOINT_URL=http://127.0.0.1:PORT AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x drplan verify plans/orderflow
//
// The plans' accounts each get their own state; requests signed with
// the environment's key reach the account awstest.Account, and STS
// AssumeRole for the role drplan-verify (or an account's own role) gives
// keys that reach the others, so `drplan verify --assume-role
// drplan-verify` reads every account as it would in AWS.
//
// It prints the endpoint URL on its first line, serves until interrupted,
// then prints how many calls it answered.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/drplan/drplan/schema"
	"github.com/drplan/drplan/verify/awstest"
)

func main() {
	latency := flag.Duration("latency", 0, "added to every answer")
	rate := flag.Float64("rate-limit", 0, "throttle each service in each region beyond this many requests a second (0: never)")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: awsfake [-latency D] [-rate-limit N] PLAN...")
		os.Exit(2)
	}
	w := awstest.NewWorld()
	now := time.Now()
	for _, path := range flag.Args() {
		p, err := schema.Load(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "awsfake:", err)
			os.Exit(2)
		}
		w.Merge(awstest.FromPlan(p, now))
	}
	srv := awstest.NewServer(w)
	srv.Latency, srv.RateLimit = *latency, *rate
	fmt.Println(srv.URL)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	srv.Close()
	fmt.Fprintf(os.Stderr, "awsfake: %d calls, %d throttled\n", len(srv.Calls()), srv.Throttled())
}
