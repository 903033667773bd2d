// Command drplan lints, renders, verifies and drills disaster-recovery plans
// written as code.
package main

import "os"

func main() {
	os.Exit(int(Main(os.Args[1:], defaultStreams())))
}
