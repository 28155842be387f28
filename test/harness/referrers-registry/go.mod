// Builds the referrers registry for the image signature tests; see scripts/setup/referrers-registry.sh.
module hardpod.test/referrers-registry

go 1.24.0

require github.com/google/go-containerregistry v0.20.7
