// An in-memory OCI registry that serves the OCI 1.1 referrers API (GET /v2/<name>/referrers/<digest>),
// which Debian's docker-registry (distribution 2.8) lacks: go-containerregistry's pkg/registry with
// referrers support on. Listens on 127.0.0.1 and a free port, and prints `listening on HOST:PORT`.
package main

import (
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
)

func main() {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stdout, "listening on %s\n", listener.Addr().String())
	server := &http.Server{
		ReadHeaderTimeout: 5 * time.Second,
		Handler:           registry.New(registry.WithReferrersSupport(true), registry.Logger(log.New(os.Stderr, "", log.LstdFlags))),
	}
	log.Fatal(server.Serve(listener))
}
