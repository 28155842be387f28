// Command image-reference reads image references, one per line on standard input, and prints how
// github.com/distribution/reference reads each (the parser the kubelet and container runtimes use),
// one JSON object per line. The test harness compares hardpod's image reference parser with it.
package main

import (
	"bufio"
	// The digest algorithms must be linked in, as they are in the kubelet, or every digest is "unsupported".
	_ "crypto/sha256"
	_ "crypto/sha512"
	"encoding/json"
	"os"

	"github.com/distribution/reference"
)

type reading struct {
	Input  string `json:"input"`
	Error  string `json:"error,omitempty"`
	Domain string `json:"domain,omitempty"`
	Path   string `json:"path,omitempty"`
	Tag    string `json:"tag,omitempty"`
	Digest string `json:"digest,omitempty"`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		r := reading{Input: in.Text()}
		named, err := reference.ParseNormalizedNamed(r.Input)
		if err != nil {
			r.Error = err.Error()
		} else {
			r.Domain = reference.Domain(named)
			r.Path = reference.Path(named)
			if tagged, ok := named.(reference.Tagged); ok {
				r.Tag = tagged.Tag()
			}
			if digested, ok := named.(reference.Digested); ok {
				r.Digest = digested.Digest().String()
			}
		}
		if err := out.Encode(r); err != nil {
			os.Exit(1)
		}
	}
	if in.Err() != nil {
		os.Exit(1)
	}
}
