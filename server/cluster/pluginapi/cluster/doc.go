// Package cluster is a drop-in for mattermost-plugin-api v0.0.19's cluster
// package: the same exported names and signatures, as thin wrappers over
// this repository's server/cluster. A plugin migrates by changing the
// import path only:
//
//	github.com/mattermost/mattermost-plugin-api/cluster
//	→ <module>/server/cluster/pluginapi/cluster
//
// Keys, locks and records are v0.0.19's, so old and new nodes work side by
// side during a rolling upgrade. What changes in behaviour is listed in
// server/cluster/ADOPTING.md; new code should use server/cluster directly.
package cluster
